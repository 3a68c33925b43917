"""Widgets several pages share (Streamlit): K, the seed and the view of the data.

K, the covariance type and the seed follow the student from page to page
(``gmm_app.shell.state.shared_widget``), so every page draws them the same way.
The view (:func:`projection_picker`, drawn right above a lesson's map) also says
when the columns are on very different scales and standardises them in one click
(the sidebar's ``standardise``, which every page follows).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from gmm_app.plotting.geometry import Projection
from gmm_app.shell import state
from gmm_app.words import md_escape
from gmm_core import Dataset
from gmm_core.shapes import feature_spreads, spread_ratio

# Above this ratio of the widest to the narrowest column, Fogmap offers to
# standardise (Old Faithful: waiting spreads 12x wider than eruptions). Below it
# the presets' columns are alike (at most 2x) and are left as they are.
SCALE_WARNING = 10.0


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


@dataclass(frozen=True)
class ScaleGap:
    """How unevenly the columns of some data spread.

    Attributes
    ----------
    ratio : float
        The widest column's spread over the narrowest's (of those that vary).
    wide, narrow : str
        Their names.
    """

    ratio: float
    wide: str
    narrow: str


def scale_gap(data: Dataset) -> ScaleGap | None:
    """The gap between the columns' spreads, when it is worth standardising.

    Parameters
    ----------
    data : Dataset
        X of shape (N, D).

    Returns
    -------
    ScaleGap or None
        None for standardised data and for columns within ``SCALE_WARNING``
        times each other's spread.
    """
    if data.is_standardised or data.n_features < 2:
        return None
    ratio = spread_ratio(data.X)
    if ratio < SCALE_WARNING:
        return None
    spreads = feature_spreads(data.X)
    varying = np.flatnonzero(spreads > 0)
    wide = int(varying[spreads[varying].argmax()])
    narrow = int(varying[spreads[varying].argmin()])
    return ScaleGap(ratio, data.feature_names[wide], data.feature_names[narrow])


def scale_note(data: Dataset, key: str) -> None:
    """Where the map is drawn: say that the columns' scales differ, offer a fix.

    Unscaled data whose columns spread over ``SCALE_WARNING`` times apart gets a
    sentence and a button (key ``standardise_<key>``) that switches the sidebar's
    "Standardise the columns" on, so every page (and the link) follows. Data the
    sidebar standardised gets a line saying how to go back to its own units.

    Parameters
    ----------
    data : Dataset
        The data the page draws, X of shape (N, D).
    key : str
        The page's view key (``em_view``, ...), which names the button.
    """
    gap = scale_gap(data)
    if gap is None:
        if data.is_standardised and state.remembered("standardise"):
            st.caption(
                ":material/straighten: Every column is standardised (mean 0, spread "
                "1) on every page. Switch **Standardise the columns** off in the "
                "sidebar to see them in their own units."
            )
        return
    wide, narrow = md_escape(gap.wide), md_escape(gap.narrow)
    st.caption(
        f":material/straighten: **{wide}** spreads {gap.ratio:,.0f}× wider than "
        f"**{narrow}**, so it dominates every distance: the k-means start and round "
        f"(spherical) hills hardly see {narrow}."
    )
    if st.button(
        "Standardise the columns",
        key=f"standardise_{key}",
        icon=":material/straighten:",
        help="Rescale every column to mean 0 and spread 1. The same switch as in "
        "the sidebar: every page uses the standardised columns until you switch it "
        "off there.",
    ):
        state.remember("standardise", True)  # the sidebar's toggle
        st.rerun()  # the whole page, sidebar first, also from inside a fragment


def view_options(data: Dataset) -> list[str]:
    """The planes a view picker offers on ``data`` (and a link may ask for).

    Parameters
    ----------
    data : Dataset

    Returns
    -------
    list of str
        "pca" and "i,j" for each pair of features i < j; empty for two or fewer
        features (there is no choice to make).
    """
    if data.n_features <= 2:
        return []
    pairs = itertools.combinations(range(data.n_features), 2)
    return ["pca", *[f"{i},{j}" for i, j in pairs]]


def restore_view(data: Dataset, key: str) -> str | None:
    """Give the view picker ``key`` the plane remembered (or from a link).

    Parameters
    ----------
    data : Dataset
    key : str
        The picker's widget key; its remembered value is ``fog.<key>``.

    Returns
    -------
    str or None
        None when the data has two features or fewer (no picker); else the
        remembered plane, or "pca" when none fits this data.
    """
    valid = view_options(data)
    if not valid:
        return None
    wanted = state.remembered(key)
    if key not in st.session_state and wanted in valid:
        st.session_state[key] = wanted
    return str(st.session_state.get(key, "pca"))


def projection_picker(data: Dataset, key: str, what: str = "EM") -> Projection | None:
    """The plane to look at, and a word on the columns' scales.

    Drawn right above a lesson's map: for columns on very different scales it
    first offers to standardise them (:func:`scale_note`).

    Parameters
    ----------
    data : Dataset
        X of shape (N, D); the PCA view's shares are those of this data.
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
    scale_note(data, key)
    if data.n_features == 2:
        return Projection.features(data.feature_names)
    options = view_options(data)

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
