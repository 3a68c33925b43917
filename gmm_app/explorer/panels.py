"""The Fog explorer's widgets, panels and cached fits (Streamlit).

Everything expensive is fitted once per data and settings (``st.cache_data``):
K-Means, the Gaussian mixture and each point's log-scores, then the grid behind
the maps for the chosen view. The fog slider only re-tempers those log-scores,
so moving it refits nothing.

Tempering: with the weighted log-densities ``l_ik = log pi_k + log N(x_i | mu_k,
Sigma_k)``, the responsibilities at fog ``T`` are ``r_ik(T) ∝ exp(l_ik / T)``,
normalised by log-sum-exp. ``T = 1`` is the GMM's own E-step, ``T -> 0`` the
hard, clear-day labels and ``T > 1`` thicker fog, up to equal shares.
"""

from __future__ import annotations

import functools
import itertools
import re
import time
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st
from sklearn.metrics import adjusted_rand_score

from gmm_app.explorer.figures import (
    MapView,
    confidence_panel,
    dbscan_panel,
    explorer_map,
    hills_contour,
    hills_panel,
    hills_surface,
    island_name,
    islands_panel,
    log_density_histogram,
    recipe_bar,
    soft_panel,
    whole_percents,
)
from gmm_app.plotting.builder import plot_text
from gmm_app.plotting.fog import fog_curves, responsibility_bands
from gmm_app.plotting.geometry import Projection
from gmm_app.shell import state
from gmm_app.shell.widgets import k_input, seed_input
from gmm_app.words import hill_name, hill_title, md_escape, milliseconds, type_label
from gmm_core import (
    COVARIANCE_TYPES,
    PRESETS,
    Dataset,
    FogmapError,
    GMMParams,
    Restart,
    fit,
    n_parameters,
    responsibilities,
    score_samples,
    soft_assignment_table,
)
from gmm_core.mixture import weighted_log_prob
from gmm_core.shapes import standardise

# Fog levels T on the slider: 0 is the clear day (hard labels), 1 the GMM's own.
FOG_LEVELS = (0.0, 0.05, 0.1, 0.2, 0.35, 0.5, 0.7, 1.0, 1.4, 2.0, 3.0, 5.0)
SURE = 0.9  # a point is "sure" above this probability
MAX_SENTENCES = 3000  # above this many points, hover text is built in the browser
GRID = 110  # grid cells per axis behind the 2-D maps
STRIP_GRID = 400  # grid cells along the axis for one feature
SURFACE_GRID = 60  # grid cells per axis of the 3-D landscape
NEEDLE = 1e-4  # a hill thinner than this share of the data's variance is a needle
BACKGROUNDS = {
    "gmm": "the GMM's regions (curved borders)",
    "kmeans": "K-Means's regions (straight borders)",
    "both": "both sets of borders",
}
URL_KEYS = ("n_components", "covariance_type", "seed", "fx_fog")


###############################################################################
# Tempering and words (plain functions, no Streamlit)


def temper(log_prob: np.ndarray, fog: float) -> np.ndarray:
    """Responsibilities at fog ``fog``: ``r_ik ∝ exp(log_prob_ik / fog)``.

    Parameters
    ----------
    log_prob : ndarray of shape (N, K)
        ``log pi_k + log N(x_i | mu_k, Sigma_k)``
        (:func:`gmm_core.mixture.weighted_log_prob`).
    fog : float
        The temperature T >= 0. 0 gives one-hot rows (the likeliest hill, ties
        to the first); 1 gives the GMM's own responsibilities.

    Returns
    -------
    ndarray of shape (N, K)
        Each row sums to 1; computed by log-sum-exp, so no row overflows or
        underflows to 0/0.
    """
    log_prob = np.asarray(log_prob, dtype=np.float64)
    n, k = log_prob.shape
    if fog <= 0:
        hard = np.zeros((n, k))
        hard[np.arange(n), log_prob.argmax(axis=1)] = 1.0
        return hard
    z = log_prob / fog
    top = z.max(axis=1, keepdims=True)
    top[~np.isfinite(top)] = 0.0
    z -= top
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


def fog_sentences(probs: np.ndarray, min_share: float = 0.005) -> list[str]:
    """Every point's soft assignment in words, as :func:`gmm_app.words.fog_sentence`.

    Parameters
    ----------
    probs : ndarray of shape (N, K)
    min_share : float
        Shares below this are left out (except the largest).

    Returns
    -------
    list of str, length N
        "72% hill A, 25% hill B, 3% hill C".
    """
    order = np.argsort(probs, axis=1)[:, ::-1]
    ranked = np.take_along_axis(probs, order, axis=1)
    names = [hill_name(k) for k in range(probs.shape[1])]
    out = []
    for values, hills in zip(ranked.tolist(), order.tolist(), strict=True):
        parts = [f"{values[0]:.0%} {names[hills[0]]}"]
        parts += [
            f"{v:.0%} {names[h]}"
            for v, h in zip(values[1:], hills[1:], strict=True)
            if v >= min_share
        ]
        out.append(", ".join(parts))
    return out


def recipe_sentence(weights: np.ndarray, names: list[str] | None = None) -> str:
    """The mixing weights in words, largest first, adding up to exactly 100%.

    Parameters
    ----------
    weights : ndarray of shape (K,)
    names : list of str, optional
        Default: hill A, hill B, ...

    Returns
    -------
    str
        "40% hill A, 35% hill B, 25% hill C".
    """
    percents = whole_percents(weights)
    names = names or [hill_name(k) for k in range(len(percents))]
    order = sorted(range(len(percents)), key=lambda k: (-weights[k], k))
    return ", ".join(f"{percents[k]}% {names[k]}" for k in order)


def outlier_cut(log_density: np.ndarray, percent: float) -> tuple[float, np.ndarray]:
    """The density cut and the points below it.

    Parameters
    ----------
    log_density : ndarray of shape (N,)
        ``gmm_core.score_samples`` of every point.
    percent : float
        The percentile (0-100) of the log-densities that is the cut.

    Returns
    -------
    threshold : float
    outliers : ndarray of int
        Indices of the points strictly below the cut.
    """
    threshold = float(np.percentile(log_density, percent))
    return threshold, np.flatnonzero(log_density < threshold)


