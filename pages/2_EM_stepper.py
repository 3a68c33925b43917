"""EM stepper: start from a guess, then one E-step and one M-step at a time."""

import streamlit as st

from gmm_app.shell import first_screen
from gmm_app.shell.sidebar import STEPPER_FIT_LIMIT, page_data, render_sidebar
from gmm_app.shell.widgets import projection_picker
from gmm_app.stepper import controls, experiments, panels, predict_panel, takeaway
from gmm_app.stepper.model import view_at
from gmm_app.stepper.settings import (
    chosen_means,
    compute_trace,
    read_url,
    settings_panel,
    track_settings,
    write_url,
)

PAGE = "em_stepper"
st.set_page_config(page_title="EM stepper · Fogmap", page_icon="🌫️", layout="wide")
active = render_sidebar()
whole = first_screen.whole_page(PAGE)  # else the first screen alone, this once

st.title("EM stepper")
st.caption(
    "The surveyor's loop, one half-step at a time: the **E-step** asks every point "
    "which hill it belongs to; the **M-step** moves and reshapes the hills. Go "
    "forward, back, scrub or play."
)
data = page_data(active, STEPPER_FIT_LIMIT)

read_url(data)
experiments.read_collapse_url(data)
settings = settings_panel(data)
projection = projection_picker(data, "em_view")
predicting = predict_panel.predict_toggle()
start = chosen_means(data, settings, projection)
track_settings(data, settings, start)
trace = (
    None
    if settings.init == "given" and start is None
    else compute_trace(data, settings, start)
)

if trace is not None:

    @st.fragment
    def stepper() -> None:
        """Everything that changes on a step; a click reruns only this part, and so
        does Play: the map asks for each next half-step (stepper.controls.tick)."""
        controls.advance_if_playing(trace)
        predict_panel.hold(data.X, trace, predicting)
        position = controls.controls(trace)
        asking = predict_panel.pending(data.X, trace, projection)
        view = view_at(data.X, trace, position)
        if predicting:
            predict_panel.feedback(position, view.is_last)
        panels.loop_and_narration(view, trace, settings)
        left, right = st.columns([3, 2], gap="medium")
        with left:
            marks = (
                asking.marks
                if asking is not None
                else predict_panel.revealed_marks(position, projection)
            )
            clicked = panels.main_chart(
                data, view, trace, projection, marks, glide=controls.hills_glide()
            )
        with right:
            if asking is not None:  # beside the map it marks
                predict_panel.ask(asking)
            panels.side_charts(view, settings, trace)
        # Read on each run: a step taken before the rest arrived shows it all.
        if first_screen.whole_page(PAGE):
            st.subheader("The hills' parameters")
            panels.parameter_table(view, trace)
            st.subheader("Every number, worked out")
            # Opens on demand, and when a point of the map is clicked.
            panels.numbers_section(data, view, trace, settings, clicked)
            st.subheader("K-Means in lockstep: the same start on a clear day")
            experiments.kmeans_lockstep(data, view, trace, projection)
        write_url(settings, position, start)

    stepper()
else:  # the student is placing hills: the link still says how far they got
    write_url(settings, 0, start)

if whole and trace is not None:
    st.subheader("Restart gallery: several seeds side by side")
    experiments.restart_panel(data, settings, projection)
    takeaway.takeaway_panel(data, settings, trace, projection)
if whole:  # opens on demand, and when a link sets the lab up
    experiments.collapse_section(data, settings)
first_screen.rest_follows(PAGE)
