"""The EM stepper's own charts (Plotly, no Streamlit): the log-likelihood, the
responsibility heatmap, K-Means in lockstep and the restart gallery.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from gmm_app.plotting.builder import (
    AXIS_GRID,
    WEBGL_ABOVE,
    FigureBuilder,
    colour,
    finish_figure,
    marker,
    plot_text,
    unit_span,
)
from gmm_app.plotting.geometry import DRAW_LIMIT, Projection, drawn_points
from gmm_app.plotting.layers import WIDE_OUTLINE, add_hill_outline, add_hill_tops
from gmm_app.words import hill_name, island_name
from gmm_core import GMMParams


def log_likelihood_chart(
    log_likelihoods: np.ndarray, current: int, tol: float, stop_reason: str | None
) -> go.Figure:
    """Mean log-likelihood per iteration so far, with the drawn iteration marked.

    Parameters
    ----------
    log_likelihoods : ndarray of shape (T + 1,)
        The whole trace's values; only iterations up to ``current`` are drawn, on
        an axis that already spans the whole run.
    current : int
        The iteration whose hills are drawn.
    tol : float
        The tolerance EM stops at.
    stop_reason : str or None
        Set when the last iteration is shown.

    Returns
    -------
    go.Figure
    """
    last = len(log_likelihoods) - 1
    its = np.arange(current + 1)
    seen = log_likelihoods[: current + 1]
    fig = FigureBuilder()
    fig.add_trace(
        dict(
            type="scatter",
            x=its,
            y=seen,
            mode="lines+markers",
            name="log-likelihood per point",
            line=dict(color="#1F6FB2", width=2.5),
            marker=dict(size=6),
            hovertemplate="iteration %{x}: %{y:.5f}<extra></extra>",
        )
    )
    fig.add_trace(
        dict(
            type="scatter",
            x=[current],
            y=[log_likelihoods[current]],
            mode="markers",
            name="you are here",
            marker=dict(
                size=16, color="#D55E00", symbol="circle-open", line=dict(width=3)
            ),
            hovertemplate="iteration %{x}: %{y:.5f}<extra>you are here</extra>",
        )
    )
    ending = {
        "converged": f"stopped: a step gained less than tol = {tol:g}",
        "max_iter": "stopped: maximum iterations reached",
        "collapsed": "stopped: a hill collapsed",
    }.get(stop_reason or "", f"EM stops when a step gains less than tol = {tol:g}")
    low, high = float(log_likelihoods.min()), float(log_likelihoods.max())
    pad = 0.08 * (high - low) if high > low else 1.0
    fig.update_xaxes(title="iteration", range=[-0.3, max(last, 1) + 0.3])
    fig.update_yaxes(title="log-likelihood per point", range=[low - pad, high + pad])
    fig.add_annotation(
        text=ending,
        xref="paper",
        yref="paper",
        x=1,
        y=0,
        xanchor="right",
        yanchor="bottom",
        showarrow=False,
        font=dict(size=12, color="#52606D"),
    )
    return finish_figure(
        fig,
        height=300,
        showlegend=False,
        title=dict(
            text="Log-likelihood: never decreases under EM",
            font=dict(size=15),
            x=0,
            xanchor="left",
        ),
        margin=dict(l=10, r=10, t=40, b=10),
    )


def responsibility_heatmap(resp: np.ndarray, max_rows: int = 500) -> go.Figure:
    """Points (rows) by hills (columns), shaded by responsibility.

    Rows are ordered by most likely hill, then by confidence. Above ``max_rows``
    points, consecutive rows are averaged into bins so no point is dropped.

    Parameters
    ----------
    resp : ndarray of shape (N, K)
    max_rows : int

    Returns
    -------
    go.Figure
    """
    n, k_count = resp.shape
    label = resp.argmax(axis=1)
    order = np.lexsort((-resp.max(axis=1), label))
    ordered = resp[order]
    if n > max_rows:
        edges = np.linspace(0, n, max_rows + 1).astype(int)
        z = np.add.reduceat(ordered, edges[:-1], axis=0) / np.diff(edges)[:, None]
        rows = f"{n:,} points, in {max_rows} bins"
        hover = "bin %{y}<br>%{x}: %{z:.0%} on average<extra></extra>"
    else:
        z = ordered
        rows = f"{n:,} points"
        hover = "point #%{customdata}<br>%{x}: %{z:.0%}<extra></extra>"
    fig = FigureBuilder()
    fig.add_trace(
        dict(
            type="heatmap",
            z=z,
            x=[hill_name(j) for j in range(k_count)],
            colorscale=[[0, "#FFFFFF"], [1, "#1F4E79"]],
            zmin=0,
            zmax=1,
            colorbar=dict(title="P(hill)", tickformat=".0%", thickness=12),
            customdata=None if n > max_rows else np.repeat(order[:, None], k_count, 1),
            hovertemplate=hover,
        )
    )
    fig.update_yaxes(
        title=dict(text=rows, font=dict(size=13)),
        showticklabels=False,
        autorange="reversed",
    )
    fig.update_xaxes(side="top")
    return finish_figure(fig, height=300, margin=dict(l=10, r=10, t=30, b=10))


def kmeans_map(
    xy: np.ndarray,
    centers: np.ndarray,
    labels: np.ndarray | None,
    titles: tuple[str, str],
) -> go.Figure:
    """K-Means on a clear day: hard labels and centres (already projected to 2-D).

    Parameters
    ----------
    xy : ndarray of shape (N, 2)
    centers : ndarray of shape (K, 2)
    labels : ndarray of shape (N,) or None
        None before the first assignment.
    titles : (str, str)

    Returns
    -------
    go.Figure
    """
    fig = FigureBuilder()
    k_count = centers.shape[0]
    xy = xy[drawn_points(len(xy))]
    if labels is not None:
        labels = labels[drawn_points(len(labels))]
    points_type = "scattergl" if len(xy) > WEBGL_ABOVE else "scatter"
    if labels is None:
        fig.add_trace(
            dict(
                type=points_type,
                x=xy[:, 0],
                y=xy[:, 1],
                mode="markers",
                name="points",
                marker=dict(color="#7B8794", size=6, opacity=0.6),
            )
        )
    else:
        for k in range(k_count):
            mine = labels == k
            fig.add_trace(
                dict(
                    type=points_type,
                    x=xy[mine, 0],
                    y=xy[mine, 1],
                    mode="markers",
                    name=island_name(k),
                    marker=dict(color=colour(k), symbol=marker(k), size=6),
                    hoverinfo="skip",
                )
            )
    add_hill_tops(
        fig,
        centers,
        name="centres",
        names=[island_name(k) for k in range(k_count)],
        size=16,
        outlined=False,
        showlegend=False,
    )
    fig.update_xaxes(title=plot_text(titles[0]))
    fig.update_yaxes(title=plot_text(titles[1]), scaleanchor="x", scaleratio=1)
    return finish_figure(fig, height=360, showlegend=False)


def restart_gallery(
    xy: np.ndarray,
    runs: list[tuple[str, GMMParams, np.ndarray]],
    projection: Projection,
    columns: int = 3,
) -> go.Figure:
    """Small multiples of several fits, one panel each.

    Parameters
    ----------
    xy : ndarray of shape (N, 2)
        The points, already projected.
    runs : list of (title, params, labels of shape (N,))
    projection : Projection
        Used to project each run's hills.
    columns : int

    Returns
    -------
    go.Figure
    """
    rows = max(1, math.ceil(len(runs) / columns))
    shown = drawn_points(len(xy), DRAW_LIMIT // 2)  # several panels share the page
    gap_x, gap_y = 0.03, 0.12 / rows
    width = (1 - gap_x * (columns - 1)) / columns
    height = (1 - gap_y * (rows - 1)) / rows
    fig = FigureBuilder()
    layout: dict[str, object] = {}
    for idx, (title, params, labels) in enumerate(runs):
        r, c = divmod(idx, columns)
        suffix = "" if idx == 0 else str(idx + 1)
        x0 = c * (width + gap_x)
        y1 = 1 - r * (height + gap_y)
        axis = dict(showticklabels=False, **AXIS_GRID)
        layout[f"xaxis{suffix}"] = dict(
            domain=unit_span(x0, x0 + width), anchor=f"y{suffix}", **axis
        )
        layout[f"yaxis{suffix}"] = dict(
            domain=unit_span(y1 - height, y1), anchor=f"x{suffix}", **axis
        )
        fig.add_annotation(
            text=plot_text(title),
            x=x0 + width / 2,
            y=y1,
            xref="paper",
            yref="paper",
            xanchor="center",
            yanchor="bottom",
            showarrow=False,
            font=dict(size=13),
        )
        means = projection.points(params.means)
        covs = projection.covariances(params)
        for k in range(params.n_components):
            mine = shown[labels[shown] == k]
            fig.add_trace(
                dict(
                    type="scattergl",
                    x=xy[mine, 0],
                    y=xy[mine, 1],
                    xaxis=f"x{suffix}",
                    yaxis=f"y{suffix}",
                    mode="markers",
                    marker=dict(color=colour(k), size=4, opacity=0.6),
                    hoverinfo="skip",
                    showlegend=False,
                )
            )
            add_hill_outline(
                fig,
                means[k],
                covs[k],
                colour(k),
                hill_name(k),
                outlines=WIDE_OUTLINE,
                axes=suffix,
            )
    return finish_figure(
        fig, height=260 * rows, margin=dict(l=10, r=10, t=30, b=10), **layout
    )
