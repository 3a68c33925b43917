"""The lesson path: Home's "Start the lesson", then one step at a time (Streamlit).

The step the student is on is kept under a plain session-state key and in the URL
(``path=3``), so a link reopens the path at the same step. Every page calls
:func:`gmm_app.shell.sidebar.render_sidebar`, which calls :func:`arrive` first (a
step just chosen sets up its lesson and, when it belongs to another page, switches
there) and then :func:`path_box` (the step, at the top of the main area, where a
phone shows it too: a phone's sidebar is collapsed). Someone who never starts the
path sees nothing of it but Home's button.

The steps themselves are data, in :mod:`gmm_app.lesson_steps`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from gmm_app.lesson_steps import arriving_setup, step_at, step_count
from gmm_app.shell import state
from gmm_app.shell.navigation import ROOT, page_info

PATH = "path"  # the URL parameter; its value is remembered as fog.path
_MOVED = state.plain_key("path_moved")  # (step left or None, step chosen)


def current_step() -> int | None:
    """The step of the path the student is on (1-based), or None outside it."""
    step = state.remembered(PATH)
    return step if isinstance(step, int) and 1 <= step <= step_count() else None


def current_page() -> str | None:
    """The script of the page being run, relative to the project root.

    None when Streamlit cannot say (then a step's page switch always happens).
    """
    ctx = get_script_run_ctx()
    if ctx is None:
        return None
    info = ctx.pages_manager.get_pages().get(ctx.page_script_hash)
    if not info:
        return None
    try:
        return Path(info["script_path"]).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return None


def _go_to(step: int | None) -> None:
    """A button's callback: choose ``step`` (None leaves the path)."""
    st.session_state[_MOVED] = (current_step(), step)
    if step is None:
        state.forget(PATH)
    else:
        state.remember(PATH, step)


def start_button() -> None:
    """Home's "Start the lesson" (key ``path_start``): step 1 of the path."""
    st.button(
        "Start the lesson",
        key="path_start",
        type="primary",
        icon=":material/route:",
        on_click=_go_to,
        args=(1,),
        help=f"{step_count()} short steps through the four lessons, in order. "
        "Each lesson starts on data that shows it well; leave whenever you like.",
    )


def arrive(use_preset: Callable[[str], None]) -> None:
    """Set up a step just chosen, and go to its page; read a link's step once.

    Call first thing on every page, before the data source reads its settings.

    Parameters
    ----------
    use_preset : callable
        Makes a preset data set (by key) the active data, as the sidebar's
        dataset box does.
    """
    state.read_url_once("lesson_path", {PATH: state.int_param(1, step_count())})
    moved = st.session_state.pop(_MOVED, None)
    step = current_step()
    if moved is None or step is None:
        return
    previous = moved[0] if moved[0] != step else None
    for key, value in arriving_setup(step, previous).items():
        if key == "dataset":
            use_preset(str(value))
        else:
            state.remember(key, value)
    page = step_at(step).page
    if current_page() != page:
        st.switch_page(page)


def path_box() -> None:
    """The current step at the top of the main area.

    Progress, what to do, why, and three buttons short enough to share one row
    on a phone: Back, On to step n+1 and Leave path (keys ``path_back``,
    ``path_next``, ``path_exit``). Draws nothing outside the path; keeps ``path``
    in the URL.
    """
    step = current_step()
    state.write_url({} if step is None else {PATH: step}, owned=(PATH,))
    if step is None:
        return
    n = step_count()
    here = step_at(step)
    lesson = page_info(here.page).title
    with st.container(border=True, key="lesson_path"):
        st.progress(step / n, text=f"**Lesson path** · step {step} of {n} · {lesson}")
        st.markdown(here.instruction)
        st.caption(here.why)
        if current_page() not in (None, here.page):
            st.page_link(
                here.page,
                label=f"This step is on {lesson}: go there",
                icon=":material/arrow_forward:",
            )
        row = st.container(horizontal=True, gap="small")
        row.button(
            "Back",
            key="path_back",
            icon=":material/arrow_back:",
            disabled=step == 1,
            on_click=_go_to,
            args=(step - 1,),
        )
        last = step == n
        row.button(
            "Start again" if last else f"On to step {step + 1}",
            key="path_next",
            icon=":material/restart_alt:" if last else ":material/arrow_forward:",
            on_click=_go_to,
            args=(1 if last else step + 1,),
        )
        row.button(
            "Finish" if last else "Leave path",
            key="path_exit",
            type="tertiary",
            icon=":material/close:",
            on_click=_go_to,
            args=(None,),
        )
