"""The big map and what hangs off it: outliers, the selection, the export (Streamlit).

What is drawn behind the points, the outlier slider with its histogram, the map a
student selects points on, the selected points' soft assignments and the CSV of
every row. All of it sits in a section the student opens (:func:`map_section`):
closed, nothing of it is computed or sent, so the page's first screen paints
with the four small maps alone.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import streamlit as st

from gmm_app.explorer.figures_charts import log_density_histogram
from gmm_app.explorer.figures_map import explorer_map
from gmm_app.explorer.model import Analysis, outlier_cut
from gmm_app.explorer.model_maps import ViewMaps
from gmm_app.explorer.model_tables import (
    export_csv,
    recipe_sentence,
    selected_points,
    soft_table,
)
from gmm_app.explorer.panels import Fog
from gmm_app.explorer.settings import BACKGROUNDS, OUTLIER_RANGE
from gmm_app.shell import present, state
from gmm_app.words import hill_name, md_escape, plural
from gmm_core import Dataset

# The section's expander: its key is also its URL parameter (``fx_show_map=true``).
SECTION = "fx_show_map"
SECTION_LABEL = (
    "Open the big map: select points to read their fog, find the outliers, "
    "take the map home"
)


@dataclass(frozen=True, eq=False)
class Outliers:
    """Points whose density is below the student's percentile.

    Attributes
    ----------
    percent : float
        The percentile (0-100) the student set.
    threshold : float
        The log-density at that percentile.
    indices : ndarray of int, shape (M,)
        The points below it.
    """

    percent: float
    threshold: float
    indices: np.ndarray


def outlier_panel(data: Dataset, an: Analysis) -> Outliers:
    """The percentile slider, the count and the log-density histogram.

    Returns
    -------
    Outliers
        The points under the percentile the student set.
    """
    st.markdown("**Outliers: the GMM as an anomaly detector**")
    percent = state.shared_widget(
        st.slider,
        "Flag the lowest density points (%)",
        min_value=OUTLIER_RANGE[0],
        max_value=OUTLIER_RANGE[1],
        value=2.0,
        step=OUTLIER_RANGE[2],
        format="%.1f%%",
        key="fx_outlier_pct",
        help="A point whose density p(x) under the mixture is below this "
        "percentile of all the points' densities is flagged: no hill expects it.",
    )
    threshold, indices = outlier_cut(an.log_density, float(percent))
    count = len(indices)
    st.markdown(
        f"**{count} of {data.n_samples:,} points** are outliers: their log-density "
        f"is below **{threshold:.2f}**, the {percent:g}% cut-off. They are "
        "ringed on the map."
    )
    present.plotly_chart(
        log_density_histogram(an.log_density, threshold, float(percent)),
        key="fx_outlier_hist",
        config={"displayModeBar": False},
    )
    st.caption(
        "A GMM is a density model: it says how likely any point is, not just which "
        "hill it is on. K-Means has no such number."
    )
    return Outliers(float(percent), threshold, indices)


def map_section(
    active: Dataset,
    data: Dataset,
    an: Analysis,
    maps: ViewMaps,
    fog: Fog,
    marks: Sequence[tuple[int, str]] = (),
) -> None:
    """The big map, the outliers, the selection and the export, in a section.

    Closed (the default), it draws and computes nothing; the student opens it, a
    link with ``fx_show_map=true`` opens it, and so does switching on the "Check
    yourself" questions, whose points are marked on the map.

    Parameters
    ----------
    active : Dataset
        The whole data set (the export scores every row).
    data : Dataset
        The data fitted (possibly a sample of ``active``).
    an : Analysis
    maps : ViewMaps
    fog : Fog
    marks : sequence of (int, str)
        Points the "Check yourself" questions ask about: (row, "P").
    """
    box = state.section(SECTION_LABEL, SECTION)
    with box:
        if not box.open:
            return
        background = background_picker()
        left, right = st.columns([3, 2], gap="medium")
        with right:
            outliers = outlier_panel(data, an)
        with left:
            selected = main_map(an, maps, fog, outliers, background, marks)
        st.markdown("**Soft assignments, point by point**")
        selection_panel(data, an, fog, outliers, selected)
        export_panel(active, an, outliers)


def background_picker() -> str:
    """What is drawn behind the points of the big map: "gmm", "kmeans" or "both"."""
    return (
        state.shared_widget(
            st.segmented_control,
            "Behind the points",
            list(BACKGROUNDS),
            default="gmm",
            format_func=BACKGROUNDS.__getitem__,
            key="fx_background",
            help="Decision regions: the area each method would give to each cluster. "
            "Both: the GMM's borders (solid) against K-Means's (dashed).",
        )
        or "gmm"
    )


def main_map(
    an: Analysis,
    maps: ViewMaps,
    fog: Fog,
    outliers: Outliers,
    background: str,
    marks: Sequence[tuple[int, str]] = (),
) -> np.ndarray:
    """The big map, which the student selects points on.

    Parameters
    ----------
    an : Analysis
    maps : ViewMaps
    fog : Fog
    outliers : Outliers
        Ringed on the map.
    background : {"gmm", "kmeans", "both"}
        What is drawn behind the points (:func:`background_picker`).
    marks : sequence of (int, str)
        Points the "Check yourself" questions ask about: (row, "P").

    Returns
    -------
    ndarray of int, shape (M,)
        Row numbers of the points selected (sorted; empty for none).
    """
    fig = explorer_map(
        fog.view,
        an.labels,
        maps.means_xy,
        maps.covs_xy,
        background=background,
        gmm_labels_grid=maps.gmm_labels_grid,
        gmm_margins=maps.gmm_margins,
        kmeans_labels_grid=maps.kmeans_labels_grid,
        kmeans_margins=maps.kmeans_margins,
        confidence_grid=fog.confidence_grid,
        threshold=fog.threshold,
        outliers=outliers.indices,
        outlier_percent=outliers.percent,
        log_density=an.log_density,
        marks=marks,
    )
    event = present.plotly_chart(
        fig,
        key="fx_map",
        on_select="rerun",
        selection_mode=("box", "lasso", "points"),
    )
    st.caption(
        "Draw a lasso or a box around some points (or click one) to read their "
        "soft assignments below. Points fade where the fog is thick."
    )
    return selected_points(event, len(an.labels))


def selection_panel(
    data: Dataset, an: Analysis, fog: Fog, outliers: Outliers, selected: np.ndarray
) -> None:
    """The selected points' soft assignments, like a customer table.

    Parameters
    ----------
    data : Dataset
    an : Analysis
    fog : Fog
        Its shares fill the P(hill) columns.
    outliers : Outliers
    selected : ndarray of int, shape (M,)
        Rows selected on the map; with none, the 8 foggiest points are listed.
    """
    k = an.n_components
    if len(selected):
        rows = selected
        shares = fog.probs[rows].sum(axis=0)
        blend = recipe_sentence(shares)
        n_valley = int((fog.probs[rows].max(axis=1) < fog.threshold).sum())
        n_out = int(np.isin(rows, outliers.indices).sum())
        st.markdown(
            f"**{plural(len(rows), 'point')} selected.** "
            f"Together they are {blend} (soft counts: "
            + ", ".join(f"{shares[j]:.1f} {hill_name(j)}" for j in range(k))
            + f"). {n_valley} in a foggy valley, {plural(n_out, 'outlier')}."
        )
    else:
        rows = np.argsort(fog.probs.max(axis=1), kind="stable")[:8]
        st.markdown(
            "**Nothing selected yet.** Here are the 8 foggiest points, the least "
            "sure of their hill. Select points on the map to list them instead."
        )
    frame = soft_table(data, an, fog.probs, outliers.indices, rows)
    config: dict[str, object] = {
        f"P({hill_name(j)})": st.column_config.ProgressColumn(
            f"P({hill_name(j)})",
            min_value=0.0,
            max_value=1.0,
            format="percent",
            help=f"Probability that {hill_name(j)} made this point, at fog "
            f"T = {fog.level:g}.",
        )
        for j in range(k)
    }
    config["point"] = st.column_config.NumberColumn("point", format="%d")
    config["log-density"] = st.column_config.NumberColumn(format="%.2f")
    config["outlier"] = st.column_config.CheckboxColumn("outlier")
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        column_config=config,
        height=min(38 + 35 * len(frame), 420),
        key="fx_table",
    )


def export_panel(active: Dataset, an: Analysis, outliers: Outliers) -> None:
    """Download every row with P(hill) for each hill, the likeliest, the outliers."""
    hills = ", ".join(f"P({hill_name(k)})" for k in range(an.n_components))
    sampled = (
        f" The hills were fitted to a seeded sample of {an.log_prob.shape[0]:,} "
        "rows; the download scores every row."
        if active.n_samples > an.log_prob.shape[0]
        else ""
    )
    st.markdown(
        f"**Take the map home.** The CSV holds all {active.n_samples:,} rows of "
        f"{md_escape(active.name)} with {hills}, the most likely hill, the "
        f"log-density and the outlier flag (the {outliers.percent:g}% cut-off)."
        + sampled
    )
    stem = re.sub(r"[^\w.-]+", "_", active.name.rsplit(".", 1)[0]).strip("_")
    st.download_button(
        "Download soft assignments (CSV)",
        data=functools.partial(
            export_csv,
            active,
            an.params,
            outliers.threshold,
        ),
        file_name=f"{stem or 'fogmap'}_soft_assignments.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key="fx_export",
    )
    st.caption(
        "Text from your file that starts with =, +, - or @ is written with a "
        "leading apostrophe, so a spreadsheet shows it instead of running it."
    )
