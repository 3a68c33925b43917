"""The explorer's four small maps and DBSCAN's (Plotly, no Streamlit).

Clear day against fog, on one :class:`~gmm_app.explorer.figures.MapView`: K-Means's
islands, the GMM's hills, how much of one hill each point is, and how sure each
point is; and DBSCAN's crowds and stragglers.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import plotly.graph_objects as go

from gmm_app.explorer.figures import (
    CONFIDENCE_SCALE,
    NOISE_COLOUR,
    VALLEY_LINE,
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
from gmm_app.plotting.raster import grid_image, scale_colours
from gmm_app.words import hill_name, island_name

# DBSCAN's core points and the points on a cluster's edge: sizes far enough apart
# to see ("big markers are core points", the panel's caption says).
CORE_SIZE = 10
EDGE_SIZE = 5


def _add_groups(
    fig: FigureBuilder,
    view: MapView,
    labels: np.ndarray,
    k_count: int,
    name_of: Callable[[int], str],
    prefix_of: Callable[[int], str] = lambda k: "",
) -> None:
    """One point trace per hard group (island or hill), named with its size."""
    for k in range(k_count):
        idx = np.flatnonzero(labels == k)
        fig.add_trace(
            point_trace(
                view,
                idx,
                name=f"{name_of(k)} ({len(idx)})",
                prefix=prefix_of(k),
                first=k,
                marker_style=dict(
                    color=colour(k), symbol=marker(k), size=7, line=dict(width=0)
                ),
                legendgroup=str(k),
            )
        )


def islands_panel(
    view: MapView,
    labels: np.ndarray,
    centres_xy: np.ndarray,
    *,
    labels_grid: np.ndarray | None = None,
    margins: np.ndarray | None = None,
    height: int = 460,
) -> go.Figure:
    """Clear day: K-Means islands, hard labels over straight-bordered regions.

    Parameters
    ----------
    view : MapView
    labels : ndarray of int, shape (N,)
        Each point's island.
    centres_xy : ndarray of shape (K, 2)
        The island centres in the plane.
    labels_grid : ndarray of int, shape (H, G), optional
        The island that claims each grid cell (tinted background).
    margins : ndarray of shape (K, H, G), optional
        Island k's score minus the best other's; borders are its zero lines.
    height : int

    Returns
    -------
    go.Figure
        One point trace per island (``customdata`` = [index, P(hill A), ...]).
    """
    k_count = centres_xy.shape[0]
    fig = FigureBuilder()
    if labels_grid is not None:
        add_regions(fig, view, labels_grid, k_count)
    add_borders(fig, view, margins, name="K-Means borders (straight)")
    _add_groups(
        fig,
        view,
        labels,
        k_count,
        island_name,
        lambda k: f"<b>{island_name(k)}</b>: 100% (K-Means)<br>the fog says ",
    )
    add_hill_tops(
        fig,
        strip_centres(view, centres_xy),
        name="island centres",
        names=[island_name(k) for k in range(k_count)],
        outlined=False,
        size=16,
        showlegend=False,
    )
    return finish_map(
        fig,
        view,
        "Clear day: islands",
        "K-Means: every point on exactly one island; straight borders",
        height=height,
        y_range=strip_y(view),
        reserve=True,
    )


def hills_panel(
    view: MapView,
    labels: np.ndarray,
    means_xy: np.ndarray,
    covs_xy: np.ndarray,
    *,
    labels_grid: np.ndarray | None = None,
    margins: np.ndarray | None = None,
    height: int = 460,
) -> go.Figure:
    """Fog: the GMM's hills, each point coloured by its most likely hill.

    Parameters
    ----------
    view : MapView
    labels : ndarray of int, shape (N,)
        Each point's most likely hill.
    means_xy : ndarray of shape (K, 2)
    covs_xy : ndarray of shape (K, 2, 2)
        Each hill's covariance seen in the plane (ellipses; none on a strip).
    labels_grid : ndarray of int, shape (H, G), optional
    margins : ndarray of shape (K, H, G), optional
        Hill k's log-score minus the best other's; borders are its zero lines.
    height : int

    Returns
    -------
    go.Figure
    """
    k_count = means_xy.shape[0]
    fig = FigureBuilder()
    if labels_grid is not None:
        add_regions(fig, view, labels_grid, k_count)
    add_borders(fig, view, margins, name="GMM borders (curved)")
    _add_groups(fig, view, labels, k_count, hill_name)
    if not view.strip:
        add_hills(fig, means_xy, covs_xy, outlines=THIN_OUTLINES)
    add_hill_tops(
        fig, strip_centres(view, means_xy), outlined=False, size=16, showlegend=False
    )
    return finish_map(
        fig,
        view,
        "Fog: hills",
        "GMM: colour = the most likely hill; curved borders",
        height=height,
        y_range=strip_y(view),
        reserve=True,
    )


def soft_panel(
    view: MapView,
    hill: int,
    labels: np.ndarray,
    *,
    grid_probability: np.ndarray | None = None,
    height: int = 460,
) -> go.Figure:
    """Fog: how much of one hill each point is, P(hill k | x).

    Parameters
    ----------
    view : MapView
        ``view.probs[:, hill]`` colours the points.
    hill : int
        The hill k the student chose.
    labels : ndarray of int, shape (N,)
        Most likely hill of each point (marker shape).
    grid_probability : ndarray of shape (H, G), optional
        P(hill k) over the grid: the background (on a strip, the curve).
    height : int

    Returns
    -------
    go.Figure
    """
    p = view.probs[:, hill]
    name = hill_name(hill)
    scale = [[0.0, "#F7F7F7"], [1.0, colour(hill)]]
    fig = FigureBuilder()
    if grid_probability is not None:
        if view.strip:
            fig.add_trace(
                dict(
                    type="scatter",
                    x=view.xs,
                    y=grid_probability[0],
                    mode="lines",
                    line=dict(color=colour(hill), width=3),
                    name=f"P({name}) along the axis",
                    hoverinfo="skip",
                    showlegend=False,
                )
            )
        else:
            # One picture, not a heatmap of 12,100 numbers (plotting.raster).
            fig.add_image(
                grid_image(
                    view.xs,
                    view.ys,
                    scale_colours(grid_probability, scale, 0.0, 1.0, alpha=0.45),
                    name=f"P({name}) background",
                )
            )
    idx = np.arange(len(p))
    fig.add_trace(
        point_trace(
            view,
            idx,
            name=f"P({name})",
            prefix=f"<b>P({name}) = %{{customdata[{hill + 1}]:.0%}}</b><br>",
            first=hill,
            y=p if view.strip else None,
            marker_style=dict(
                color=p,
                cmin=0,
                cmax=1,
                colorscale=scale,
                symbol=[marker(int(k)) for k in labels],
                size=8,
                line=dict(width=0.6, color="#9AA5B1"),
                colorbar=dict(
                    title=dict(text=f"P({name})", side="right"),
                    tickformat=".0%",
                    thickness=12,
                    len=0.85,
                ),
            ),
            showlegend=False,
        )
    )
    return finish_map(
        fig,
        view,
        f"Fog: how much {name}?",
        f"Soft: colour = P({name}), from 0 to 100%",
        height=height,
        y_title=f"P({name})" if view.strip else None,
        y_range=(-0.04, 1.04) if view.strip else None,
        legend=False,
        reserve=True,
    )


def confidence_panel(
    view: MapView,
    labels: np.ndarray,
    threshold: float,
    *,
    confidence_grid: np.ndarray | None = None,
    means_xy: np.ndarray | None = None,
    covs_xy: np.ndarray | None = None,
    height: int = 460,
) -> go.Figure:
    """Fog: how sure each point is, the largest of its probabilities.

    Parameters
    ----------
    view : MapView
    labels : ndarray of int, shape (N,)
        Most likely hill (marker shape).
    threshold : float
        Below this a point is in a foggy valley (outlined).
    confidence_grid : ndarray of shape (H, G), optional
        The largest probability over the grid.
    means_xy : ndarray of shape (K, 2), optional
        The hills' tops: with ``covs_xy``, the hills are drawn over the fog (on
        the page's first screen, the only map with the GMM's hills).
    covs_xy : ndarray of shape (K, 2, 2), optional
        Each hill's covariance seen in the plane (rings; none on a strip).
    height : int

    Returns
    -------
    go.Figure
    """
    k_count = view.n_components
    sure = view.probs.max(axis=1)
    low = 1.0 / k_count if k_count > 1 else 0.0
    fig = FigureBuilder()
    if confidence_grid is not None:
        if view.strip:
            fig.add_trace(
                dict(
                    type="scatter",
                    x=view.xs,
                    y=confidence_grid[0],
                    mode="lines",
                    line=dict(color="#3E4C59", width=2.5),
                    name="largest probability along the axis",
                    hoverinfo="skip",
                    showlegend=False,
                )
            )
            fig.add_shape(
                type="line",
                xref="paper",
                x0=0,
                x1=1,
                y0=threshold,
                y1=threshold,
                line=dict(color=VALLEY_LINE, width=1.5, dash="dot"),
            )
        else:
            fig.add_image(
                grid_image(
                    view.xs,
                    view.ys,
                    scale_colours(
                        confidence_grid, CONFIDENCE_SCALE, low, 1.0, alpha=0.35
                    ),
                    name="how sure, background",
                )
            )
        add_valleys(
            fig,
            view,
            np.repeat(confidence_grid[:1], 2, axis=0)
            if view.strip
            else confidence_grid,
            threshold,
            alpha=0.14,
        )
    fig.add_trace(
        point_trace(
            view,
            np.arange(len(sure)),
            name="how sure",
            prefix=f"<b>%{{customdata[{k_count + 1}]:.0%}} sure</b><br>",
            y=sure if view.strip else None,
            extra=sure,
            marker_style=dict(
                color=sure,
                cmin=low,
                cmax=1,
                colorscale=CONFIDENCE_SCALE,
                symbol=[marker(int(k)) for k in labels],
                size=8,
                line=dict(width=0.6, color="#616E7C"),
                colorbar=dict(
                    title=dict(text="largest P", side="right"),
                    tickformat=".0%",
                    thickness=12,
                    len=0.85,
                ),
            ),
            showlegend=False,
        )
    )
    if means_xy is not None and covs_xy is not None:
        if not view.strip:
            add_hills(fig, means_xy, covs_xy, outlines=THIN_OUTLINES)
        tops = strip_centres(view, means_xy)
        add_hill_tops(fig, tops, outlined=False, size=16, showlegend=False)
    return finish_map(
        fig,
        view,
        "Fog: how sure?",
        f"Colour = the largest probability; dotted: under {threshold:.0%} sure",
        height=height,
        y_title="largest probability" if view.strip else None,
        y_range=(-0.04, 1.04) if view.strip else None,
        legend=False,
        reserve=True,
    )


def dbscan_panel(
    view: MapView,
    labels: np.ndarray,
    core: np.ndarray,
    eps: float,
    min_samples: int,
    *,
    height: int = 460,
) -> go.Figure:
    """Dense crowds and stragglers: DBSCAN's clusters, noise marked.

    Parameters
    ----------
    view : MapView
    labels : ndarray of int, shape (N,)
        DBSCAN's labels; -1 is noise.
    core : ndarray of bool, shape (N,)
        Core points (at least ``min_samples`` neighbours within ``eps``).
    eps : float
    min_samples : int
    height : int

    Returns
    -------
    go.Figure
    """
    fig = FigureBuilder()
    n_clusters = int(labels.max()) + 1 if len(labels) else 0
    for c in range(n_clusters):
        idx = np.flatnonzero(labels == c)
        fig.add_trace(
            point_trace(
                view,
                idx,
                name=f"cluster {c + 1} ({len(idx)})",
                prefix=f"<b>cluster {c + 1}</b> (DBSCAN)<br>the fog says ",
                marker_style=dict(
                    color=colour(c),
                    symbol=marker(c),
                    size=np.where(core[idx], CORE_SIZE, EDGE_SIZE),
                    opacity=1.0,
                    line=dict(width=0),
                ),
            )
        )
    noise = np.flatnonzero(labels < 0)
    if len(noise):
        fig.add_trace(
            point_trace(
                view,
                noise,
                name=f"noise ({len(noise)})",
                prefix="<b>noise</b>: too few neighbours within eps<br>the fog says ",
                marker_style=dict(
                    color=NOISE_COLOUR,
                    symbol="x-thin",
                    size=9,
                    # A thin cross is drawn by its line alone: without this
                    # colour Plotly draws it near-black.
                    line=dict(width=2, color=NOISE_COLOUR),
                ),
            )
        )
    return finish_map(
        fig,
        view,
        "Crowds and stragglers",
        f"DBSCAN (eps = {eps:g} standard deviations, min_samples = {min_samples}): "
        "no K, noise marked ×",
        height=height,
        y_range=strip_y(view),
        # Past three entries (clusters and noise) a legend on top wraps into the
        # subtitle on a laptop-wide column.
        legend_below=n_clusters + int((labels < 0).any()) > 3,
    )
