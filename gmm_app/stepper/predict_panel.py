"""Predict first on the EM stepper: ask before a half-step is revealed (Streamlit).

With the ``em_predict`` toggle on, Next (or the Right key) does not reveal a new
E-step or M-step at once: :func:`hold` keeps the page where it was and
:func:`ask` puts the question of :mod:`.predict` under the buttons, with the map
marking what it is about. Check (``em_check``) reveals the step with feedback;
"Just show me" (``em_skip``) reveals it without a question. Play, the scrubber
and the jumps reveal without asking: a student who wants to watch can.

Only a half-step never shown in this run is asked about; going back and forward
again shows it straight away.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from gmm_app.plotting.geometry import Projection
from gmm_app.shell import state
from gmm_app.stepper import predict
from gmm_app.stepper.controls import is_playing
from gmm_app.stepper.model import n_positions
from gmm_app.stepper.settings import POSITION
from gmm_app.words import hill_name
from gmm_core import EMStep

PREDICT = "em_predict"
_RUN = "fog.em_predict.run"  # the run the memory below belongs to
_SEEN = "fog.em_predict.seen"  # the furthest position shown in this run
_PENDING = "fog.em_predict.pending"  # the position waiting for an answer
_ASKED = "fog.em_predict.asked"  # points asked about in this run
_ANSWER = "fog.em_predict.answer"  # the last feedback: (position, kind, Feedback)
_GUESSED = "fog.em_predict.guessed"  # (position, the spot picked) after a move question
_TALLY = "fog.em_predict.tally"  # kind -> (right, asked), for the session
_CLIMB_CHOICES = ("Yes, it can go down", "No, never")


@dataclass(frozen=True)
class Asking:
    """The question on screen and what the map marks for it.

    Attributes
    ----------
    position : int
        The half-step it reveals.
    kind : {"point", "move", "climb"}
    question : PointQuestion, MoveQuestion or ClimbQuestion
    marks : list of dict
        Plotly traces (plain dicts) to draw over the map: the point asked about,
        or the three numbered spots.
    """

    position: int
    kind: str
    question: object
    marks: list[dict]


def _run_key(trace: tuple[EMStep, ...]) -> tuple:
    first, last = trace[0].params, trace[-1].params
    return (len(trace), first.means.tobytes(), last.means.tobytes())


def predict_toggle() -> bool:
    """The "Predict first" toggle (in the URL as ``em_predict=1``).

    Returns
    -------
    bool
        Whether the stepper asks before it reveals.
    """
    state.read_url_once(PREDICT, {PREDICT: state.switch_param})
    on = state.shared_widget(
        st.toggle,
        "Predict first",
        value=False,
        key=PREDICT,
        help="Before each new E-step or M-step, guess what it will do; then see. "
        "Guessing first is how the loop sticks.",
    )
    state.write_url({PREDICT: 1} if on else {}, owned=(PREDICT,))
    return bool(on)


def hold(X: np.ndarray, trace: tuple[EMStep, ...], on: bool) -> None:
    """Keep a new half-step back until its question is answered or skipped.

    Call before the controls draw. When Next has just moved one half-step past
    the furthest one shown in this run and that half-step has a question, the
    position goes back and the question waits.

    Parameters
    ----------
    X : ndarray of shape (N, D)
        The data the trace was fitted to.
    trace : tuple of EMStep
    on : bool
        Whether predict first is on.
    """
    run = _run_key(trace)
    if st.session_state.get(_RUN) != run:
        st.session_state[_RUN] = run
        st.session_state[_SEEN] = int(st.session_state.get(POSITION, 0))
        st.session_state[_ASKED] = []
        st.session_state.pop(_PENDING, None)
        st.session_state.pop(_ANSWER, None)
        st.session_state.pop(_GUESSED, None)
    position = int(st.session_state.get(POSITION, 0))
    seen = int(st.session_state[_SEEN])
    asks = (
        on
        and not is_playing()
        and position == seen + 1
        and _has_question(X, trace, position)
    )
    if asks:
        st.session_state[_PENDING] = position
        st.session_state[POSITION] = seen
        _clear_answer_widgets()
        return
    waiting = st.session_state.get(_PENDING)
    if waiting is not None and position != waiting - 1:
        st.session_state.pop(_PENDING, None)  # the student went elsewhere
    st.session_state[_SEEN] = max(seen, position)


def _has_question(X: np.ndarray, trace: tuple[EMStep, ...], position: int) -> bool:
    kind = predict.question_kind(trace, position)
    if kind == "move":
        return predict.move_question(X, trace, position) is not None
    return kind is not None


def _clear_answer_widgets() -> None:
    for key in ("em_guess", "em_sure"):
        st.session_state.pop(key, None)


def pending(
    X: np.ndarray, trace: tuple[EMStep, ...], projection: Projection | None
) -> Asking | None:
    """The question waiting to be answered, if any, with its map marks.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    trace : tuple of EMStep
    projection : Projection or None
        The map's view (None: one feature, drawn as bell curves).

    Returns
    -------
    Asking or None
    """
    position = st.session_state.get(_PENDING)
    if position is None or position >= n_positions(trace):
        return None
    kind = predict.question_kind(trace, position)
    if kind == "point":
        q = predict.point_question(X, trace, position, st.session_state[_ASKED])
        return Asking(position, kind, q, _point_marks(X, q.point, projection))
    if kind == "move":
        q = predict.move_question(X, trace, position)
        if q is None:  # the tops barely move (hold does not ask then)
            return None
        return Asking(position, kind, q, _spot_marks(q.spots, projection))
    if kind == "climb":
        return Asking(position, kind, predict.climb_question(trace, position), [])
    return None


def _plane(points: np.ndarray, projection: Projection | None) -> np.ndarray:
    if projection is None:  # one feature: the bell-curve chart's x, at its foot
        return np.column_stack([points[:, 0], np.zeros(len(points))])
    return projection.points(points)


def _point_marks(
    X: np.ndarray, point: int, projection: Projection | None
) -> list[dict]:
    xy = _plane(X[point : point + 1], projection)
    return [
        dict(
            type="scatter",
            x=xy[:, 0],
            y=xy[:, 1],
            mode="markers+text",
            text=[f"   #{point}?"],
            textposition="middle right",
            textfont=dict(size=15, color="#111111", weight="bold"),
            marker=dict(
                symbol="circle-open", size=22, color="#111111", line=dict(width=3)
            ),
            name="the point asked about",
            hoverinfo="skip",
        )
    ]


def _spot_marks(spots: np.ndarray, projection: Projection | None) -> list[dict]:
    xy = _plane(spots, projection)
    return [
        dict(
            type="scatter",
            x=xy[:, 0],
            y=xy[:, 1],
            mode="markers+text",
            text=[str(i + 1) for i in range(len(xy))],
            textposition="middle center",
            textfont=dict(size=13, color="white"),
            marker=dict(
                symbol="square",
                size=22,
                color="#111111",
                line=dict(width=2, color="white"),
            ),
            name="spots 1, 2, 3",
            hoverinfo="skip",
        )
    ]


def revealed_marks(position: int, projection: Projection | None) -> list[dict]:
    """After a move question: the spot the student picked, beside the true top.

    Parameters
    ----------
    position : int
        The half-step shown; marks only at the M-step the question revealed.
    projection : Projection or None
        The map's view.

    Returns
    -------
    list of dict
        Plotly traces (plain dicts): the picked spot, labelled "your guess".
    """
    guessed = st.session_state.get(_GUESSED)
    if guessed is None or guessed[0] != position:
        return []
    xy = _plane(np.asarray(guessed[1])[None, :], projection)
    return [
        dict(
            type="scatter",
            x=xy[:, 0],
            y=xy[:, 1],
            mode="markers+text",
            text=["your guess"],
            textposition="bottom center",
            textfont=dict(size=13, color="#111111", weight="bold"),
            marker=dict(
                symbol="square-open", size=20, color="#111111", line=dict(width=3)
            ),
            name="your guess",
            hoverinfo="skip",
        )
    ]


def ask(asking: Asking) -> None:
    """The question, its answers (``em_guess``), Check and Just show me.

    Parameters
    ----------
    asking : Asking
        From :func:`pending`.
    """
    q = asking.question
    with st.container(border=True, key="em_question"):
        if asking.kind == "point":
            st.markdown(
                f"**Predict:** which hill will claim point **#{q.point}** (circled "
                "on the map) most in this E-step?"
            )
            options = list(range(len(q.resp)))
            fmt = hill_name
        elif asking.kind == "move":
            st.markdown(
                f"**Predict:** where will **{hill_name(q.hill)}**'s top move in this "
                "M-step? Three spots are marked 1, 2, 3 on the map."
            )
            options = [0, 1, 2]
            fmt = _spot_label
        else:
            st.markdown(
                "**Predict:** can the log-likelihood go **down** in this M-step "
                f"(it is {q.before:.4f} per point now)?"
            )
            options = [0, 1]
            fmt = _CLIMB_CHOICES.__getitem__
        guess = st.radio(
            "Your answer",
            options,
            format_func=fmt,
            index=None,
            key="em_guess",
            horizontal=True,
        )
        sure = None
        if asking.kind == "point":
            sure = st.segmented_control(
                "How sure? (optional)",
                list(predict.SURENESS),
                format_func=lambda v: f"{v:.0%}",
                key="em_sure",
            )
        cols = st.columns(2)
        cols[0].button(
            "Check",
            key="em_check",
            type="primary",
            icon=":material/task_alt:",
            disabled=guess is None,
            on_click=_check,
            args=(asking, guess, sure),
            width="stretch",
        )
        cols[1].button(
            "Just show me",
            key="em_skip",
            icon=":material/visibility:",
            on_click=_reveal,
            args=(asking.position,),
            width="stretch",
        )
        st.caption(_tally_caption())


def _spot_label(i: int) -> str:
    return f"spot {i + 1}"


def _check(asking: Asking, guess: int | None, sure: float | None) -> None:
    if guess is None:
        return
    q = asking.question
    if asking.kind == "point":
        feedback = predict.point_feedback(q, int(guess), sure)
        st.session_state[_ASKED] = [*st.session_state.get(_ASKED, []), q.point]
    elif asking.kind == "move":
        feedback = predict.move_feedback(q, int(guess))
        st.session_state[_GUESSED] = (asking.position, q.spots[int(guess)])
    else:
        feedback = predict.climb_feedback(q, says_can_fall=guess == 0)
    tally = dict(st.session_state.get(_TALLY, {}))
    right, asked = tally.get(asking.kind, (0, 0))
    tally[asking.kind] = (right + int(feedback.right), asked + 1)
    st.session_state[_TALLY] = tally
    st.session_state[_ANSWER] = (asking.position, asking.kind, feedback)
    _reveal(asking.position)


def _reveal(position: int) -> None:
    st.session_state[POSITION] = position
    st.session_state[_SEEN] = max(int(st.session_state.get(_SEEN, 0)), position)
    st.session_state.pop(_PENDING, None)


def _tally_caption() -> str:
    tally = st.session_state.get(_TALLY, {})
    if not any(a for _, a in tally.values()):
        return "No predictions yet this session."
    return f"So far: {predict.tally_text(tally)}."


def feedback(position: int, at_end: bool) -> None:
    """The answer to the question just checked, while its half-step is shown;
    at the end of the run, what was missed and where to look again.

    Parameters
    ----------
    position : int
        The half-step shown.
    at_end : bool
        Whether it is the last one of the run.
    """
    answer = st.session_state.get(_ANSWER)
    if answer is not None and answer[0] == position:
        fb = answer[2]
        box = st.success if fb.right else st.warning
        icon = ":material/check_circle:" if fb.right else ":material/info:"
        box(
            "  \n".join([f"**{fb.headline}**", *fb.lines, _tally_caption()]),
            icon=icon,
        )
    if at_end:
        lines = predict.summary_lines(st.session_state.get(_TALLY, {}))
        if lines:
            st.info(
                "  \n".join(["**Your predictions this session**", *lines]),
                icon=":material/school:",
            )
