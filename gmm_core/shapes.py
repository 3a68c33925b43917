"""What each covariance type lets a hill be, in numbers.

Each covariance type is a family of shapes: spherical (one variance: a circle),
diag (one variance per feature: no tilt), full (any covariance) and tied (any
covariance, but one shared by every component). The *closest* shape a family can
take to a true covariance Sigma is the maximum-likelihood fit of that family to
(infinitely much) data drawn from N(mu, Sigma): the member S that minimises the
Kullback-Leibler divergence KL(N(mu, Sigma) || N(mu, S)).

* spherical: S = tr(Sigma) / D * I (the average variance: the best circle)
* diag: S = diag(Sigma) (keep the variances, drop the correlations: no tilt)
* full and tied: S = Sigma itself

This module also counts free parameters per type (scikit-learn's
``_n_parameters``) and builds the small data sets that make a covariance singular.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gmm_core.errors import FogmapError, check_data
from gmm_core.mixture import (
    COVARIANCE_TYPES,
    CovarianceType,
    GMMParams,
    as_2d,
    covariance_parameter_count,
)

###############################################################################
# Free parameters


@dataclass(frozen=True)
class ParameterCount:
    """Free parameters of a Gaussian mixture, by what they describe.

    Attributes
    ----------
    covariance : int
        spherical K, diag K*D, full K*D(D+1)/2, tied D(D+1)/2.
    means : int
        K*D.
    weights : int
        K - 1 (the weights sum to 1, so the last one is not free).
    """

    covariance: int
    means: int
    weights: int

    @property
    def total(self) -> int:
        """All free parameters (scikit-learn's ``_n_parameters()``)."""
        return self.covariance + self.means + self.weights


def parameter_count(
    n_components: int, n_features: int, covariance_type: CovarianceType
) -> ParameterCount:
    """Free parameters of a K-component mixture in D dimensions, by part.

    Parameters
    ----------
    n_components : int
        K.
    n_features : int
        D.
    covariance_type : {"full", "tied", "diag", "spherical"}

    Returns
    -------
    ParameterCount
        Its ``total`` equals :func:`gmm_core.n_parameters` of any such mixture.
    """
    k, d = int(n_components), int(n_features)
    return ParameterCount(
        covariance_parameter_count(k, d, covariance_type), k * d, max(k - 1, 0)
    )


###############################################################################
# One hill's shape and the closest shape of each family


def covariance_from_spreads(
    sigma1: float, sigma2: float, tilt_degrees: float
) -> np.ndarray:
    """A 2-D covariance from its two spreads and the tilt of the first.

    Parameters
    ----------
    sigma1, sigma2 : float
        Standard deviations along the hill's own two axes (positive).
    tilt_degrees : float
        Angle of the first axis from the horizontal, counter-clockwise.

    Returns
    -------
    ndarray of shape (2, 2)
        R diag(sigma1^2, sigma2^2) R^T, R the rotation by the tilt.
    """
    if not (sigma1 > 0 and sigma2 > 0):
        raise FogmapError("Both spreads must be positive.")
    angle = math.radians(float(tilt_degrees))
    c, s = math.cos(angle), math.sin(angle)
    rotation = np.array([[c, -s], [s, c]])
    cov = rotation @ np.diag([float(sigma1) ** 2, float(sigma2) ** 2]) @ rotation.T
    return 0.5 * (cov + cov.T)


def _as_covariance(cov: np.ndarray) -> np.ndarray:
    cov = np.atleast_2d(np.asarray(cov, dtype=np.float64))
    if cov.ndim != 2 or cov.shape[0] != cov.shape[1]:
        raise FogmapError(f"A covariance must be a square matrix, got {cov.shape}.")
    return cov


def closest_spherical_variance(cov: np.ndarray) -> float:
    """The spherical variance closest to ``cov``: tr(cov) / D.

    It is the maximum-likelihood spherical fit to data from N(mu, cov), and the
    minimiser of KL(N(mu, cov) || N(mu, s I)) over s > 0.

    Parameters
    ----------
    cov : ndarray of shape (D, D)

    Returns
    -------
    float
    """
    cov = _as_covariance(cov)
    return float(np.trace(cov) / cov.shape[0])


def closest_diag_variances(cov: np.ndarray) -> np.ndarray:
    """The diagonal covariance closest to ``cov``: its diagonal.

    It is the maximum-likelihood diagonal fit to data from N(mu, cov), and the
    minimiser of KL(N(mu, cov) || N(mu, diag(v))) over v > 0.

    Parameters
    ----------
    cov : ndarray of shape (D, D)

    Returns
    -------
    ndarray of shape (D,)
    """
    return np.diagonal(_as_covariance(cov)).copy()


def closest_covariance(cov: np.ndarray, covariance_type: CovarianceType) -> np.ndarray:
    """The closest covariance ``covariance_type`` can give one hill, as a matrix.

    Parameters
    ----------
    cov : ndarray of shape (D, D)
        The true covariance.
    covariance_type : {"full", "tied", "diag", "spherical"}
        Full and tied can take ``cov`` itself (tied then imposes it on every
        hill); diag keeps its diagonal; spherical keeps its average variance.

    Returns
    -------
    ndarray of shape (D, D)
    """
    cov = _as_covariance(cov)
    d = cov.shape[0]
    if covariance_type == "spherical":
        return closest_spherical_variance(cov) * np.eye(d)
    if covariance_type == "diag":
        return np.diag(closest_diag_variances(cov))
    if covariance_type in ("full", "tied"):
        return cov.copy()
    raise FogmapError(
        f"Unknown covariance type {covariance_type!r}; choose one of "
        f"{', '.join(COVARIANCE_TYPES)}."
    )


def _cholesky(cov: np.ndarray, what: str) -> np.ndarray:
    try:
        return np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        raise FogmapError(
            f"The {what} covariance is not positive definite: it has no width in "
            "some direction."
        ) from None


def kl_divergence(true_cov: np.ndarray, approx_cov: np.ndarray) -> float:
    """KL(N(mu, true_cov) || N(mu, approx_cov)) for two Gaussians with one mean.

    0.5 * (tr(S^-1 Sigma) - D + ln(det S / det Sigma)), S = ``approx_cov`` and
    Sigma = ``true_cov``. It is the log-likelihood per point lost, on average, by
    describing data from the true hill with the approximate one (in nats); 0 only
    when the two are equal.

    Parameters
    ----------
    true_cov : ndarray of shape (D, D)
    approx_cov : ndarray of shape (D, D)

    Returns
    -------
    float
        Non-negative.
    """
    sigma = _as_covariance(true_cov)
    s = _as_covariance(approx_cov)
    if sigma.shape != s.shape:
        raise FogmapError("Both covariances must have the same number of features.")
    d = sigma.shape[0]
    l_sigma = _cholesky(sigma, "true")
    l_s = _cholesky(s, "approximate")
    # tr(S^-1 Sigma) = || L_S^-1 L_Sigma ||_F^2, without inverting S.
    whitened = np.linalg.solve(l_s, l_sigma)
    trace = float(np.einsum("ij,ij->", whitened, whitened))
    log_det_ratio = 2.0 * float(
        np.log(np.diagonal(l_s)).sum() - np.log(np.diagonal(l_sigma)).sum()
    )
    return max(0.0, 0.5 * (trace - d + log_det_ratio))


def sample_hill(cov: np.ndarray, n_samples: int, seed: int) -> np.ndarray:
    """Points drawn from N(0, cov) (seeded).

    Parameters
    ----------
    cov : ndarray of shape (D, D)
    n_samples : int
    seed : int

    Returns
    -------
    ndarray of shape (n_samples, D)
    """
    chol = _cholesky(_as_covariance(cov), "hill's")
    z = np.random.default_rng(seed).standard_normal((int(n_samples), chol.shape[0]))
    return z @ chol.T


###############################################################################
# What makes a covariance singular


def with_constant_feature(X: np.ndarray, value: float = 1.0) -> np.ndarray:
    """The data with one more feature that never changes.

    Every hill has zero spread along that feature: without ``reg_covar`` each
    covariance is singular.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    value : float

    Returns
    -------
    ndarray of shape (N, D + 1)
    """
    X = check_data(as_2d(X))
    return np.column_stack([X, np.full(X.shape[0], float(value))])


def few_points(X: np.ndarray, n_points: int = 5, seed: int = 0) -> np.ndarray:
    """A handful of the data's points (seeded, distinct rows where possible).

    With K components over so few points some hill owns one point (or, in D
    dimensions, at most D), which has no spread in some direction.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    n_points : int
    seed : int

    Returns
    -------
    ndarray of shape (min(n_points, N), D)
    """
    X = check_data(as_2d(X))
    distinct = np.unique(X, axis=0)
    pool = distinct if distinct.shape[0] >= n_points else X
    m = min(int(n_points), pool.shape[0])
    rows = np.random.default_rng(seed).choice(pool.shape[0], size=m, replace=False)
    return pool[np.sort(rows)]


def narrowest_variance(params: GMMParams) -> float:
    """The smallest variance of any hill in any direction.

    Parameters
    ----------
    params : GMMParams

    Returns
    -------
    float
        The smallest eigenvalue over all components' covariances; near 0 means a
        hill has (almost) no width in some direction.
    """
    return float(np.linalg.eigvalsh(params.full_covariances()).min())


###############################################################################
# Units: spherical hills are round in the data's own units


def feature_spreads(X: np.ndarray) -> np.ndarray:
    """Standard deviation of every feature.

    Parameters
    ----------
    X : ndarray of shape (N, D)

    Returns
    -------
    ndarray of shape (D,)
    """
    return check_data(as_2d(X)).std(axis=0)


def spread_ratio(X: np.ndarray) -> float:
    """How many times wider the widest feature is than the narrowest.

    A spherical hill is round in the data's units, so when this is large it must
    be as wide as the widest feature in every direction.

    Parameters
    ----------
    X : ndarray of shape (N, D)

    Returns
    -------
    float
        1 for one feature, or when fewer than two features vary.
    """
    X = check_data(as_2d(X))
    spreads = X.std(axis=0)
    varying = spreads[_varies(X, spreads)]
    if varying.size < 2:
        return 1.0
    return float(varying.max() / varying.min())


def standardise(X: np.ndarray) -> np.ndarray:
    """Every feature to mean 0 and standard deviation 1.

    A feature that never changes is only centred (it stays constant, at 0).

    Parameters
    ----------
    X : ndarray of shape (N, D)

    Returns
    -------
    ndarray of shape (N, D)
    """
    X = check_data(as_2d(X))
    spreads = X.std(axis=0)
    scale = np.where(_varies(X, spreads), spreads, 1.0)
    return (X - X.mean(axis=0)) / scale


def _varies(X: np.ndarray, spreads: np.ndarray) -> np.ndarray:
    """Which features of ``X`` (N, D) are not constant up to rounding: shape (D,).

    Measured against each feature's own size, not the widest feature's:
    nanometres beside billions is the case that most needs standardising.
    """
    size = np.maximum(np.abs(X).max(axis=0), np.finfo(np.float64).tiny)
    return spreads > 1e-12 * size
