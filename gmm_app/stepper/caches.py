"""The EM stepper's cached runs: a whole trace, K-Means in lockstep, restarts.

EM is cheap next to a page rerun, so a page computes a whole trace once
(``st.cache_data``, keyed by data, settings and seed) and keeps only a position.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from gmm_core import (
    EMStep,
    FitResult,
    KMeansStep,
    em_steps,
    fit,
    initialize,
    kmeans_steps,
)


@st.cache_data(show_spinner="Running EM…", max_entries=32)
def em_trace(
    X: np.ndarray,
    n_components: int,
    covariance_type: str,
    init: str,
    seed: int,
    reg_covar: float,
    tol: float,
    max_iter: int,
    means: tuple[tuple[float, ...], ...] | None = None,
    widths: tuple[float, ...] | None = None,
) -> tuple[EMStep, ...]:
    """Every step of one EM run, computed once per set of settings.

    Pages keep only a position in this trace; nothing refits on a step click.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    n_components : int
    covariance_type : str
    init : str
        A :func:`gmm_core.initialize` method.
    seed : int
    reg_covar, tol : float
    max_iter : int
    means : tuple of K tuples of D floats, optional
        The starting means for ``init="given"``.
    widths : tuple of K floats, optional
        Their starting widths (the collapse lab's).

    Returns
    -------
    tuple of EMStep
        Iteration 0 (the guess) first.

    Raises
    ------
    FogmapError
        When the data or the settings cannot be fitted.
    """
    start = initialize(
        X,
        n_components,
        method=init,  # type: ignore[arg-type]
        covariance_type=covariance_type,  # type: ignore[arg-type]
        reg_covar=reg_covar,
        seed=seed,
        means=None if means is None else np.asarray(means),
        widths=None if widths is None else np.asarray(widths),
    )
    return tuple(em_steps(X, start, reg_covar=reg_covar, tol=tol, max_iter=max_iter))


@st.cache_data(show_spinner=False, max_entries=32)
def kmeans_trace(X: np.ndarray, centers: np.ndarray) -> tuple[KMeansStep, ...]:
    """Every step of Lloyd's K-Means from ``centers``.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    centers : ndarray of shape (K, D)

    Returns
    -------
    tuple of KMeansStep
    """
    return tuple(kmeans_steps(X, centers))


@st.cache_data(show_spinner="Fitting several restarts…", max_entries=16)
def restarts(
    X: np.ndarray,
    n_components: int,
    covariance_type: str,
    init: str,
    seed: int,
    reg_covar: float,
    tol: float,
    max_iter: int,
    n_init: int,
) -> FitResult:
    """EM from ``n_init`` seeds (seed, seed + 1, ...) with the same settings.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    n_components, covariance_type, init, seed, reg_covar, tol, max_iter
        As in :func:`em_trace`.
    n_init : int
        How many seeds.

    Returns
    -------
    FitResult
        Every restart (``.restarts``) and the best one's trace.

    Raises
    ------
    FogmapError
        When the data or the settings cannot be fitted.
    """
    return fit(
        X,
        n_components,
        covariance_type=covariance_type,  # type: ignore[arg-type]
        init=init,  # type: ignore[arg-type]
        n_init=n_init,
        seed=seed,
        reg_covar=reg_covar,
        tol=tol,
        max_iter=max_iter,
    )
