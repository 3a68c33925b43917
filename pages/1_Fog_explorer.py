"""Fog explorer: hard clustering (K-Means) against soft clustering (a GMM)."""

import streamlit as st

from gmm_app.explorer import (
    checks_panel,
    hills_panels,
    limits_panels,
    map_panels,
    panels,
    settings,
)
from gmm_app.shell import first_screen
from gmm_app.shell.sidebar import EXPLORER_FIT_LIMIT, page_data, render_sidebar

PAGE = "fog_explorer"

st.set_page_config(page_title="Fog explorer · Fogmap", page_icon="🌫️", layout="wide")
active = render_sidebar()
whole = first_screen.whole_page(PAGE)  # else the first screen alone, this once

st.title("Fog explorer")
st.caption(
    "**K-Means** maps *islands on a clear day*: every point on exactly one island. "
    "A **Gaussian mixture** maps *hills in the fog*: every point a little on each "
    "hill. Same data, same K, side by side."
)
data = page_data(active, EXPLORER_FIT_LIMIT)
limits_panels.limit_note()

settings.read_url()
chosen = settings.settings_panel(data)
analysis = settings.fit_or_explain(data, chosen)

if analysis is not None:
    maps = settings.maps_for(data, chosen)

    st.subheader("Clear day against fog")
    fog = panels.fog_controls(analysis, maps)
    panels.fog_summary(data, analysis, fog)
    panels.comparison_panels(data, analysis, maps, fog)

    if whole:
        panels.diagnostics(data, analysis)
        panels.dbscan_section(data, fog)

        # Below the four small maps, every section opens on demand: closed, it is
        # neither computed nor sent, so the first screen paints on its own.
        st.subheader("The map behind the points")
        checks = checks_panel.build_checks(data.X, analysis, fog, chosen.seed)
        map_panels.map_section(
            active, data, analysis, maps, fog, checks_panel.map_marks(checks)
        )

        st.subheader("The smoothie recipe")
        hills_panels.recipe_section(data, analysis)

        st.subheader("The hills")
        hills_panels.hills_section_box(data, analysis, maps, fog)

        st.subheader("Check yourself")
        checks_panel.checks_section(checks, analysis.n_components)

    settings.write_url(chosen, fog.level)

if whole:
    st.subheader("When to use which")
    limits_panels.comparison_table(data, analysis, chosen)

    st.subheader("Where Gaussian hills go wrong")
    limits_panels.limits_section()
first_screen.rest_follows(PAGE)
