"""What every map draws over its points: a hill's outlines and the hill tops.

One implementation for every lesson, so a hill looks like a hill on every page: the
1-standard-deviation outline solid (optionally with a white halo that keeps it
readable over its own points, or filled), the 2-standard-deviation outline lighter.
Plotly only, no Streamlit.

The rings and paths can also be drawn as layout shapes (``trace_type="shape"``):
SVG paths in the layer above every trace, a WebGL canvas included. A map whose
points are WebGL then redraws only its points' canvas when the hills move, not a
dozen WebGL lines as well (the stepper's map while playing fast).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gmm_app.plotting.builder import GLIDE, FigureBuilder, colour
from gmm_app.plotting.geometry import ellipse_xy
from gmm_app.words import hill_name


@dataclass(frozen=True)
class Outline:
    """One ring of a hill: the points ``n_sigma`` standard deviations from its top."""

    n_sigma: float
    dash: str
    width: float


# The stepper's and Home's fog map: bold 1σ over a white halo, dashed 2σ.
FOG_OUTLINES = (Outline(1.0, "solid", 2.5), Outline(2.0, "dash", 1.5))
# Smaller maps (the explorer's side-by-side panels): the same rings, thinner.
THIN_OUTLINES = (Outline(1.0, "solid", 2.0), Outline(2.0, "dash", 1.2))
# Only the 2σ ring: small multiples where several fits share a page.
WIDE_OUTLINE = (Outline(2.0, "solid", 1.5),)
# ``trace_type`` of rings and paths drawn as layout shapes, above every trace.
SHAPE = "shape"
# How plotly.js dashes a WebGL line (scattergl's DASHES: on, off, ... in line
# widths); a shape is dashed the same, so a ring looks the same either way.
WEBGL_DASHES = {"dash": (4, 1), "dot": (1, 1), "longdash": (8, 1)}


def webgl_dash(dash: str, width: float) -> str:
    """An SVG dash pattern that draws ``dash`` as a WebGL line of ``width`` does.

    Parameters
    ----------
    dash : str
        A Plotly dash name.
    width : float
        The line's width, in pixels.

    Returns
    -------
    str
        ``"6px,1.5px"`` for a dashed line 1.5 pixels wide; other dashes as given.
    """
    pattern = WEBGL_DASHES.get(dash)
    if pattern is None:
        return dash
    return ",".join(f"{part * width:g}px" for part in pattern)


def svg_path(x: np.ndarray, y: np.ndarray) -> str | None:
    """An open SVG path through the points (x[i], y[i]), in data units.

    Parameters
    ----------
    x, y : ndarray of shape (n,)

    Returns
    -------
    str or None
        ``"Mx0,y0Lx1,y1..."``; None when a point is not finite (no path
        rather than a broken one) or there are fewer than two.
    """
    xy = np.column_stack([np.asarray(x, dtype=np.float64), np.asarray(y, np.float64)])
    if len(xy) < 2 or not np.isfinite(xy).all():
        return None
    return "M" + "L".join(f"{a:.9g},{b:.9g}" for a, b in xy)


def _line_shape(
    fig: FigureBuilder,
    x: np.ndarray,
    y: np.ndarray,
    line: dict,
    name: str,
    group: str,
    *,
    opacity: float = 1.0,
    fill: str | None = None,
    axes: str = "",
) -> None:
    """A line through (x, y) as a layout shape above every trace."""
    path = svg_path(x, y)
    if path is None:
        return
    shape: dict = dict(
        type="path",
        path=path,
        xref=f"x{axes}",
        yref=f"y{axes}",
        layer="above",
        line=line,
        opacity=opacity,
        name=name,
        legendgroup=group,
    )
    if fill is not None:
        shape["fillcolor"] = fill
    fig.add_shape(**shape)


def add_hill_outline(
    fig: FigureBuilder,
    mean: np.ndarray,
    cov: np.ndarray,
    line_colour: str,
    name: str,
    *,
    outlines: Sequence[Outline] = FOG_OUTLINES,
    halo: bool = False,
    fill: str | None = None,
    legendgroup: str | None = None,
    showlegend: bool = False,
    trace_type: str = "scatter",
    axes: str = "",
) -> None:
    """Add one hill's rings to ``fig``.

    Parameters
    ----------
    fig : FigureBuilder
    mean : ndarray of shape (2,)
        The hill's top, in the plane drawn.
    cov : ndarray of shape (2, 2)
        Its covariance seen in that plane.
    line_colour : str
    name : str
        The hill's name; a ring shown in the legend carries it alone, the others
        add their distance ("hill A 2σ").
    outlines : sequence of Outline
        The rings, innermost first.
    halo : bool
        A white line under the innermost ring.
    fill : str, optional
        Fill colour inside the innermost ring.
    legendgroup : str, optional
        Defaults to ``name``.
    showlegend : bool
        Show the innermost ring in the legend.
    trace_type : str
        ``"scatter"`` or ``"scattergl"`` (WebGL traces stay above WebGL points),
        or :data:`SHAPE`: layout shapes above every trace, dashed as WebGL lines
        are (never in the legend, and a live chart does not glide them).
    axes : str
        Axis suffix for small multiples: ``"2"`` draws on ``x2``/``y2``.
    """
    group = legendgroup if legendgroup is not None else name
    placement = dict(xaxis=f"x{axes}", yaxis=f"y{axes}") if axes else {}
    for i, ring in enumerate(outlines):
        ex, ey = ellipse_xy(mean, cov, ring.n_sigma)
        inner = i == 0
        in_legend = showlegend and inner
        label = name if in_legend else f"{name} {ring.n_sigma:.0f}σ"
        if trace_type == SHAPE:
            if halo and inner:
                halo_width = ring.width + 3
                halo_line = dict(
                    color="#FFFFFF",
                    width=halo_width,
                    dash=webgl_dash(ring.dash, halo_width),
                )
                _line_shape(
                    fig,
                    ex,
                    ey,
                    halo_line,
                    f"{label} halo",
                    group,
                    opacity=0.8,
                    axes=axes,
                )
            line = dict(
                color=line_colour,
                width=ring.width,
                dash=webgl_dash(ring.dash, ring.width),
            )
            _line_shape(
                fig,
                ex,
                ey,
                line,
                label,
                group,
                fill=fill if inner else None,
                axes=axes,
            )
            continue
        if halo and inner:
            fig.add_trace(
                dict(
                    type=trace_type,
                    x=ex,
                    y=ey,
                    mode="lines",
                    line=dict(color="#FFFFFF", width=ring.width + 3, dash=ring.dash),
                    opacity=0.8,
                    legendgroup=group,
                    showlegend=False,
                    hoverinfo="skip",
                    name=f"{label} halo",
                    meta=GLIDE,
                    **placement,
                )
            )
        trace: dict = dict(
            type=trace_type,
            x=ex,
            y=ey,
            mode="lines",
            line=dict(color=line_colour, width=ring.width, dash=ring.dash),
            legendgroup=group,
            showlegend=in_legend,
            hoverinfo="skip",
            name=label,
            meta=GLIDE,
            **placement,
        )
        if inner and fill is not None:
            trace.update(fill="toself", fillcolor=fill)
        fig.add_trace(trace)


def add_hills(
    fig: FigureBuilder,
    means_xy: np.ndarray,
    covs_xy: np.ndarray,
    *,
    outlines: Sequence[Outline] = FOG_OUTLINES,
    halo: bool = False,
    trace_type: str = "scatter",
    axes: str = "",
) -> None:
    """Every hill's rings in its own colour, grouped with its points by index.

    Parameters
    ----------
    fig : FigureBuilder
    means_xy : ndarray of shape (K, 2)
    covs_xy : ndarray of shape (K, 2, 2)
    outlines, halo, trace_type, axes
        As in :func:`add_hill_outline`.
    """
    for k in range(means_xy.shape[0]):
        add_hill_outline(
            fig,
            means_xy[k],
            covs_xy[k],
            colour(k),
            hill_name(k),
            outlines=outlines,
            halo=halo,
            legendgroup=str(k),
            trace_type=trace_type,
            axes=axes,
        )


def add_hill_tops(
    fig: FigureBuilder,
    tops_xy: np.ndarray,
    *,
    name: str = "hill tops (means)",
    names: Sequence[str] | None = None,
    size: int = 17,
    outlined: bool = True,
    showlegend: bool = True,
    trace_type: str = "scatter",
) -> None:
    """The hill tops as crosses in each hill's colour, one trace for all.

    Parameters
    ----------
    fig : FigureBuilder
    tops_xy : ndarray of shape (K, 2)
    name : str
        The trace's legend entry.
    names : sequence of str, optional
        What the hover says each top is (default: hill A, hill B, ...).
    size : int
    outlined : bool
        A bold cross with a white outline that stands out over any points
        (the default); otherwise a thin cross in the hill's colour.
    showlegend : bool
    trace_type : str
    """
    k_count = tops_xy.shape[0]
    colours = [colour(k) for k in range(k_count)]
    labels = (
        list(names) if names is not None else [hill_name(k) for k in range(k_count)]
    )
    if outlined:
        style = dict(symbol="x", size=size, line=dict(width=1.5, color="#FFFFFF"))
    else:
        style = dict(symbol="x-thin", size=size, line=dict(width=4, color=colours))
    fig.add_trace(
        dict(
            type=trace_type,
            x=tops_xy[:, 0],
            y=tops_xy[:, 1],
            mode="markers",
            name=name,
            marker=dict(color=colours, **style),
            text=labels,
            hovertemplate="top of %{text}<extra></extra>",
            showlegend=showlegend,
            meta=GLIDE,
        )
    )


def add_paths(
    fig: FigureBuilder,
    trail: np.ndarray,
    names: Sequence[str],
    *,
    trace_type: str = "scatter",
    opacity: float = 0.45,
    dots_type: str = "scattergl",
) -> None:
    """Faint paths of where each hill top (or centre) has been.

    Parameters
    ----------
    fig : FigureBuilder
    trail : ndarray of shape (S, K, 2)
        The tops of every step so far, in the plane drawn.
    names : sequence of str, length K
        Each path's trace name.
    trace_type : {"scatter", "scattergl", "shape"}
        WebGL when the points under it are WebGL (drawn above every SVG trace);
        :data:`SHAPE` draws each path's line as a layout shape above every trace,
        and every step's dot in one trace of ``dots_type``.
    opacity : float
    dots_type : {"scatter", "scattergl"}
        The dots' trace with ``trace_type="shape"``.
    """
    if len(trail) < 2:
        return
    if trace_type == SHAPE:
        k_count = len(names)
        for k, name in enumerate(names):
            line = dict(color=colour(k), width=1.5)
            _line_shape(
                fig, trail[:, k, 0], trail[:, k, 1], line, name, str(k), opacity=opacity
            )
        fig.add_trace(
            dict(
                type=dots_type,
                x=trail[:, :, 0].T.ravel(),
                y=trail[:, :, 1].T.ravel(),
                mode="markers",
                marker=dict(
                    size=4,
                    color=[
                        colour(k) for k in range(k_count) for _ in range(len(trail))
                    ],
                ),
                opacity=opacity,
                showlegend=False,
                hoverinfo="skip",
                name="where the tops have been",
            )
        )
        return
    for k, name in enumerate(names):
        fig.add_trace(
            dict(
                type=trace_type,
                x=trail[:, k, 0],
                y=trail[:, k, 1],
                mode="lines+markers",
                line=dict(color=colour(k), width=1.5),
                marker=dict(size=4, color=colour(k)),
                opacity=opacity,
                legendgroup=str(k),
                showlegend=False,
                hoverinfo="skip",
                name=name,
            )
        )


def add_move_arrows(fig: FigureBuilder, start: np.ndarray, end: np.ndarray) -> None:
    """An arrow from each top's old place to its new one (none where it stayed).

    Parameters
    ----------
    fig : FigureBuilder
    start, end : ndarray of shape (K, 2)
        Old and new tops in the plane drawn.
    """
    for k in range(len(end)):
        if np.allclose(start[k], end[k]):
            continue
        fig.add_annotation(
            x=end[k, 0],
            y=end[k, 1],
            ax=start[k, 0],
            ay=start[k, 1],
            xref="x",
            yref="y",
            axref="x",
            ayref="y",
            showarrow=True,
            arrowhead=2,
            arrowsize=1.4,
            arrowwidth=2.5,
            arrowcolor="#111111",
            text="",
        )
