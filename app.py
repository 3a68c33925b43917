"""Fogmap's Home page: what it teaches, the fog image and the surveyor's loop."""

from pathlib import Path

import streamlit as st

from gmm_app.lesson_steps import step_count
from gmm_app.plotting.fog import fog_curves, fog_map
from gmm_app.plotting.loop import surveyor_loop
from gmm_app.plotting.margins import drawn_once
from gmm_app.shell.data import fitted_mixture
from gmm_app.shell.lesson_path import current_step, start_button
from gmm_app.shell.live_chart import live_chart
from gmm_app.shell.navigation import available_pages
from gmm_app.shell.sidebar import HOME_FIT_LIMIT, page_data, render_sidebar
from gmm_app.words import fog_sentence, hill_name, md_escape
from gmm_core import FogmapError, responsibilities

SAMPLES = Path(__file__).parent / "samples"
SAMPLE_FILES = {
    "customers.csv": "400 shop customers: income, spending score, purchases per "
    "month, and their segment (text: try it as known groups).",
    "heights.csv": "300 heights of children, teenagers and adults, with the age "
    "group: one-dimensional data.",
    "old_faithful.csv": "272 eruptions of Old Faithful: length and wait until the "
    "next one, the classic EM data.",
}

st.set_page_config(page_title="Fogmap", page_icon="🌫️", layout="wide")
active = render_sidebar()

st.title("Fogmap: finding hills in the fog")
st.markdown(
    "Fogmap teaches **Gaussian Mixture Models** and the **Expectation-Maximization "
    "(EM)** algorithm by letting you watch them work, one step at a time."
)
if current_step() is None:  # on the path, its box above says where you are
    with st.container(horizontal=True, vertical_alignment="center", gap="medium"):
        start_button()
        st.caption(
            f"New here? {step_count()} short steps lead you through the four "
            "lessons in order, one thing to do at a time. Or explore freely below."
        )
data = page_data(active, HOME_FIT_LIMIT)

left, right = st.columns([2, 3], gap="large")
with left:
    st.subheader("Islands on a clear day, hills in the fog")
    st.markdown(
        "- **K-Means** maps *islands on a clear day*: every point is on exactly one "
        "island, and the borders are hard lines.\n"
        "- A **Gaussian mixture** maps *hills in fog*: the explorer can only say "
        "“I'm 70% sure I'm on hill A, 30% on hill B”. Each hill is a Gaussian bell: "
        "a **mean** (its top), a **covariance** (its width and tilt) and a **mixing "
        "weight** (its share of the points).\n"
        "- **EM** is the surveyor who draws that map: guess the hills, ask who "
        "belongs where, move and reshape the hills, and repeat until the map stops "
        "changing."
    )
    st.caption(
        "The map on the right is a Gaussian mixture fitted to the data chosen in "
        "the sidebar. Hover a point to read how sure the fog lets you be."
    )

with right:
    k = data.true_k or (2 if data.n_samples >= 2 else 1)
    k = max(1, min(k, 6, data.n_samples))
    try:
        result = fitted_mixture(data.X, k, "full", 0)
    except FogmapError as exc:
        st.warning(f"Fogmap could not fit hills to this data: {exc}")
    else:
        params = result.params
        resp = responsibilities(data.X, params)
        if data.n_features == 1:
            figure = fog_curves(data.X, params, data.feature_names[0])
        else:
            # Sent with the margins Plotly's automargin would grow, so the first
            # chart a student sees is drawn once, not twice (plotting.margins).
            figure = drawn_once(fog_map(data.X, params, resp, data.feature_names))
        live_chart(figure, key="home_map")
        doubt = int(resp.max(axis=1).argmin())
        shown = "" if data.n_features <= 2 else " (the first two features are shown)"
        rounds = result.best.iteration
        found = (
            f"{md_escape(data.name)}: {k} hills found by EM in {rounds} "
            f"{'iteration' if rounds == 1 else 'iterations'}{shown}."
        )
        if resp[doubt].max() > 0.99:
            fog = " Every point is over 99% sure of its hill: hardly any fog here."
        else:
            fog = f" The foggiest point, #{doubt}, is {fog_sentence(resp[doubt])}."
        st.caption(found + fog)

st.subheader("The surveyor's loop")
live_chart(surveyor_loop(), key="home_loop", config={"staticPlot": True})
steps = st.columns(4)
steps[0].markdown(
    "**Guess.** Put K hills somewhere: at random points, or where K-Means puts "
    "its centres."
)
steps[1].markdown(
    "**E-step.** For every point, how likely is each hill to have produced it? "
    "These shares are the *responsibilities*; each point's add up to 100%."
)
steps[2].markdown(
    "**M-step.** Move each hill to the weighted centre of its points, reshape it "
    "to their spread, and give it its share of the points as its weight."
)
steps[3].markdown(
    "**Converged?** Each round can only raise the log-likelihood. When it rises by "
    "less than a small tolerance, the map has stopped changing."
)

st.subheader("Where to start")
lessons = [p for p in available_pages() if p.path != "app.py"]
if lessons:
    for page in lessons:
        st.page_link(page.path, label=f"{page.title}: {page.blurb}", icon=page.icon)
else:
    st.markdown(
        f"Pick a dataset in the sidebar and watch the map above redraw: "
        f"{hill_name(0)} and its neighbours follow the data. Try *Elongated rotated "
        "blobs* (tilted hills), *Circles* (where Gaussian hills fail) and *Old "
        "Faithful* (the classic EM data), or upload a CSV of your own."
    )

st.subheader("Your own data")
st.markdown(
    "Upload a CSV in the sidebar: numeric columns become the features, one row per "
    "point, and a text column can name known groups to compare with. The upload "
    "stays the active data on every page until you pick a preset or remove it. "
    "No file at hand? Download a sample, then upload it:"
)
sample_cols = st.columns(len(SAMPLE_FILES))
for col, (file, what) in zip(sample_cols, SAMPLE_FILES.items(), strict=True):
    with col:
        st.download_button(
            file,
            data=(SAMPLES / file).read_bytes(),
            file_name=file,
            mime="text/csv",
            on_click="ignore",
            icon=":material/download:",
            key=f"sample_{file.removesuffix('.csv')}",
        )
        st.caption(what)
