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
from gmm_app.shell.live_chart import live_chart
from gmm_app.shell.present import presenting
from gmm_app.shell.widgets import k_input, seed_input, view_options
from gmm_app.stepper.caches import em_trace
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
    "given": "I'll choose (click)",
}
# How the guess was made, completing "K hills placed ..." in the narration.
GUESS_WORDS = {
    "k-means++": "by k-means++ (spread-out data points)",
    "kmeans": "where k-means puts its centres",
    "random": "from random shares (they all start near the middle)",
    "random_from_data": "at random points of the data",
    "given": "where you clicked",
}
# On a phone Streamlit stacks the row's seven columns, a screen of settings above
# the step buttons: two to a line instead, so Next and the map come up sooner.
_NARROW_CSS = """<style>
@media (max-width: 640px) {
  .st-key-em_settings [data-testid="stHorizontalBlock"] { gap: 0.5rem 0.75rem; }
  .st-key-em_settings [data-testid="stColumn"] {
    flex: 1 1 calc(50% - 0.75rem) !important;
    min-width: calc(50% - 0.75rem) !important;
    width: calc(50% - 0.75rem) !important;
  }
}
</style>"""
# The settings row's fold in presenter mode.
SETTINGS_FOLDED = (
    "Settings: hills, covariance type, initialisation, seed, reg_covar, tol, "
    "max iterations"
)
_REG_OPTIONS = (0.0, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1)
_TOL_OPTIONS = (1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1)
_URL_KEYS = (
    "n_components",
    "covariance_type",
    "em_init",
    "seed",
    "em_reg_covar",
    "em_tol",
    "em_max_iter",
    "em_means",
    "em_view",
    "em_step",
)

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


def read_url(data: Dataset) -> None:
    """Take every setting of a run, the placed means, the view and the position
    from a shared link.

    Read once per session; the position, the view and the placed means go
    straight into session state. A value that does not fit the data (a view of
    features it lacks, means of the wrong number or size) is named in a note.

    Parameters
    ----------
    data : Dataset
        The data the link opens on (the view and the means must fit it).
    """
    first = state.read_url_once(
        "em_stepper",
        {
            "n_components": state.int_param(1, 10),
            "covariance_type": state.choice_param(COVARIANCE_TYPES),
            "em_init": state.choice_param(_INIT_LABELS),
            "seed": state.int_param(0, 9999),
            "em_reg_covar": state.float_choice_param(_REG_OPTIONS),
            "em_tol": state.float_choice_param(_TOL_OPTIONS),
            "em_max_iter": state.int_param(1, 500),
            "em_means": means_param,
            "em_view": lambda text: text,
            "em_step": state.int_param(0, 100_000),
        },
    )
    step = state.remembered("em_step")
    if step is not None:
        st.session_state[POSITION] = step
        state.forget("em_step")
    if not first:
        return
    view = state.remembered("em_view")
    state.forget("em_view")
    if view is not None:
        if view in view_options(data):
            st.session_state["em_view"] = view
        else:
            state.mark_unread("em_view", view)
    means = state.remembered("em_means")
    state.forget("em_means")
    if means is not None:
        k = state.remembered("n_components", 3)
        if len(means) == k and all(len(m) == data.n_features for m in means):
            st.session_state[CHOSEN] = list(means)
            st.session_state.pop(WIDTHS, None)
            state.remember("em_init", "given")
        else:
            state.mark_unread("em_means", means_text(means))


def means_param(text: str) -> tuple[tuple[float, ...], ...] | None:
    """Read placed means from a link: ``1.2,3.4;5.6,7.8`` is two means in 2-D.

    Parameters
    ----------
    text : str
        Means separated by ";", coordinates by ",".

    Returns
    -------
    tuple of tuples of float, or None
        None unless every coordinate is a finite number and every mean has as
        many as the first.
    """
    try:
        means = tuple(
            tuple(float(v) for v in part.split(",")) for part in text.split(";")
        )
    except ValueError:
        return None
    if len({len(m) for m in means}) != 1 or not np.isfinite(means).all():
        return None
    return means


def means_text(means: tuple[tuple[float, ...], ...] | list) -> str:
    """Placed means as a link carries them (the inverse of :func:`means_param`)."""
    return ";".join(
        ",".join(np.format_float_positional(float(v), trim="-") for v in m)
        for m in means
    )