def match_islands(
    kmeans_labels: np.ndarray, hill_labels: np.ndarray, k: int
) -> np.ndarray:
    """Name K-Means clusters after the hills they overlap most.

    Parameters
    ----------
    kmeans_labels : ndarray of int, shape (N,)
        scikit-learn's cluster numbers.
    hill_labels : ndarray of int, shape (N,)
        The GMM's likeliest hill of each point.
    k : int

    Returns
    -------
    ndarray of int, shape (k,)
        ``island[c]``: the island letter (0 = A) of scikit-learn's cluster c, so
        island A is the cluster most like hill A.
    """
    from scipy.optimize import linear_sum_assignment

    overlap = np.zeros((k, k))
    np.add.at(overlap, (kmeans_labels, hill_labels), 1)
    rows, cols = linear_sum_assignment(-overlap)
    island = np.empty(k, dtype=int)
    island[rows] = cols
    return island


def selected_points(event: object, n_points: int) -> np.ndarray:
    """Row numbers of the points a box, lasso or click selected on the map.

    Point traces carry the row number first in ``customdata``. Plotly hands a row
    of a typed-array ``customdata`` back as a dict keyed "0", "1", ..., a plain
    one as a list, and a single column as a bare number: all are read here.
    Traces without ``customdata`` (hill tops, outlier rings) are ignored.

    Parameters
    ----------
    event : the value of ``st.plotly_chart(..., on_select="rerun")``
    n_points : int
        Rows outside 0..n_points-1 (a selection left over from other data) are
        dropped.

    Returns
    -------
    ndarray of int
        Sorted, without repeats.
    """
    selection = getattr(event, "selection", None)
    if selection is None and isinstance(event, dict):
        selection = event.get("selection")
    points = (selection or {}).get("points", []) if selection is not None else []
    found = set()
    for point in points or []:
        data = point.get("customdata") if isinstance(point, dict) else None
        if isinstance(data, dict):
            first = data.get("0", next(iter(data.values()), None))
        elif isinstance(data, list | tuple):
            first = data[0] if data else None
        else:
            first = data
        try:
            index = int(first)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue
        if 0 <= index < n_points:
            found.add(index)
    return np.array(sorted(found), dtype=int)


###############################################################################
# Cached fits


@dataclass(frozen=True, eq=False)
class Analysis:
    """Everything fitted once per data and settings (independent of the fog).

    Attributes
    ----------
    params : GMMParams
        The best restart's mixture.
    restarts : tuple of Restart
    stop_reason : str
    n_iter : int
        Iterations of the best restart.
    log_prob : ndarray of shape (N, K)
        Weighted log-densities of every point (tempered into probabilities).
    log_density : ndarray of shape (N, K)
        log p(x_i), ``gmm_core.score_samples``.
    labels : ndarray of int, shape (N,)
        The GMM's likeliest hill.
    kmeans_raw_labels : ndarray of int, shape (N,)
        scikit-learn's K-Means labels, as it numbers them.
    island : ndarray of int, shape (K,)
        Island letter of each scikit-learn cluster (see :func:`match_islands`).
    kmeans_labels : ndarray of int, shape (N,)
        Island of each point (``island[kmeans_raw_labels]``).
    kmeans_centres : ndarray of shape (K, D)
        Island centres, in island order.
    kmeans_seconds, gmm_seconds : float
        Fit times.
    """

    params: GMMParams
    restarts: tuple[Restart, ...]
    stop_reason: str
    n_iter: int
    log_prob: np.ndarray
    log_density: np.ndarray
    labels: np.ndarray
    kmeans_raw_labels: np.ndarray
    island: np.ndarray
    kmeans_labels: np.ndarray
    kmeans_centres: np.ndarray
    kmeans_seconds: float
    gmm_seconds: float

    @property
    def n_components(self) -> int:
        """K."""
        return self.params.n_components


