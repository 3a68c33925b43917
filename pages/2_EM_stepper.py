"""EM stepper: start from a guess, then one E-step and one M-step at a time."""

import streamlit as st

from gmm_app.shell.sidebar import STEPPER_FIT_LIMIT, page_data, render_sidebar
from gmm_app.shell.widgets import projection_picker
from gmm_app.stepper import panels as ui
from gmm_app.stepper.model import view_at

st.set_page_config(page_title="EM stepper · Fogmap", page_icon="🌫️", layout="wide")
active = render_sidebar()

st.title("EM stepper")
st.caption(
    "The surveyor's loop, one half-step at a time: the **E-step** asks every point "
    "which hill it belongs to; the **M-step** moves and reshapes the hills. Go "
    "forward, back, scrub or play."
)
data = page_data(active, STEPPER_FIT_LIMIT)

ui.read_url()
settings = ui.settings_panel(data)
projection = projection_picker(data, "em_view")
start = ui.chosen_means(data, settings, projection)
ui.track_settings(data, settings, start)
trace = (
    None
    if settings.init == "given" and start is None
    else ui.compute_trace(data, settings, start)
)

if trace is not None:
    note = st.session_state.pop(ui.NOTE, None)
    if note:
        st.info(note, icon=":material/restart_alt:")

    timer_on = bool(st.session_state.get(ui.PLAYING, False))
    tick = ui.SPEEDS[st.session_state.get("em_speed", "normal")]

    @st.fragment(run_every=tick if timer_on else None)
    def stepper() -> None:
        """Everything that changes on a step; a click reruns only this part."""
        ui.advance_if_playing(trace)
        position = ui.controls(trace)
        view = view_at(data.X, trace, position)
        ui.loop_and_narration(view, trace, settings)
        left, right = st.columns([3, 2], gap="medium")
        with left:
            clicked = ui.main_chart(data, view, projection)
        with right:
            ui.side_charts(view, settings)
        st.subheader("The hills' parameters")
        ui.parameter_table(view, trace)
        st.subheader("Every number, worked out")
        ui.equations(data, view, trace, settings, clicked)
        st.subheader("K-Means in lockstep: the same start on a clear day")
        ui.kmeans_lockstep(data, view, trace, projection)
        ui.write_url(settings, position)
        if st.session_state.get(ui.PLAYING, False) != timer_on:
            st.rerun()  # the whole page: start or stop the fragment's timer

    stepper()

if trace is not None:
    st.subheader("Restart gallery: several seeds side by side")
    ui.restart_panel(data, settings, projection)
with st.expander("Collapse lab: what reg_covar protects you from"):
    ui.collapse_lab(data, settings)
