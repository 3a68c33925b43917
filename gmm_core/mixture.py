"""Gaussian mixture parameters, the E-step, the M-step and the EM generator.

The vocabulary and the array layouts are scikit-learn's
(:class:`sklearn.mixture.GaussianMixture`), so every number Fogmap shows can be
checked against it. The EM loop is written as a generator so that the app can show
every iteration, not just the last one.

Layout of ``covariances`` by ``covariance_type`` (K components, D features):

==========  ===============  ==========================================
type        shape            meaning
==========  ===============  ==========================================
full        (K, D, D)        each component has its own covariance matrix
tied        (D, D)           all components share one covariance matrix
diag        (K, D)           each component has its own diagonal
spherical   (K,)             each component has one variance
==========  ===============  ==========================================
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from gmm_core.errors import FogmapError, check_data

CovarianceType = Literal["full", "tied", "diag", "spherical"]
COVARIANCE_TYPES: tuple[CovarianceType, ...] = ("full", "tied", "diag", "spherical")

# scikit-learn adds this to every soft count so that an empty component does not
# divide by zero; we do the same so the numbers agree.
_NK_EPS = 10 * np.finfo(np.float64).eps
# A component whose spread in some direction falls below this fraction of the data's
# variance in that direction has collapsed onto a point (or a line): its likelihood
# is running off to infinity.
COLLAPSE_RELATIVE_VARIANCE = 1e-12
# A component holding less than this many points' worth of responsibility is empty.
EMPTY_SOFT_COUNT = 1e-3


def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=np.float64, copy=True)
    a.flags.writeable = False
    return a


###############################################################################
# Parameters


@dataclass(frozen=True, eq=False)
class GMMParams:
    """The parameters of a Gaussian mixture, in scikit-learn's layout.

    Parameters
    ----------
    weights : ndarray of shape (K,)
        Mixing weights; they sum to 1.
    means : ndarray of shape (K, D)
        Component means.
    covariances : ndarray
        Shape depends on ``covariance_type``: full (K, D, D), tied (D, D),
        diag (K, D), spherical (K,).
    covariance_type : {"full", "tied", "diag", "spherical"}
        Which family of covariances the mixture uses.
    precisions_cholesky : ndarray, optional
        Cholesky factors of the precision matrices, in the same layout as
        ``covariances`` (scikit-learn's ``precisions_cholesky_``). Computed from
        ``covariances`` when not given.

    Raises
    ------
    FogmapError
        When the shapes do not fit together or a covariance is not positive
        definite.
    """

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    covariance_type: CovarianceType = "full"
    precisions_cholesky: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.covariance_type not in COVARIANCE_TYPES:
            raise FogmapError(
                f"Unknown covariance type {self.covariance_type!r}; "
                f"choose one of {', '.join(COVARIANCE_TYPES)}."
            )
        weights = _readonly(self.weights).reshape(-1)
        means = _readonly(self.means)
        if means.ndim == 1:
            means = _readonly(means.reshape(-1, 1))
        covariances = _readonly(self.covariances)
        k, d = means.shape
        if weights.shape != (k,):
            raise FogmapError(f"Expected {k} mixing weights, got {weights.shape[0]}.")
        expected = _covariance_shape(self.covariance_type, k, d)
        if covariances.shape != expected:
            raise FogmapError(
                f"A {self.covariance_type} covariance for {k} components in {d} "
                f"dimensions has shape {expected}, got {covariances.shape}."
            )
        if not (
            np.all(np.isfinite(weights))
            and np.all(np.isfinite(means))
            and np.all(np.isfinite(covariances))
        ):
            raise FogmapError("The mixture's parameters contain NaN or infinity.")
        if np.any(weights < 0) or not math.isclose(weights.sum(), 1.0, abs_tol=1e-6):
            raise FogmapError("Mixing weights must be non-negative and sum to 1.")
        if self.precisions_cholesky is None:
            chol = _covariance_cholesky(covariances, self.covariance_type)
            if chol is None:
                raise FogmapError(
                    "Some component's covariance is not positive definite: it has "
                    "no width in some direction. Add reg_covar or choose a simpler "
                    "covariance type."
                )
            prec_chol = _precision_cholesky_from_cov_cholesky(
                chol, self.covariance_type
            )
        else:
            prec_chol = self.precisions_cholesky
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "means", means)
        object.__setattr__(self, "covariances", covariances)
        object.__setattr__(self, "precisions_cholesky", _readonly(prec_chol))

    @property
    def n_components(self) -> int:
        """Number of components K."""
        return self.means.shape[0]

    @property
    def n_features(self) -> int:
        """Number of features D."""
        return self.means.shape[1]

    @property
    def precisions(self) -> np.ndarray:
        """Precision matrices in scikit-learn's layout (``precisions_``)."""
        pc = self.precisions_cholesky
        if self.covariance_type == "full":
            return pc @ np.swapaxes(pc, 1, 2)
        if self.covariance_type == "tied":
            return pc @ pc.T
        return pc**2

    def full_covariances(self) -> np.ndarray:
        """Every component's covariance as a full matrix.

        Returns
        -------
        ndarray of shape (K, D, D)
        """
        return expand_covariances(
            self.covariances, self.covariance_type, self.n_components, self.n_features
        )


def expand_covariances(
    covariances: np.ndarray, covariance_type: CovarianceType, k: int, d: int
) -> np.ndarray:
    """Turn covariances of any type into full matrices.

    Parameters
    ----------
    covariances : ndarray
        In the layout of ``covariance_type``.
    covariance_type : {"full", "tied", "diag", "spherical"}
    k, d : int
        Number of components and of features.

    Returns
    -------
    ndarray of shape (k, d, d)
    """
    c = np.asarray(covariances, dtype=np.float64)
    if covariance_type == "full":
        return c.copy()
    if covariance_type == "tied":
        return np.broadcast_to(c, (k, d, d)).copy()
    if covariance_type == "diag":
        return c[:, :, None] * np.eye(d)[None]
    return c[:, None, None] * np.eye(d)[None]


def _covariance_shape(
    covariance_type: CovarianceType, k: int, d: int
) -> tuple[int, ...]:
    return {"full": (k, d, d), "tied": (d, d), "diag": (k, d), "spherical": (k,)}[
        covariance_type
    ]


def covariance_parameter_count(
    n_components: int, n_features: int, covariance_type: CovarianceType
) -> int:
    """Free parameters of the covariances alone (scikit-learn's counting).

    Parameters
    ----------
    n_components : int
        K.
    n_features : int
        D.
    covariance_type : {"full", "tied", "diag", "spherical"}

    Returns
    -------
    int
        full K*D(D+1)/2, tied D(D+1)/2, diag K*D, spherical K.
    """
    k, d = int(n_components), int(n_features)
    per_matrix = d * (d + 1) // 2
    counts = {"full": k * per_matrix, "tied": per_matrix, "diag": k * d, "spherical": k}
    if covariance_type not in counts:
        raise FogmapError(
            f"Unknown covariance type {covariance_type!r}; choose one of "
            f"{', '.join(COVARIANCE_TYPES)}."
        )
    return counts[covariance_type]


def n_parameters(params: GMMParams) -> int:
    """Number of free parameters of the mixture (scikit-learn's ``_n_parameters``).

    Parameters
    ----------
    params : GMMParams

    Returns
    -------
    int
        Covariance parameters + K*D means + (K - 1) weights.
    """
    k, d = params.n_components, params.n_features
    return covariance_parameter_count(k, d, params.covariance_type) + k * d + k - 1


###############################################################################
# Cholesky factors and collapse detection


def _covariance_cholesky(
    covariances: np.ndarray, covariance_type: CovarianceType
) -> np.ndarray | None:
    """Lower Cholesky factor of each covariance (sqrt of variances for diag types).

    Returns None when some covariance is not positive definite.
    """
    if covariance_type in ("full", "tied"):
        try:
            return np.linalg.cholesky(covariances)
        except np.linalg.LinAlgError:
            return None
    if np.any(covariances <= 0.0):
        return None
    return np.sqrt(covariances)


def _precision_cholesky_from_cov_cholesky(
    chol: np.ndarray, covariance_type: CovarianceType
) -> np.ndarray:
    """scikit-learn's ``precisions_cholesky_`` from the covariance factor L.

    That is (L^-1)^T for full and tied, 1 / sqrt(variance) for diag and spherical.
    """
    if covariance_type in ("full", "tied"):
        return np.swapaxes(np.linalg.inv(chol), -1, -2)
    return 1.0 / chol


def _component_variances_floor(
    covariances: np.ndarray,
    covariance_type: CovarianceType,
    floor: np.ndarray,
) -> tuple[int, ...]:
    """Indices of components whose spread in some direction is below ``floor``.

    ``covariances`` is full (K, D, D), diag (K, D) or spherical (K,); ``floor`` has
    shape (D,). For full covariances the spread along
    feature j is measured by the squared j-th diagonal entry of the Cholesky factor
    (the variance of feature j given the features before it), which is zero
    exactly when the matrix is singular.
    """
    if covariance_type == "spherical":
        bad = covariances < floor.min()
        return tuple(int(i) for i in np.flatnonzero(bad))
    if covariance_type == "diag":
        bad = np.any(covariances < floor[None, :], axis=1)
        return tuple(int(i) for i in np.flatnonzero(bad))
    collapsed = []
    for k, m in enumerate(covariances):
        try:
            chol = np.linalg.cholesky(m)
        except np.linalg.LinAlgError:
            collapsed.append(k)
            continue
        if np.any(np.diagonal(chol) ** 2 < floor):
            collapsed.append(k)
    return tuple(collapsed)


def collapse_floor(X: np.ndarray) -> np.ndarray:
    """Per-feature variance below which a component counts as collapsed.

    Parameters
    ----------
    X : ndarray of shape (N, D)

    Returns
    -------
    ndarray of shape (D,)
        ``COLLAPSE_RELATIVE_VARIANCE`` times the data's variance of each feature. A
        constant feature (variance below 1e-20 of its mean square: rounding noise)
        counts as variance 1.
    """
    var = X.var(axis=0)
    mean_square = np.einsum("nd,nd->d", X, X) / X.shape[0]
    constant = var <= 1e-20 * mean_square
    var = np.where(constant | (var <= 0), 1.0, var)
    return COLLAPSE_RELATIVE_VARIANCE * var


def find_collapsed(
    covariances: np.ndarray,
    covariance_type: CovarianceType,
    floor: np.ndarray,
    n_components: int,
) -> tuple[int, ...]:
    """Components whose covariance has (numerically) lost a dimension.

    Parameters
    ----------
    covariances : ndarray
        In the layout of ``covariance_type``.
    covariance_type : {"full", "tied", "diag", "spherical"}
    floor : ndarray of shape (D,)
        From :func:`collapse_floor`.
    n_components : int

    Returns
    -------
    tuple of int
        Indices of the collapsed components (all of them when a tied covariance
        collapsed, since they share it).
    """
    if covariance_type == "tied":
        if _component_variances_floor(covariances[None], "full", floor):
            return tuple(range(n_components))
        return ()
    return _component_variances_floor(covariances, covariance_type, floor)


def floor_collapsed(
    covariances: np.ndarray,
    covariance_type: CovarianceType,
    floor: np.ndarray,
    collapsed: tuple[int, ...],
) -> np.ndarray:
    """Add ``floor`` to the diagonal of collapsed components so they can be drawn.

    Parameters
    ----------
    covariances : ndarray
        In the layout of ``covariance_type``.
    covariance_type : {"full", "tied", "diag", "spherical"}
    floor : ndarray of shape (D,)
    collapsed : tuple of int

    Returns
    -------
    ndarray
        A copy, positive definite again.
    """
    cov = covariances.copy()
    if covariance_type == "tied":
        cov[np.diag_indices_from(cov)] += floor
    elif covariance_type == "full":
        for k in collapsed:
            cov[k][np.diag_indices_from(cov[k])] += floor
    elif covariance_type == "diag":
        cov[list(collapsed)] = np.maximum(cov[list(collapsed)], 0.0) + floor
    else:
        cov[list(collapsed)] = np.maximum(cov[list(collapsed)], 0.0) + floor.min()
    return cov


###############################################################################
# M-step estimators, one per covariance type


def _covariances_full(
    resp: np.ndarray, X: np.ndarray, nk: np.ndarray, means: np.ndarray, reg: float
) -> np.ndarray:
    k, d = means.shape
    cov = np.empty((k, d, d))
    for j in range(k):
        diff = X - means[j]
        cov[j] = (resp[:, j] * diff.T) @ diff / nk[j]
        cov[j].flat[:: d + 1] += reg
    return cov


def _covariances_tied(
    resp: np.ndarray, X: np.ndarray, nk: np.ndarray, means: np.ndarray, reg: float
) -> np.ndarray:
    cov = X.T @ X - (nk * means.T) @ means
    cov /= nk.sum()
    cov.flat[:: X.shape[1] + 1] += reg
    return cov


def _covariances_diag(
    resp: np.ndarray, X: np.ndarray, nk: np.ndarray, means: np.ndarray, reg: float
) -> np.ndarray:
    avg_x2 = (resp.T @ (X * X)) / nk[:, None]
    return avg_x2 - means**2 + reg


def _covariances_spherical(
    resp: np.ndarray, X: np.ndarray, nk: np.ndarray, means: np.ndarray, reg: float
) -> np.ndarray:
    return _covariances_diag(resp, X, nk, means, reg).mean(axis=1)


_COVARIANCE_ESTIMATORS = {
    "full": _covariances_full,
    "tied": _covariances_tied,
    "diag": _covariances_diag,
    "spherical": _covariances_spherical,
}


def estimate_parameters(
    X: np.ndarray,
    resp: np.ndarray,
    covariance_type: CovarianceType,
    reg_covar: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The M-step's raw estimates from responsibilities (scikit-learn's formulas).

    Parameters
    ----------
    X : ndarray of shape (N, D)
    resp : ndarray of shape (N, K)
        Responsibilities; each row sums to 1 (or hard 0/1 labels).
    covariance_type : {"full", "tied", "diag", "spherical"}
    reg_covar : float
        Added to the diagonal of every covariance.

    Returns
    -------
    nk : ndarray of shape (K,)
        Soft counts, sum of each column of ``resp`` (+ 10 machine epsilons).
    weights : ndarray of shape (K,)
        ``nk`` normalised to sum to 1.
    means : ndarray of shape (K, D)
    covariances : ndarray
        In the layout of ``covariance_type``.
    """
    nk = np.ones(resp.shape[0]) @ resp + _NK_EPS
    means = (resp.T @ X) / nk[:, None]
    covariances = _COVARIANCE_ESTIMATORS[covariance_type](resp, X, nk, means, reg_covar)
    return nk, nk / nk.sum(), means, covariances


###############################################################################
# E-step: log densities, responsibilities, log-likelihood


def _log_det_precision_cholesky(params: GMMParams) -> np.ndarray:
    pc = params.precisions_cholesky
    d = params.n_features
    t = params.covariance_type
    if t == "full":
        return np.log(np.diagonal(pc, axis1=1, axis2=2)).sum(axis=1)
    if t == "tied":
        return np.full(params.n_components, np.log(np.diagonal(pc)).sum())
    if t == "diag":
        return np.log(pc).sum(axis=1)
    return d * np.log(pc)


def _sum_of_squares_by_component(y: np.ndarray, k: int, d: int) -> np.ndarray:
    """Sum ``y**2`` over each block of ``d`` columns: (N, K*D) -> (N, K).

    Column ``k*d + e`` of ``y`` is feature ``e`` of component ``k``. Adding the D
    strided column views is much faster than reducing over a short last axis.
    """
    out = np.square(y[:, 0::d])
    for e in range(1, d):
        part = y[:, e::d]
        out += part * part
    return out


def _squared_mahalanobis(X: np.ndarray, params: GMMParams) -> np.ndarray:
    """Squared Mahalanobis distance of every point to every mean, shape (N, K)."""
    pc = params.precisions_cholesky
    means = params.means
    t = params.covariance_type
    d = X.shape[1]
    k = means.shape[0]
    if t == "full":
        # One matrix product for all components: (N, D) @ (D, K*D).
        stacked = np.transpose(pc, (1, 0, 2)).reshape(d, k * d)
        y = X @ stacked
        y -= np.einsum("kd,kde->ke", means, pc).reshape(1, k * d)
        return _sum_of_squares_by_component(y, k, d)
    if t == "tied":
        xp = X @ pc
        mp = means @ pc
        out = np.subtract.outer(xp[:, 0], mp[:, 0])
        out *= out
        for e in range(1, d):
            diff = np.subtract.outer(xp[:, e], mp[:, e])
            diff *= diff
            out += diff
        return out
    if t == "diag":
        prec = pc**2
        out = (X * X) @ prec.T
        out -= 2.0 * (X @ (means * prec).T)
        out += (means**2 * prec).sum(axis=1)
        return out
    prec = pc**2
    out = X @ means.T
    out *= -2.0
    out += np.einsum("nd,nd->n", X, X)[:, None]
    out += (means**2).sum(axis=1)
    out *= prec
    return out


def mahalanobis(X: np.ndarray, params: GMMParams) -> np.ndarray:
    """How many standard deviations every point is from every hill top.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    params : GMMParams

    Returns
    -------
    ndarray of shape (N, K)
        sqrt((x_i - mu_k)^T Sigma_k^-1 (x_i - mu_k)).
    """
    squared = _squared_mahalanobis(as_2d(X, params.n_features), params)
    return np.sqrt(np.clip(squared, 0.0, None))


def weighted_log_prob(X: np.ndarray, params: GMMParams) -> np.ndarray:
    """log(pi_k) + log N(x_i | mu_k, Sigma_k) for every point and component.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    params : GMMParams

    Returns
    -------
    ndarray of shape (N, K)
    """
    out = _squared_mahalanobis(X, params)
    d = params.n_features
    out += d * math.log(2 * math.pi)
    out *= -0.5
    with np.errstate(divide="ignore"):
        log_w = np.log(params.weights)
    out += _log_det_precision_cholesky(params) + log_w
    return out


def _normalise(log_prob: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Log-sum-exp over components, reusing the exponentials as responsibilities.

    Parameters
    ----------
    log_prob : ndarray of shape (N, K)
        Weighted log densities; overwritten with the responsibilities.

    Returns
    -------
    log_px : ndarray of shape (N,)
        log p(x_i).
    resp : ndarray of shape (N, K)
        Responsibilities (the same memory as ``log_prob``).
    """
    # Reductions over a short last axis are slow in numpy; go column by column.
    k = log_prob.shape[1]
    top = log_prob[:, 0].copy()
    for j in range(1, k):
        np.maximum(top, log_prob[:, j], out=top)
    top[~np.isfinite(top)] = 0.0
    resp = log_prob
    resp -= top[:, None]
    np.exp(resp, out=resp)
    total = resp @ np.ones(k)
    resp /= total[:, None]
    log_px = np.log(total)
    log_px += top
    return log_px, resp


def log_normalise(log_prob: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Log-sum-exp over the last axis, and the shares it normalises to.

    The one log-sum-exp of Fogmap: every page that turns weighted log densities
    (or any log scores) into shares calls this, so none underflows differently.

    Parameters
    ----------
    log_prob : ndarray of shape (..., K)
        Log scores of K components (not modified).

    Returns
    -------
    log_total : ndarray of shape (...)
        log sum_k exp(log_prob[..., k]).
    shares : ndarray of shape (..., K)
        exp(log_prob - log_total): each row sums to 1.
    """
    log_prob = np.asarray(log_prob, dtype=np.float64)
    lead, k = log_prob.shape[:-1], log_prob.shape[-1]
    log_total, shares = _normalise(log_prob.reshape(-1, k).copy())
    return log_total.reshape(lead), shares.reshape(log_prob.shape)


def e_step(X: np.ndarray, params: GMMParams) -> tuple[np.ndarray, np.ndarray]:
    """One E-step: each point's log-density and responsibilities.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    params : GMMParams

    Returns
    -------
    log_density : ndarray of shape (N,)
        log p(x_i) under the mixture (scikit-learn's ``score_samples``).
    responsibilities : ndarray of shape (N, K)
        P(component k | x_i); each row sums to 1.
    """
    X = as_2d(X, params.n_features)
    return _normalise(weighted_log_prob(X, params))


def responsibilities(X: np.ndarray, params: GMMParams) -> np.ndarray:
    """P(component k | x_i), scikit-learn's ``predict_proba``.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    params : GMMParams

    Returns
    -------
    ndarray of shape (N, K)
        Each row sums to 1.
    """
    return e_step(X, params)[1]


def score_samples(X: np.ndarray, params: GMMParams) -> np.ndarray:
    """log p(x_i) under the mixture, scikit-learn's ``score_samples``.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    params : GMMParams

    Returns
    -------
    ndarray of shape (N,)
    """
    return e_step(X, params)[0]


def bic_penalty(n_parameters: int, n_samples: int) -> float:
    """p ln N: what BIC charges for a mixture's free parameters."""
    return n_parameters * math.log(n_samples)


def aic_penalty(n_parameters: int) -> float:
    """2 p: what AIC charges for a mixture's free parameters."""
    return 2.0 * n_parameters


def bic(X: np.ndarray, params: GMMParams) -> float:
    """Bayesian information criterion, -2 ln L + p ln N (lower is better).

    Parameters
    ----------
    X : ndarray of shape (N, D)
    params : GMMParams

    Returns
    -------
    float
    """
    X = as_2d(X, params.n_features)
    total = float(score_samples(X, params).sum())
    return -2.0 * total + bic_penalty(n_parameters(params), X.shape[0])


def aic(X: np.ndarray, params: GMMParams) -> float:
    """Akaike information criterion, -2 ln L + 2p (lower is better).

    Parameters
    ----------
    X : ndarray of shape (N, D)
    params : GMMParams

    Returns
    -------
    float
    """
    X = as_2d(X, params.n_features)
    total = float(score_samples(X, params).sum())
    return -2.0 * total + aic_penalty(n_parameters(params))


def as_2d(X: np.ndarray, n_features: int | None = None) -> np.ndarray:
    """Data as a float64 matrix: one feature given as shape (N,) becomes (N, 1).

    Parameters
    ----------
    X : array-like of shape (N,) or (N, D)
    n_features : int, optional
        The D a mixture was made for; another D is refused with a clear message.

    Returns
    -------
    ndarray of shape (N, D)
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X.reshape(-1, 1)
    if n_features is not None and X.shape[1] != n_features:
        raise FogmapError(
            f"The data has {X.shape[1]} columns but the mixture was made for "
            f"{n_features}."
        )
    return X


###############################################################################
# The EM generator

StopReason = Literal["converged", "max_iter", "collapsed"]


@dataclass(frozen=True, eq=False)
class EMStep:
    """One iteration of EM: the parameters after it and how well they fit.

    Attributes
    ----------
    iteration : int
        0 for the starting guess; t after t E-steps and t M-steps.
    params : GMMParams
        The parameters after this iteration's M-step (the guess at iteration 0).
    mean_log_likelihood : float
        Mean over samples of log p(x_i) under ``params`` (scikit-learn's ``score``).
    converged : bool
        True on the step whose mean log-likelihood improved by less than ``tol``.
    collapsed : tuple of int
        Components whose covariance lost a dimension (a point or a line holds
        them); their covariance was floored so the step can still be drawn, and EM
        stops here.
    emptied : tuple of int
        Components that hold (almost) no data.
    stop_reason : {"converged", "max_iter", "collapsed"} or None
        Set on the last step of a trace only.
    """

    iteration: int
    params: GMMParams
    mean_log_likelihood: float
    converged: bool = False
    collapsed: tuple[int, ...] = ()
    emptied: tuple[int, ...] = ()
    stop_reason: StopReason | None = None


def m_step(
    X: np.ndarray,
    resp: np.ndarray,
    covariance_type: CovarianceType,
    reg_covar: float,
    floor: np.ndarray,
) -> tuple[GMMParams, tuple[int, ...], tuple[int, ...]]:
    """One M-step: new parameters from responsibilities.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    resp : ndarray of shape (N, K)
    covariance_type : {"full", "tied", "diag", "spherical"}
    reg_covar : float
    floor : ndarray of shape (D,)
        Collapse threshold from :func:`collapse_floor`.

    Returns
    -------
    params : GMMParams
    collapsed : tuple of int
        Components that collapsed (their covariance is floored in ``params``).
    emptied : tuple of int
        Components holding less than ``EMPTY_SOFT_COUNT`` points.
    """
    nk, weights, means, cov = estimate_parameters(X, resp, covariance_type, reg_covar)
    emptied = tuple(int(i) for i in np.flatnonzero(nk < EMPTY_SOFT_COUNT))
    k = means.shape[0]
    chol = _covariance_cholesky(cov, covariance_type)
    collapsed: tuple[int, ...] = ()
    if chol is None or _any_below_floor(chol, covariance_type, floor):
        collapsed = find_collapsed(cov, covariance_type, floor, k)
        if collapsed:
            cov = floor_collapsed(cov, covariance_type, floor, collapsed)
        chol = _covariance_cholesky(cov, covariance_type)
        if chol is None:  # pragma: no cover - floors make this positive definite
            raise FogmapError("A covariance could not be repaired after collapsing.")
    prec_chol = _precision_cholesky_from_cov_cholesky(chol, covariance_type)
    params = GMMParams(
        weights, means, cov, covariance_type, precisions_cholesky=prec_chol
    )
    return params, collapsed, emptied


def _any_below_floor(
    chol: np.ndarray, covariance_type: CovarianceType, floor: np.ndarray
) -> bool:
    if covariance_type == "full":
        return bool(np.any(np.diagonal(chol, axis1=1, axis2=2) ** 2 < floor))
    if covariance_type == "tied":
        return bool(np.any(np.diagonal(chol) ** 2 < floor))
    if covariance_type == "diag":
        return bool(np.any(chol**2 < floor))
    return bool(np.any(chol**2 < floor.min()))


def em_steps(
    X: np.ndarray,
    init: GMMParams,
    *,
    reg_covar: float = 1e-6,
    tol: float = 1e-3,
    max_iter: int = 100,
) -> Iterator[EMStep]:
    """Run EM from ``init``, yielding every iteration.

    Parameters
    ----------
    X : ndarray of shape (N, D)
        The data; a 1-D array is one feature.
    init : GMMParams
        The starting guess; the first step (iteration 0) holds it unchanged.
    reg_covar : float, default 1e-6
        Added to the diagonal of every covariance in every M-step, as in
        scikit-learn. 0 lets a component collapse onto a single point.
    tol : float, default 1e-3
        Stop at the first step whose mean log-likelihood improved by less than
        this; 0 runs exactly ``max_iter`` iterations (barring a collapse).
    max_iter : int, default 100
        Most iterations to run after the guess.

    Yields
    ------
    EMStep
        Iteration 0, 1, ... Each iteration does one E-step and one M-step; the
        log-densities that give a step its log-likelihood are reused as the next
        M-step's responsibilities.

    Raises
    ------
    FogmapError
        If the data holds NaN or infinity, has the wrong number of columns, or
        fewer points than components.
    """
    X = check_data(as_2d(X, init.n_features))
    if X.shape[0] < init.n_components:
        raise FogmapError(
            f"There are {X.shape[0]} points but {init.n_components} components: "
            "every component needs at least one point. Choose a smaller K."
        )
    if reg_covar < 0 or tol < 0 or max_iter < 0:
        raise FogmapError("reg_covar, tol and max_iter must not be negative.")
    floor = collapse_floor(X)
    k = init.n_components
    ctype = init.covariance_type

    params = init
    collapsed = find_collapsed(init.covariances, ctype, floor, k)
    emptied: tuple[int, ...] = ()
    log_px, resp = _normalise(weighted_log_prob(X, params))
    ll = float(log_px.mean())
    iteration = 0
    previous_ll = -math.inf
    while True:
        if collapsed:
            stop: StopReason | None = "collapsed"
        elif iteration >= max_iter:
            stop = "max_iter"
        else:
            stop = None
        converged = False
        if iteration > 0 and tol > 0 and ll - previous_ll < tol:
            converged = True
            stop = "collapsed" if collapsed else "converged"
        yield EMStep(iteration, params, ll, converged, collapsed, emptied, stop)
        if stop is not None:
            return
        previous_ll = ll
        params, collapsed, emptied = m_step(X, resp, ctype, reg_covar, floor)
        log_px, resp = _normalise(weighted_log_prob(X, params))
        ll = float(log_px.mean())
        iteration += 1
