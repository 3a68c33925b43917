"""Widgets several pages share (Streamlit): K, the seed and the view of D > 2 data.

K, the covariance type and the seed follow the student from page to page
(``gmm_app.shell.state.shared_widget``), so every page draws them the same way.
"""

from __future__ import annotations

import itertools

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from gmm_app.plotting.geometry import Projection
from gmm_app.shell import state
from gmm_core import Dataset


def k_input(
    where: DeltaGenerator, data: Dataset, label: str = "K (hills)", help: str = ""
) -> int:
    """The number of hills, 1 to min(10, N), shared by every page (key n_components).

    Returns
    -------
    int
        Never more than the number of points.
    """
    k_max = max(1, min(10, data.n_samples))
    remembered = state.remembered("n_components")
    if remembered is not None and not 1 <= remembered <= k_max:
        # A K chosen for other data may not fit this data.
        state.remember("n_components", min(max(int(remembered), 1), k_max))
    k = state.shared_widget(
        where.number_input,
        label,
        min_value=1,
        max_value=k_max,
        value=min(3, data.n_samples),
        step=1,
        key="n_components",
        help=help or None,
    )
    return int(min(k, data.n_samples))


def seed_input(where: DeltaGenerator, help: str = "") -> int:
    """The seed of the random starts, shared by every page (key ``seed``)."""
    return int(
        state.shared_widget(
            where.number_input,
            "Seed",
            min_value=0,
            max_value=9999,
            value=0,
            step=1,
            key="seed",
            help=help or None,
        )
    )


def projection_picker(data: Dataset, key: str, what: str = "EM") -> Projection | None:
    """For data with more than two features, the plane to look at.

    Parameters
    ----------
    data : Dataset
    key : str
        The selectbox's widget key (one per page).
    what : str
        What uses every feature, for the label ("EM", "the fits", ...).

    Returns
    -------
    Projection or None
        None for one-dimensional data; the two features for 2-D data.
    """
    if data.n_features == 1:
        return None
    if data.n_features == 2:
        return Projection.features(data.feature_names)
    pairs = list(itertools.combinations(range(data.n_features), 2))
    options = ["pca", *[f"{i},{j}" for i, j in pairs]]

    def label(option: str) -> str:
        if option == "pca":
            return "PCA view (the two directions of widest spread)"
        i, j = (int(a) for a in option.split(","))
        return f"{data.feature_names[i]} vs {data.feature_names[j]}"

    choice = st.selectbox(
        f"View ({data.n_features} features; {what} uses them all)",
        options,
        format_func=label,
        key=key,
        help="The fit uses every feature; the chart shows one plane, with each "
        "hill's ellipse as it looks from that plane.",
    )
    if choice == "pca":
        return Projection.pca(data.X)
    i, j = (int(a) for a in choice.split(","))
    return Projection.features(data.feature_names, i, j)
