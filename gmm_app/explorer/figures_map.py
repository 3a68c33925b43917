"""The explorer's big map: everything behind the points (Plotly, no Streamlit).

Regions or borders of either method, the foggy valleys, the hills, the points
fading with doubt and the outliers ringed, on one
:class:`~gmm_app.explorer.figures.MapView`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from gmm_app.explorer.figures import (
    OUTLIER_COLOUR,
    MapView,
    add_borders,
    add_regions,
    add_valleys,
    finish_map,
    point_trace,
    strip_centres,
    strip_y,
)
from gmm_app.plotting.builder import FigureBuilder, colour, marker
from gmm_app.plotting.layers import THIN_OUTLINES, add_hill_tops, add_hills
from gmm_app.words import hill_name

CHECK_COLOUR = "#1F2933"  # near black: the marks of a question, over any hill colour


def _add_outliers(
    fig: FigureBuilder, view: MapView, outliers: np.ndarray, percent: float
) -> None:
    """Ring the points ``outliers`` (indices) in red."""
    if len(outliers) == 0:
        return
    fig.add_trace(
        dict(
            type="scatter",
            x=view.xy[outliers, 0],
            y=view.xy[outliers, 1],
            mode="markers",
            name=f"outlier (lowest {percent:g}% density)",
            marker=dict(
                symbol="circle-open",
                size=17,
                color=OUTLIER_COLOUR,
                line=dict(width=2.5, color=OUTLIER_COLOUR),
            ),
            hoverinfo="skip",
        )
    )


def add_check_marks(
    fig: FigureBuilder, view: MapView, marks: Sequence[tuple[int, str]]
) -> None:
    """Ring and name the points a "Check yourself" question asks about.

    Parameters
    ----------
    fig : FigureBuilder
    view : MapView
    marks : sequence of (int, str)
        (row, label): the point's row number and its name on the map ("P").
    """
    if not marks:
        return
    rows = np.array([row for row, _ in marks], dtype=int)
    labels = [label for _, label in marks]
    fig.add_trace(
        dict(
            type="scatter",
            x=view.xy[rows, 0],
            y=view.xy[rows, 1],
            mode="markers+text",
            name="points asked about (Check yourself)",
            text=[f"<b>{label}</b>" for label in labels],
            textposition="top right",
            textfont=dict(
                size=20,
                color=CHECK_COLOUR,
                shadow="0 0 3px white, 0 0 3px white",  # readable over any hill
            ),
            marker=dict(
                symbol="circle-open",
                size=22,
                color=CHECK_COLOUR,
                line=dict(width=3, color=CHECK_COLOUR),
            ),
            hovertext=[f"{label}: point #{row}" for row, label in marks],
            hoverinfo="text",
        )
    )


def explorer_map(
    view: MapView,
    labels: np.ndarray,
    means_xy: np.ndarray,
    covs_xy: np.ndarray,
    *,
    background: str,
    gmm_labels_grid: np.ndarray,
    gmm_margins: np.ndarray,
    kmeans_labels_grid: np.ndarray,
    kmeans_margins: np.ndarray,
    confidence_grid: np.ndarray,
    threshold: float,
    outliers: np.ndarray,
    outlier_percent: float,
    log_density: np.ndarray,
    marks: Sequence[tuple[int, str]] = (),
    height: int = 600,
) -> go.Figure:
    """The big map: regions, borders, foggy valleys, hills, points and outliers.

    Parameters
    ----------
    view : MapView
    labels : ndarray of int, shape (N,)
        Most likely hill of each point; points fade with doubt.
    means_xy, covs_xy : ndarrays of shape (K, 2) and (K, 2, 2)
    background : {"gmm", "kmeans", "both"}
        Tint the GMM's or K-Means's regions, or draw both sets of borders.
    gmm_labels_grid, kmeans_labels_grid : ndarrays of int, shape (H, G)
    gmm_margins, kmeans_margins : ndarrays of shape (K, H, G)
    confidence_grid : ndarray of shape (H, G)
        Largest probability over the grid at the current fog.
    threshold : float
        Foggy valleys are below it.
    outliers : ndarray of int
        Points to ring.
    outlier_percent : float
        The percentile that made them outliers (legend).
    log_density : ndarray of shape (N,)
        log p(x) of every point (hover).
    marks : sequence of (int, str)
        Points a "Check yourself" question asks about, ringed and named
        (:func:`add_check_marks`).
    height : int

    Returns
    -------
    go.Figure
        Point traces carry ``customdata`` = [index, P(hill A), ..., log p(x)].
    """
    k_count = means_xy.shape[0]
    fig = FigureBuilder()
    if background == "kmeans":
        add_regions(fig, view, kmeans_labels_grid, k_count, alpha=0.2)
        add_borders(
            fig,
            view,
            kmeans_margins,
            name="K-Means borders (straight)",
            dash="dash",
            showlegend=True,
        )
    else:
        if background == "gmm":
            add_regions(fig, view, gmm_labels_grid, k_count, alpha=0.2)
        add_borders(
            fig, view, gmm_margins, name="GMM borders (curved)", showlegend=True
        )
        if background == "both":
            add_borders(
                fig,
                view,
                kmeans_margins,
                name="K-Means borders (straight)",
                dash="dash",
                width=2.0,
                line_colour="#D55E00",
                showlegend=True,
            )
    strip_confidence = (
        np.repeat(confidence_grid[:1], 2, axis=0) if view.strip else confidence_grid
    )
    add_valleys(fig, view, strip_confidence, threshold, showlegend=True)
    sure = view.probs.max(axis=1)
    for k in range(k_count):
        idx = np.flatnonzero(labels == k)
        fig.add_trace(
            point_trace(
                view,
                idx,
                name=hill_name(k),
                prefix="",
                first=k,
                extra=log_density[idx],
                extra_hover=f"<br>log-density %{{customdata[{k_count + 1}]:.2f}}",
                marker_style=dict(
                    color=colour(k),
                    symbol=marker(k),
                    size=8,
                    opacity=0.25 + 0.75 * sure[idx],
                    line=dict(width=0),
                ),
                legendgroup=str(k),
            )
        )
    _add_outliers(fig, view, outliers, outlier_percent)
    if not view.strip:
        add_hills(fig, means_xy, covs_xy, outlines=THIN_OUTLINES)
    add_hill_tops(
        fig,
        strip_centres(view, means_xy),
        outlined=False,
        size=16 if view.strip else 18,
        showlegend=True,
    )
    add_check_marks(fig, view, marks)  # over the hill tops: the labels must show
    what = {
        "gmm": "tinted by the GMM's likeliest hill",
        "kmeans": "tinted by K-Means's nearest centre",
        "both": "solid: GMM borders · dashed: K-Means borders",
    }[background]
    return finish_map(
        fig,
        view,
        "The map behind the points",
        f"{what}; shaded: foggy valleys; ringed: outliers",
        height=height,
        y_range=strip_y(view),
        dragmode="lasso",
        legend_below=True,
    )
