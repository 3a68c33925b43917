"""Choosing K: fit many mixtures and weigh fit against complexity.

Criteria follow scikit-learn's convention (lower is better):

* BIC = -2 ln L + p ln N
* AIC = -2 ln L + 2 p
* ICL = BIC + 2 sum_i -ln max_k r_ik (BIC plus an entropy-like cost for fuzzy
  assignments, as in R's mclust, with its sign flipped to "lower is better")

And when a K asks more of the data than it can give: every number of the hills'
centres and shapes needs :data:`POINTS_PER_NUMBER` points behind it
(:func:`points_needed`, :func:`supports`, :func:`few_sample_hills`). Choosing K
greys out the K beyond it and the Fog explorer warns about the hills under it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from gmm_core.errors import FogmapError, check_data
from gmm_core.fit import fit
from gmm_core.init import InitMethod
from gmm_core.mixture import (
    CovarianceType,
    GMMParams,
    aic_penalty,
    as_2d,
    bic_penalty,
    covariance_parameter_count,
    e_step,
    n_parameters,
)

# A hill's centre and shape are guesses unless at least this many points stand
# behind every number they need (a rule of thumb: with fewer, another sample of
# the same data would give another map).
POINTS_PER_NUMBER = 2


@dataclass(frozen=True, eq=False)
class Criteria:
    """How well a mixture fits, and what it costs.

    Attributes
    ----------
    log_likelihood : float
        Total ln L over the samples.
    n_parameters : int
        Free parameters p.
    n_samples : int
        N.
    bic, aic, icl : float
        Lower is better.
    """

    log_likelihood: float
    n_parameters: int
    n_samples: int
    bic: float
    aic: float
    icl: float

    @property
    def fit_term(self) -> float:
        """-2 ln L, the part of every criterion that rewards fitting."""
        return -2.0 * self.log_likelihood

    @property
    def bic_penalty(self) -> float:
        """p ln N, what BIC charges for complexity."""
        return bic_penalty(self.n_parameters, self.n_samples)

    @property
    def aic_penalty(self) -> float:
        """2 p, what AIC charges for complexity."""
        return aic_penalty(self.n_parameters)


def criteria(X: np.ndarray, params: GMMParams) -> Criteria:
    """BIC, AIC and ICL of a mixture on data, from one E-step.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    params : GMMParams

    Returns
    -------
    Criteria
    """
    X = as_2d(X, params.n_features)
    log_px, resp = e_step(X, params)
    total = float(log_px.sum())
    n = X.shape[0]
    p = n_parameters(params)
    bic = -2.0 * total + bic_penalty(p, n)
    aic = -2.0 * total + aic_penalty(p)
    with np.errstate(divide="ignore"):
        entropy = float(-np.log(np.maximum(resp.max(axis=1), 1e-300)).sum())
    return Criteria(total, p, n, bic, aic, bic + 2.0 * entropy)


@dataclass(frozen=True, eq=False)
class SweepFit:
    """One restart of one (K, covariance type) in a sweep.

    Attributes
    ----------
    n_components : int
    covariance_type : str
    seed : int
    criteria : Criteria
        On the data the mixture was fitted to.
    heldout_log_likelihood : float or None
        Mean log-likelihood per point on the held-out part, when there is one.
    params : GMMParams
    stop_reason : str
    """

    n_components: int
    covariance_type: str
    seed: int
    criteria: Criteria
    heldout_log_likelihood: float | None
    params: GMMParams
    stop_reason: str


def split_heldout(
    X: np.ndarray, fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Split rows into a fitting part and a held-out part (seeded shuffle).

    Parameters
    ----------
    X : ndarray of shape (N, D)
    fraction : float
        Share of rows held out, in (0, 1).
    seed : int

    Returns
    -------
    fitting : ndarray of shape (N - M, D)
    heldout : ndarray of shape (M, D)
    """
    order = np.random.default_rng(seed).permutation(X.shape[0])
    m = round(fraction * X.shape[0])
    return X[order[m:]], X[order[:m]]


