"""Fitting with restarts: EM from several starting guesses, keep the best."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gmm_core.init import InitMethod, initialize
from gmm_core.mixture import CovarianceType, EMStep, GMMParams, em_steps


@dataclass(frozen=True, eq=False)
class Restart:
    """How one restart ended.

    Attributes
    ----------
    seed : int
        Seed of its starting guess.
    final_log_likelihood : float
        Mean log-likelihood of its last step.
    n_iter : int
        Iterations it ran.
    stop_reason : {"converged", "max_iter", "collapsed"}
    params : GMMParams
        Its final parameters.
    """

    seed: int
    final_log_likelihood: float
    n_iter: int
    stop_reason: str
    params: GMMParams

    @property
    def collapsed(self) -> bool:
        """True when a component collapsed: its likelihood is meaningless."""
        return self.stop_reason == "collapsed"


@dataclass(frozen=True, eq=False)
class FitResult:
    """The best restart's whole trace and a summary of every restart.

    Attributes
    ----------
    trace : tuple of EMStep
        Every step of the best restart, iteration 0 first.
    restarts : tuple of Restart
        One per restart, in seed order.
    best_index : int
        Which restart the trace belongs to.
    """

    trace: tuple[EMStep, ...]
    restarts: tuple[Restart, ...]
    best_index: int

    @property
    def best(self) -> EMStep:
        """The last step of the best restart."""
        return self.trace[-1]

    @property
    def params(self) -> GMMParams:
        """The best restart's final parameters."""
        return self.trace[-1].params

    @property
    def final_log_likelihoods(self) -> np.ndarray:
        """Final mean log-likelihood of every restart, shape (n_init,)."""
        return np.array([r.final_log_likelihood for r in self.restarts])


def fit(
    X: np.ndarray,
    n_components: int,
    *,
    covariance_type: CovarianceType = "full",
    init: InitMethod = "kmeans",
    n_init: int = 1,
    seed: int = 0,
    reg_covar: float = 1e-6,
    tol: float = 1e-3,
    max_iter: int = 100,
    means: np.ndarray | None = None,
) -> FitResult:
    """Fit a Gaussian mixture by EM from ``n_init`` starting guesses.

    Restart ``i`` uses seed ``seed + i``. The best restart is the one with the
    highest final mean log-likelihood among those that did not collapse (a
    collapsed run's likelihood runs off to infinity and means nothing); if all
    collapsed, the highest of them.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    n_components : int
    covariance_type : {"full", "tied", "diag", "spherical"}
    init : {"kmeans", "k-means++", "random", "random_from_data", "given"}
    n_init : int, default 1
    seed : int, default 0
    reg_covar, tol, max_iter
        As in :func:`gmm_core.em_steps`.
    means : ndarray of shape (K, D), optional
        Starting means for ``init="given"``.

    Returns
    -------
    FitResult
    """
    n_init = max(1, int(n_init))
    best_trace: tuple[EMStep, ...] = ()
    best_key = (False, -np.inf)
    best_index = 0
    restarts = []
    for i in range(n_init):
        start = initialize(
            X,
            n_components,
            method=init,
            covariance_type=covariance_type,
            reg_covar=reg_covar,
            seed=seed + i,
            means=means,
        )
        trace = tuple(
            em_steps(X, start, reg_covar=reg_covar, tol=tol, max_iter=max_iter)
        )
        last = trace[-1]
        restarts.append(
            Restart(
                seed + i,
                last.mean_log_likelihood,
                last.iteration,
                last.stop_reason or "max_iter",
                last.params,
            )
        )
        key = (last.stop_reason != "collapsed", last.mean_log_likelihood)
        if not best_trace or key > best_key:
            best_trace, best_key, best_index = trace, key, i
    return FitResult(best_trace, tuple(restarts), best_index)
