"""The sidebar on every page: navigation, then the data source."""

from __future__ import annotations

import streamlit as st

from gmm_app import state
from gmm_app.data import preset_data
from gmm_app.navigation import available_pages
from gmm_app.text import md_escape
from gmm_core import PRESETS, Dataset, FogmapError, read_table

UPLOAD = "upload"
_UPLOADED = "fog.upload"
_UPLOAD_ERROR = "fog.upload_error"
DEFAULT_DATASET = "blobs"


def render_sidebar() -> Dataset:
    """Draw the sidebar and return the active data.

    Returns
    -------
    Dataset
        The chosen preset, or the student's uploaded file.
    """
    with st.sidebar:
        st.markdown("## :material/foggy: Fogmap")
        for page in available_pages():
            st.page_link(page.path, label=page.title, icon=page.icon)
        st.divider()
        return _data_source()


def _on_upload() -> None:
    """A file arrived (or was removed) in the uploader: make it the active data."""
    file = st.session_state.get("csv_upload")
    st.session_state.pop(_UPLOAD_ERROR, None)
    if file is None:
        if state.remembered("dataset") == UPLOAD:
            state.remember("dataset", DEFAULT_DATASET)
        st.session_state.pop(_UPLOADED, None)
        return
    try:
        data = read_table(file.getvalue(), file.name)
    except FogmapError as exc:
        st.session_state[_UPLOAD_ERROR] = str(exc)
        return
    st.session_state[_UPLOADED] = data
    state.remember("dataset", UPLOAD)


def _on_dataset_change() -> None:
    """A new preset starts from its own default size."""
    preset = PRESETS.get(st.session_state["dataset"])
    if preset is not None and preset.default_n is not None:
        state.remember("n_samples", preset.default_n)


_DATA_URL = ("dataset", "n_samples", "data_seed")


def _data_source() -> Dataset:
    st.markdown("**Data**")
    state.read_url_once(
        "data",
        {
            "dataset": state.choice_param(PRESETS),
            "n_samples": state.int_param(50, 3000),
            "data_seed": state.int_param(0, 9999),
        },
    )
    uploaded: Dataset | None = st.session_state.get(_UPLOADED)
    options = list(PRESETS) + ([UPLOAD] if uploaded is not None else [])
    labels = {key: preset.name for key, preset in PRESETS.items()}
    if uploaded is not None:
        labels[UPLOAD] = f"Your file: {uploaded.name}"
    if state.remembered("dataset", DEFAULT_DATASET) not in options:
        state.remember("dataset", DEFAULT_DATASET)
    key = state.shared_widget(
        st.selectbox,
        "Dataset",
        options,
        index=options.index(DEFAULT_DATASET),
        format_func=labels.__getitem__,
        key="dataset",
        on_change=_on_dataset_change,
        help="A preset to explore, or the file you uploaded below.",
    )
    if key == UPLOAD and uploaded is not None:
        data = uploaded
        state.write_url({}, _DATA_URL)  # a file cannot travel in a link
    else:
        data = _preset_controls(key)
    st.file_uploader(
        "Or upload a CSV of your own",
        type=["csv", "txt", "tsv"],
        key="csv_upload",
        on_change=_on_upload,
        help="Numeric columns become the features; one row per point.",
    )
    error = st.session_state.get(_UPLOAD_ERROR)
    if error:
        st.error(md_escape(error), icon=":material/error:")
    _describe(data)
    return data


def _preset_controls(key: str) -> Dataset:
    preset = PRESETS[key]
    n_samples = None
    seed = None
    if preset.default_n is not None:
        n_samples = state.shared_widget(
            st.slider,
            "Points",
            min_value=50,
            max_value=3000,
            value=preset.default_n,
            step=50,
            key="n_samples",
        )
    if preset.seeded:
        seed = state.shared_widget(
            st.number_input,
            "Data seed",
            min_value=0,
            max_value=9999,
            value=0,
            step=1,
            key="data_seed",
            help="Another seed draws another sample of the same hills.",
        )
    in_url: dict[str, object] = {"dataset": key}
    if n_samples is not None:
        in_url["n_samples"] = n_samples
    if seed is not None:
        in_url["data_seed"] = int(seed)
    state.write_url(in_url, _DATA_URL)
    return preset_data(key, n_samples, int(seed or 0))


def _describe(data: Dataset) -> None:
    dims = "1 feature" if data.n_features == 1 else f"{data.n_features} features"
    st.caption(md_escape(data.description))
    st.markdown(
        f"**Active data:** {md_escape(data.name)} · {data.n_samples:,} points · {dims}"
    )
    if data.source:
        st.caption(f"Source: {data.source}")
    for note in data.notes:
        st.caption(md_escape(note))
