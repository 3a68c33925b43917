"""The fog charts several lessons draw: the fog map (points, hills, hill tops) and the
1-D fog curves and responsibility bands.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from gmm_app.plotting.builder import (
    WEBGL_ABOVE,
    FigureBuilder,
    colour,
    finish_figure,
    finish_spec,
    marker,
    plot_text,
)
from gmm_app.plotting.geometry import AxesView, Projection, drawn_points
from gmm_app.plotting.layers import (
    SHAPE,
    add_hill_tops,
    add_hills,
    add_move_arrows,
    add_paths,
)
from gmm_app.words import hill_name
from gmm_core import GMMParams, responsibilities


def _fog_hover(k: int, k_count: int) -> str:
    """Hover text of a point whose likeliest hill is ``k``: its shares, hill k first.

    The shares come from the trace's ``customdata`` = [point index, P(hill 0), ...],
    so no per-point string is built on the server.
    """
    order = [k, *[j for j in range(k_count) if j != k]]
    shares = ", ".join(f"%{{customdata[{j + 1}]:.0%}} {hill_name(j)}" for j in order)
    return f"{shares}<extra>point %{{customdata[0]}}</extra>"


def fog_map(
    X: np.ndarray,
    params: GMMParams,
    resp: np.ndarray | None,
    feature_names: tuple[str, ...],
    projection: Projection | None = None,
    *,
    trail: np.ndarray | None = None,
    changed: np.ndarray | None = None,
    moved_from: np.ndarray | None = None,
    height: int = 480,
    template: dict | None = None,
    view: AxesView | None = None,
) -> go.Figure:
    """Points coloured by their most likely hill, faded by doubt, with the hills.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    params : GMMParams
        The mixture drawn as ellipses (1 and 2 standard deviations).
    resp : ndarray of shape (N, K) or None
        Responsibilities of the points; None draws them grey ("not asked yet").
    feature_names : tuple of str, length D
    projection : Projection, optional
        The plane to draw (default: the first two features). Ellipses are the
        mixture's covariances seen in that plane.
    trail : ndarray of shape (S, K, D), optional
        Earlier means, drawn as faint paths.
    changed : ndarray of int, optional
        Points to ring (their most likely hill just changed).
    moved_from : ndarray of shape (K, D), optional
        The means before the last M-step; arrows show where each moved.
    height : int
    view : AxesView, optional
        The axes (default: fixed to the data's extent, :meth:`AxesView.of`).
    template : dict, optional
        The figure's template; ``{}`` for a figure only a live chart draws (it
        replaces the template with Streamlit's look), which spares Plotly a deep
        copy of its default template on every step. None: Plotly's default.

    Returns
    -------
    go.Figure
        Point traces carry ``customdata`` = [point index, P(hill 0), ..., P(hill K-1)].
    """
    fig, layout = _fog_map_parts(
        X,
        params,
        resp,
        feature_names,
        projection,
        trail=trail,
        changed=changed,
        moved_from=moved_from,
        height=height,
        template=template,
        view=view,
    )
    return finish_figure(fig, **layout)


def fog_map_spec(
    X: np.ndarray,
    params: GMMParams,
    resp: np.ndarray | None,
    feature_names: tuple[str, ...],
    projection: Projection | None = None,
    *,
    trail: np.ndarray | None = None,
    changed: np.ndarray | None = None,
    moved_from: np.ndarray | None = None,
    height: int = 480,
    marks: list[dict] | None = None,
    lines_above: bool = False,
) -> dict:
    """The fog map as the plain dict a live chart draws, ready to send.

    The same map as :func:`fog_map` (with an empty template: a live chart
    puts Streamlit's look in its place), with no ``go.Figure`` made and
    converted back, and the points' opacities as 32-bit floats (a sixth fewer
    bytes on every step; a browser draws opacity in 256 steps anyway).

    Parameters
    ----------
    X, params, resp, feature_names, projection, trail, changed, moved_from, height
        As for :func:`fog_map`.
    marks : list of dict, optional
        Traces drawn over the points (as WebGL when the points are: WebGL
        covers SVG).
    lines_above : bool
        With WebGL points (above ``WEBGL_ABOVE``), the hills' rings and the
        paths' lines as layout shapes, drawn above every trace (the marks too),
        instead of as WebGL traces. The map looks the same, but a half-step
        redraws a WebGL canvas of a handful of traces, not 17 (about 30 ms less
        per half-step in software WebGL). A live chart glides traces only: for a
        map that jumps (Play at its fastest speed).

    Returns
    -------
    dict
        ``{"data": [...], "layout": {...}}``, arrays as Plotly's typed arrays.
    """
    fig, layout = _fog_map_parts(
        X,
        params,
        resp,
        feature_names,
        projection,
        trail=trail,
        changed=changed,
        moved_from=moved_from,
        height=height,
        template={},
        lines_above=lines_above,
    )
    for trace in fig.data:
        style = trace.get("marker")
        if isinstance(style, dict) and isinstance(style.get("opacity"), np.ndarray):
            trace["marker"] = {**style, "opacity": style["opacity"].astype(np.float32)}
    gl = any(trace.get("type") == "scattergl" for trace in fig.data)
    for mark in marks or ():
        fig.add_trace({**mark, "type": "scattergl" if gl else "scatter"})
    return finish_spec(fig, **layout)


def _fog_map_parts(
    X: np.ndarray,
    params: GMMParams,
    resp: np.ndarray | None,
    feature_names: tuple[str, ...],
    projection: Projection | None = None,
    *,
    trail: np.ndarray | None = None,
    changed: np.ndarray | None = None,
    moved_from: np.ndarray | None = None,
    height: int = 480,
    template: dict | None = None,
    view: AxesView | None = None,
    lines_above: bool = False,
) -> tuple[FigureBuilder, dict[str, object]]:
    """The fog map's traces and its layout settings (see :func:`fog_map`;
    ``lines_above`` as for :func:`fog_map_spec`)."""
    proj = projection or Projection.features(feature_names)
    xy = proj.points(X)
    covs = proj.covariances(params)
    means = proj.points(params.means)
    k_count = params.n_components
    # Above a few hundred points SVG markers make the browser slow: WebGL draws them.
    points_type = "scattergl" if len(xy) > WEBGL_ABOVE else "scatter"
    fig = FigureBuilder()
    shown = drawn_points(len(xy))
    if resp is None:
        fig.add_trace(
            dict(
                type=points_type,
                x=xy[shown, 0],
                y=xy[shown, 1],
                mode="markers",
                name="points (not asked yet)",
                marker=dict(color="#7B8794", size=7, opacity=0.6),
                customdata=shown[:, None],
                hovertemplate="point %{customdata[0]}<extra></extra>",
            )
        )
    else:
        label = resp.argmax(axis=1)
        confidence = resp.max(axis=1)
        for k in range(k_count):
            mine = shown[label[shown] == k]
            fig.add_trace(
                dict(
                    type=points_type,
                    x=xy[mine, 0],
                    y=xy[mine, 1],
                    mode="markers",
                    name=f"{hill_name(k)} ({params.weights[k]:.0%})",
                    legendgroup=str(k),
                    marker=dict(
                        color=colour(k),
                        symbol=marker(k),
                        size=8,
                        opacity=0.2 + 0.8 * confidence[mine],
                        line=dict(width=0),
                    ),
                    customdata=np.column_stack([mine, resp[mine]]).astype(np.float32),
                    hovertemplate=_fog_hover(k, k_count),
                )
            )
    # WebGL points are drawn above every SVG trace: whatever must stay visible on
    # top of them (rings, ellipses, hill tops) is drawn with WebGL too, after them.
    over_type = points_type
    if changed is not None and len(changed):
        fig.add_trace(
            dict(
                type=over_type,
                x=xy[changed, 0],
                y=xy[changed, 1],
                mode="markers",
                name="changed hill",
                marker=dict(
                    symbol="circle-open", size=15, color="#111111", line=dict(width=2)
                ),
                hoverinfo="skip",
            )
        )
    # Shapes stand in for WebGL lines only: SVG points have no WebGL canvas.
    line_type = SHAPE if lines_above and points_type == "scattergl" else over_type
    if trail is not None:
        plane = np.stack([proj.points(step) for step in trail])
        names = [f"{hill_name(k)} trail" for k in range(k_count)]
        add_paths(fig, plane, names, trace_type=line_type, dots_type=over_type)
    add_hills(fig, means, covs, halo=True, trace_type=line_type)
    add_hill_tops(fig, means, trace_type=over_type)
    if moved_from is not None:
        add_move_arrows(fig, proj.points(moved_from), means)
    view = view or AxesView.of(xy)
    xaxis, yaxis = view.axes()
    fig.update_xaxes(title=plot_text(proj.titles[0]), **xaxis)
    fig.update_yaxes(title=plot_text(proj.titles[1]), **yaxis)
    # A fixed uirevision keeps the student's zoom and pan from step to step.
    extra = {} if template is None else {"template": template}
    return fig, dict(height=height, uirevision="fog-map", **extra)


def _curve_grid(x: np.ndarray, params: GMMParams, n: int = 400) -> np.ndarray:
    """Where to draw 1-D curves: the data and 3 standard deviations around each hill."""
    sd = np.sqrt(params.full_covariances()[:, 0, 0])
    mu = params.means[:, 0]
    lo = min(x.min(), (mu - 3 * sd).min())
    hi = max(x.max(), (mu + 3 * sd).max())
    return np.linspace(lo, hi, n)


def fog_curves(
    x: np.ndarray, params: GMMParams, feature_name: str, bins: int = 40
) -> go.Figure:
    """One-dimensional data: a histogram, each hill's bell curve and their sum.

    Parameters
    ----------
    x : ndarray of shape (N,) or (N, 1)
    params : GMMParams
        A one-feature mixture.
    feature_name : str
    bins : int

    Returns
    -------
    go.Figure
    """
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    sd = np.sqrt(params.full_covariances()[:, 0, 0])
    mu = params.means[:, 0]
    grid = _curve_grid(x, params)
    fig = FigureBuilder()
    fig.add_trace(
        dict(
            type="histogram",
            x=x,
            nbinsx=bins,
            histnorm="probability density",
            name="data",
            marker=dict(color="rgba(120,130,140,0.35)"),
            hovertemplate="%{x}: density %{y:.3f}<extra></extra>",
        )
    )
    total = np.zeros_like(grid)
    for k in range(params.n_components):
        dens = (
            params.weights[k]
            * np.exp(-0.5 * ((grid - mu[k]) / sd[k]) ** 2)
            / (sd[k] * math.sqrt(2 * math.pi))
        )
        total += dens
        fig.add_trace(
            dict(
                type="scatter",
                x=grid,
                y=dens,
                mode="lines",
                name=f"{hill_name(k)} ({params.weights[k]:.0%})",
                line=dict(color=colour(k), width=2.5, dash="dash"),
            )
        )
    fig.add_trace(
        dict(
            type="scatter",
            x=grid,
            y=total,
            mode="lines",
            name="mixture (sum)",
            line=dict(color="#222222", width=3),
        )
    )
    fig.update_xaxes(title=plot_text(feature_name))
    fig.update_yaxes(title="density")
    return finish_figure(fig, height=420, bargap=0.02)


def responsibility_bands(x: np.ndarray, params: GMMParams) -> go.Figure:
    """One-dimensional data: each hill's share of P(hill | x) as stacked bands.

    Parameters
    ----------
    x : ndarray of shape (N,) or (N, 1)
    params : GMMParams
        A one-feature mixture.

    Returns
    -------
    go.Figure
    """
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    grid = _curve_grid(x, params, 300)
    shares = responsibilities(grid[:, None], params)
    fig = FigureBuilder()
    for k in range(params.n_components):
        fig.add_trace(
            dict(
                type="scatter",
                x=grid,
                y=shares[:, k],
                mode="lines",
                stackgroup="resp",
                name=hill_name(k),
                line=dict(color=colour(k), width=0.5),
                fillcolor=colour(k),
                hovertemplate=f"{hill_name(k)}: %{{y:.0%}}<extra></extra>",
            )
        )
    fig.update_yaxes(title="P(hill | x)", tickformat=".0%", range=[0, 1])
    return finish_figure(
        fig, height=220, showlegend=False, margin=dict(l=10, r=10, t=10, b=10)
    )
