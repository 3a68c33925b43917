"""Starting guesses for EM: where the hills are before the surveyor looks.

Unlike scikit-learn (its issue 24085), the starting weights always sum to 1.
"""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np

from gmm_core.errors import FogmapError, check_data
from gmm_core.mixture import (
    CovarianceType,
    GMMParams,
    as_2d,
    collapse_floor,
    estimate_parameters,
    find_collapsed,
    floor_collapsed,
)

InitMethod = Literal["kmeans", "k-means++", "random", "random_from_data", "given"]
INIT_METHODS: tuple[InitMethod, ...] = (
    "kmeans",
    "k-means++",
    "random",
    "random_from_data",
    "given",
)


def initialize(
    X: np.ndarray,
    n_components: int,
    *,
    method: InitMethod = "kmeans",
    covariance_type: CovarianceType = "full",
    reg_covar: float = 1e-6,
    seed: int = 0,
    means: np.ndarray | None = None,
    widths: np.ndarray | None = None,
) -> GMMParams:
    """A starting guess for EM.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    n_components : int
        K, the number of hills.
    method : {"kmeans", "k-means++", "random", "random_from_data", "given"}
        - ``kmeans``: K-Means (scikit-learn's k-means++ seeding, then Lloyd's
          iterations), then start each hill from its cluster (share of points,
          mean, covariance), as scikit-learn's ``init_params="kmeans"`` does.
        - ``random``: random soft responsibilities, then an M-step, exactly as
          scikit-learn's ``init_params="random"`` (the same numbers for the same
          ``seed``, drawn as its ``random_state`` draws them); every hill is then
          an average of nearly the whole data, so all start near its middle.
        - ``k-means++``, ``random_from_data``, ``given``: the means are chosen by
          scikit-learn's k-means++ seeding, as K distinct random points, or given
          in ``means``; every hill then starts as wide as the whole data, with
          equal weights, so the first E-step has something to work with.
    covariance_type : {"full", "tied", "diag", "spherical"}
    reg_covar : float
        Added to the diagonal of every starting covariance.
    seed : int
        Seed of the random choices.
    means : ndarray of shape (K, D), optional
        The starting means, for ``method="given"``.
    widths : ndarray of shape (K,), optional
        For ``method="given"``: each hill's starting spread as a fraction of the
        whole data's (1 = as wide as the data). Ignored by a tied covariance.

    Returns
    -------
    GMMParams
        Weights sum to 1 and every covariance is positive definite.
    """
    X = check_data(as_2d(X))
    n, d = X.shape
    k = int(n_components)
    if k < 1:
        raise FogmapError("Choose at least one component.")
    if method != "given" and n < k:
        raise FogmapError(
            f"There are {n} points but {k} components: every component needs at "
            "least one point. Choose a smaller K."
        )
    rng = np.random.default_rng(seed)
    if method == "kmeans":
        from sklearn.cluster import kmeans_plusplus

        from gmm_core.kmeans import kmeans_steps

        # scikit-learn's KMeans(n_init=1, random_state=seed) is k-means++ seeding
        # then Lloyd; both steps are done here directly (Lloyd by our own K-Means,
        # which follows scikit-learn's), without KMeans' per-call overhead, which
        # dominated a sweep of 120 fits.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            centers, _ = kmeans_plusplus(X, k, random_state=seed)
        *_, last = kmeans_steps(X, centers)
        labels = last.labels
        resp = np.zeros((n, k))
        resp[np.arange(n), labels] = 1.0
        return _from_responsibilities(X, resp, covariance_type, reg_covar)
    if method == "random":
        # scikit-learn's draw: its legacy RandomState, seeded as random_state=seed.
        resp = np.random.RandomState(seed).uniform(size=(n, k))
        resp /= resp.sum(axis=1, keepdims=True)
        return _from_responsibilities(X, resp, covariance_type, reg_covar)
    if method == "k-means++":
        from sklearn.cluster import kmeans_plusplus

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            centers, _ = kmeans_plusplus(X, k, random_state=seed)
        return from_means(
            X, centers, covariance_type=covariance_type, reg_covar=reg_covar
        )
    if method == "random_from_data":
        centers = X[rng.choice(n, size=k, replace=False)]
        return from_means(
            X, centers, covariance_type=covariance_type, reg_covar=reg_covar
        )
    if method == "given":
        if means is None:
            raise FogmapError("Place the starting means first.")
        centers = _means_array(means, d)
        if centers.shape[0] != k:
            raise FogmapError(
                f"You placed {centers.shape[0]} starting means; K is {k}. "
                "Place one mean per hill."
            )
        return from_means(
            X,
            centers,
            covariance_type=covariance_type,
            reg_covar=reg_covar,
            widths=widths,
        )
    raise FogmapError(
        f"Unknown initialisation {method!r}; choose one of {', '.join(INIT_METHODS)}."
    )


