"""Covariance shapes in numbers: the four fits' settings and results, the demo data
that makes a covariance singular, where the tied sandbox draws its clones and the
free-parameter formula of each type.

The shapes themselves (closest covariances, KL divergence, parameter counts,
standardising) live in :mod:`gmm_core.shapes`; this module only arranges them for
the page. No Streamlit, no Plotly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gmm_app.words import md_escape
from gmm_core import Dataset, GMMParams
from gmm_core.mixture import CovarianceType
from gmm_core.selection import Criteria
from gmm_core.shapes import (
    few_points,
    parameter_count,
    with_constant_feature,
)

# Simplest first: the order of the panels, the table and the sandbox.
TYPES = ("spherical", "diag", "full", "tied")
# Every fit on the page: k-means starts per type, and the covariance floor.
N_INIT = 3
REG_COVAR = 1e-6
# The "too few points" demo: this many points, at most this many hills.
_FEW_POINTS = 5
_FEW_K = 3

# The covariance term of the free-parameter count, in plain words (no LaTeX: the
# page's first screen then needs no formula renderer), and what it counts.
_COVARIANCE_PART = {
    "spherical": ("K", "variances"),
    "diag": ("K·D", "variances"),
    "full": ("K·D(D+1)/2", "covariances"),
    "tied": ("D(D+1)/2", "shared covariance"),
}


@dataclass(frozen=True)
class Settings:
    """What the four fits run with.

    Attributes
    ----------
    n_components : int
        K, at most the number of points.
    covariance_type : str
        The student's own type (marked on the page; all four are fitted).
    seed : int
        Seed of the k-means starts.
    """

    n_components: int
    covariance_type: str
    seed: int


@dataclass(frozen=True, eq=False)
class TypeFit:
    """One covariance type fitted to the data, and what it cost.

    Attributes
    ----------
    covariance_type : str
    params : GMMParams
        The best restart's parameters.
    resp : ndarray of shape (N, K)
        Their responsibilities on the data.
    criteria : Criteria
        Log-likelihood, parameter count, BIC and AIC on the data.
    seconds : float
        Wall time of the fit (all restarts), measured when it ran.
    n_init : int
    n_iter : int
        Iterations of the best restart.
    stop_reason : str
    collapsed : tuple of int
        Hills whose covariance lost a dimension (the fit stopped there).
    emptied : tuple of int
        Hills holding (almost) no point.
    """

    covariance_type: str
    params: GMMParams
    resp: np.ndarray
    criteria: Criteria
    seconds: float
    n_init: int
    n_iter: int
    stop_reason: str
    collapsed: tuple[int, ...]
    emptied: tuple[int, ...]

    @property
    def did_collapse(self) -> bool:
        """True when EM stopped because a hill collapsed."""
        return self.stop_reason == "collapsed"

    @property
    def mean_log_likelihood(self) -> float:
        """ln L per point."""
        return self.criteria.log_likelihood / self.criteria.n_samples


def parameter_words(n_components: int, n_features: int, covariance_type: str) -> str:
    """The free-parameter formula of a type, filled in with K and D (Markdown).

    Plain text with Unicode signs, so it draws without a formula renderer.

    Parameters
    ----------
    n_components : int
        K.
    n_features : int
        D.
    covariance_type : {"full", "tied", "diag", "spherical"}

    Returns
    -------
    str
        "p = covariance part + K·D means + (K − 1) weights = c + m + w = **p**
        (K = .., D = ..)", each part counted by
        :func:`gmm_core.shapes.parameter_count`.
    """
    ctype: CovarianceType = covariance_type  # type: ignore[assignment]
    count = parameter_count(n_components, n_features, ctype)
    formula, words = _COVARIANCE_PART[covariance_type]
    return (
        f"p = {formula} {words} + K·D means + (K − 1) weights "
        f"= {count.covariance} + {count.means} + {count.weights} "
        f"= **{count.total}** free parameters (K = {n_components}, D = {n_features})"
    )


def clone_centres(cov: np.ndarray, n_clones: int, extent: float) -> np.ndarray:
    """Where to draw ``n_clones`` copies of one hill side by side.

    The copies sit along the hill's narrow axis, the first at the origin, spaced
    so that their 2-standard-deviation outlines just clear each other (closer when
    that would leave the square of half-width ``extent``).

    Parameters
    ----------
    cov : ndarray of shape (2, 2)
    n_clones : int
    extent : float

    Returns
    -------
    ndarray of shape (n_clones, 2)
    """
    values, vectors = np.linalg.eigh(np.asarray(cov, dtype=np.float64))
    narrow = vectors[:, 0]
    sd_narrow = math.sqrt(max(values[0], 0.0))
    sd_wide = math.sqrt(max(values[1], 0.0))
    room = max(extent - 2.0 * max(sd_narrow, 0.5 * sd_wide), 0.0)
    spacing = min(4.4 * sd_narrow, room / max((n_clones - 1) / 2, 1.0))
    offsets = np.arange(n_clones) - (n_clones - 1) / 2
    order = np.argsort(np.abs(offsets), kind="stable")  # the middle one first
    return (offsets[order] * spacing)[:, None] * narrow[None, :]


###############################################################################
# Data that makes a covariance singular


@dataclass(frozen=True, eq=False)
class Demo:
    """Data built to make a covariance singular.

    Attributes
    ----------
    X : ndarray of shape (N, D)
    feature_names : tuple of str, length D
    n_components : int
        The K the demo fits.
    story : str
        What the data is, in a sentence (Markdown).
    """

    X: np.ndarray
    feature_names: tuple[str, ...]
    n_components: int
    story: str


def demo_data(data: Dataset, scenario: str, seed: int) -> Demo:
    """The demo data of a scenario, built from the active data.

    Parameters
    ----------
    data : Dataset
        N points in D features.
    scenario : {"constant", "few"}
        "constant": the data plus a feature that is 1.0 everywhere, shape
        (N, D + 1), fitted with up to 3 hills. "few": 5 of its points (seeded),
        fitted with up to 3 hills, so some hill owns a single point.
    seed : int

    Returns
    -------
    Demo
    """
    if scenario == "constant":
        name = "constant"
        while name in data.feature_names:
            name += "_"
        k = max(1, min(3, data.n_samples))
        return Demo(
            with_constant_feature(data.X, 1.0),
            (*data.feature_names, name),
            k,
            f"Your data plus a feature *{md_escape(name)}* that is 1.0 for every "
            "point, "
            f"fitted with K = {k}.",
        )
    X = few_points(data.X, _FEW_POINTS, seed)
    k = max(1, min(_FEW_K, X.shape[0] - 1))
    return Demo(
        X,
        data.feature_names,
        k,
        f"{X.shape[0]} points of your data, fitted with K = {k}: some hill must "
        "own a single point.",
    )
