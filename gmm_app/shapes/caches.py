"""The Covariance shapes page's cached fits (Streamlit).

Four fits of the same data, one per covariance type, are computed once per data,
K and seed (``st.cache_data``), each with the time it took; every rerun only draws.
The singular-covariance demo's fits go through the same cache.
"""

from __future__ import annotations

import time

import numpy as np
import streamlit as st

from gmm_app.shapes.model import N_INIT, REG_COVAR, TYPES, Demo, Settings, TypeFit
from gmm_core import Dataset, FogmapError, fit, responsibilities
from gmm_core.selection import criteria

_WARM = {"done": False}


def _warm_up() -> None:
    """Pay the one-off costs (lazy imports, thread pools) before the first timing.

    Otherwise the first type fitted in a fresh server would look a hundred times
    slower than the others.
    """
    if not _WARM["done"]:
        fit(np.arange(12.0).reshape(6, 2) ** 1.5, 2, n_init=1)
        _WARM["done"] = True


@st.cache_data(show_spinner=False, max_entries=96)
def timed_fit(
    X: np.ndarray,
    n_components: int,
    covariance_type: str,
    seed: int,
    reg_covar: float = REG_COVAR,
    n_init: int = N_INIT,
) -> TypeFit:
    """Fit one covariance type by EM from k-means starts, timing the fit.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    n_components : int
    covariance_type : {"full", "tied", "diag", "spherical"}
    seed : int
        Restart i uses seed ``seed + i``.
    reg_covar : float
    n_init : int

    Returns
    -------
    TypeFit
        The time is stored with the result, so a cached rerun shows how long the
        fit took when it ran.
    """
    _warm_up()
    start = time.perf_counter()
    result = fit(
        X,
        n_components,
        covariance_type=covariance_type,  # type: ignore[arg-type]
        init="kmeans",
        n_init=n_init,
        seed=seed,
        reg_covar=reg_covar,
    )
    seconds = time.perf_counter() - start
    best = result.best
    return TypeFit(
        covariance_type,
        result.params,
        responsibilities(X, result.params),
        criteria(X, result.params),
        seconds,
        n_init,
        best.iteration,
        best.stop_reason or "max_iter",
        best.collapsed,
        best.emptied,
    )


def fit_all_types(data: Dataset, settings: Settings) -> dict[str, TypeFit | str]:
    """The four fits (cached); a student-worded message where one failed.

    Parameters
    ----------
    data : Dataset
    settings : Settings

    Returns
    -------
    dict of str to TypeFit or str
        Keyed by covariance type, in :data:`~gmm_app.shapes.model.TYPES` order.
    """
    fits: dict[str, TypeFit | str] = {}
    with st.spinner("Fitting four covariance types…"):
        for ctype in TYPES:
            try:
                fits[ctype] = timed_fit(
                    data.X, settings.n_components, ctype, settings.seed
                )
            except FogmapError as exc:
                fits[ctype] = str(exc)
    return fits


def demo_fits(demo: Demo, seed: int) -> dict[tuple[str, float], TypeFit | str]:
    """Every type on the demo data, without reg_covar and with it (one start each).

    Parameters
    ----------
    demo : Demo
    seed : int

    Returns
    -------
    dict of (covariance type, reg_covar) to TypeFit or str
        reg_covar is 0.0 or :data:`~gmm_app.shapes.model.REG_COVAR`; a string is
        why that fit failed.
    """
    out: dict[tuple[str, float], TypeFit | str] = {}
    for ctype in TYPES:
        for reg in (0.0, REG_COVAR):
            try:
                out[ctype, reg] = timed_fit(
                    demo.X, demo.n_components, ctype, seed, reg, 1
                )
            except FogmapError as exc:
                out[ctype, reg] = str(exc)
    return out