def from_means(
    X: np.ndarray,
    means: np.ndarray,
    *,
    covariance_type: CovarianceType = "full",
    reg_covar: float = 1e-6,
    widths: np.ndarray | None = None,
) -> GMMParams:
    """Hills at ``means`` with equal weights, each as wide as the whole data.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    means : ndarray of shape (K, D)
    covariance_type : {"full", "tied", "diag", "spherical"}
    reg_covar : float
    widths : ndarray of shape (K,), optional
        Each hill's spread as a fraction of the data's (its covariance is the
        data's times ``width**2``); the shared covariance of ``tied`` ignores it.

    Returns
    -------
    GMMParams
    """
    X = check_data(as_2d(X))
    means = _means_array(means, X.shape[1])
    if not np.all(np.isfinite(means)):
        raise FogmapError("The starting means must be finite numbers.")
    k = means.shape[0]
    resp = np.ones((X.shape[0], 1))
    _, _, _, cov = estimate_parameters(X, resp, covariance_type, reg_covar)
    if covariance_type == "tied":
        covariances = cov
    else:
        covariances = np.repeat(cov, k, axis=0)
        if widths is not None:
            scale = np.asarray(widths, dtype=np.float64).reshape(k) ** 2
            if np.any(~np.isfinite(scale)) or np.any(scale <= 0):
                raise FogmapError("Starting widths must be positive numbers.")
            covariances = covariances * scale.reshape((k,) + (1,) * (cov.ndim - 1))
    return _safe_params(X, np.full(k, 1.0 / k), means, covariances, covariance_type)


def loneliest_point(X: np.ndarray) -> tuple[int, float]:
    """The point farthest from its nearest neighbour.

    Parameters
    ----------
    X : ndarray of shape (N, D), N >= 2

    Returns
    -------
    index : int
    distance : float
        Its distance to its nearest neighbour.
    """
    from scipy.spatial import cKDTree

    X = check_data(as_2d(X))
    if X.shape[0] < 2:
        raise FogmapError("A lone point needs at least 2 points to stand apart from.")
    distances, _ = cKDTree(X).query(X, k=2)
    index = int(np.argmax(distances[:, 1]))
    return index, float(distances[index, 1])


def _means_array(means: np.ndarray, d: int) -> np.ndarray:
    """Means as a (K, D) array, or a FogmapError saying what shape was expected."""
    arr = np.asarray(means, dtype=np.float64)
    if arr.ndim == 1 and d == 1:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2 or arr.shape[1] != d:
        raise FogmapError(
            f"Each starting mean needs {d} coordinates, one per feature; got means "
            f"of shape {arr.shape}."
        )
    return arr


def _from_responsibilities(
    X: np.ndarray, resp: np.ndarray, covariance_type: CovarianceType, reg_covar: float
) -> GMMParams:
    _, weights, means, covariances = estimate_parameters(
        X, resp, covariance_type, reg_covar
    )
    return _safe_params(X, weights, means, covariances, covariance_type)


def _safe_params(
    X: np.ndarray,
    weights: np.ndarray,
    means: np.ndarray,
    covariances: np.ndarray,
    covariance_type: CovarianceType,
) -> GMMParams:
    """Build the guess; a covariance with no width (reg_covar=0 on a lone point or
    a constant feature) gets the smallest width Fogmap allows, so the guess can be
    drawn; EM will then report it collapsed at once."""
    floor = collapse_floor(X)
    collapsed = find_collapsed(covariances, covariance_type, floor, means.shape[0])
    if collapsed:
        covariances = floor_collapsed(covariances, covariance_type, floor, collapsed)
    return GMMParams(weights, means, covariances, covariance_type)
