"""Choosing K's "Check yourself" questions (Streamlit).

Off by default, so a student who only explores never meets them: the toggle
``check_ck``, under the criteria chart, switches them on. The first question asks
which K BIC will pick, so while it is unanswered the page hides what would give
it away (the stars, the verdict, the picks beside K, the sections below) until
the student answers or presses Reveal (``check_ck_reveal``). Each answer is a
radio (keys ``check_ck_*``) with instant feedback; another pick is another try.
The questions come from :mod:`gmm_app.choosing_k.model_checks`; when the sweep
changes them, old answers are cleared.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from gmm_app.choosing_k.model import TypeSweep
from gmm_app.choosing_k.model_checks import BIC_KEY, choosing_k_checks
from gmm_app.questions import Check
from gmm_app.shell.checks import ask

CHECKS = "check_ck"  # the toggle
REVEAL = "check_ck_reveal"  # the button that shows the picks without answering
_ASKED = "fog.check_ck.asked"  # what the answers on screen were given to
_REVEALED = "fog.check_ck.revealed"  # the questions whose picks were revealed


def prepare(sweeps: Sequence[TypeSweep]) -> list[Check]:
    """The questions for the sweep on screen (none while switched off).

    Call before the chart: answers given to another sweep are cleared here, so
    the stars are hidden again for new data.

    Parameters
    ----------
    sweeps : sequence of TypeSweep

    Returns
    -------
    list of Check
    """
    if not st.session_state.get(CHECKS, False):
        return []
    checks = choosing_k_checks(list(sweeps))
    asked = tuple((c.key, c.options, c.answers) for c in checks)
    if st.session_state.get(_ASKED) != asked:
        st.session_state[_ASKED] = asked
        st.session_state.pop(_REVEALED, None)
        for check in checks:
            st.session_state.pop(check.key, None)
    return checks


def hiding_picks(checks: Sequence[Check]) -> bool:
    """Whether the page hides BIC's pick: asked, not yet answered nor revealed."""
    asks_bic = any(c.key == BIC_KEY for c in checks)
    answered = st.session_state.get(BIC_KEY) is not None
    revealed = st.session_state.get(_REVEALED) == st.session_state.get(_ASKED)
    return asks_bic and not answered and not revealed


def _reveal() -> None:
    st.session_state[_REVEALED] = st.session_state.get(_ASKED)


def checks_section(checks: Sequence[Check], hiding: bool) -> None:
    """The toggle and, when it is on, the questions (and Reveal while hiding).

    Parameters
    ----------
    checks : sequence of Check
        From :func:`prepare`.
    hiding : bool
        From :func:`hiding_picks`.
    """
    on = st.toggle(
        "Ask me about this page",
        key=CHECKS,
        help="Three questions about the sweep above. The stars and the verdict "
        "hide until you say which K BIC picks.",
    )
    if not on:
        st.caption(
            "Switch on to guess BIC's K before the stars show it, and two more "
            "quick questions about fit and cost."
        )
        return
    if not checks:
        st.info(
            "Sweep at least two values of K to be asked about them.",
            icon=":material/info:",
        )
        return
    if hiding:
        st.caption(
            "The stars, the verdict and the sections below are hidden until you "
            "answer question 1."
        )
        st.button(
            "Reveal without answering",
            key=REVEAL,
            on_click=_reveal,
            icon=":material/visibility:",
        )
    for number, check in enumerate(checks, start=1):
        ask(check, number)
