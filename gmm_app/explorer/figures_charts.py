"""The explorer's other charts: the recipe bar, the outliers' histogram, the hills.

Plotly, no Streamlit: the mixing weights as one stacked bar, every point's
log-density with the outlier cut, and the mixture density as a 3-D landscape or a
contour map.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from gmm_app.explorer.figures import (
    OUTLIER_COLOUR,
    MapView,
    as_float32,
    finish_map,
)
from gmm_app.explorer.model_tables import whole_percents
from gmm_app.plotting.builder import FigureBuilder, colour, finish_figure, marker
from gmm_app.plotting.layers import add_hill_tops
from gmm_app.words import hill_name, island_name

_HILLS_SCALE = [
    [0.0, "#F5F7FA"],
    [0.25, "#D9F0D3"],
    [0.5, "#A6DBA0"],
    [0.75, "#5AAE61"],
    [1.0, "#1B7837"],
]


def recipe_bar(weights: np.ndarray, island_shares: np.ndarray | None) -> go.Figure:
    """The mixing weights as one stacked bar (and K-Means island sizes under it).

    Parameters
    ----------
    weights : ndarray of shape (K,)
        The GMM's mixing weights.
    island_shares : ndarray of shape (K,), optional
        The share of the points on each K-Means island.

    Returns
    -------
    go.Figure
        Segment labels are whole percents that add up to 100 per bar.
    """
    rows = [("GMM mixing weights", np.asarray(weights, dtype=np.float64))]
    if island_shares is not None:
        rows.append(("K-Means island sizes", np.asarray(island_shares, np.float64)))
    percents = [whole_percents(values) for _, values in rows]
    fig = FigureBuilder()
    for k in range(len(weights)):
        fig.add_trace(
            dict(
                type="bar",
                orientation="h",
                x=[values[k] for _, values in rows],
                y=[name for name, _ in rows],
                name=hill_name(k),
                marker=dict(color=colour(k), line=dict(color="white", width=1.5)),
                text=[
                    f"{hill_name(k) if i == 0 else island_name(k)} {p[k]}%"
                    if p[k] >= 6
                    else f"{p[k]}%"
                    for i, p in enumerate(percents)
                ],
                textposition="inside",
                insidetextanchor="middle",
                textfont=dict(color="white", size=14),
                hovertemplate=f"%{{y}}<br>{hill_name(k)}: %{{x:.1%}}<extra></extra>",
            )
        )
    fig.update_xaxes(range=[0, 1], tickformat=".0%", title="share of the points")
    fig.update_yaxes(autorange="reversed")
    return finish_figure(
        fig,
        barmode="stack",
        height=110 + 50 * len(rows),
        showlegend=False,
        margin=dict(l=10, r=20, t=10, b=10),
    )


def log_density_histogram(
    log_density: np.ndarray, threshold: float, percent: float, bins: int = 40
) -> go.Figure:
    """Every point's log-density, the outliers (below the cut) in red.

    Parameters
    ----------
    log_density : ndarray of shape (N,)
        log p(x_i) under the mixture.
    threshold : float
        The cut: the ``percent``-th percentile of ``log_density``.
    percent : float
    bins : int

    Returns
    -------
    go.Figure
    """
    values = np.asarray(log_density, dtype=np.float64)
    low, high = float(values.min()), float(values.max())
    size = (high - low) / bins if high > low else 1.0
    below = values[values < threshold]
    above = values[values >= threshold]
    fig = FigureBuilder()
    xbins = dict(start=low - size / 2, end=high + size, size=size)
    for part, name, paint in (
        (above, "typical points", "#9AA5B1"),
        (below, f"outliers (lowest {percent:g}%)", OUTLIER_COLOUR),
    ):
        fig.add_trace(
            dict(
                type="histogram",
                x=part,
                xbins=xbins,
                autobinx=False,
                name=name,
                marker=dict(color=paint),
                hovertemplate="log-density %{x}: %{y} points<extra></extra>",
            )
        )
    fig.add_shape(
        type="line",
        x0=threshold,
        x1=threshold,
        yref="paper",
        y0=0,
        y1=1,
        line=dict(color=OUTLIER_COLOUR, width=2, dash="dash"),
    )
    fig.add_annotation(
        x=threshold,
        y=1,
        yref="paper",
        xanchor="left",
        yanchor="top",
        text=f" cut: {threshold:.2f}",
        showarrow=False,
        font=dict(size=13, color=OUTLIER_COLOUR),
    )
    fig.update_xaxes(title="log-density log p(x): low = far from hills")
    fig.update_yaxes(title="points")
    return finish_figure(
        fig,
        barmode="overlay",
        height=270,
        margin=dict(l=10, r=10, t=30, b=10),
    )


def hills_surface(
    xs: np.ndarray,
    ys: np.ndarray,
    density: np.ndarray,
    titles: tuple[str, str],
    means_xy: np.ndarray,
    top_heights: np.ndarray,
    *,
    points_xy: np.ndarray | None = None,
    point_heights: np.ndarray | None = None,
    point_labels: np.ndarray | None = None,
    aspect: tuple[float, float] = (1.0, 1.0),
    height: int = 620,
) -> go.Figure:
    """The mixture's density as a 3-D landscape: the literal hills in the fog.

    Parameters
    ----------
    xs : ndarray of shape (G,)
    ys : ndarray of shape (H,)
    density : ndarray of shape (H, G)
        p(x) on the grid.
    titles : (str, str)
        Axis titles (already safe for Plotly).
    means_xy : ndarray of shape (K, 2)
        Hill tops in the plane.
    top_heights : ndarray of shape (K,)
        The density at each hill top.
    points_xy : ndarray of shape (N, 2), optional
        The data, standing on the landscape at ``point_heights``.
    point_heights : ndarray of shape (N,), optional
    point_labels : ndarray of int, shape (N,), optional
        Most likely hill of each point (colour).
    aspect : (float, float)
        Relative lengths of the x and y axes.
    height : int

    Returns
    -------
    go.Figure
    """
    fig = FigureBuilder()
    fig.add_trace(
        dict(
            type="surface",
            x=xs,
            y=ys,
            z=as_float32(density),
            colorscale=_HILLS_SCALE,
            showscale=False,
            opacity=0.92,
            name="mixture density",
            contours=dict(
                z=dict(show=True, usecolormap=True, project=dict(z=True), width=1)
            ),
            hovertemplate="density %{z:.3g}<extra></extra>",
        )
    )
    if points_xy is not None and point_heights is not None:
        labels = (
            np.zeros(len(points_xy), dtype=int)
            if point_labels is None
            else point_labels
        )
        fig.add_trace(
            dict(
                type="scatter3d",
                x=points_xy[:, 0],
                y=points_xy[:, 1],
                z=point_heights,
                mode="markers",
                name="points",
                marker=dict(size=2.5, color=[colour(int(k)) for k in labels]),
                hoverinfo="skip",
            )
        )
    k_count = means_xy.shape[0]
    fig.add_trace(
        dict(
            type="scatter3d",
            x=means_xy[:, 0],
            y=means_xy[:, 1],
            z=top_heights,
            mode="markers+text",
            name="hill tops",
            text=[hill_name(k) for k in range(k_count)],
            textposition="top center",
            textfont=dict(size=14, color="#1F2933"),
            marker=dict(
                size=6,
                color=[colour(k) for k in range(k_count)],
                symbol="diamond",
                line=dict(width=1, color="#1F2933"),
            ),
            hovertemplate="top of %{text}<extra></extra>",
        )
    )
    scene = dict(
        xaxis=dict(title=dict(text=titles[0])),
        yaxis=dict(title=dict(text=titles[1])),
        zaxis=dict(title=dict(text="density")),
        aspectmode="manual",
        aspectratio=dict(x=aspect[0], y=aspect[1], z=0.55),
        camera=dict(eye=dict(x=1.35, y=-1.35, z=0.95)),
    )
    return finish_figure(
        fig,
        height=height,
        scene=scene,
        showlegend=False,
        margin=dict(l=0, r=0, t=10, b=0),
    )


def hills_contour(
    xs: np.ndarray,
    ys: np.ndarray,
    density: np.ndarray,
    view: MapView,
    labels: np.ndarray,
    means_xy: np.ndarray,
    *,
    height: int = 560,
) -> go.Figure:
    """The mixture's density as a contour map, with the points and hill tops.

    Parameters
    ----------
    xs : ndarray of shape (G,)
    ys : ndarray of shape (H,)
    density : ndarray of shape (H, G)
    view : MapView
        The points (and axis settings).
    labels : ndarray of int, shape (N,)
        Most likely hill of each point.
    means_xy : ndarray of shape (K, 2)
    height : int

    Returns
    -------
    go.Figure
    """
    fig = FigureBuilder()
    fig.add_trace(
        dict(
            type="contour",
            x=xs,
            y=ys,
            z=as_float32(density),
            colorscale=_HILLS_SCALE,
            ncontours=14,
            contours=dict(coloring="fill", showlines=True),
            line=dict(width=0.6, color="rgba(31, 41, 51, 0.35)"),
            colorbar=dict(title=dict(text="density", side="right"), thickness=12),
            hovertemplate="density %{z:.3g}<extra></extra>",
            name="mixture density",
        )
    )
    for k in range(means_xy.shape[0]):
        idx = np.flatnonzero(labels == k)
        fig.add_trace(
            dict(
                type="scatter",
                x=view.xy[idx, 0],
                y=view.xy[idx, 1],
                mode="markers",
                name=hill_name(k),
                marker=dict(color=colour(k), symbol=marker(k), size=5, opacity=0.75),
                hoverinfo="skip",
            )
        )
    add_hill_tops(fig, means_xy, outlined=False, size=16, showlegend=True)
    grid_view = MapView(
        view.xy, view.titles, xs, ys, view.probs, None, False, view.equal_aspect
    )
    return finish_map(
        fig,
        grid_view,
        "Contour map of the hills",
        "Each line joins places of equal density, like heights on a walking map",
        height=height,
    )
