"""Moving through the trace: Reset, Back, Next, Next iteration, To the end,
Play and the scrubber (Streamlit).

They only move the position kept in session state; nothing refits on a click.

Play keeps its own time: the map (a live chart) asks for the next half-step once
it has drawn the one it shows, a tick after its last ask (:func:`clock_ms`,
:func:`tick`), so the page never gets two half-steps at once and none is skipped.
"""

from __future__ import annotations

import streamlit as st

from gmm_app.stepper.model import clamp, n_positions, phase_of
from gmm_app.stepper.settings import PLAYING, POSITION, say_restart_note
from gmm_core import EMStep

_SPEEDS = {"slow": 1.5, "normal": 0.8, "fast": 0.35}  # seconds per half-step
# Session keys of play's own bookkeeping (never in the link): the last position of
# the trace shown (for a tick, which runs before the page knows the trace).
_LAST_POSITION = "em_play_last_position"


def is_playing() -> bool:
    """True while Play runs the trace."""
    return bool(st.session_state.get(PLAYING, False))


def tick_seconds() -> float:
    """Seconds between two half-steps while playing, at the chosen speed."""
    return _SPEEDS[st.session_state.get("em_speed", "normal")]


def clock_ms() -> int:
    """Play's tick in milliseconds for the map's clock; 0 when not playing."""
    return round(tick_seconds() * 1000) if is_playing() else 0


def tick(shown: str) -> None:
    """The map asks for the next half-step: it shows half-step ``shown``.

    A callback of the map's live chart (its clock, :func:`clock_ms`): one step
    forward, but only from the half-step the page shows, so an ask sent again
    (one lost on its way) or one from before a click never steps twice. Play
    stops at the end of the trace.

    Parameters
    ----------
    shown : str
        The position the map shows (its tag).
    """
    if not is_playing():
        return
    position = int(st.session_state.get(POSITION, 0))
    if shown != str(position):
        return
    last = st.session_state.get(_LAST_POSITION, position + 1)
    if position >= last:
        st.session_state[PLAYING] = False
        return
    st.session_state[POSITION] = position + 1


def playing_fast() -> bool:
    """True while Play runs at its fastest speed (a half-step every 0.35 s).

    Then the page draws only what a student can follow at that pace (the map,
    the loop and narration, the side charts): a glide, the parameter table and
    the worked-out numbers come back on Pause, or at a slower speed.
    """
    return is_playing() and tick_seconds() <= _SPEEDS["fast"]


def hills_glide() -> bool:
    """Whether the map's hills glide from one half-step to the next.

    Not while playing at the fastest speed: a glide (0.3 s of redrawing in the
    browser) and the next half-step's drawing do not fit in its tick, and every
    half-step shown in time matters more than the motion between them.
    """
    return not playing_fast()


def _move(delta: int, n: int) -> None:
    st.session_state[POSITION] = int(
        min(max(st.session_state.get(POSITION, 0) + delta, 0), n - 1)
    )
    st.session_state[PLAYING] = False


def _go(position: int) -> None:
    st.session_state[POSITION] = position
    st.session_state[PLAYING] = False


def _next_iteration(n: int) -> None:
    """To the end of the next M-step."""
    position = st.session_state.get(POSITION, 0)
    target = position + 2 if position % 2 == 0 else position + 1
    _go(min(target, n - 1))


def _scrubbed() -> None:
    # While playing the scrubber is disabled and follows the timer; a value it
    # sends back then is only the browser catching up, not the student's choice.
    if is_playing():
        return
    _go(int(st.session_state["em_scrub"]))


def _toggle_play(n: int) -> None:
    playing = not is_playing()
    st.session_state[PLAYING] = playing
    if playing:  # the first half-step at once, the next ones on the map's clock
        position = st.session_state.get(POSITION, 0)
        start = 0 if position >= n - 1 else position  # from the end: again
        st.session_state[POSITION] = min(start + 1, n - 1)


def _position_label(position: int) -> str:
    phase, t = phase_of(position)
    return {"guess": "guess", "e": f"E-step {t}", "m": f"M-step {t}"}[phase]


def controls(trace: tuple[EMStep, ...]) -> int:
    """The stepping buttons and the scrubber; returns the current position.

    Above them, once, the note that the settings changed and EM started again.

    Parameters
    ----------
    trace : tuple of EMStep

    Returns
    -------
    int
        The half-step to show, clamped to the trace.
    """
    say_restart_note()
    n = n_positions(trace)
    position = clamp(st.session_state.get(POSITION, 0), trace)
    st.session_state[POSITION] = position
    st.session_state[_LAST_POSITION] = n - 1
    at_start, at_end = position == 0, position == n - 1
    playing = is_playing()
    # A row of buttons as wide as their labels, wrapping onto a second row on a
    # narrow screen rather than cutting a label short.
    row = st.container(horizontal=True, gap="small")
    row.button(
        "Reset",
        key="em_reset",
        on_click=_go,
        args=(0,),
        icon=":material/restart_alt:",
        width="content",
        disabled=at_start,
        help="Back to the guess (key: Home)",
        shortcut="Home",
    )
    row.button(
        "Back",
        key="em_back",
        on_click=_move,
        args=(-1, n),
        icon=":material/arrow_back:",
        width="content",
        disabled=at_start,
        help="One half-step back (key: ←)",
        shortcut="Left",
    )
    phase, _ = phase_of(position + 1)
    next_label = "Next: E-step" if phase == "e" else "Next: M-step"
    row.button(
        next_label,
        key="em_next",
        on_click=_move,
        args=(1, n),
        icon=":material/arrow_forward:",
        type="primary",
        width="content",
        disabled=at_end,
        help="One half-step forward: E, then M, then E... (key: →)",
        shortcut="Right",
    )
    row.button(
        "Next iteration",
        key="em_next_iteration",
        on_click=_next_iteration,
        args=(n,),
        icon=":material/fast_forward:",
        width="content",
        disabled=at_end,
        help="To the end of the next M-step",
    )
    row.button(
        "To the end",
        key="em_run_end",
        on_click=_go,
        args=(n - 1,),
        icon=":material/skip_next:",
        width="content",
        disabled=at_end,
        help="Run EM to where it stops",
    )
    row.button(
        "Pause" if playing else "Play",
        key="em_play",
        on_click=_toggle_play,
        args=(n,),
        icon=":material/pause:" if playing else ":material/play_arrow:",
        width="content",
        help=("Stop" if playing else "Step on by itself") + " (key: Space)",
        shortcut="Space",
    )
    st.session_state["em_scrub"] = position
    scrub, speed = st.columns([5, 1], vertical_alignment="bottom")
    scrub.select_slider(
        "Scrub through every half-step",
        options=list(range(n)),
        format_func=_position_label,
        key="em_scrub",
        on_change=_scrubbed,
        disabled=n == 1 or playing,
    )
    speed.select_slider(
        "Play's speed",
        list(_SPEEDS),
        value="normal",
        key="em_speed",
    )
    return position


def advance_if_playing(trace: tuple[EMStep, ...]) -> None:
    """Stop playing at the end of the trace.

    Play steps on from the map's clock (:func:`tick`), never from a rerun of the
    stepper: a rerun for any other reason (a widget, Streamlit's ``run_every``
    where a page still sets it) shows the same half-step again.

    Parameters
    ----------
    trace : tuple of EMStep
    """
    if is_playing() and st.session_state.get(POSITION, 0) >= n_positions(trace) - 1:
        st.session_state[PLAYING] = False
