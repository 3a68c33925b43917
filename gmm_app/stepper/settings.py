"""What EM runs with: the settings row, a shared link, the student's own starting
means, and the trace those settings give (Streamlit).

Also the session-state keys the stepper keeps, so every module of the lesson
reads and writes the same ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from gmm_app.plotting.fog import fog_map
from gmm_app.plotting.geometry import Projection
from gmm_app.shell import state
from gmm_app.shell.widgets import k_input, seed_input
from gmm_app.stepper.caches import em_trace
from gmm_app.stepper.model import clicked_point
from gmm_app.words import hill_name, md_escape, point_text, tiny, type_label
from gmm_core import COVARIANCE_TYPES, Dataset, EMStep, FogmapError
from gmm_core.init import from_means

# Session state: the position in the trace, whether it plays, and what the
# student placed by hand (the collapse lab places them too).
POSITION = "fog.em_position"
PLAYING = "fog.em_playing"
CHOSEN = "fog.em_chosen_means"
WIDTHS = "fog.em_chosen_widths"
_SIGNATURE = "fog.em_signature"
_NOTE = "fog.em_note"

_INIT_LABELS = {
    "k-means++": "k-means++",
    "kmeans": "k-means",
    "random": "random",
    "random_from_data": "random points from the data",
    "given": "I'll choose (click the chart)",
}
# How the guess was made, completing "K hills placed ..." in the narration.
GUESS_WORDS = {
    "k-means++": "by k-means++ (spread-out data points)",
    "kmeans": "where k-means puts its centres",
    "random": "from random shares (they all start near the middle)",
    "random_from_data": "at random points of the data",
    "given": "where you clicked",
}
_REG_OPTIONS = (0.0, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1)
_TOL_OPTIONS = (1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1)
_URL_KEYS = ("n_components", "covariance_type", "em_init", "seed", "em_step")

# The student's starting means and, when the collapse lab set them, the widths.
_Start = tuple[tuple[tuple[float, ...], ...], tuple[float, ...] | None]


@dataclass(frozen=True)
class Settings:
    """What EM runs with; changing any of it restarts the trace."""

    n_components: int
    covariance_type: str
    init: str
    seed: int
    reg_covar: float
    tol: float
    max_iter: int


###############################################################################
# The URL


def read_url() -> None:
    """Take K, type, initialisation, seed and position from a shared link.

    Read once per session; the position goes straight into session state.
    """
    state.read_url_once(
        "em_stepper",
        {
            "n_components": state.int_param(1, 10),
            "covariance_type": state.choice_param(COVARIANCE_TYPES),
            "em_init": state.choice_param([k for k in _INIT_LABELS if k != "given"]),
            "seed": state.int_param(0, 9999),
            "em_step": state.int_param(0, 100_000),
        },
    )
    step = state.remembered("em_step")
    if step is not None:
        st.session_state[POSITION] = step
        state.forget("em_step")


def write_url(settings: Settings, position: int) -> None:
    """Keep this view in the URL so it can be shared.

    Parameters
    ----------
    settings : Settings
    position : int
        The half-step shown.
    """
    values: dict[str, object] = {
        "n_components": settings.n_components,
        "covariance_type": settings.covariance_type,
        "seed": settings.seed,
        "em_step": position,
    }
    if settings.init != "given":
        values["em_init"] = settings.init
    state.write_url(values, _URL_KEYS)


###############################################################################
# The settings row


def settings_panel(data: Dataset) -> Settings:
    """The settings row; returns the settings chosen.

    Parameters
    ----------
    data : Dataset
        K is limited to its number of points.

    Returns
    -------
    Settings
    """
    with st.container(border=True):
        cols = st.columns([1, 1.6, 1.6, 0.9, 1.2, 1.2, 1])
        k = k_input(cols[0], data, help="How many Gaussian hills EM looks for.")
        ctype = state.shared_widget(
            cols[1].selectbox,
            "Covariance type",
            COVARIANCE_TYPES,
            format_func=type_label,
            key="covariance_type",
            help="What shapes a hill may take.",
        )
        init = state.shared_widget(
            cols[2].selectbox,
            "Initialisation",
            list(_INIT_LABELS),
            format_func=_INIT_LABELS.__getitem__,
            key="em_init",
            help="How the first guess places the hills.",
        )
        seed = seed_input(cols[3], help="Another seed, another first guess.")
        reg = state.shared_widget(
            cols[4].select_slider,
            "reg_covar",
            _REG_OPTIONS,
            value=1e-6,
            format_func=tiny,
            key="em_reg_covar",
            help="Added to every covariance's diagonal in each M-step, so no hill "
            "can shrink to nothing. 0 allows a collapse.",
        )
        tol = state.shared_widget(
            cols[5].select_slider,
            "tol",
            _TOL_OPTIONS,
            value=1e-3,
            format_func=tiny,
            key="em_tol",
            help="EM stops when a step raises the log-likelihood per point by less.",
        )
        max_iter = state.shared_widget(
            cols[6].number_input,
            "Max iterations",
            min_value=1,
            max_value=500,
            value=100,
            step=10,
            key="em_max_iter",
        )
    return Settings(
        int(min(k, data.n_samples)),
        ctype,
        init,
        int(seed),
        float(reg),
        float(tol),
        int(max_iter),
    )


def _data_signature(data: Dataset) -> tuple:
    return (data.name, data.X.shape, float(data.X.sum()), float((data.X**2).sum()))


def track_settings(data: Dataset, settings: Settings, start: _Start | None) -> None:
    """Back to iteration 0, with a note, whenever the data or settings change.

    The note is for this run only: the next run drops it. Placing the last of
    the student's own hills restarts EM without it (they just did that).

    Parameters
    ----------
    data : Dataset
    settings : Settings
    start : tuple or None
        What :func:`chosen_means` returned.
    """
    signature = (_data_signature(data), settings, start)
    previous = st.session_state.get(_SIGNATURE)
    st.session_state.pop(_NOTE, None)
    if previous is not None and previous != signature:
        st.session_state[POSITION] = 0
        st.session_state[PLAYING] = False
        just_placed = previous[:2] == signature[:2] and previous[2] is None
        if not just_placed:
            st.session_state[_NOTE] = (
                "The settings changed, so EM starts again from its guess."
            )
    st.session_state[_SIGNATURE] = signature


def say_restart_note() -> None:
    """Say once, inside the stepping fragment, that EM started again.

    :func:`track_settings` sets the note on the full run where the settings
    changed; the next step (a rerun of the fragment alone) no longer shows it. A
    note drawn outside the fragment would stay through every step.
    """
    note = st.session_state.pop(_NOTE, None)
    if note:
        st.info(note, icon=":material/restart_alt:")


###############################################################################
# "I'll choose": the student's own starting means


def chosen_means(
    data: Dataset, settings: Settings, projection: Projection | None
) -> _Start | None:
    """For "I'll choose": let the student click K points; None until all are placed.

    Parameters
    ----------
    data : Dataset
    settings : Settings
    projection : Projection or None
        The map's view (None for one feature: the student types a point number).

    Returns
    -------
    tuple or None
        The K means (tuples of D floats) and, when the collapse lab set them, the
        hills' starting widths (K floats, else None). None while the initialisation
        is another one or points are still to be placed.
    """
    if settings.init != "given":
        st.session_state.pop(CHOSEN, None)
        st.session_state.pop(WIDTHS, None)
        return None
    placed: list[tuple[float, ...]] = st.session_state.setdefault(CHOSEN, [])
    del placed[settings.n_components :]
    if len(placed) >= settings.n_components:
        left, right = st.columns([4, 1])
        left.caption(
            "Your starting means: "
            + ", ".join(
                f"{hill_name(k)} at point {point_text(p)}" for k, p in enumerate(placed)
            )
        )
        if right.button("Place them again", key="em_clear_means"):
            placed.clear()
            st.session_state.pop(WIDTHS, None)
            st.rerun()
        widths = st.session_state.get(WIDTHS)
        if widths is not None and len(widths) != settings.n_components:
            widths = None
        return tuple(placed), None if widths is None else tuple(widths)
    k = len(placed)
    st.info(
        f"Click a point on the chart to put the top of **{hill_name(k)}** there "
        f"({k + 1} of {settings.n_components}).",
        icon=":material/touch_app:",
    )
    if data.n_features == 1:
        index = st.number_input(
            "Point # for this hill", 0, data.n_samples - 1, 0, key="em_pick_point"
        )
        if st.button("Put the hill here", key="em_pick"):
            placed.append(tuple(float(v) for v in data.X[int(index)]))
            st.rerun()
        return None
    params = from_means(
        data.X, data.X[:1].repeat(max(k, 1), 0) if not placed else np.asarray(placed)
    )
    fig = fog_map(data.X, params, None, data.feature_names, projection, height=460)
    if not placed:  # nothing placed yet: only the points
        fig.data = fig.data[:1]
    event = st.plotly_chart(
        fig, key=f"em_place_{k}", on_select="rerun", selection_mode="points"
    )
    index = clicked_point(event)
    if index is not None:
        placed.append(tuple(float(v) for v in data.X[index]))
        st.rerun()
    return None


###############################################################################
# The trace these settings give


def compute_trace(
    data: Dataset, settings: Settings, start: _Start | None
) -> tuple[EMStep, ...] | None:
    """The cached trace, or a student-worded error and None.

    Parameters
    ----------
    data : Dataset
    settings : Settings
    start : tuple or None
        What :func:`chosen_means` returned.

    Returns
    -------
    tuple of EMStep or None
    """
    try:
        return em_trace(
            data.X,
            settings.n_components,
            settings.covariance_type,
            settings.init,
            settings.seed,
            settings.reg_covar,
            settings.tol,
            settings.max_iter,
            None if start is None else start[0],
            None if start is None else start[1],
        )
    except FogmapError as exc:
        st.error(md_escape(str(exc)), icon=":material/error:")
        return None
