"""The Fog explorer's "Check yourself" questions (Streamlit).

Off by default and at the foot of the page, so a student who only explores never
meets them: the toggle ``check_fx`` switches them on, and only then are their
points marked on the big map (P, Q, R). Each answer is a radio (keys
``check_fx_*``) with instant feedback; another pick is another try. Switching
them on opens the big map's section, where the points are marked. The questions
and their feedback come from :mod:`gmm_app.explorer.model_checks`; when the data,
K, the type or the fog change the questions, old answers are cleared.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from gmm_app.explorer.map_panels import SECTION as MAP_SECTION
from gmm_app.explorer.model import Analysis
from gmm_app.explorer.model_checks import explorer_checks
from gmm_app.explorer.panels import Fog
from gmm_app.questions import Check
from gmm_app.shell.checks import ask

CHECKS = "check_fx"  # the toggle
_ASKED = "fog.check_fx.asked"  # what the answers on screen were given to


def checks_on() -> bool:
    """Whether the toggle is on (read before the map, which it marks)."""
    return bool(st.session_state.get(CHECKS, False))


def build_checks(X: np.ndarray, an: Analysis, fog: Fog, seed: int) -> list[Check]:
    """The questions for the fit and fog on screen (none while switched off).

    Parameters
    ----------
    X : ndarray of shape (N, D)
        The data fitted.
    an : Analysis
    fog : Fog
    seed : int
        The page's seed.

    Returns
    -------
    list of Check
    """
    if not checks_on():
        return []
    return explorer_checks(
        X,
        an.log_prob,
        fog.probs,
        an.kmeans_labels,
        an.kmeans_centres,
        fog=fog.level,
        threshold=fog.threshold,
        seed=seed,
    )


def map_marks(checks: list[Check]) -> list[tuple[int, str]]:
    """Every point the questions mark on the map: (row, label)."""
    return [mark for check in checks for mark in check.marks]


def _open_the_map() -> None:
    """On switching the questions on: open the section of the map they mark."""
    if st.session_state.get(CHECKS):
        st.session_state[MAP_SECTION] = True


def checks_section(checks: list[Check], n_components: int) -> None:
    """The toggle and, when it is on, the questions.

    Parameters
    ----------
    checks : list of Check
        From :func:`build_checks` (empty while switched off).
    n_components : int
        K, to say why a question is missing.
    """
    on = st.toggle(
        "Ask me about this page",
        key=CHECKS,
        on_change=_open_the_map,
        help="A few questions about the maps above, answered from this data and "
        "this fit. Points they ask about are marked on the big map, which opens "
        "when you switch them on.",
    )
    if not on:
        st.caption(
            "Switch on for three quick questions about what you see: foggy "
            "valleys, K-Means against the GMM, and what the fog does. The big "
            "map above opens to mark the points they ask about."
        )
        return
    asked = tuple((c.key, c.options, c.answers, c.marks) for c in checks)
    if st.session_state.get(_ASKED) != asked:
        st.session_state[_ASKED] = asked
        for check in checks:
            st.session_state.pop(check.key, None)
    if n_components < 2:
        st.info(
            "With one hill every point is wholly on it: nothing to ask. Choose "
            "K = 2 or more.",
            icon=":material/info:",
        )
        return
    if not any(c.key == "check_fx_valley" for c in checks):
        st.caption(
            "No point on the map is in a foggy valley at this fog and threshold, "
            "so the valley question waits: raise the fog or the threshold."
        )
    if any(c.marks for c in checks) and not st.session_state.get(MAP_SECTION):
        st.caption(
            "The points these questions name are marked on the big map: open it "
            "above (The map behind the points)."
        )
    for number, check in enumerate(checks, start=1):
        ask(check, number)