def sweep(
    X: np.ndarray,
    ks: Iterable[int],
    covariance_types: Iterable[CovarianceType],
    *,
    n_init: int = 3,
    seed: int = 0,
    init: InitMethod = "kmeans",
    reg_covar: float = 1e-6,
    tol: float = 1e-3,
    max_iter: int = 100,
    heldout_fraction: float = 0.0,
    progress: Callable[[int, int], None] | None = None,
) -> list[SweepFit]:
    """Fit every K and covariance type with several restarts.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    ks : iterable of int
        The numbers of components to try; those above N are skipped.
    covariance_types : iterable of {"full", "tied", "diag", "spherical"}
    n_init : int
        Restarts per (K, type); restart i uses seed ``seed + i``.
    seed, init, reg_covar, tol, max_iter
        As in :func:`gmm_core.fit`.
    heldout_fraction : float
        When above 0, that share of the rows is held out (seeded by ``seed``),
        the mixtures are fitted on the rest and each restart is also scored on
        the held-out rows.
    progress : callable (done, total), optional
        Called after every fit.

    Returns
    -------
    list of SweepFit
        Every restart, in (type, K, seed) order.
    """
    X = check_data(as_2d(X))
    if not 0.0 <= heldout_fraction < 1.0:
        raise FogmapError("The held-out share must be between 0 and 1.")
    if heldout_fraction > 0:
        fitting, heldout = split_heldout(X, heldout_fraction, seed)
    else:
        fitting, heldout = X, None
    ks = [int(k) for k in ks if 1 <= int(k) <= fitting.shape[0]]
    types = list(covariance_types)
    total = len(ks) * len(types) * n_init
    done = 0
    results = []
    for ctype in types:
        for k in ks:
            for i in range(n_init):
                run = fit(
                    fitting,
                    k,
                    covariance_type=ctype,
                    init=init,
                    n_init=1,
                    seed=seed + i,
                    reg_covar=reg_covar,
                    tol=tol,
                    max_iter=max_iter,
                )
                params = run.params
                scored = None
                if heldout is not None and heldout.shape[0]:
                    scored = float(e_step(heldout, params)[0].mean())
                results.append(
                    SweepFit(
                        k,
                        ctype,
                        seed + i,
                        criteria(fitting, params),
                        scored,
                        params,
                        run.best.stop_reason or "max_iter",
                    )
                )
                done += 1
                if progress is not None:
                    progress(done, total)
    return results


def best_per_setting(fits: Iterable[SweepFit]) -> dict[tuple[str, int], SweepFit]:
    """For each (type, K), the restart with the highest log-likelihood.

    Collapsed restarts only win when every restart of that setting collapsed.
    """
    best: dict[tuple[str, int], SweepFit] = {}
    for f in fits:
        key = (f.covariance_type, f.n_components)
        rank = (f.stop_reason != "collapsed", f.criteria.log_likelihood)
        current = best.get(key)
        if current is None or rank > (
            current.stop_reason != "collapsed",
            current.criteria.log_likelihood,
        ):
            best[key] = f
    return best


###############################################################################
# How many hills the data can support


def numbers_per_hill(n_features: int, covariance_type: CovarianceType) -> int:
    """The numbers one hill needs for its own centre and shape.

    A tied covariance is shared by every hill, so only the centre counts.

    Parameters
    ----------
    n_features : int
        D.
    covariance_type : {"full", "tied", "diag", "spherical"}

    Returns
    -------
    int
        D, plus the covariance numbers of one hill unless tied.
    """
    d = int(n_features)
    if covariance_type == "tied":
        return d
    return d + covariance_parameter_count(1, d, covariance_type)


def shape_numbers(
    n_components: int, n_features: int, covariance_type: CovarianceType
) -> int:
    """The numbers of every hill's centre and shape: the parameters but the weights.

    Parameters
    ----------
    n_components, n_features : int
        K and D.
    covariance_type : {"full", "tied", "diag", "spherical"}

    Returns
    -------
    int
        K·D + the covariance numbers (:func:`gmm_core.mixture.n_parameters`
        minus the K - 1 free weights).
    """
    k, d = int(n_components), int(n_features)
    return k * d + covariance_parameter_count(k, d, covariance_type)


def points_needed(
    n_components: int, n_features: int, covariance_type: CovarianceType
) -> int:
    """The fewest points that can support K hills: ``POINTS_PER_NUMBER`` per number.

    For every type but tied this is K times a hill's own need, so with fewer
    points some hill of any fit rests on fewer points than its numbers ask
    (:func:`few_sample_hills` finds it).

    Parameters
    ----------
    n_components, n_features : int
        K and D.
    covariance_type : {"full", "tied", "diag", "spherical"}

    Returns
    -------
    int
    """
    return POINTS_PER_NUMBER * shape_numbers(n_components, n_features, covariance_type)


def supports(
    n_samples: int,
    n_components: int,
    n_features: int,
    covariance_type: CovarianceType,
) -> bool:
    """Whether N points can support K hills of this type (:func:`points_needed`).

    Parameters
    ----------
    n_samples : int
        N, the points fitted.
    n_components, n_features : int
        K and D.
    covariance_type : {"full", "tied", "diag", "spherical"}

    Returns
    -------
    bool
    """
    return int(n_samples) >= points_needed(n_components, n_features, covariance_type)


def few_sample_hills(params: GMMParams, n_samples: int) -> list[tuple[int, float]]:
    """Hills resting on fewer points than ``POINTS_PER_NUMBER`` per number they need.

    Parameters
    ----------
    params : GMMParams
    n_samples : int
        N, the points fitted.

    Returns
    -------
    list of (int, float)
        (hill, its soft count weight × N), in hill order.
    """
    counts = params.weights * n_samples
    limit = POINTS_PER_NUMBER * numbers_per_hill(
        params.n_features, params.covariance_type
    )
    return [
        (k, float(counts[k])) for k in range(params.n_components) if counts[k] < limit
    ]
