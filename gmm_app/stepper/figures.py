"""The EM stepper's own charts (Plotly, no Streamlit): the log-likelihood, the
responsibility heatmap, K-Means in lockstep, the restart gallery and the collapse
lab's climb with no top.
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
    finish_spec,
    marker,
    plot_text,
    unit_span,
)
from gmm_app.plotting.geometry import DRAW_LIMIT, AxesView, Projection, drawn_points
from gmm_app.plotting.layers import (
    WIDE_OUTLINE,
    add_hill_outline,
    add_hill_tops,
    add_move_arrows,
    add_paths,
)
from gmm_app.stepper.model import CollapseRise
from gmm_app.words import hill_name, island_name
from gmm_core import GMMParams

# The log-likelihood chart and the heatmap are drawn only by live charts
# (gmm_app.shell.live_chart), which replace a figure's template with Streamlit's
# look. An empty one keeps Plotly from deep-copying its default template into
# every figure (about 4 ms a figure, on every step) only for it to be dropped.
LIVE_ONLY: dict = {}

# The side charts' margins as Plotly's automargin grows them in Fogmap's fonts
# (measured in Chromium at 1440, 1280 and 390 px): sent as they are, the first
# draw does not draw the chart a second time with wider margins. Automargin stays
# on, so a longer tick label still gets its room (one more draw, as before).
_LOGLIK_LEFT, _AXIS_BOTTOM = 80, 66
_HEATMAP_LEFT, _HEATMAP_RIGHT = 48, 86


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
    fig, layout = _log_likelihood_parts(log_likelihoods, current, tol, stop_reason)
    return finish_figure(fig, **layout)


def log_likelihood_spec(
    log_likelihoods: np.ndarray, current: int, tol: float, stop_reason: str | None
) -> dict:
    """:func:`log_likelihood_chart` as the plain dict a live chart sends.

    Built without a ``go.Figure`` (see ``gmm_app.plotting.builder.finish_spec``).

    Parameters
    ----------
    log_likelihoods : ndarray of shape (T + 1,)
    current : int
    tol : float
    stop_reason : str or None
        As for :func:`log_likelihood_chart`.

    Returns
    -------
    dict
    """
    fig, layout = _log_likelihood_parts(log_likelihoods, current, tol, stop_reason)
    return finish_spec(fig, **layout)


def _log_likelihood_parts(
    log_likelihoods: np.ndarray, current: int, tol: float, stop_reason: str | None
) -> tuple[FigureBuilder, dict[str, object]]:
    """The log-likelihood chart's traces and layout settings."""
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
    # Two short lines: one long line ran over the y axis on a narrow chart.
    ending = {
        "converged": f"stopped: a step gained<br>less than tol = {tol:g}",
        "max_iter": "stopped: maximum<br>iterations reached",
        "collapsed": "stopped: a hill collapsed",
    }.get(stop_reason or "", f"EM stops when a step<br>gains less than tol = {tol:g}")
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
    return fig, dict(
        height=300,
        template=dict(LIVE_ONLY),
        showlegend=False,
        title=dict(
            text="Log-likelihood: never decreases under EM",
            font=dict(size=15),
            x=0,
            xanchor="left",
        ),
        # What automargin grows it to (tick labels and both axis titles, measured
        # in Chromium), so Plotly draws it once, not twice (plotting.margins).
        margin=dict(l=_LOGLIK_LEFT, r=10, t=40, b=_AXIS_BOTTOM),
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
    fig, layout = _heatmap_parts(resp, max_rows)
    return finish_figure(fig, **layout)


def responsibility_heatmap_spec(resp: np.ndarray, max_rows: int = 500) -> dict:
    """:func:`responsibility_heatmap` as the plain dict a live chart sends.

    Parameters
    ----------
    resp : ndarray of shape (N, K)
    max_rows : int

    Returns
    -------
    dict
    """
    fig, layout = _heatmap_parts(resp, max_rows)
    return finish_spec(fig, **layout)


def _heatmap_parts(
    resp: np.ndarray, max_rows: int
) -> tuple[FigureBuilder, dict[str, object]]:
    """The heatmap's trace and layout settings."""
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
    # Reserved as automargin grows them (the y axis's title, the colour bar), so
    # Plotly draws it once.
    return fig, dict(
        height=300,
        margin=dict(l=_HEATMAP_LEFT, r=_HEATMAP_RIGHT, t=30, b=10),
        template=dict(LIVE_ONLY),
    )


def kmeans_map(
    xy: np.ndarray,
    centers: np.ndarray,
    labels: np.ndarray | None,
    titles: tuple[str, str],
    *,
    moved_from: np.ndarray | None = None,
    trail: np.ndarray | None = None,
    em_tops: np.ndarray | None = None,
    view: AxesView | None = None,
    height: int = 520,
) -> go.Figure:
    """K-Means on a clear day: hard islands, the centres and how they moved.

    Everything is already projected to the map's plane.

    Parameters
    ----------
    xy : ndarray of shape (N, 2)
    centers : ndarray of shape (K, 2)
    labels : ndarray of shape (N,) or None
        Each point's island; None before the first assignment.
    titles : (str, str)
    moved_from : ndarray of shape (K, 2), optional
        The centres before the last update step: an arrow to each new centre.
    trail : ndarray of shape (S, K, 2), optional
        The centres of every step so far, drawn as faint paths.
    em_tops : ndarray of shape (K, 2), optional
        EM's hill tops at the paired half-step, for comparison.
    view : AxesView, optional
        The axes (default: fixed to the data's extent, as the EM map's).
    height : int

    Returns
    -------
    go.Figure
    """
    fig = FigureBuilder()
    k_count = centers.shape[0]
    shown = drawn_points(len(xy))
    points_type = "scattergl" if len(shown) > WEBGL_ABOVE else "scatter"
    if labels is None:
        fig.add_trace(
            dict(
                type=points_type,
                x=xy[shown, 0],
                y=xy[shown, 1],
                mode="markers",
                name="points",
                marker=dict(color="#7B8794", size=6, opacity=0.6),
                hoverinfo="skip",
            )
        )
    else:
        for k in range(k_count):
            mine = shown[labels[shown] == k]
            fig.add_trace(
                dict(
                    type=points_type,
                    x=xy[mine, 0],
                    y=xy[mine, 1],
                    mode="markers",
                    name=island_name(k),
                    marker=dict(color=colour(k), symbol=marker(k), size=6),
                    opacity=0.75,
                    hoverinfo="skip",
                )
            )
    # WebGL points are drawn above SVG traces: what must show on top is WebGL too.
    if trail is not None:
        names = [f"{island_name(k)} centre's path" for k in range(k_count)]
        add_paths(fig, trail, names, trace_type=points_type, opacity=0.5)
    if em_tops is not None:
        fig.add_trace(
            dict(
                type=points_type,
                x=em_tops[:, 0],
                y=em_tops[:, 1],
                mode="markers",
                name="EM's hill tops",
                marker=dict(
                    symbol="circle-open",
                    size=14,
                    color=[colour(k) for k in range(len(em_tops))],
                    line=dict(width=2.5),
                ),
                text=[hill_name(k) for k in range(len(em_tops))],
                hovertemplate="EM: top of %{text}<extra></extra>",
            )
        )
    add_hill_tops(
        fig,
        centers,
        name="centres",
        names=[f"the centre of {island_name(k)}" for k in range(k_count)],
        trace_type=points_type,
    )
    if moved_from is not None:
        add_move_arrows(fig, moved_from, centers)
    view = view or AxesView.of(xy)
    xaxis, yaxis = view.axes()
    fig.update_xaxes(title=plot_text(titles[0]), **xaxis)
    fig.update_yaxes(title=plot_text(titles[1]), **yaxis)
    # A fixed uirevision keeps the student's zoom and pan from step to step.
    return finish_figure(fig, height=height, uirevision="kmeans-map")


def collapse_rise_chart(rise: CollapseRise) -> go.Figure:
    """The log-likelihood as a collapsed hill narrows on: a climb with no top.

    Parameters
    ----------
    rise : CollapseRise

    Returns
    -------
    go.Figure
        Width on a logarithmic axis, narrowing to the right; the climb first, then
        where EM stopped.
    """
    name = hill_name(rise.hill)
    last = len(rise.em_widths) - 1
    fig = FigureBuilder()
    fig.add_trace(
        dict(
            type="scatter",
            x=rise.widths,
            y=rise.log_likelihoods,
            mode="lines+markers",
            name=f"{name} narrowed on, the other hills held still",
            line=dict(color="#D55E00", width=2.5, dash="dot"),
            marker=dict(size=5),
            hovertemplate="width %{x:.2g}: %{y:.4f} per point<extra></extra>",
        )
    )
    fig.add_trace(
        dict(
            type="scatter",
            x=rise.em_widths[-1:],
            y=rise.em_log_likelihoods[-1:],
            mode="markers+text",
            name=f"where EM stopped (iteration {last})",
            marker=dict(size=14, color="#1F6FB2", line=dict(width=2, color="#FFFFFF")),
            text=["EM stopped here"],
            textposition="top center",
            hovertemplate="iteration " + str(last) + ": width %{x:.2g}, "
            "%{y:.4f} per point<extra></extra>",
        )
    )
    low, high = float(rise.log_likelihoods.min()), float(rise.log_likelihoods.max())
    pad = 0.12 * (high - low) if high > low else 1.0
    fig.update_xaxes(
        title=f"{name}'s width",
        type="log",
        autorange="reversed",
        exponentformat="power",
    )
    fig.update_yaxes(title="log-likelihood per point", range=[low - pad, high + pad])
    return finish_figure(
        fig,
        height=340,
        title=dict(
            text=f"Narrower {name}, higher likelihood: no top",
            font=dict(size=15),
            x=0,
            xanchor="left",
        ),
        legend=dict(orientation="h", yanchor="top", y=-0.25, xanchor="left", x=0),
        margin=dict(l=10, r=10, t=40, b=10),
    )


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
