"""Choosing K: fit many mixtures and weigh fit against complexity.

Criteria follow scikit-learn's convention (lower is better):

* BIC = -2 ln L + p ln N
* AIC = -2 ln L + 2 p
* ICL = BIC + 2 sum_i -ln max_k r_ik (BIC plus an entropy-like cost for fuzzy
  assignments, as in R's mclust, with its sign flipped to "lower is better")
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
    e_step,
    n_parameters,
)


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
