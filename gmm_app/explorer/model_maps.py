"""The plane the maps show and the grids behind them (no Streamlit, no Plotly).

For the chosen view: the points in the plane, both methods' scores over a grid of
that plane (a slice through the data's mean when it has more than two features),
where each method's clusters meet, and the mixture density over a coarser grid
for the 3-D hills. Independent of the fog: the slider only re-tempers
``grid_log_prob``. Imports numpy, :mod:`gmm_core` and
:mod:`gmm_app.plotting.geometry` (numpy only).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gmm_app.explorer.model import Analysis
from gmm_app.plotting.geometry import Projection, same_scale, span
from gmm_core import score_samples
from gmm_core.mixture import weighted_log_prob

_GRID = 110  # grid cells per axis behind the 2-D maps
_STRIP_GRID = 400  # grid cells along the axis for one feature
_SURFACE_GRID = 60  # grid cells per axis of the 3-D landscape


@dataclass(frozen=True, eq=False)
class ViewMaps:
    """The chosen plane and the grid behind the maps (independent of the fog).

    Attributes
    ----------
    xy : ndarray of shape (N, 2)
    titles : (str, str)
        Axis titles as the data names them (not yet safe for Plotly).
    strip : bool
        One feature: x is the feature, y a fixed jitter.
    equal_aspect : bool
    xs : ndarray of shape (G,)
    ys : ndarray of shape (H,)
    grid_log_prob : ndarray of shape (H, G, K)
        Weighted log-densities over the grid (a slice through the data's mean
        when the data has more than two features).
    gmm_labels_grid, kmeans_labels_grid : ndarrays of int, shape (H, G)
    gmm_margins, kmeans_margins : ndarrays of shape (K, H, G)
        Each cluster's score minus the best other's (borders are the zeros).
    means_xy, covs_xy, centres_xy : hill tops (K, 2), hill shapes (K, 2, 2) and
        island centres (K, 2) in the plane.
    surface_xs, surface_ys : ndarrays of shape (S,)
    surface : ndarray of shape (S, S)
        The mixture density over a coarser grid (the 3-D hills).
    top_heights : ndarray of shape (K,)
        The density at each hill top (in the slice).
    point_heights : ndarray of shape (N,) or None
        Each point's density, when the plane holds every feature (D = 2).
    """

    xy: np.ndarray
    titles: tuple[str, str]
    strip: bool
    equal_aspect: bool
    xs: np.ndarray
    ys: np.ndarray
    grid_log_prob: np.ndarray
    gmm_labels_grid: np.ndarray
    kmeans_labels_grid: np.ndarray
    gmm_margins: np.ndarray
    kmeans_margins: np.ndarray
    means_xy: np.ndarray
    covs_xy: np.ndarray
    centres_xy: np.ndarray
    surface_xs: np.ndarray | None
    surface_ys: np.ndarray | None
    surface: np.ndarray | None
    top_heights: np.ndarray | None
    point_heights: np.ndarray | None


def _projection_for(
    X: np.ndarray, feature_names: tuple[str, ...], view: str
) -> Projection | None:
    """The plane named by ``view``.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    feature_names : tuple of str, length D
    view : str
        "pca" (for D > 2) or "i,j" (features i and j); anything else, or a pair
        out of range, gives the first two features.

    Returns
    -------
    Projection or None
        None for one feature.
    """
    if X.shape[1] == 1:
        return None
    if view == "pca" and X.shape[1] > 2:
        return Projection.pca(X)
    if "," in view:
        i, j = (int(a) for a in view.split(","))
        if max(i, j) < X.shape[1] and i != j:
            return Projection.features(feature_names, i, j)
    return Projection.features(feature_names)


def border_margins(scores: np.ndarray) -> np.ndarray:
    """Each cluster's score minus the best other cluster's: its border is the zero.

    Parameters
    ----------
    scores : ndarray of shape (H, G, K)
        Any score that the cluster with the largest one wins.

    Returns
    -------
    ndarray of shape (K, H, G)
        Positive where cluster k wins; finite (clipped to ±1e6, NaN as 0);
        zeros when K < 2.
    """
    k = scores.shape[-1]
    if k < 2:
        return np.zeros((k, *scores.shape[:-1]))
    ordered = np.sort(scores, axis=-1)
    best, second = ordered[..., -1:], ordered[..., -2:-1]
    other = np.where(scores == best, second, best)
    margins = np.moveaxis(scores - other, -1, 0)
    return np.clip(np.nan_to_num(margins, nan=0.0), -1e6, 1e6)


def map_grids(
    X: np.ndarray, feature_names: tuple[str, ...], an: Analysis, view: str
) -> ViewMaps:
    """The plane ``view`` and the grids behind the maps.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    feature_names : tuple of str, length D
    an : Analysis
        Both fits of ``X``.
    view : str
        "pca" or "i,j" for data with more than two features; ignored otherwise.

    Returns
    -------
    ViewMaps
    """
    params = an.params
    k = params.n_components
    projection = _projection_for(X, feature_names, view)
    centre = X.mean(axis=0)
    if projection is None:  # one feature: a strip
        rng = np.random.default_rng(0)
        xy = np.column_stack([X[:, 0], rng.uniform(0.08, 0.92, len(X))])
        xs = np.linspace(*span(X[:, 0], 0.04), _STRIP_GRID)
        ys = np.array([-0.05, 1.05])
        line_lp = weighted_log_prob(xs[:, None], params)
        grid_lp = np.stack([line_lp, line_lp])
        line_km = -((xs[:, None] - an.kmeans_centres[:, 0][None, :]) ** 2)
        km_scores = np.stack([line_km, line_km])
        titles = (feature_names[0], "")
        means_xy = np.column_stack([params.means[:, 0], np.full(k, 0.5)])
        covs_xy = np.zeros((k, 2, 2))
        centres_xy = np.column_stack([an.kmeans_centres[:, 0], np.full(k, 0.5)])
        equal = False
        surface_xs = surface_ys = surface = top_heights = point_heights = None
    else:
        xy = projection.points(X)
        (x0, x1), (y0, y1) = span(xy[:, 0]), span(xy[:, 1])
        xs, ys = np.linspace(x0, x1, _GRID), np.linspace(y0, y1, _GRID)
        equal = same_scale((x0, x1), (y0, y1))
        offset = projection.points(centre[None, :])[0]

        def lift(gx: np.ndarray, gy: np.ndarray) -> np.ndarray:
            """Grid points of the plane, back in D dimensions (through the mean)."""
            plane = np.column_stack([gx.ravel(), gy.ravel()]) - offset
            return centre + plane @ projection.matrix.T

        def density(points: np.ndarray) -> np.ndarray:
            """p(x) of points of shape (M, D), shape (M,)."""
            return np.exp(score_samples(points, params))

        gx, gy = np.meshgrid(xs, ys)
        lifted = lift(gx, gy)
        grid_lp = weighted_log_prob(lifted, params).reshape(len(ys), len(xs), k)
        sq = ((lifted[:, None, :] - an.kmeans_centres[None, :, :]) ** 2).sum(axis=2)
        km_scores = -sq.reshape(len(ys), len(xs), k)
        titles = projection.titles
        means_xy = projection.points(params.means)
        covs_xy = projection.covariances(params)
        centres_xy = projection.points(an.kmeans_centres)
        surface_xs = np.linspace(x0, x1, _SURFACE_GRID)
        surface_ys = np.linspace(y0, y1, _SURFACE_GRID)
        sx, sy = np.meshgrid(surface_xs, surface_ys)
        surface = density(lift(sx, sy)).reshape(_SURFACE_GRID, _SURFACE_GRID)
        top_heights = density(centre + (means_xy - offset) @ projection.matrix.T)
        point_heights = np.exp(an.log_density) if X.shape[1] == 2 else None
    return ViewMaps(
        xy=xy,
        titles=titles,
        strip=projection is None,
        equal_aspect=equal,
        xs=xs,
        ys=ys,
        grid_log_prob=grid_lp,
        gmm_labels_grid=grid_lp.argmax(axis=-1),
        kmeans_labels_grid=km_scores.argmax(axis=-1),
        gmm_margins=border_margins(grid_lp),
        kmeans_margins=border_margins(km_scores),
        means_xy=means_xy,
        covs_xy=covs_xy,
        centres_xy=centres_xy,
        surface_xs=surface_xs,
        surface_ys=surface_ys,
        surface=surface,
        top_heights=top_heights,
        point_heights=point_heights,
    )
