"""The widget that asks a "Check yourself" question (Streamlit).

The question and its feedback are :mod:`gmm_app.questions`; each lesson builds its
own questions from the fit on screen and asks them here.
"""

from __future__ import annotations

import streamlit as st

from gmm_app.questions import Check, check_feedback


def ask(check: Check, number: int) -> None:
    """One question, its answers and (once answered) the feedback.

    The answer is a radio with no default (key ``check.key``); another pick is
    another try.

    Parameters
    ----------
    check : Check
    number : int
        Its number on the page (1, 2, ...).
    """
    with st.container(border=True):
        st.markdown(f"**{number}.** {check.prompt}")
        choice = st.radio(
            f"Answer to question {number}",
            list(range(len(check.options))),
            index=None,
            format_func=check.options.__getitem__,
            key=check.key,
            horizontal=True,
            label_visibility="collapsed",
        )
        if choice is None:
            return
        feedback = check_feedback(check, int(choice))
        text = "\n\n".join([f"**{feedback.headline}**", *feedback.lines])
        if feedback.right:
            st.success(text, icon=":material/check_circle:")
        else:
            st.warning(text, icon=":material/replay:")
            st.caption("Pick another answer to try again.")
