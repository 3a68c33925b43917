"""Cached computations the pages share (``st.cache_data`` on plain functions)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from gmm_core import (
    Dataset,
    EMStep,
    FitResult,
    KMeansStep,
    em_steps,
    fit,
    initialize,
    kmeans_steps,
    load_preset,
)


@st.cache_data(show_spinner=False, max_entries=64)
def preset_data(key: str, n_samples: int | None, seed: int) -> Dataset:
    """The data of a preset (cached by key, size and seed)."""
    return load_preset(key, n_samples, seed)


@st.cache_data(show_spinner="Fitting the hills…", max_entries=64)
def fitted_mixture(
    X: np.ndarray,
    n_components: int,
    covariance_type: str,
    seed: int,
    n_init: int = 3,
) -> FitResult:
    """A Gaussian mixture fitted by EM from k-means starts (cached by its inputs)."""
    return fit(
        X,
        n_components,
        covariance_type=covariance_type,  # type: ignore[arg-type]
        init="kmeans",
        n_init=n_init,
        seed=seed,
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
    """Every step of Lloyd's K-Means from ``centers``."""
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
    """EM from ``n_init`` seeds (seed, seed + 1, ...) with the same settings."""
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
