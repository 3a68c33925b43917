"""The explorer's computations, each kept once per data and settings (Streamlit).

Thin ``st.cache_data`` wrappers around :mod:`gmm_app.explorer.model` and
:mod:`gmm_app.explorer.model_maps`: the fits run once per data and settings, the
grids once per view, DBSCAN once per eps and min_samples. The fog slider refits
nothing.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from gmm_app.explorer.model import Analysis, dbscan_labels, fit_analysis
from gmm_app.explorer.model_maps import ViewMaps, map_grids


@st.cache_data(show_spinner="Fitting K-Means and the hills…", max_entries=32)
def analyse(
    X: np.ndarray, n_components: int, covariance_type: str, seed: int, n_init: int
) -> Analysis:
    """:func:`gmm_app.explorer.model.fit_analysis`, cached.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    n_components, covariance_type, seed, n_init
        As in :func:`~gmm_app.explorer.model.fit_analysis`.

    Returns
    -------
    Analysis
    """
    return fit_analysis(X, n_components, covariance_type, seed, n_init)


@st.cache_data(show_spinner=False, max_entries=32)
def view_maps(
    X: np.ndarray,
    feature_names: tuple[str, ...],
    n_components: int,
    covariance_type: str,
    seed: int,
    n_init: int,
    view: str,
) -> ViewMaps:
    """:func:`gmm_app.explorer.model_maps.map_grids` of the cached fits, cached.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    feature_names : tuple of str, length D
    n_components, covariance_type, seed, n_init
        As in :func:`analyse` (its cached result is reused).
    view : str
        "pca" or "i,j" for data with more than two features; ignored otherwise.

    Returns
    -------
    ViewMaps
    """
    an = analyse(X, n_components, covariance_type, seed, n_init)
    return map_grids(X, feature_names, an, view)


@st.cache_data(show_spinner=False, max_entries=32)
def dbscan(
    X: np.ndarray, eps: float, min_samples: int
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`gmm_app.explorer.model.dbscan_labels`, cached.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    eps : float
        In standard deviations.
    min_samples : int

    Returns
    -------
    labels : ndarray of int, shape (N,)
        -1 for noise.
    core : ndarray of bool, shape (N,)
    """
    return dbscan_labels(X, eps, min_samples)
