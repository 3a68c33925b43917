"""Choosing K's settings row and its place in the URL (Streamlit).

The settings follow the student between pages and into a shared link: every
widget is a :func:`gmm_app.shell.state.shared_widget`, and the URL carries them.
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from gmm_app.choosing_k.model import DEFAULT_K_MAX, HELDOUT_FRACTION, SweepSettings
from gmm_app.shell import state
from gmm_app.shell.widgets import seed_input
from gmm_app.words import type_label
from gmm_core import COVARIANCE_TYPES, Dataset

_URL_KEYS = (
    "ck_k_max",
    "ck_types",
    "ck_restarts",
    "seed",
    "ck_icl",
    "ck_heldout",
    "ck_pick",
    "ck_view",
    "ck_razor_type",
)


def _types_param(text: str) -> list[str] | None:
    chosen = [t for t in text.split(",") if t in COVARIANCE_TYPES]
    return chosen or None


def _pick_param(text: str) -> tuple[str, int] | None:
    """ "full,5" -> ("full", 5): the fit drawn beside the chart."""
    ctype, _, k = text.partition(",")
    if ctype not in COVARIANCE_TYPES or not k.isdigit():
        return None
    return ctype, int(k)


def view_param(text: str) -> str | None:
    """ "pca" or "i,j" (two feature numbers, i < j): a plane of the data."""
    if text == "pca":
        return text
    i, _, j = text.partition(",")
    if i.isdigit() and j.isdigit() and int(i) < int(j):
        return f"{int(i)},{int(j)}"
    return None


def read_url() -> None:
    """Take the sweep's settings from a shared link (once per session)."""
    state.read_url_once(
        "choosing_k",
        {
            "ck_k_max": state.int_param(2, 10),
            "ck_types": _types_param,
            "ck_restarts": state.int_param(1, 10),
            "seed": state.int_param(0, 9999),
            "ck_icl": state.switch_param,
            "ck_heldout": state.switch_param,
            "ck_pick": _pick_param,
            "ck_view": view_param,
            "ck_razor_type": state.choice_param(COVARIANCE_TYPES),
        },
    )


def write_url(
    settings: SweepSettings,
    *,
    pick: tuple[str, int] | None = None,
    view: str | None = None,
    razor_type: str | None = None,
) -> None:
    """Make the URL carry the sweep's settings and what the page shows of it.

    Parameters
    ----------
    settings : SweepSettings
    pick : (covariance type, K), optional
        The fit drawn beside the chart.
    view : str, optional
        The plane that fit is drawn in ("pca" or "i,j"; more than two features).
    razor_type : str, optional
        The covariance type of the razor chart (several types).
    """
    values: dict[str, object] = {
        "ck_k_max": settings.k_max,
        "ck_restarts": settings.n_init,
        "seed": settings.seed,
    }
    if pick is not None:
        values["ck_pick"] = f"{pick[0]},{pick[1]}"
    if view is not None:
        values["ck_view"] = view
    if razor_type is not None:
        values["ck_razor_type"] = razor_type
    if settings.covariance_types:
        values["ck_types"] = ",".join(settings.covariance_types)
    if settings.show_icl:
        values["ck_icl"] = "true"
    if settings.heldout:
        values["ck_heldout"] = "true"
    state.write_url(values, _URL_KEYS)


def _types_changed() -> None:
    state.remember("ck_types", list(st.session_state["ck_types"]))


def _covariance_types(column: DeltaGenerator) -> list[str]:
    """The multiselect of covariance types.

    Until the student changes it, it starts from their current covariance type
    (the one the other pages use).
    """
    if "ck_types" not in st.session_state:
        chosen = state.remembered("ck_types") or [
            state.remembered("covariance_type", "full")
        ]
        st.session_state["ck_types"] = [t for t in chosen if t in COVARIANCE_TYPES]
    picked = column.multiselect(
        "Covariance types",
        COVARIANCE_TYPES,
        format_func=type_label,
        key="ck_types",
        on_change=_types_changed,
        placeholder="Choose at least one",
        help="Each type is swept over every K. Several types give one panel each.",
    )
    return [t for t in COVARIANCE_TYPES if t in picked]


def _k_max(column: DeltaGenerator, data: Dataset) -> int:
    """The slider of the largest K, or (for very few points) the K there is."""
    cap = min(10, data.n_samples)
    if cap <= 2:
        k_max = max(1, cap)
        column.markdown(f"**K = 1 to {k_max}**")
        column.caption(f"Only {data.n_samples} points: no more hills than that.")
        return k_max
    if state.remembered("ck_k_max", DEFAULT_K_MAX) > cap:
        state.remember("ck_k_max", cap)
    return state.shared_widget(
        column.slider,
        "Largest K to try",
        min_value=2,
        max_value=cap,
        value=min(DEFAULT_K_MAX, cap),
        key="ck_k_max",
        help="Mixtures with 1 up to this many hills are fitted.",
    )


def settings_panel(data: Dataset) -> SweepSettings:
    """The settings row; returns what the sweep runs with.

    Parameters
    ----------
    data : Dataset
        The page's data (its size caps K).

    Returns
    -------
    SweepSettings
    """
    with st.container(border=True):
        # Two rows, so at 1280 px beside the sidebar no label is cut: the sweep's
        # size, then what is drawn beside it.
        cols = st.columns([1.6, 2.8, 1.1, 1.1], vertical_alignment="bottom")
        k_max = _k_max(cols[0], data)
        types = _covariance_types(cols[1])
        n_init = state.shared_widget(
            cols[2].number_input,
            "Restarts",
            min_value=1,
            max_value=10,
            value=3,
            step=1,
            key="ck_restarts",
            help="EM starts from this many guesses at every K; the best one is "
            "kept, and the band shows how much the others differ.",
        )
        seed = seed_input(cols[3], help="Restart i starts from the guess of seed + i.")
        toggles = st.columns(2)
        show_icl = state.shared_widget(
            toggles[0].toggle,
            "Show ICL",
            value=False,
            key="ck_icl",
            help="ICL is BIC plus a charge for points that sit between hills "
            "(as in R's mclust). It prefers well-separated hills.",
        )
        heldout = state.shared_widget(
            toggles[1].toggle,
            "Held-out check",
            value=False,
            key="ck_heldout",
            help=f"Also fit on {1 - HELDOUT_FRACTION:.0%} of the points and score "
            f"the other {HELDOUT_FRACTION:.0%}, which the fit never saw.",
        )
    return SweepSettings(
        int(k_max),
        tuple(types),
        int(n_init),
        int(seed),
        bool(show_icl),
        bool(heldout),
    )
