"""The Fog explorer's numbers: tempering, both fits, outliers, DBSCAN (no Streamlit).

Tempering: with the weighted log-densities ``l_ik = log pi_k + log N(x_i | mu_k,
Sigma_k)``, the responsibilities at fog ``T`` are ``r_ik(T) ∝ exp(l_ik / T)``,
normalised by log-sum-exp (:func:`gmm_core.log_normalise`). ``T = 1`` is the GMM's
own E-step, ``T -> 0`` the hard, clear-day labels and ``T > 1`` thicker fog, up to
equal shares.

Everything here is uncached; :mod:`gmm_app.explorer.caches` keeps each result per
data and settings. Imports numpy, scipy, scikit-learn and :mod:`gmm_core` only.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from gmm_core import GMMParams, Restart, fit, log_normalise
from gmm_core.mixture import weighted_log_prob
from gmm_core.shapes import standardise

# A hill thinner than this share of the data's variance (in its thinnest
# direction) is a needle.
_NEEDLE = 1e-4


###############################################################################
# Tempering, matching, outliers


def temper(log_prob: np.ndarray, fog: float) -> np.ndarray:
    """Responsibilities at fog ``fog``: ``r_ik ∝ exp(log_prob_ik / fog)``.

    Parameters
    ----------
    log_prob : ndarray of shape (..., K)
        ``log pi_k + log N(x_i | mu_k, Sigma_k)``
        (:func:`gmm_core.mixture.weighted_log_prob`), for points or a grid.
    fog : float
        The temperature T >= 0. 0 gives one-hot rows (the likeliest hill, ties
        to the first); 1 gives the GMM's own responsibilities.

    Returns
    -------
    ndarray of shape (..., K)
        Each row sums to 1. Every row's best score is taken off before dividing
        by T, so huge or infinite log-scores neither overflow nor give 0/0: a row
        with +inf scores shares among those, a row of -inf shares equally.
    """
    log_prob = np.asarray(log_prob, dtype=np.float64)
    if fog <= 0:
        hard = np.zeros(log_prob.shape)
        winner = log_prob.argmax(axis=-1)[..., None]
        np.put_along_axis(hard, winner, 1.0, axis=-1)
        return hard
    # Take each row's best score off before dividing by T (log_prob / T alone
    # overflows for small T); log_normalise then does the log-sum-exp.
    top = log_prob.max(axis=-1, keepdims=True)
    finite = np.isfinite(top)
    with np.errstate(invalid="ignore", over="ignore"):
        shifted = np.where(
            finite,
            log_prob - np.where(finite, top, 0.0),
            np.where(log_prob == top, 0.0, -np.inf),
        )
        shifted /= fog
    return log_normalise(shifted)[1]


def match_islands(
    kmeans_labels: np.ndarray, hill_labels: np.ndarray, k: int
) -> np.ndarray:
    """Name K-Means clusters after the hills they overlap most.

    Parameters
    ----------
    kmeans_labels : ndarray of int, shape (N,)
        scikit-learn's cluster numbers, in 0..k-1.
    hill_labels : ndarray of int, shape (N,)
        The GMM's likeliest hill of each point, in 0..k-1.
    k : int

    Returns
    -------
    ndarray of int, shape (k,)
        ``island[c]``: the island letter (0 = A) of scikit-learn's cluster c, a
        permutation that puts as many points as possible on the island named
        after their hill (so island A is the cluster most like hill A).
    """
    overlap = np.zeros((k, k))
    np.add.at(overlap, (kmeans_labels, hill_labels), 1)
    rows, cols = linear_sum_assignment(-overlap)
    island = np.empty(k, dtype=int)
    island[rows] = cols
    return island


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
        ``np.percentile(log_density, percent)``.
    outliers : ndarray of int, shape (M,)
        Indices of the points strictly below the cut (about ``percent``% of N).
    """
    threshold = float(np.percentile(log_density, percent))
    return threshold, np.flatnonzero(log_density < threshold)


###############################################################################
# Both fits


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
    log_density : ndarray of shape (N,)
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


def fit_analysis(
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
    ValueError
        When scikit-learn's K-Means refuses the data.
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
    log_density, _ = log_normalise(log_prob)
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


def dbscan_labels(
    X: np.ndarray, eps: float, min_samples: int
) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's DBSCAN on the standardised features.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    eps : float
        Neighbourhood radius, in standard deviations
        (:func:`gmm_core.shapes.standardise`).
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
# What can go wrong with a fit


def needle_hills(params: GMMParams, X: np.ndarray) -> list[tuple[int, float, float]]:
    """Hills with (almost) no width in some direction where the data spreads.

    Parameters
    ----------
    params : GMMParams
    X : ndarray of shape (N, D)
        The data fitted.

    Returns
    -------
    list of (int, float, float)
        (hill, its standard deviation across its thinnest direction, the data's
        standard deviation along that direction), for every hill whose variance
        there is under 1e-4 of the data's.
    """
    d = params.n_features
    data_cov = np.atleast_2d(np.cov(X, rowvar=False)) if len(X) > 1 else np.eye(d)
    needles = []
    for k, cov in enumerate(params.full_covariances()):
        values, vectors = np.linalg.eigh(cov)
        direction = vectors[:, 0]
        spread = float(direction @ data_cov @ direction)
        if spread > 0 and values[0] < _NEEDLE * spread:
            needles.append(
                (k, float(np.sqrt(max(values[0], 0.0))), float(np.sqrt(spread)))
            )
    return needles
