"""Cached computations the pages share (``st.cache_data`` on plain functions)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from gmm_core import (
    Dataset,
    FitResult,
    fit,
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
