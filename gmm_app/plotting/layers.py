"""What every map draws over its points: a hill's outlines and the hill tops.

One implementation for every lesson, so a hill looks like a hill on every page: the
1-standard-deviation outline solid (optionally with a white halo that keeps it
readable over its own points, or filled), the 2-standard-deviation outline lighter.
Plotly only, no Streamlit.
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
        ``"scatter"`` or ``"scattergl"`` (WebGL traces stay above WebGL points).
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
) -> None:
    """Faint paths of where each hill top (or centre) has been.

    Parameters
    ----------
    fig : FigureBuilder
    trail : ndarray of shape (S, K, 2)
        The tops of every step so far, in the plane drawn.
    names : sequence of str, length K
        Each path's trace name.
    trace_type : {"scatter", "scattergl"}
        WebGL when the points under it are WebGL (drawn above every SVG trace).
    opacity : float
    """
    if len(trail) < 2:
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
