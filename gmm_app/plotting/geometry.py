"""Where things are drawn: 2-D views of D-D data, ellipses, the sample a chart draws."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gmm_app.words import share_percent
from gmm_core import GMMParams

# Charts draw at most this many points (a seeded sample): more only slows the
# browser and hides nothing a student could see.
DRAW_LIMIT = 5_000


def drawn_points(n_points: int, limit: int = DRAW_LIMIT) -> np.ndarray:
    """Which of ``n_points`` points a chart draws: all, or a seeded sample.

    Parameters
    ----------
    n_points : int
    limit : int

    Returns
    -------
    ndarray of int, shape (min(n_points, limit),)
        Sorted indices; the same for the same ``n_points`` on every chart.
    """
    if n_points <= limit:
        return np.arange(n_points)
    return np.sort(np.random.default_rng(0).choice(n_points, limit, replace=False))


def drawn_mask(n_points: int, limit: int = DRAW_LIMIT) -> np.ndarray:
    """:func:`drawn_points` as a boolean mask of shape (n_points,)."""
    mask = np.zeros(n_points, dtype=bool)
    mask[drawn_points(n_points, limit)] = True
    return mask


def ellipse_xy(
    mean: np.ndarray, cov: np.ndarray, n_sigma: float = 1.0, n_points: int = 80
) -> tuple[np.ndarray, np.ndarray]:
    """Outline of the points at Mahalanobis distance ``n_sigma`` from ``mean``.

    Parameters
    ----------
    mean : ndarray of shape (2,)
    cov : ndarray of shape (2, 2)
    n_sigma : float
    n_points : int

    Returns
    -------
    x, y : ndarrays of shape (n_points,)
        A closed outline (first point repeated last).
    """
    values, vectors = np.linalg.eigh(np.asarray(cov, dtype=np.float64))
    radii = n_sigma * np.sqrt(np.clip(values, 0.0, None))
    t = np.linspace(0.0, 2.0 * math.pi, n_points)
    circle = np.stack([np.cos(t), np.sin(t)])
    outline = vectors @ (radii[:, None] * circle) + np.asarray(mean)[:, None]
    return outline[0], outline[1]


@dataclass(frozen=True)
class Projection:
    """A 2-D view of D-dimensional data: ``(x - offset) @ matrix``.

    Attributes
    ----------
    matrix : ndarray of shape (D, 2)
    offset : ndarray of shape (D,)
    titles : (str, str)
        Axis titles.
    """

    matrix: np.ndarray
    offset: np.ndarray
    titles: tuple[str, str]

    @classmethod
    def features(cls, names: tuple[str, ...], i: int = 0, j: int = 1) -> Projection:
        """The plane of features ``i`` and ``j``."""
        matrix = np.zeros((len(names), 2))
        matrix[i, 0] = matrix[j, 1] = 1.0
        return cls(matrix, np.zeros(len(names)), (names[i], names[j]))

    @classmethod
    def pca(cls, X: np.ndarray) -> Projection:
        """The plane of the data's two principal components.

        Parameters
        ----------
        X : ndarray of shape (N, D)
            The data as drawn (standardised or not): the axis titles give each
            component's share of its total variance, as scikit-learn's
            ``PCA.explained_variance_ratio_``, with the digits that keep a small
            share from reading "0%" (:func:`gmm_app.words.share_percent`).
        """
        centre = X.mean(axis=0)
        values, vectors = np.linalg.eigh(np.cov(X - centre, rowvar=False))
        order = np.argsort(values)[::-1][:2]
        total = values.sum()
        share = np.clip(values[order], 0.0, None) / total if total > 0 else np.zeros(2)
        return cls(
            vectors[:, order],
            centre,
            (
                f"PC 1 ({share_percent(share[0])} of the spread)",
                f"PC 2 ({share_percent(share[1])})",
            ),
        )

    def points(self, X: np.ndarray) -> np.ndarray:
        """Project points, shape (N, D) -> (N, 2)."""
        return (np.asarray(X) - self.offset) @ self.matrix

    def covariances(self, params: GMMParams) -> np.ndarray:
        """Each component's covariance seen in this plane, shape (K, 2, 2)."""
        full = params.full_covariances()
        return np.einsum("da,kde,eb->kab", self.matrix, full, self.matrix)


# Above this ratio between the two axes' spreads, a map gives each axis its own
# scale: on one scale Old Faithful (minutes of eruption against minutes of
# waiting, 15x wider) is a thin line.
SAME_SCALE_LIMIT = 3.0


def span(values: np.ndarray, pad: float = 0.08) -> tuple[float, float]:
    """The range of ``values`` widened by ``pad`` of its width on each side.

    Parameters
    ----------
    values : ndarray of shape (N,)
        Non-finite values are ignored.
    pad : float

    Returns
    -------
    (float, float)
        Low and high; a single value gets a width of max(|value|, 1).
    """
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values)]
    if len(values) == 0:
        return -1.0, 1.0
    low, high = float(values.min()), float(values.max())
    width = high - low
    if width <= 0:
        width = max(abs(low), 1.0)
    return low - pad * width, high + pad * width


def same_scale(x_range: tuple[float, float], y_range: tuple[float, float]) -> bool:
    """Whether a map can draw both axes to one scale and stay readable.

    Parameters
    ----------
    x_range, y_range : (float, float)

    Returns
    -------
    bool
        False when one axis spans over ``SAME_SCALE_LIMIT`` times the other.
    """
    ratio = (x_range[1] - x_range[0]) / (y_range[1] - y_range[0])
    return 1 / SAME_SCALE_LIMIT <= ratio <= SAME_SCALE_LIMIT


@dataclass(frozen=True)
class AxesView:
    """A map's fixed axes, chosen from the data alone.

    The same data gives the same view at every step of a run, so a hill's
    movement is never mixed with a zoom.

    Attributes
    ----------
    x_range, y_range : (float, float)
        The data's extent on each axis with a margin (:func:`span`).
    same_scale : bool
        Whether one unit is the same length on both axes (ellipses keep their
        true shape); see :func:`same_scale`.
    """

    x_range: tuple[float, float]
    y_range: tuple[float, float]
    same_scale: bool

    @classmethod
    def of(cls, xy: np.ndarray) -> AxesView:
        """The view of points of shape (N, 2)."""
        xy = np.asarray(xy, dtype=np.float64)
        x_range, y_range = span(xy[:, 0]), span(xy[:, 1])
        return cls(x_range, y_range, same_scale(x_range, y_range))

    def axes(self) -> tuple[dict, dict]:
        """Plotly x-axis and y-axis settings that hold this view.

        Returns
        -------
        xaxis, yaxis : dict
            Ranges fixed; on one scale, the y axis is anchored to the x axis
            and both are constrained by their domain: Plotly narrows the plot
            rather than widening a range, so the axes show the data's extent on
            a chart of any shape.
        """
        xaxis: dict = dict(range=list(self.x_range))
        yaxis: dict = dict(range=list(self.y_range))
        if self.same_scale:
            yaxis.update(scaleanchor="x", scaleratio=1)
            xaxis["constrain"] = yaxis["constrain"] = "domain"
        return xaxis, yaxis
