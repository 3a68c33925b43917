"""Choosing K: BIC and AIC weigh how well the hills fit against how many there are."""

import streamlit as st

from gmm_app.choosing_k import checks_panel
from gmm_app.choosing_k import panels as ui
from gmm_app.choosing_k.model import summarise
from gmm_app.choosing_k.settings import read_url, settings_panel, write_url
from gmm_app.choosing_k.sweeps import run_sweep
from gmm_app.shell.sidebar import SWEEP_FIT_LIMIT, page_data, render_sidebar

st.set_page_config(page_title="Choosing K · Fogmap", page_icon="🌫️", layout="wide")
active = render_sidebar()

st.title("Choosing K")
st.caption(
    "The best fit with more hills is always at least as good, so the likelihood "
    "alone always asks for more. **BIC** and **AIC** add a charge for every "
    "parameter: the K with the lowest criterion is the best trade between fit and "
    "complexity."
)
data = page_data(active, SWEEP_FIT_LIMIT)

read_url()
settings = settings_panel(data)
fits = None
shown: dict = {}
if not settings.covariance_types:
    st.info("Choose at least one covariance type to sweep.", icon=":material/tune:")
else:
    fits = run_sweep(data, settings)

if fits:
    sweeps = summarise(fits)
    checks = checks_panel.prepare(sweeps)
    hide = checks_panel.hiding_picks(checks)  # BIC's pick waits for an answer
    ui.open_numbers_for_questions(bool(checks))  # a question needs the table
    pick = shown["pick"] = ui.current_pick(sweeps, hide=hide)
    ui.verdict_panel(sweeps, data, settings, hide=hide)
    left, right = st.columns([3, 2], gap="medium")
    with left:
        ui.criteria_panel(sweeps, data, settings, pick, hide=hide)
    with right:
        shown["view"] = ui.chosen_fit_panel(
            fits, sweeps, data, settings, pick, hide=hide
        )

    st.subheader("Check yourself")
    checks_panel.checks_section(checks, hide)

    if not hide:
        st.subheader("Occam's razor: fit against penalty")
        # Opens on demand: closed, it is neither computed nor sent.
        shown["razor_type"] = ui.razor_section(sweeps, pick, settings.n_init)

        if settings.heldout:
            st.subheader("Held-out check: does the fit carry over to new points?")
            ui.heldout_panel(data, settings)

        st.subheader("Every fit in numbers")
        # Opens on demand, like the razor.
        ui.numbers_section(sweeps, settings)

write_url(settings, **shown)
