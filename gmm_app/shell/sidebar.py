"""The sidebar on every page: navigation, then the data source."""

from __future__ import annotations

import time

import streamlit as st

from gmm_app.plotting.geometry import DRAW_LIMIT
from gmm_app.shell import lesson_path, state
from gmm_app.shell.data import preset_data
from gmm_app.shell.navigation import available_pages
from gmm_app.shell.present import presenter_toggle
from gmm_app.shell.widgets import scale_gap
from gmm_app.words import md_escape
from gmm_core import (
    PRESETS,
    Dataset,
    FogmapError,
    read_table,
    subsample,
    text_columns,
    with_labels,
)

UPLOAD = "upload"
_UPLOADED = "fog.upload"
_UPLOAD_ERROR = "fog.upload_error"
# The file the uploader just let go of, and when: in the browser, putting a new
# file in the uploader first empties it (one rerun with no file), then uploads.
_REPLACED = "fog.upload_replaced"
# How long after the uploader empties a new file still counts as replacing the
# old one (the upload of a big file over a classroom network takes a while).
REPLACE_WINDOW_S = 120.0
DEFAULT_DATASET = "blobs"
# The most rows each page fits (above it, a seeded sample, said on the page).
STEPPER_FIT_LIMIT = 20_000
EXPLORER_FIT_LIMIT = 20_000
SWEEP_FIT_LIMIT = 5_000
HOME_FIT_LIMIT = 5_000
_NO_LABELS = "(none)"


def render_sidebar() -> Dataset:
    """Draw the sidebar and return the active data.

    The lesson path's current step, when the student follows it, goes at the top
    of the main area (:mod:`gmm_app.shell.lesson_path`).

    Returns
    -------
    Dataset
        The chosen preset, or the student's uploaded file.
    """
    lesson_path.arrive(use_preset)
    lesson_path.path_box()
    with st.sidebar:
        st.markdown("## :material/foggy: Fogmap")
        for page in available_pages():
            st.page_link(page.path, label=page.title, icon=page.icon)
        st.divider()
        data = _data_source()
        presenter_toggle()
        return data


def use_preset(key: str) -> None:
    """Make the preset ``key`` the active data, at its own default size.

    What choosing it in the dataset box does (the lesson path calls it too).
    Choosing the preset already active changes nothing.
    """
    if state.remembered("dataset", DEFAULT_DATASET) == key:
        return
    state.remember("dataset", key)
    _preset_defaults(key)


def _on_upload() -> None:
    """A file arrived (or was removed) in the uploader: make it the active data.

    In the browser a new file replacing the old one arrives as two events: the
    uploader empties, then holds the new file. If the new file is unusable, the
    file it replaced comes back, so the error can say "Still showing" truthfully.
    """
    file = st.session_state.get("csv_upload")
    st.session_state.pop(_UPLOAD_ERROR, None)
    if file is None:
        if st.session_state.get(_UPLOADED) is not None:
            active = state.remembered("dataset") == UPLOAD
            st.session_state[_REPLACED] = (
                st.session_state[_UPLOADED],
                active,
                time.monotonic(),
            )
        if state.remembered("dataset") == UPLOAD:
            state.remember("dataset", DEFAULT_DATASET)
        st.session_state.pop(_UPLOADED, None)
        return
    replaced = st.session_state.pop(_REPLACED, None)
    try:
        data = read_table(file.getvalue(), file.name)
    except FogmapError as exc:
        st.session_state[_UPLOAD_ERROR] = str(exc)
        _restore(replaced)
        return
    except Exception as exc:  # a file pandas chokes on in a new way
        st.session_state[_UPLOAD_ERROR] = (
            f"Fogmap could not read {file.name} ({type(exc).__name__}). Save it as "
            "CSV with a header row and one row of numbers per line, and try again."
        )
        _restore(replaced)
        return
    st.session_state[_UPLOADED] = data
    state.remember("dataset", UPLOAD)
    state.forget("label_column")
    state.forget("standardise")


def _restore(replaced: tuple[Dataset, bool, float] | None) -> None:
    """Bring back the file an unusable upload was replacing, if it just left."""
    if replaced is None or st.session_state.get(_UPLOADED) is not None:
        return
    data, was_active, left_at = replaced
    if time.monotonic() - left_at > REPLACE_WINDOW_S:
        return
    st.session_state[_UPLOADED] = data
    if was_active:
        state.remember("dataset", UPLOAD)


def _on_dataset_change() -> None:
    """A new preset starts from its own default size (and old upload errors go)."""
    st.session_state.pop(_UPLOAD_ERROR, None)
    if st.session_state["dataset"] in set(PRESETS) - {DEFAULT_DATASET}:
        # Another preset chosen after removing the file: it is not coming back.
        # (Not the default preset, which removing returns to; and not the stale
        # "Your file" choice a browser sends when a replacement interrupts a run.)
        st.session_state.pop(_REPLACED, None)
    _preset_defaults(st.session_state["dataset"])


def _preset_defaults(key: str) -> None:
    """A preset just chosen starts at its own default size, in its own units."""
    preset = PRESETS.get(key)
    if preset is not None and preset.default_n is not None:
        state.remember("n_samples", preset.default_n)
    state.forget("standardise")  # each data set starts in its own units