def _kmeans(X: np.ndarray, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.cluster import KMeans

    with warnings.catch_warnings():
        # Fewer distinct points than K: scikit-learn warns and still answers.
        warnings.simplefilter("ignore")
        model = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(X)
    return model.labels_.astype(int), model.cluster_centers_


@st.cache_data(show_spinner="Fitting K-Means and the hills…", max_entries=32)
def analyse(
    X: np.ndarray, n_components: int, covariance_type: str, seed: int, n_init: int
) -> Analysis:
    """K-Means (10 starts) and a GMM (``n_init`` restarts from K-Means starts).

    Parameters
    ----------
    X : ndarray of shape (N, D)
    n_components : int
    covariance_type : {"full", "tied", "diag", "spherical"}
    seed : int
        K-Means's ``random_state`` and the GMM's first restart's seed.
    n_init : int

    Returns
    -------
    Analysis

    Raises
    ------
    FogmapError
        When the data cannot be fitted (the message is for the student).
    """
    start = time.perf_counter()
    raw, centres = _kmeans(X, n_components, seed)
    kmeans_seconds = time.perf_counter() - start
    start = time.perf_counter()
    result = fit(
        X,
        n_components,
        covariance_type=covariance_type,  # type: ignore[arg-type]
        init="kmeans",
        n_init=n_init,
        seed=seed,
    )
    gmm_seconds = time.perf_counter() - start
    params = result.params
    log_prob = weighted_log_prob(X, params)
    top = log_prob.max(axis=1, keepdims=True)
    log_density = (top + np.log(np.exp(log_prob - top).sum(axis=1, keepdims=True)))[
        :, 0
    ]
    labels = log_prob.argmax(axis=1)
    island = match_islands(raw, labels, n_components)
    order = np.argsort(island)  # island letter -> scikit-learn cluster
    return Analysis(
        params=params,
        restarts=result.restarts,
        stop_reason=result.best.stop_reason or "max_iter",
        n_iter=result.best.iteration,
        log_prob=log_prob,
        log_density=log_density,
        labels=labels,
        kmeans_raw_labels=raw,
        island=island,
        kmeans_labels=island[raw],
        kmeans_centres=centres[order],
        kmeans_seconds=kmeans_seconds,
        gmm_seconds=gmm_seconds,
    )


@dataclass(frozen=True, eq=False)
class ViewMaps:
    """The chosen plane and the grid behind the maps (independent of the fog).

    Attributes
    ----------
    xy : ndarray of shape (N, 2)
    titles : (str, str)
        Axis titles, safe for Plotly.
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


def projection_for(
    X: np.ndarray, feature_names: tuple[str, ...], view: str
) -> Projection | None:
    """The plane named by ``view`` ("pca", "i,j"); None for one feature."""
    if X.shape[1] == 1:
        return None
    if view == "pca" and X.shape[1] > 2:
        return Projection.pca(X)
    if "," in view:
        i, j = (int(a) for a in view.split(","))
        if max(i, j) < X.shape[1] and i != j:
            return Projection.features(feature_names, i, j)
    return Projection.features(feature_names)


def _margins(scores: np.ndarray) -> np.ndarray:
    """(H, G, K) scores -> (K, H, G): each cluster's score minus the best other's."""
    k = scores.shape[-1]
    if k < 2:
        return np.zeros((k, *scores.shape[:-1]))
    ordered = np.sort(scores, axis=-1)
    best, second = ordered[..., -1:], ordered[..., -2:-1]
    other = np.where(scores == best, second, best)
    margins = np.moveaxis(scores - other, -1, 0)
    return np.clip(np.nan_to_num(margins, nan=0.0), -1e6, 1e6)


def _span(values: np.ndarray, pad: float = 0.08) -> tuple[float, float]:
    low, high = float(values.min()), float(values.max())
    width = high - low
    if width <= 0:
        width = max(abs(low), 1.0)
    return low - pad * width, high + pad * width


def _mixture_log_density(lp: np.ndarray) -> np.ndarray:
    top = lp.max(axis=-1, keepdims=True)
    top[~np.isfinite(top)] = 0.0
    return (top + np.log(np.exp(lp - top).sum(axis=-1, keepdims=True)))[..., 0]


@st.cache_data(show_spinner=False, max_entries=32)
def view_maps(
    X: np.ndarray,
    feature_names: tuple[str, ...],
    n_components: int,
    covariance_type: str,
    seed: int,
    n_init: int,
    view: str,
) -> ViewMaps:
    """The plane ``view`` and the grids behind the maps.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    feature_names : tuple of str
    n_components, covariance_type, seed, n_init
        As in :func:`analyse` (its cached result is reused).
    view : str
        "pca" or "i,j" for data with more than two features; ignored otherwise.

    Returns
    -------
    ViewMaps
    """
    an = analyse(X, n_components, covariance_type, seed, n_init)
    params = an.params
    k = params.n_components
    projection = projection_for(X, feature_names, view)
    centre = X.mean(axis=0)
    if projection is None:  # one feature: a strip
        rng = np.random.default_rng(0)
        xy = np.column_stack([X[:, 0], rng.uniform(0.08, 0.92, len(X))])
        xs = np.linspace(*_span(X[:, 0], 0.04), STRIP_GRID)
        ys = np.array([-0.05, 1.05])
        line_lp = weighted_log_prob(xs[:, None], params)
        grid_lp = np.stack([line_lp, line_lp])
        line_km = -((xs[:, None] - an.kmeans_centres[:, 0][None, :]) ** 2)
        km_scores = np.stack([line_km, line_km])
        titles = (plot_text(feature_names[0]), "")
        means_xy = np.column_stack([params.means[:, 0], np.full(k, 0.5)])
        covs_xy = np.zeros((k, 2, 2))
        centres_xy = np.column_stack([an.kmeans_centres[:, 0], np.full(k, 0.5)])
        equal = False
        surface_xs = surface_ys = surface = top_heights = point_heights = None
    else:
        xy = projection.points(X)
        (x0, x1), (y0, y1) = _span(xy[:, 0]), _span(xy[:, 1])
        xs, ys = np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID)
        ratio = (x1 - x0) / (y1 - y0)
        equal = 1 / 3 <= ratio <= 3
        offset = projection.points(centre[None, :])[0]

        def lift(gx: np.ndarray, gy: np.ndarray) -> np.ndarray:
            """Grid points of the plane, back in D dimensions (through the mean)."""
            plane = np.column_stack([gx.ravel(), gy.ravel()]) - offset
            return centre + plane @ projection.matrix.T

        gx, gy = np.meshgrid(xs, ys)
        lifted = lift(gx, gy)
        grid_lp = weighted_log_prob(lifted, params).reshape(len(ys), len(xs), k)
        sq = ((lifted[:, None, :] - an.kmeans_centres[None, :, :]) ** 2).sum(axis=2)
        km_scores = -sq.reshape(len(ys), len(xs), k)
        titles = (plot_text(projection.titles[0]), plot_text(projection.titles[1]))
        means_xy = projection.points(params.means)
        covs_xy = projection.covariances(params)
        centres_xy = projection.points(an.kmeans_centres)
        surface_xs = np.linspace(x0, x1, SURFACE_GRID)
        surface_ys = np.linspace(y0, y1, SURFACE_GRID)
        sx, sy = np.meshgrid(surface_xs, surface_ys)
        surface = np.exp(
            _mixture_log_density(weighted_log_prob(lift(sx, sy), params))
        ).reshape(SURFACE_GRID, SURFACE_GRID)
        tops = centre + (means_xy - offset) @ projection.matrix.T
        top_heights = np.exp(_mixture_log_density(weighted_log_prob(tops, params)))
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
        gmm_margins=_margins(grid_lp),
        kmeans_margins=_margins(km_scores),
        means_xy=means_xy,
        covs_xy=covs_xy,
        centres_xy=centres_xy,
        surface_xs=surface_xs,
        surface_ys=surface_ys,
        surface=surface,
        top_heights=top_heights,
        point_heights=point_heights,
    )


@st.cache_data(show_spinner=False, max_entries=32)
def dbscan(
    X: np.ndarray, eps: float, min_samples: int
) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's DBSCAN on the standardised features.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    eps : float
        Neighbourhood radius, in standard deviations.
    min_samples : int

    Returns
    -------
    labels : ndarray of int, shape (N,)
        -1 for noise.
    core : ndarray of bool, shape (N,)
    """
    from sklearn.cluster import DBSCAN

    model = DBSCAN(eps=eps, min_samples=min_samples).fit(standardise(X))
    core = np.zeros(len(X), dtype=bool)
    core[model.core_sample_indices_] = True
    return model.labels_.astype(int), core


###############################################################################
# Settings


@dataclass(frozen=True)
class Settings:
    """What the fits run with; the fog does not refit."""

    n_components: int
    covariance_type: str
    seed: int
    n_init: int
    view: str


def _fog_param(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return min(FOG_LEVELS, key=lambda level: abs(level - value))


def read_url() -> None:
    """Take K, covariance type, seed and fog from a shared link (once)."""
    state.read_url_once(
        "fog_explorer",
        {
            "n_components": state.int_param(1, 10),
            "covariance_type": state.choice_param(COVARIANCE_TYPES),
            "seed": state.int_param(0, 9999),
            "fx_fog": _fog_param,
        },
    )


def write_url(settings: Settings, fog: float) -> None:
    """Keep this view in the URL so it can be shared."""
    state.write_url(
        {
            "n_components": settings.n_components,
            "covariance_type": settings.covariance_type,
            "seed": settings.seed,
            "fx_fog": f"{fog:g}",
        },
        URL_KEYS,
    )


def settings_panel(data: Dataset) -> Settings:
    """K, covariance type, seed, restarts and (for D > 2) the view; returns them."""
    with st.container(border=True):
        cols = st.columns([1, 1.6, 0.9, 1.3, 2.4 if data.n_features > 2 else 0.01])
        k = k_input(
            cols[0],
            data,
            "K (hills and islands)",
            help="How many clusters both methods look for.",
        )
        ctype = state.shared_widget(
            cols[1].selectbox,
            "Covariance type (GMM)",
            COVARIANCE_TYPES,
            format_func=type_label,
            key="covariance_type",
            help="What shapes a hill may take. K-Means has no such choice: its "
            "islands are always round.",
        )
        seed = seed_input(cols[2], help="Seeds K-Means and the GMM's first restart.")
        n_init = state.shared_widget(
            cols[3].slider,
            "GMM restarts",
            min_value=1,
            max_value=10,
            value=3,
            key="fx_n_init",
            help="EM from this many K-Means starts (seeds seed, seed + 1, ...); "
            "the best map is kept. K-Means itself always tries 10 starts.",
        )
        view = "xy"
        if data.n_features > 2:
            with cols[4]:
                view = view_picker(data)
    return Settings(int(min(k, data.n_samples)), ctype, int(seed), int(n_init), view)


def view_picker(data: Dataset) -> str:
    """Which plane of D > 2 features the maps show (the fits use every feature)."""
    pairs = list(itertools.combinations(range(data.n_features), 2))
    options = ["pca", *[f"{i},{j}" for i, j in pairs]]
    if state.remembered("fx_view") not in options:
        state.forget("fx_view")

    def label(option: str) -> str:
        if option == "pca":
            return "PCA view (the two directions of widest spread)"
        i, j = (int(a) for a in option.split(","))
        return f"{data.feature_names[i]} vs {data.feature_names[j]}"

    return state.shared_widget(
        st.selectbox,
        f"View ({data.n_features} features; the fits use them all)",
        options,
        format_func=label,
        key="fx_view",
        help="The maps show one plane. Backgrounds are a slice through the middle "
        "of the data (the other features at their mean).",
    )


def fit_or_explain(data: Dataset, settings: Settings) -> Analysis | None:
    """The cached fits, or a student-worded error and None."""
    try:
        return analyse(
            data.X,
            settings.n_components,
            settings.covariance_type,
            settings.seed,
            settings.n_init,
        )
    except FogmapError as exc:
        st.error(md_escape(str(exc)), icon=":material/error:")
    except ValueError as exc:  # scikit-learn refusing the data
        st.error(
            "K-Means could not cluster this data: "
            + md_escape(str(exc))
            + " Try a smaller K or other data.",
            icon=":material/error:",
        )
    return None


def maps_for(data: Dataset, settings: Settings) -> ViewMaps:
    """The cached grids behind the maps for the chosen view."""
    return view_maps(
        data.X,
        data.feature_names,
        settings.n_components,
        settings.covariance_type,
        settings.seed,
        settings.n_init,
        settings.view,
    )


###############################################################################
# The fog


@dataclass(frozen=True, eq=False)
class Fog:
    """The fog the student set, and what it does to the points and the grid.

    Attributes
    ----------
    level : float
        T.
    threshold : float
        Foggy valleys are under this probability.
    hill : int
        The hill the soft panel shows.
    probs : ndarray of shape (N, K)
        Tempered responsibilities of the points.
    grid : ndarray of shape (H, G, K)
        Tempered responsibilities over the grid.
    view : MapView
        What every map shares.
    """

    level: float
    threshold: float
    hill: int
    probs: np.ndarray
    grid: np.ndarray
    view: MapView

    @property
    def confidence_grid(self) -> np.ndarray:
        """The largest probability over the grid, shape (H, G)."""
        return self.grid.max(axis=-1)


def _fog_label(level: float) -> str:
    if level == 0:
        return "0 · clear day"
    if level == 1:
        return "1 · the GMM's own fog"
    return f"{level:g}"


def fog_controls(an: Analysis, maps: ViewMaps) -> Fog:
    """The fog slider, the valley threshold and the soft panel's hill."""
    k = an.n_components
    if state.remembered("fx_hill") is not None and state.remembered("fx_hill") >= k:
        state.forget("fx_hill")
    cols = st.columns([2.6, 1.6, 1.2], gap="medium")
    level = state.shared_widget(
        cols[0].select_slider,
        "Fog (temperature T)",
        FOG_LEVELS,
        value=1.0,
        format_func=_fog_label,
        key="fx_fog",
        help="The same fitted hills, with the probabilities sharpened or blurred: "
        "P(hill k) ∝ (weight × density)^(1/T). T = 0 is the clear day: every point "
        "wholly on its likeliest hill, like K-Means. T = 1 is the GMM's own fog; "
        "above 1 the fog thickens until every hill gets an equal share.",
    )
    threshold = state.shared_widget(
        cols[1].slider,
        "Foggy valley: likeliest hill under",
        min_value=0.35,
        max_value=0.95,
        value=0.6,
        step=0.05,
        format="%.2f",
        key="fx_valley",
        help="Where the most likely hill is below this probability, the map is "
        "shaded: you cannot tell which hill you are on.",
    )
    hill = state.shared_widget(
        cols[2].selectbox,
        "Soft panel shows",
        list(range(k)),
        format_func=lambda j: f"P({hill_name(j)})",
        key="fx_hill",
        help="Colour the soft panel by the probability of this hill.",
    )
    probs = temper(an.log_prob, float(level))
    shape = maps.grid_log_prob.shape
    grid = temper(maps.grid_log_prob.reshape(-1, k), float(level)).reshape(shape)
    sentences = fog_sentences(probs) if len(probs) <= MAX_SENTENCES else None
    view = MapView(
        maps.xy,
        maps.titles,
        maps.xs,
        maps.ys,
        probs,
        sentences,
        maps.strip,
        maps.equal_aspect,
    )
    return Fog(float(level), float(threshold), int(min(hill, k - 1)), probs, grid, view)


def fog_summary(data: Dataset, an: Analysis, fog: Fog) -> None:
    """How many points are sure, how many are lost in the fog, who agrees."""
    n = data.n_samples
    sure = fog.probs.max(axis=1)
    n_sure = int((sure > SURE).sum())
    own = temper(an.log_prob, 1.0).max(axis=1)
    n_sure_own = int((own > SURE).sum())
    n_valley = int((sure < fog.threshold).sum())
    agree = float((an.kmeans_labels == an.labels).mean())
    cols = st.columns(4)
    cols[0].metric(
        f"Sure (over {SURE:.0%})",
        f"{n_sure:,} of {n:,}",
        delta=None
        if fog.level == 1
        else f"{n_sure - n_sure_own:+,} vs the GMM's own fog",
        delta_color="off",
        help="Points whose likeliest hill has a probability above 90% at this fog.",
    )
    cols[1].metric(
        f"In foggy valleys (under {fog.threshold:.0%})",
        f"{n_valley:,}",
        help="Points whose likeliest hill is below the valley threshold.",
    )
    cols[2].metric(
        "K-Means and GMM agree",
        f"{agree:.0%}",
        help="Islands are named after the hill they overlap most; this is the share "
        "of points on island X whose likeliest hill is hill X. The fog never "
        "changes it: tempering keeps every point's likeliest hill.",
    )
    if data.labels is not None:
        truth = data.labels
        cols[3].metric(
            "Known groups, ARI: GMM · K-Means",
            f"{adjusted_rand_score(truth, an.labels):.2f} · "
            f"{adjusted_rand_score(truth, an.kmeans_labels):.2f}",
            help="How well each method finds the known groups: the adjusted Rand "
            "index (ARI) between the known groups and each method's clusters. 1 "
            "means the same grouping (whatever the names), 0 no better than chance. "
            "It works for any K, even when K differs from the number of known "
            f"groups ({data.true_k} here).",
        )
    else:
        cols[3].metric(
            "EM iterations",
            f"{an.n_iter}",
            help="Iterations of the best restart.",
        )
    if fog.level == 0:
        words = (
            "**Clear day (T = 0).** Every point belongs 100% to its likeliest hill: "
            "hard labels, as K-Means gives. (With round hills of equal size and "
            "weight this *is* K-Means; here the borders stay the GMM's.)"
        )
    elif fog.level < 1:
        words = (
            f"**Thin fog (T = {fog.level:g}).** The probabilities are sharpened "
            "towards the likeliest hill; only points right on a border stay unsure."
        )
    elif fog.level == 1:
        words = (
            "**The GMM's own fog (T = 1).** These are the responsibilities EM "
            "computes: how likely each hill is to have made the point."
        )
    else:
        words = (
            f"**Thick fog (T = {fog.level:g}).** The probabilities are flattened "
            "towards equal shares; far from every hill top, nobody is sure."
        )
    st.markdown(
        words + " The likeliest hill of every point, and so the GMM's labels and "
        "borders, stay the same at every fog: only the certainty changes."
    )


###############################################################################
# Panels


def comparison_panels(data: Dataset, an: Analysis, maps: ViewMaps, fog: Fog) -> None:
    """Clear day against fog: K-Means, GMM labels, soft and confidence, 2 x 2."""
    view = fog.view
    top = st.columns(2, gap="medium")
    with top[0]:
        st.plotly_chart(
            islands_panel(
                view,
                an.kmeans_labels,
                maps.centres_xy,
                labels_grid=maps.kmeans_labels_grid,
                margins=maps.kmeans_margins,
            ),
            key="fx_kmeans",
        )
    with top[1]:
        st.plotly_chart(
            hills_panel(
                view,
                an.labels,
                maps.means_xy,
                maps.covs_xy,
                labels_grid=maps.gmm_labels_grid,
                margins=maps.gmm_margins,
            ),
            key="fx_gmm",
        )
    bottom = st.columns(2, gap="medium")
    with bottom[0]:
        st.plotly_chart(
            soft_panel(
                view, fog.hill, an.labels, grid_probability=fog.grid[..., fog.hill]
            ),
            key="fx_soft",
        )
    with bottom[1]:
        st.plotly_chart(
            confidence_panel(
                view, an.labels, fog.threshold, confidence_grid=fog.confidence_grid
            ),
            key="fx_confidence",
        )
    slice_note = (
        " The backgrounds are a slice through the middle of the data: the other "
        "features are held at their mean."
        if data.n_features > 2
        else ""
    )
    strip_note = (
        " One feature: the points are spread up and down at random so they do not "
        "hide each other; only the position across counts."
        if maps.strip
        else ""
    )
    st.caption(
        "Top: hard labels. K-Means gives every point to its nearest centre, so its "
        "borders are straight lines halfway between centres. The GMM gives every "
        "point to its likeliest hill; its borders curve around wide and heavy "
        "hills. Bottom: the soft view of the same GMM at the fog you set. Hover "
        "any point for its fog sentence." + strip_note + slice_note
    )


def diagnostics(data: Dataset, an: Analysis, settings: Settings) -> None:
    """Say when a limit of GMMs shows in this fit."""
    params = an.params
    n = data.n_samples
    if an.stop_reason == "collapsed":
        st.error(
            "Every restart ended with a collapsed hill: a hill shrank onto a point "
            "or a line, where its density runs off to infinity. The map shows it "
            "anyway. Try fewer hills, a simpler covariance type, or more data.",
            icon=":material/error:",
        )
    finals = np.array([r.final_log_likelihood for r in an.restarts])
    if len(finals) > 1 and finals.max() - finals.min() > 1e-3:
        ends = len(np.unique(np.round(finals, 3)))
        st.info(
            f"**Initialisation matters here.** Your {len(finals)} restarts ended on "
            f"{ends} different maps, with log-likelihood per point from "
            f"{finals.min():.3f} to {finals.max():.3f}; the page shows the best. "
            "Set restarts to 1 and try other seeds to see the others.",
            icon=":material/casino:",
        )
    d = params.n_features
    per_hill = {
        "full": d + d * (d + 1) // 2,
        "tied": d,
        "diag": 2 * d,
        "spherical": d + 1,
    }[params.covariance_type]
    counts = params.weights * n
    thin = [k for k in range(params.n_components) if counts[k] < 2 * per_hill]
    if thin:
        names = ", ".join(f"{hill_name(k)} ({counts[k]:.1f} points)" for k in thin[:4])
        st.warning(
            f"**Few samples.** Some hills rest on very few points: {names}. "
            f"Each needs {per_hill} numbers for its centre and shape, so with this "
            "few points those are guesses, and another sample would give another "
            "map. Use fewer hills, a simpler covariance type, or more data.",
            icon=":material/scatter_plot:",
        )
    data_cov = np.atleast_2d(np.cov(data.X, rowvar=False)) if n > 1 else np.eye(d)
    needles = []
    for k, cov in enumerate(params.full_covariances()):
        values, vectors = np.linalg.eigh(cov)
        direction = vectors[:, 0]
        spread = float(direction @ data_cov @ direction)
        if spread > 0 and values[0] < NEEDLE * spread:
            needles.append((k, float(np.sqrt(max(values[0], 0.0))), np.sqrt(spread)))
    if needles:
        k, width, spread = needles[0]
        more = f" ({len(needles) - 1} more like it)" if len(needles) > 1 else ""
        st.warning(
            f"**Singular covariance.** {hill_title(k)} is a needle{more}: across "
            f"its thinnest direction it is only {width:.2g} wide, where the data "
            f"spreads {spread:.2g}. It sits on points that repeat or lie on a line, "
            "so its covariance has (almost) no width there and its density shoots "
            "up; only reg_covar (1e-6) keeps it finite. Fewer hills or a simpler "
            "covariance type fix it.",
            icon=":material/straighten:",
        )


def dbscan_section(data: Dataset, fog: Fog) -> None:
    """An optional DBSCAN panel: no K, noise marked."""
    on = state.shared_widget(
        st.toggle,
        "Add DBSCAN: a method that needs no K and marks noise",
        value=False,
        key="fx_dbscan",
    )
    if not on:
        return
    left, right = st.columns([3, 2], gap="medium")
    with right:
        eps = state.shared_widget(
            st.slider,
            "eps (neighbourhood radius, in standard deviations)",
            min_value=0.05,
            max_value=1.5,
            value=0.3,
            step=0.05,
            key="fx_eps",
            help="Two points are neighbours when they are closer than eps, after "
            "every feature is scaled to standard deviation 1.",
        )
        min_samples = state.shared_widget(
            st.slider,
            "min_samples (neighbours to be a core point)",
            min_value=2,
            max_value=30,
            value=5,
            key="fx_min_samples",
            help="A point with this many neighbours (itself included) is a core "
            "point; clusters grow from core points through their neighbours.",
        )
    labels, core = dbscan(data.X, float(eps), int(min_samples))
    n_clusters = int(labels.max()) + 1
    n_noise = int((labels < 0).sum())
    with left:
        st.plotly_chart(
            dbscan_panel(fog.view, labels, core, float(eps), int(min_samples)),
            key="fx_dbscan_map",
        )
    with right:
        st.markdown(
            f"DBSCAN found **{n_clusters} cluster{'' if n_clusters == 1 else 's'}** "
            f"and **{n_noise} noise point{'' if n_noise == 1 else 's'}** "
            "(grey ×). It asks no K: it grows clusters through crowded places and "
            "leaves stragglers out. It follows any shape (try the moons or the "
            "circles), but gives no probabilities, and one eps must suit every "
            "crowd."
        )
        st.caption(
            "scikit-learn's DBSCAN on standardised features. Big markers are core "
            "points, small ones are on a cluster's edge."
        )


###############################################################################
# The explorer map, outliers and the selection table


@dataclass(frozen=True, eq=False)
class Outliers:
    """Points whose density is below the student's percentile."""

    percent: float
    threshold: float
    indices: np.ndarray


def outlier_panel(data: Dataset, an: Analysis) -> Outliers:
    """The percentile slider, the count and the log-density histogram."""
    st.markdown("**Outliers: the GMM as an anomaly detector**")
    percent = state.shared_widget(
        st.slider,
        "Flag the lowest density points (%)",
        min_value=0.5,
        max_value=20.0,
        value=2.0,
        step=0.5,
        format="%.1f%%",
        key="fx_outlier_pct",
        help="A point whose density p(x) under the mixture is below this "
        "percentile of all the points' densities is flagged: no hill expects it.",
    )
    threshold, indices = outlier_cut(an.log_density, float(percent))
    count = len(indices)
    st.markdown(
        f"**{count} of {data.n_samples:,} points** are outliers: their log-density "
        f"is below **{threshold:.2f}**, the {percent:g}% cut-off. They are "
        "ringed on the map."
    )
    st.plotly_chart(
        log_density_histogram(an.log_density, threshold, float(percent)),
        key="fx_outlier_hist",
        config={"displayModeBar": False},
    )
    st.caption(
        "A GMM is a density model: it says how likely any point is, not just which "
        "hill it is on. K-Means has no such number."
    )
    return Outliers(float(percent), threshold, indices)


def background_picker() -> str:
    """What is drawn behind the points of the big map."""
    return (
        state.shared_widget(
            st.segmented_control,
            "Behind the points",
            list(BACKGROUNDS),
            default="gmm",
            format_func=BACKGROUNDS.__getitem__,
            key="fx_background",
            help="Decision regions: the area each method would give to each cluster. "
            "Both: the GMM's borders (solid) against K-Means's (dashed).",
        )
        or "gmm"
    )


def main_map(
    an: Analysis, maps: ViewMaps, fog: Fog, outliers: Outliers, background: str
) -> np.ndarray:
    """The big map; returns the points the student selected."""
    fig = explorer_map(
        fog.view,
        an.labels,
        maps.means_xy,
        maps.covs_xy,
        background=background,
        gmm_labels_grid=maps.gmm_labels_grid,
        gmm_margins=maps.gmm_margins,
        kmeans_labels_grid=maps.kmeans_labels_grid,
        kmeans_margins=maps.kmeans_margins,
        confidence_grid=fog.confidence_grid,
        threshold=fog.threshold,
        outliers=outliers.indices,
        outlier_percent=outliers.percent,
        log_density=an.log_density,
    )
    event = st.plotly_chart(
        fig,
        key="fx_map",
        on_select="rerun",
        selection_mode=("box", "lasso", "points"),
    )
    st.caption(
        "Draw a lasso or a box around some points (or click one) to read their "
        "soft assignments below. Points fade where the fog is thick."
    )
    return selected_points(event, len(an.labels))


def soft_table(
    data: Dataset,
    an: Analysis,
    probs: np.ndarray,
    outliers: np.ndarray,
    rows: np.ndarray,
) -> pd.DataFrame:
    """One row per point: features, one probability column per hill, and more.

    Parameters
    ----------
    data : Dataset
    an : Analysis
    probs : ndarray of shape (N, K)
        Soft assignments at the current fog.
    outliers : ndarray of int
    rows : ndarray of int
        The points to list.

    Returns
    -------
    pandas.DataFrame
        Columns: point, the features, likeliest hill, P(hill A) ..., K-Means
        island, log-density, outlier.
    """
    k = an.n_components
    hill_columns = [f"P({hill_name(j)})" for j in range(k)]
    fixed = {"point", "likeliest hill", "K-Means island", "log-density", "outlier"}
    taken = fixed | set(hill_columns)
    table: dict[str, object] = {"point": rows}
    for d, name in enumerate(data.feature_names):
        column = str(name)
        while column in taken:
            column += " (feature)"
        taken.add(column)
        table[column] = data.X[rows, d]
    table["likeliest hill"] = [hill_name(int(j)) for j in an.labels[rows]]
    for j, column in enumerate(hill_columns):
        table[column] = probs[rows, j]
    table["K-Means island"] = [island_name(int(j)) for j in an.kmeans_labels[rows]]
    table["log-density"] = an.log_density[rows]
    table["outlier"] = np.isin(rows, outliers)
    return pd.DataFrame(table)


def selection_panel(
    data: Dataset, an: Analysis, fog: Fog, outliers: Outliers, selected: np.ndarray
) -> None:
    """The selected points' soft assignments, like a customer table."""
    k = an.n_components
    if len(selected):
        rows = selected
        shares = fog.probs[rows].sum(axis=0)
        blend = recipe_sentence(shares)
        n_valley = int((fog.probs[rows].max(axis=1) < fog.threshold).sum())
        n_out = int(np.isin(rows, outliers.indices).sum())
        st.markdown(
            f"**{len(rows)} {'point' if len(rows) == 1 else 'points'} selected.** "
            f"Together they are {blend} (soft counts: "
            + ", ".join(f"{shares[j]:.1f} {hill_name(j)}" for j in range(k))
            + f"). {n_valley} in a foggy valley, {n_out} "
            f"{'outlier' if n_out == 1 else 'outliers'}."
        )
    else:
        rows = np.argsort(fog.probs.max(axis=1), kind="stable")[:8]
        st.markdown(
            "**Nothing selected yet.** Here are the 8 foggiest points, the least "
            "sure of their hill. Select points on the map to list them instead."
        )
    frame = soft_table(data, an, fog.probs, outliers.indices, rows)
    config: dict[str, object] = {
        f"P({hill_name(j)})": st.column_config.ProgressColumn(
            f"P({hill_name(j)})",
            min_value=0.0,
            max_value=1.0,
            format="percent",
            help=f"Probability that {hill_name(j)} made this point, at fog "
            f"T = {fog.level:g}.",
        )
        for j in range(k)
    }
    config["point"] = st.column_config.NumberColumn("point", format="%d")
    config["log-density"] = st.column_config.NumberColumn(format="%.2f")
    config["outlier"] = st.column_config.CheckboxColumn("outlier")
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        column_config=config,
        height=min(38 + 35 * len(frame), 420),
        key="fx_table",
    )


def export_csv(data: Dataset, params: GMMParams, threshold: float) -> bytes:
    """Every row of the data with its hills' probabilities, as CSV bytes.

    Streamlit calls this only when the student clicks the download button.

    Parameters
    ----------
    data : Dataset
        The active data: every row, not the sample the page fitted.
    params : GMMParams
        The fitted mixture.
    threshold : float
        The outlier cut: rows with a lower log-density are flagged.

    Returns
    -------
    bytes
        UTF-8 CSV (with a byte-order mark, so spreadsheets read accents).
    """
    probabilities = responsibilities(data.X, params)
    log_density = score_samples(data.X, params)
    names = [hill_name(k) for k in range(params.n_components)]
    table = soft_assignment_table(
        data, probabilities, log_density, log_density < threshold, names
    )
    return table.to_csv(index=False).encode("utf-8-sig")


def export_panel(active: Dataset, an: Analysis, outliers: Outliers) -> None:
    """Download every row with P(hill) for each hill, the likeliest, the outliers."""
    hills = ", ".join(f"P({hill_name(k)})" for k in range(an.n_components))
    sampled = (
        f" The hills were fitted to a seeded sample of {an.log_prob.shape[0]:,} "
        "rows; the download scores every row."
        if active.n_samples > an.log_prob.shape[0]
        else ""
    )
    st.markdown(
        f"**Take the map home.** The CSV holds all {active.n_samples:,} rows of "
        f"{md_escape(active.name)} with {hills}, the most likely hill, the "
        f"log-density and the outlier flag (the {outliers.percent:g}% cut-off)."
        + sampled
    )
    stem = re.sub(r"[^\w.-]+", "_", active.name.rsplit(".", 1)[0]).strip("_")
    st.download_button(
        "Download soft assignments (CSV)",
        data=functools.partial(
            export_csv,
            active,
            an.params,
            outliers.threshold,
        ),
        file_name=f"{stem or 'fogmap'}_soft_assignments.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key="fx_export",
    )
    st.caption(
        "Text from your file that starts with =, +, - or @ is written with a "
        "leading apostrophe, so a spreadsheet shows it instead of running it."
    )


###############################################################################
# Recipe and hills


def recipe(data: Dataset, an: Analysis) -> None:
    """The smoothie recipe: the mixing weights as a bar and in words."""
    k = an.n_components
    weights = an.params.weights
    islands = np.bincount(an.kmeans_labels, minlength=k) / data.n_samples
    left, right = st.columns([3, 2], gap="medium")
    with left:
        st.plotly_chart(
            recipe_bar(weights, islands),
            key="fx_recipe",
            config={"displayModeBar": False},
        )
    with right:
        st.markdown(f"**The recipe:** {recipe_sentence(weights)}.")
        average = temper(an.log_prob, 1.0).mean(axis=0)
        st.markdown(
            "Blend the hills in these proportions and you get the density of the "
            "data. A mixing weight is a soft count: the average of every point's "
            f"P(hill), e.g. {hill_name(0)}'s average is {average[0]:.1%} against "
            f"a weight of {weights[0]:.1%}. K-Means only counts the points on "
            "each island (second bar)."
        )


def hills_section(data: Dataset, an: Analysis, maps: ViewMaps, fog: Fog) -> None:
    """The mixture density as hills: 3-D or contours; bell curves for 1-D data."""
    params = an.params
    if maps.strip or maps.surface is None:
        st.plotly_chart(
            fog_curves(data.X, params, data.feature_names[0]), key="fx_curves"
        )
        st.plotly_chart(responsibility_bands(data.X, params), key="fx_bands")
        st.caption(
            "Dashed: each hill's bell curve, scaled by its weight. Black: their sum, "
            "the mixture's density. Below: each hill's share P(hill | x) along the "
            "axis, the GMM's own fog."
        )
        return
    style = (
        state.shared_widget(
            st.segmented_control,
            "Draw the hills as",
            ["surface", "contour"],
            default="surface",
            format_func={"surface": "3-D landscape", "contour": "contour map"}.get,
            key="fx_hills_view",
        )
        or "surface"
    )
    assert maps.surface_xs is not None and maps.surface_ys is not None
    if style == "surface":
        if maps.equal_aspect:
            wx = float(maps.surface_xs[-1] - maps.surface_xs[0])
            wy = float(maps.surface_ys[-1] - maps.surface_ys[0])
            aspect = (1.0, wy / wx) if wx >= wy else (wx / wy, 1.0)
        else:
            aspect = (1.0, 1.0)
        fig = hills_surface(
            maps.surface_xs,
            maps.surface_ys,
            maps.surface,
            maps.titles,
            maps.means_xy,
            maps.top_heights
            if maps.top_heights is not None
            else np.zeros(an.n_components),
            points_xy=maps.xy if maps.point_heights is not None else None,
            point_heights=maps.point_heights,
            point_labels=an.labels,
            aspect=aspect,
        )
        st.plotly_chart(fig, key="fx_hills_3d")
        st.caption(
            "The mixture density p(x) = Σ weight × bell, drawn as a landscape: each "
            "Gaussian is a hill, and the fog of the other panels is what you see "
            "from down in the valleys. Drag to turn it."
            + (
                " The points stand on the surface at their own density."
                if maps.point_heights is not None
                else " This is a slice through the middle of the data."
            )
        )
    else:
        st.plotly_chart(
            hills_contour(
                maps.surface_xs,
                maps.surface_ys,
                maps.surface,
                fog.view,
                an.labels,
                maps.means_xy,
            ),
            key="fx_hills_contour",
        )


###############################################################################
# When to use which, and the limits


def comparison_table(data: Dataset, an: Analysis | None, settings: Settings) -> None:
    """A plain K-Means against GMM table, with this data's numbers."""
    k, d = settings.n_components, data.n_features
    ctype = settings.covariance_type
    cov_formula = {
        "full": f"K·D(D+1)/2 = {k * d * (d + 1) // 2}",
        "tied": f"D(D+1)/2 = {d * (d + 1) // 2}",
        "diag": f"K·D = {k * d}",
        "spherical": f"K = {k}",
    }[ctype]
    gmm_count = (
        n_parameters(an.params)
        if an is not None
        else {
            "full": k * d * (d + 1) // 2,
            "tied": d * (d + 1) // 2,
            "diag": k * d,
            "spherical": k,
        }[ctype]
        + k * d
        + k
        - 1
    )
    speed_km = "fast; scales to millions of points"
    speed_gmm = "slower: every iteration weighs every point against every hill"
    if an is not None:
        speed_km += f" (here {milliseconds(an.kmeans_seconds)} for 10 starts)"
        speed_gmm += (
            f" (here {milliseconds(an.gmm_seconds)} for {len(an.restarts)} "
            f"{'restart' if len(an.restarts) == 1 else 'restarts'})"
        )
    rows = [
        (
            "Assignment",
            "hard: each point on exactly one island",
            "soft: a probability for every hill (take the likeliest for a label)",
        ),
        (
            "Cluster shape",
            "round and of similar size; straight borders halfway between centres",
            "ellipses of any size, stretch and tilt (full covariance); curved borders",
        ),
        (
            "Model",
            "none: the nearest centre wins (least squared distance)",
            "a probability model: the data as a blend of K Gaussian hills",
        ),
        (
            f"Parameters (K = {k}, D = {d})",
            f"{k * d}: K centres of D numbers",
            f"{gmm_count}: K−1 weights + K·D means + {ctype} covariances {cov_formula}",
        ),
        (
            "Output",
            "a label per point",
            "probabilities per point, a density for any point (outliers), new samples",
        ),
        ("Speed", speed_km, speed_gmm),
    ]
    lines = [
        "| | K-Means: clear day | Gaussian mixture: fog |",
        "| --- | --- | --- |",
    ]
    lines += [f"| **{a}** | {b} | {c} |" for a, b, c in rows]
    st.markdown("\n".join(lines))


@dataclass(frozen=True)
class Limit:
    """A limit of GMMs and the preset that shows it."""

    key: str
    title: str
    text: str
    look: str
    dataset: str
    n_samples: int | None
    remember: tuple[tuple[str, object], ...]
    button: str


LIMITS = (
    Limit(
        "init",
        "Initialisation",
        "EM climbs to the nearest top of the likelihood, so where it starts decides "
        "where it ends. Restarts help, and so do K-Means starts.",
        "Look for the blue note on restarts that ended on different maps.",
        "old_faithful",
        None,
        (("n_components", 3), ("fx_n_init", 6), ("covariance_type", "full")),
        "Old Faithful, K = 3, 6 restarts",
    ),
    Limit(
        "few",
        "Few samples",
        "A full covariance takes D(D+1)/2 numbers per hill. With a handful of "
        "points per hill, those numbers are guesses.",
        "Look at the wobbly ellipses, and the warning under the panels.",
        "blobs",
        50,
        (("n_components", 6), ("covariance_type", "full")),
        "50 blob points, K = 6",
    ),
    Limit(
        "singular",
        "Singular covariance",
        "A hill on points that repeat or lie on a line has no width across: its "
        "density shoots up without bound. Only reg_covar keeps it finite.",
        "Look for a needle-thin hill (and the warning).",
        "iris",
        None,
        (
            ("n_components", 10),
            ("covariance_type", "full"),
            ("seed", 0),
            ("fx_n_init", 3),
        ),
        "Iris, K = 10",
    ),
    Limit(
        "shapes",
        "Non-Gaussian shapes",
        "A GMM can only blend ellipses. Crescents and rings need several hills "
        "each, and the hills do not know they belong together.",
        "Compare with DBSCAN, which follows any shape.",
        "moons",
        None,
        (("n_components", 2), ("covariance_type", "full"), ("fx_dbscan", True)),
        "Two moons, K = 2",
    ),
)


def _show_limit(limit: Limit) -> None:
    """Switch the sidebar's data (and the settings) to a limit's preset."""
    preset = PRESETS[limit.dataset]
    state.remember("dataset", limit.dataset)
    if preset.default_n is not None:
        state.remember("n_samples", limit.n_samples or preset.default_n)
    for key, value in limit.remember:
        state.remember(key, value)
    st.session_state["fx_note"] = limit.key


def limit_note() -> None:
    """After a limit's button: which example is loaded and what to look for."""
    note = st.session_state.pop("fx_note", None)
    shown = next((limit for limit in LIMITS if limit.key == note), None)
    if shown is not None:
        st.info(
            f"**{shown.title}:** loaded {shown.button}. {shown.look}",
            icon=":material/school:",
        )


def limits_section() -> None:
    """The limits of GMMs, each with a button that loads a preset showing it."""
    cols = st.columns(len(LIMITS), gap="small")
    for col, limit in zip(cols, LIMITS, strict=True):
        with col.container(border=True, height="stretch"):
            st.markdown(f"**{limit.title}**")
            st.markdown(limit.text)
            st.caption(limit.look)
            st.button(
                f"Show me: {limit.button}",
                key=f"fx_limit_{limit.key}",
                on_click=_show_limit,
                args=(limit,),
                icon=":material/play_arrow:",
                width="stretch",
            )
    st.caption(
        "Circles are the same story as the moons: try the Circles preset in the "
        "sidebar with K = 2."
    )
