"""Choosing K's sweep: cached, with a progress bar on a cold run (Streamlit).

A sweep fits every K and covariance type with several restarts. It is computed
once per data and settings and kept with ``st.cache_data``; a cold sweep shows a
progress bar fed by the sweep's own progress callback.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import streamlit as st

from gmm_app.choosing_k.model import HELDOUT_FRACTION, SweepSettings
from gmm_app.words import md_escape
from gmm_core import Dataset, FogmapError
from gmm_core.selection import SweepFit, sweep


class _NotCached(LookupError):
    """The sweep store has no entry for these arguments yet."""


@st.cache_data(show_spinner=False, max_entries=24)
def _stored_sweep(
    X: np.ndarray,
    ks: tuple[int, ...],
    covariance_types: tuple[str, ...],
    n_init: int,
    seed: int,
    heldout_fraction: float,
    _fresh: tuple[SweepFit, ...] | None = None,
) -> tuple[SweepFit, ...]:
    """The cache of sweeps, keyed by the data and the settings.

    Called without ``_fresh`` it is a lookup: a miss raises (and Streamlit caches
    nothing). The caller then runs the sweep outside any cached function, so the
    progress bar it draws is not recorded for replay, and stores the result by
    calling again with ``_fresh``.
    """
    if _fresh is None:
        raise _NotCached
    return _fresh


def _progress_text(
    ks: Sequence[int], types: Sequence[str], n_init: int, what: str
) -> Callable[[int, int], str]:
    """Words for "fit number ``done`` of ``total``" in the sweep's order."""

    def text(done: int, total: int) -> str:
        per_type = len(ks) * n_init
        t, rest = divmod(done - 1, per_type)
        k, r = ks[rest // n_init], rest % n_init + 1
        return (
            f"{what}: K = {k}, {types[t]}, restart {r} of {n_init} "
            f"({done} of {total} fits)"
        )

    return text


def run_sweep(
    data: Dataset, settings: SweepSettings, *, heldout: bool = False
) -> tuple[SweepFit, ...] | None:
    """Every restart of every (type, K): cached, with a progress bar when cold.

    Parameters
    ----------
    data : Dataset
    settings : SweepSettings
    heldout : bool
        Fit on 75% of the points and score each fit on the rest.

    Returns
    -------
    tuple of SweepFit, or None
        None (after showing why) when the data cannot be fitted.
    """
    fraction = HELDOUT_FRACTION if heldout else 0.0
    key = (
        data.X,
        settings.ks,
        settings.covariance_types,
        settings.n_init,
        settings.seed,
        fraction,
    )
    try:
        return _stored_sweep(*key)
    except _NotCached:
        pass
    n_fitting = data.n_samples - round(fraction * data.n_samples)
    ks = [k for k in settings.ks if k <= n_fitting]
    words = _progress_text(
        ks,
        settings.covariance_types,
        settings.n_init,
        "Held-out check" if heldout else "Fitting",
    )
    bar = st.empty()

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=words(done, total))

    try:
        fits = tuple(
            sweep(
                data.X,
                settings.ks,
                settings.covariance_types,  # type: ignore[arg-type]
                n_init=settings.n_init,
                seed=settings.seed,
                heldout_fraction=fraction,
                progress=progress,
            )
        )
    except FogmapError as exc:
        bar.empty()
        st.error(md_escape(str(exc)), icon=":material/error:")
        return None
    except np.linalg.LinAlgError:
        bar.empty()
        st.error(
            "The fits broke down on this data (a covariance could not be inverted). "
            "Try fewer hills, a simpler covariance type, or rescale the columns.",
            icon=":material/error:",
        )
        return None
    bar.empty()
    return _stored_sweep(*key, _fresh=fits)
