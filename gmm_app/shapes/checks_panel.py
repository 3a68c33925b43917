"""Covariance shapes' "Check yourself" questions (Streamlit).

Off by default and at the foot of the page, so a student who only explores never
meets them: the toggle ``check_cs`` switches them on. Each answer is a radio (keys
``check_cs_*``) with instant feedback; another pick is another try. Switching
them on opens all four panels and the "What goes wrong" demo, which the
questions are about. The questions and their feedback come from
:mod:`gmm_app.shapes.model_checks`; when the data, K or the seed change the
questions, old answers are cleared.
"""

from __future__ import annotations

import streamlit as st

from gmm_app.questions import Check
from gmm_app.shapes.caches import demo_fits
from gmm_app.shapes.model import Settings, TypeFit, demo_data
from gmm_app.shapes.model_checks import (
    collapse_check,
    shapes_checks,
)
from gmm_app.shapes.panels import ALL_TYPES
from gmm_app.shapes.singular import SECTION as DEMO_SECTION
from gmm_app.shell import state
from gmm_app.shell.checks import ask
from gmm_core import Dataset, FogmapError

CHECKS = "check_cs"  # the toggle
_ASKED = "fog.check_cs.asked"  # what the answers on screen were given to


def _collapse_check(data: Dataset, settings: Settings) -> Check | None:
    """The question on the "What goes wrong" demo the student chose (cached fits)."""
    try:
        demo = demo_data(data, state.remembered("cs_broken", "constant"), settings.seed)
    except FogmapError:
        return None
    if demo.X.shape[0] < 2:
        return None
    return collapse_check(demo_fits(demo, settings.seed))


def _open_what_they_ask_about() -> None:
    """On switching the questions on: open the four panels and the demo."""
    if st.session_state.get(CHECKS):
        st.session_state[ALL_TYPES] = True
        st.session_state[DEMO_SECTION] = True


def checks_section(
    data: Dataset, fits: dict[str, TypeFit | str], settings: Settings
) -> None:
    """The toggle and, when it is on, the questions about the four fits.

    Parameters
    ----------
    data : Dataset
        The data fitted (standardised or not), X of shape (N, D).
    fits : dict of str to TypeFit or str
        The four fits on screen.
    settings : Settings
    """
    on = st.toggle(
        "Ask me about this page",
        key=CHECKS,
        on_change=_open_what_they_ask_about,
        help="A few questions about the four fits above, answered from this data.",
    )
    if not on:
        st.caption(
            "Switch on for quick questions about what the four types cost, which "
            "one BIC prefers, and what tied and spherical hills can be."
        )
        return
    checks = shapes_checks(fits, settings.n_components, data.n_features)
    collapse = _collapse_check(data, settings)
    if collapse is not None:
        checks.append(collapse)
    asked = tuple((c.key, c.options, c.answers) for c in checks)
    if st.session_state.get(_ASKED) != asked:
        st.session_state[_ASKED] = asked
        for check in checks:
            st.session_state.pop(check.key, None)
    if not st.session_state.get(ALL_TYPES):
        st.caption(
            "These questions are about all four fits: open *Compare all four "
            "shapes* above to see diag and tied."
        )
    if collapse is not None and not st.session_state.get(DEMO_SECTION):
        st.caption(
            "The last question is about the demo in *What goes wrong, and how to "
            "fix it*: open it above to see the numbers it quotes."
        )
    for number, check in enumerate(checks, start=1):
        ask(check, number)
