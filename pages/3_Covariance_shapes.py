"""Covariance shapes: what spherical, diag, full and tied let a hill be."""

import streamlit as st

from gmm_app.shapes import checks_panel
from gmm_app.shapes import panels as ui
from gmm_app.shapes.caches import fit_all_types
from gmm_app.shapes.sandbox import sandbox_section
from gmm_app.shapes.singular import singular_section
from gmm_app.shell import first_screen
from gmm_app.shell.sidebar import SWEEP_FIT_LIMIT, page_data, render_sidebar

PAGE = "covariance_shapes"

st.set_page_config(
    page_title="Covariance shapes · Fogmap", page_icon="🌫️", layout="wide"
)
ui.follow_old_link()  # before the sidebar reads the URL
active = render_sidebar()
whole = first_screen.whole_page(PAGE)  # else the first screen alone, this once

st.title("Covariance shapes")
st.caption(
    "A hill's covariance is its width and tilt. The **covariance type** decides "
    "which shapes a hill may take, and how many numbers EM must learn to draw it: "
    "more freedom fits better, but costs parameters."
)
data = page_data(active, SWEEP_FIT_LIMIT)

ui.read_url()
settings, shown, projection = ui.settings_row(data)

st.subheader("Four types, one data set")
fits = fit_all_types(shown, settings)
ui.type_panels(shown, fits, settings, projection)

if whole:
    st.subheader("Side by side in numbers")
    ui.comparison_table(shown, fits)

    # The two sections below open on demand: closed, they are neither computed
    # nor sent, so the four fits above paint on their own.
    st.subheader("Shape sandbox: the closest shape each type can take")
    st.caption(
        "Shape one hill with the sliders. Beside it, the closest hill each "
        "covariance type can draw (in colour) over yours (grey, dashed)."
    )
    sandbox_section()

    st.subheader("What goes wrong, and how to fix it")
    singular_section(shown, settings, projection)

    st.subheader("Check yourself")
    checks_panel.checks_section(shown, fits, settings)

ui.write_url(settings, shown)
first_screen.rest_follows(PAGE)
