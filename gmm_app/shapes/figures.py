"""Figures of the Covariance shapes page: arrays in, ``go.Figure`` out, no Streamlit.

The four fitted panels reuse :func:`gmm_app.plotting.fog.fog_map` and
:func:`gmm_app.plotting.fog.fog_curves`; this module draws the shape sandbox (one
hill and the closest shape each covariance type can give it, its rings drawn by
:func:`gmm_app.plotting.layers.add_hill_outline`), the small maps of the
singular-covariance demo and the bell curves of a one-dimensional collapse.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from gmm_app.plotting.builder import (
    FigureBuilder,
    colour,
    finish_figure,
    plot_text,
    rgba,
)
from gmm_app.plotting.fog import fog_map
from gmm_app.plotting.geometry import Projection
from gmm_app.plotting.layers import Outline, add_hill_outline
from gmm_app.shapes.model import clone_centres
from gmm_app.words import hill_name
from gmm_core import GMMParams

_TRUE_COLOUR = "#52606D"
_SAMPLE_COLOUR = "rgba(123,135,148,0.35)"
SANDBOX_EXTENT = 8.0
# A closest shape: its 1σ outline solid and filled, its 2σ outline dotted.
_SHAPE_RINGS = (Outline(1.0, "solid", 2.5), Outline(2.0, "dot", 1.3))
# The student's own hill under a closest shape: the 1σ outline dashed.
_TRUE_RINGS = (Outline(1.0, "dash", 2.5), Outline(2.0, "dot", 1.3))


def sandbox_panel(
    true_cov: np.ndarray,
    shape_cov: np.ndarray | None,
    samples: np.ndarray,
    *,
    shape_colour: str = "#0072B2",
    shape_name: str = "closest shape",
    clones: int = 1,
    extent: float = SANDBOX_EXTENT,
    show_axes: bool = False,
    height: int = 300,
) -> go.Figure:
    """One hill (grey, dashed) and the closest shape a covariance type allows.

    Parameters
    ----------
    true_cov : ndarray of shape (2, 2)
        The student's hill, centred at the origin.
    shape_cov : ndarray of shape (2, 2) or None
        The closest shape of the type, drawn in colour; None draws the hill alone
        (solid, with its two axes when ``show_axes``).
    samples : ndarray of shape (N, 2)
        Points drawn from the hill, shown faintly.
    shape_colour : str
    shape_name : str
        Legend name of the coloured shape.
    clones : int
        How many copies of ``shape_cov`` to draw side by side (tied: every hill
        shares one shape); the first sits on the hill.
    extent : float
        The axes span [-extent, extent], the same whatever the sliders say, so a
        wider hill looks wider.
    show_axes : bool
        Draw the hill's two axes, labelled sigma 1 and sigma 2.
    height : int

    Returns
    -------
    go.Figure
    """
    true_cov = np.asarray(true_cov, dtype=np.float64)
    fig = FigureBuilder()
    fig.add_trace(
        dict(
            type="scatter",
            x=samples[:, 0],
            y=samples[:, 1],
            mode="markers",
            name="points from your hill",
            marker=dict(color=_SAMPLE_COLOUR, size=4),
            hoverinfo="skip",
            showlegend=False,
        )
    )
    origin = np.zeros(2)
    # The figure hides its legend; a ring "in" it carries the hill's bare name.
    if shape_cov is None:
        add_hill_outline(
            fig,
            origin,
            true_cov,
            _TRUE_COLOUR,
            "your hill",
            outlines=_SHAPE_RINGS,
            showlegend=True,
        )
    else:
        shape_cov = np.asarray(shape_cov, dtype=np.float64)
        centres = clone_centres(shape_cov, clones, extent) if clones > 1 else [origin]
        for idx, centre in enumerate(centres):
            line = colour(idx) if clones > 1 else shape_colour
            add_hill_outline(
                fig,
                centre,
                shape_cov,
                line,
                hill_name(idx) if clones > 1 else shape_name,
                outlines=_SHAPE_RINGS,
                fill=rgba(line, 0.12),
                showlegend=True,
            )
        add_hill_outline(
            fig,
            origin,
            true_cov,
            _TRUE_COLOUR,
            "your hill",
            outlines=_TRUE_RINGS,
            showlegend=True,
        )
    if show_axes:
        values, vectors = np.linalg.eigh(true_cov)
        for rank, label in ((1, "σ1"), (0, "σ2")):
            tip = vectors[:, rank] * math.sqrt(max(values[rank], 0.0))
            if tip[0] < 0 or (tip[0] == 0 and tip[1] < 0):
                tip = -tip  # label the end on the right
            fig.add_trace(
                dict(
                    type="scatter",
                    x=[0.0, float(tip[0])],
                    y=[0.0, float(tip[1])],
                    mode="lines",
                    line=dict(color="#1F2933", width=2.5),
                    hoverinfo="skip",
                    showlegend=False,
                    name=label,
                )
            )
            away = tip / max(float(np.linalg.norm(tip)), 1e-9)
            fig.add_annotation(
                x=float(tip[0] + 0.9 * away[0]),
                y=float(tip[1] + 0.9 * away[1]),
                text=f"<b>{label}</b>",
                showarrow=False,
                font=dict(size=14, color="#1F2933"),
                bgcolor="rgba(255,255,255,0.8)",
            )
    axis = dict(range=[-extent, extent], zeroline=False, dtick=extent / 2)
    fig.update_xaxes(**axis, constrain="domain")
    fig.update_yaxes(**axis, scaleanchor="x", scaleratio=1, constrain="domain")
    return finish_figure(
        fig,
        height=height,
        showlegend=False,
        margin=dict(l=10, r=10, t=10, b=10),
    )


def demo_map(
    X: np.ndarray,
    params: GMMParams,
    resp: np.ndarray,
    feature_names: tuple[str, ...],
    projection: Projection,
    height: int = 320,
) -> go.Figure:
    """A small fog map without a legend, for the broken-and-fixed pictures.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    params : GMMParams
    resp : ndarray of shape (N, K)
    feature_names : tuple of str, length D
    projection : Projection
    height : int

    Returns
    -------
    go.Figure
    """
    fig = fog_map(X, params, resp, feature_names, projection, height=height)
    fig.layout.showlegend = False
    fig.layout.margin = dict(l=10, r=10, t=10, b=10)
    return fig


def collapse_curves(
    x: np.ndarray,
    params: GMMParams,
    feature_name: str,
    collapsed: tuple[int, ...] = (),
    height: int = 300,
) -> go.Figure:
    """One-dimensional hills over a handful of points, spikes included.

    A collapsed (or nearly collapsed) hill is a spike far taller than any other
    curve: the axis is capped at the tallest ordinary hill and the spike labelled.

    Parameters
    ----------
    x : ndarray of shape (N,) or (N, 1)
        The points, drawn as a rug.
    params : GMMParams
        A one-feature mixture.
    feature_name : str
    collapsed : tuple of int
        Hills that collapsed (labelled "height → ∞").
    height : int

    Returns
    -------
    go.Figure
    """
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    sd = np.sqrt(params.full_covariances()[:, 0, 0])
    mu = params.means[:, 0]
    span = float(np.ptp(x)) or 1.0
    spikes = {k for k in range(params.n_components) if sd[k] < 0.01 * span}
    spikes |= set(collapsed)
    wide = [k for k in range(params.n_components) if k not in spikes]
    lo, hi = float(x.min()) - 0.3 * span, float(x.max()) + 0.3 * span
    if wide:
        lo = min(lo, float((mu[wide] - 3 * sd[wide]).min()))
        hi = max(hi, float((mu[wide] + 3 * sd[wide]).max()))
    grid = np.union1d(np.linspace(lo, hi, 400), np.concatenate([mu, x]))
    steps = np.linspace(-4, 4, 41)
    grid = np.union1d(grid, (mu[:, None] + sd[:, None] * steps).ravel())
    grid = grid[(grid >= lo) & (grid <= hi)]
    peaks = params.weights / (sd * math.sqrt(2 * math.pi))
    ordinary = [float(peaks[k]) for k in wide]
    cap = 1.3 * max(ordinary) if ordinary else 1.0
    fig = FigureBuilder()
    for k in range(params.n_components):
        z = (grid - mu[k]) / sd[k]
        dens = peaks[k] * np.exp(-0.5 * np.minimum(z * z, 1400.0))
        fig.add_trace(
            dict(
                type="scatter",
                x=grid,
                y=np.minimum(dens, 10 * cap),
                mode="lines",
                name=f"{hill_name(k)} ({params.weights[k]:.0%})",
                line=dict(color=colour(k), width=2.5),
                hovertemplate=f"{hill_name(k)}<extra></extra>",
            )
        )
        if k in spikes:
            tall = "height → ∞" if k in collapsed else f"height {peaks[k]:.3g}"
            right = mu[k] > (lo + hi) / 2
            fig.add_annotation(
                x=float(mu[k]),
                y=cap,
                text=f"{hill_name(k)}: a spike, {tall}",
                showarrow=True,
                arrowhead=2,
                ax=-30 if right else 30,
                ay=-24,
                xanchor="right" if right else "left",
                font=dict(size=13, color=colour(k)),
                bgcolor="rgba(255,255,255,0.85)",
            )
    fig.add_trace(
        dict(
            type="scatter",
            x=x,
            y=np.zeros_like(x),
            mode="markers",
            name="points",
            marker=dict(color="#1F2933", symbol="line-ns-open", size=18),
            hovertemplate="%{x}<extra>point</extra>",
        )
    )
    fig.update_xaxes(title=plot_text(feature_name), range=[lo, hi])
    fig.update_yaxes(title="density", range=[-0.04 * cap, 1.3 * cap])
    return finish_figure(
        fig, height=height, showlegend=False, margin=dict(l=10, r=10, t=10, b=10)
    )