def write_url(settings: Settings, position: int, start: _Start | None) -> None:
    """Keep this view in the URL so it can be shared and reopened exactly.

    Parameters
    ----------
    settings : Settings
    position : int
        The half-step shown.
    start : tuple or None
        What :func:`chosen_means` returned: placed means travel in the link.
    """
    values: dict[str, object] = {
        "n_components": settings.n_components,
        "covariance_type": settings.covariance_type,
        "em_init": settings.init,
        "seed": settings.seed,
        "em_reg_covar": format(settings.reg_covar, "g"),
        "em_tol": format(settings.tol, "g"),
        "em_max_iter": settings.max_iter,
        "em_step": position,
    }
    if start is not None:
        values["em_means"] = means_text(start[0])
    view = st.session_state.get("em_view")
    if view is not None:
        values["em_view"] = view
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
    # In presenter mode the row folds away, so the map and the step buttons fill
    # the projector's first screen.
    holder = (
        st.expander(SETTINGS_FOLDED, icon=":material/tune:")
        if presenting()
        else st.container(border=True, key="em_settings")
    )
    st.html(_NARROW_CSS)
    with holder:
        cols = st.columns([0.8, 1.4, 1.9, 0.8, 1.1, 1.1, 1.3])
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
    """For "I'll choose": the student clicks K places; None until all are placed.

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
    if data.n_features == 1:
        st.info(
            f"Type the number of the point where the top of **{hill_name(k)}** "
            f"goes ({k + 1} of {settings.n_components}).",
            icon=":material/touch_app:",
        )
        index = st.number_input(
            "Point # for this hill", 0, data.n_samples - 1, 0, key="em_pick_point"
        )
        if st.button("Put the hill here", key="em_pick"):
            placed.append(placed_point(data, data.X[int(index)]))
            st.rerun()
        return None
    st.info(
        f"Click anywhere on the map to put the top of **{hill_name(k)}** there "
        f"({k + 1} of {settings.n_components}).",
        icon=":material/touch_app:",
    )
    params = from_means(
        data.X, data.X[:1].repeat(max(k, 1), 0) if not placed else np.asarray(placed)
    )
    fig = fog_map(data.X, params, None, data.feature_names, projection, height=460)
    if not placed:  # nothing placed yet: only the points
        fig.data = fig.data[:1]
    fig.update_layout(hovermode="closest", dragmode=False)
    click = live_chart(fig, key=f"em_place_{k}", anywhere=True)
    if click is not None:
        proj = projection or Projection.features(data.feature_names)
        if click.row is not None and 0 <= click.row < data.n_samples:
            where = data.X[click.row]
        elif click.x is not None and click.y is not None:
            where = lifted(proj, data.X, np.array([click.x, click.y]))
        else:
            return None
        placed.append(placed_point(data, where))
        st.rerun()
    return None


def lifted(projection: Projection, X: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """The point of the data's space a click on a 2-D view stands for.

    In the view's plane it is where the student clicked; along every direction
    the view does not show, it sits at the data's mean.

    Parameters
    ----------
    projection : Projection
        The view (its matrix has orthonormal columns: two features or two
        principal directions).
    X : ndarray of shape (N, D)
    xy : ndarray of shape (2,)
        The click, in the view's units.

    Returns
    -------
    ndarray of shape (D,)
    """
    centre = X.mean(axis=0)
    return centre + projection.matrix @ (xy - projection.points(centre[None])[0])


def placed_point(data: Dataset, where: np.ndarray) -> tuple[float, ...]:
    """A hill top placed at ``where``, rounded to a thousandth of each feature's
    range (so a link can carry it in a few digits and reopen the same run).

    Parameters
    ----------
    data : Dataset
    where : ndarray of shape (D,)

    Returns
    -------
    tuple of D floats
    """
    ranges = np.ptp(data.X, axis=0)
    out = []
    for value, width in zip(np.asarray(where, dtype=np.float64), ranges, strict=True):
        digits = 3 - int(np.floor(np.log10(width))) if width > 0 else 3
        out.append(float(round(float(value), max(digits, 0))))
    return tuple(out)


###############################################################################
# The trace these settings give


def run_trace(
    data: Dataset, settings: Settings, start: _Start | None
) -> tuple[EMStep, ...]:
    """The cached trace these settings (and the student's own start) give.

    Parameters
    ----------
    data : Dataset
    settings : Settings
    start : tuple or None
        The placed means and, from the collapse lab, their widths.

    Returns
    -------
    tuple of EMStep

    Raises
    ------
    FogmapError
        When EM cannot start from there.
    """
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
        return run_trace(data, settings, start)
    except FogmapError as exc:
        st.error(md_escape(str(exc)), icon=":material/error:")
        return None
