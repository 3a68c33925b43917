"""Fog explorer: hard clustering (K-Means) against soft clustering (a GMM)."""

import streamlit as st

from gmm_app.explorer import panels as ui
from gmm_app.shell.sidebar import EXPLORER_FIT_LIMIT, page_data, render_sidebar

st.set_page_config(page_title="Fog explorer · Fogmap", page_icon="🌫️", layout="wide")
active = render_sidebar()

st.title("Fog explorer")
st.caption(
    "**K-Means** maps *islands on a clear day*: every point on exactly one island. "
    "A **Gaussian mixture** maps *hills in the fog*: every point a little on each "
    "hill. Same data, same K, side by side."
)
data = page_data(active, EXPLORER_FIT_LIMIT)
ui.limit_note()

ui.read_url()
settings = ui.settings_panel(data)
analysis = ui.fit_or_explain(data, settings)

if analysis is not None:
    maps = ui.maps_for(data, settings)

    st.subheader("Clear day against fog")
    fog = ui.fog_controls(analysis, maps)
    ui.fog_summary(data, analysis, fog)
    ui.comparison_panels(data, analysis, maps, fog)
    ui.diagnostics(data, analysis, settings)
    ui.dbscan_section(data, fog)

    st.subheader("The map behind the points")
    background = ui.background_picker()
    left, right = st.columns([3, 2], gap="medium")
    with right:
        outliers = ui.outlier_panel(data, analysis)
    with left:
        selected = ui.main_map(analysis, maps, fog, outliers, background)
    st.markdown("**Soft assignments, point by point**")
    ui.selection_panel(data, analysis, fog, outliers, selected)
    ui.export_panel(active, analysis, outliers)

    st.subheader("The smoothie recipe")
    ui.recipe(data, analysis)

    st.subheader("The hills")
    ui.hills_section(data, analysis, maps, fog)

    ui.write_url(settings, fog.level)

st.subheader("When to use which")
ui.comparison_table(data, analysis, settings)

st.subheader("Where Gaussian hills go wrong")
ui.limits_section()