_DATA_URL = ("dataset", "n_samples", "data_seed", "standardise")


def _data_source() -> Dataset:
    st.markdown("**Data**")
    state.read_url_once(
        "data",
        {
            "dataset": state.choice_param(PRESETS),
            "n_samples": state.int_param(50, 3000),
            "data_seed": state.int_param(0, 9999),
            "standardise": state.switch_param,
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
        data = _standardise_control(_upload_controls(uploaded), always=True)
        state.write_url({}, _DATA_URL)  # a file cannot travel in a link
    else:
        raw, in_url = _preset_controls(key)
        data = _standardise_control(raw, always=False)
        if data.is_standardised:
            in_url["standardise"] = 1
        state.write_url(in_url, _DATA_URL)
    st.file_uploader(
        "Or upload a CSV of your own",
        type=["csv", "txt", "tsv"],
        key="csv_upload",
        on_change=_on_upload,
        help="Numeric columns become the features; one row per point.",
    )
    if uploaded is not None and st.session_state.get("csv_upload") is None:
        # Widgets belong to their page: on another page the uploader is empty.
        st.caption(
            f"{md_escape(uploaded.name)} stays loaded on every page: upload another "
            "file to replace it, or pick a preset above."
        )
    error = st.session_state.get(_UPLOAD_ERROR)
    if error:
        still = f" Still showing: {md_escape(data.name)}."
        st.error(md_escape(error) + still, icon=":material/error:")
    _describe(data)
    return data


def _upload_controls(uploaded: Dataset) -> Dataset:
    """Known labels, for the student's own file."""
    data = uploaded
    labels = text_columns(uploaded)
    if labels:
        options = [_NO_LABELS, *labels]
        if state.remembered("label_column") not in options:
            state.forget("label_column")
        column = state.shared_widget(
            st.selectbox,
            "Known groups (a text column)",
            options,
            key="label_column",
            help="If a text column already says which group each row is in, Fogmap "
            "compares the fitted hills with it (adjusted Rand index).",
        )
        if column != _NO_LABELS:
            data = with_labels(uploaded, column)
    return data


def _standardise_control(data: Dataset, *, always: bool) -> Dataset:
    """The "Standardise the columns" switch (key ``standardise``), every page's.

    Offered for every file, and for a preset whose columns spread very
    differently (:func:`gmm_app.shell.widgets.scale_gap`): presets whose columns
    are alike stay in their own units. Off by default.

    Parameters
    ----------
    data : Dataset
        The data in its own units, X of shape (N, D).
    always : bool
        Offer the switch even when the columns spread alike (a file).

    Returns
    -------
    Dataset
        ``data``, or standardised with names that say so.
    """
    gap = scale_gap(data)
    if gap is None and not always:
        return data
    scaled = state.shared_widget(
        st.toggle,
        "Standardise the columns",
        value=False,
        key="standardise",
        help="Rescale every column to mean 0 and spread 1, so a column measured "
        "in big units does not decide the distances on its own. Every page follows.",
    )
    if gap is not None and not scaled:
        st.caption(
            f":material/straighten: *{md_escape(gap.wide)}* spreads "
            f"{gap.ratio:,.0f}× wider than *{md_escape(gap.narrow)}*, so distances "
            "are mostly the wide column: consider standardising."
        )
    return data.standardised(in_names=True) if scaled else data


def page_data(data: Dataset, fit_limit: int) -> Dataset:
    """Name the active data on the page, and the seeded sample the page fits.

    Parameters
    ----------
    data : Dataset
        The active data (from :func:`render_sidebar`).
    fit_limit : int
        The most rows this page fits; above it, a seeded sample.

    Returns
    -------
    Dataset
        ``data``, or a seeded sample of ``fit_limit`` of its rows.
    """
    work = subsample(data, fit_limit)
    if data.rows_read is not None:
        rows = f"{data.n_samples:,} of {data.rows_read:,} rows used"
    else:
        rows = f"{data.n_samples:,} points"
    own = data.unscaled or data  # named as in the file, then said to be standardised
    names = ", ".join(md_escape(n) for n in own.feature_names[:6])
    if data.n_features > 6:
        names += f", … ({data.n_features - 6} more)"
    columns = "1 column" if data.n_features == 1 else f"{data.n_features} columns"
    text = (
        f":material/table_chart: **Data:** {md_escape(own.name)} · {rows} · "
        f"{columns}: {names}"
    )
    if data.is_standardised:
        text += ", each standardised (mean 0, spread 1)"
    if work is not data:
        text += (
            f". This page fits a seeded sample of {work.n_samples:,} rows so it "
            "stays quick"
        )
    if work.n_samples > DRAW_LIMIT:
        text += f". Charts draw {DRAW_LIMIT:,} of the points (a seeded sample)"
    with st.container(key="active_data"):
        st.caption(text + ".")
    return work


def _preset_controls(key: str) -> tuple[Dataset, dict[str, object]]:
    """The preset's size and seed: its data, and what the link carries of it."""
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
    return preset_data(key, n_samples, int(seed or 0)), in_url


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
