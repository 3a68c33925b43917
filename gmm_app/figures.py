"""Plotly figure builders: arrays in, ``go.Figure`` out, no Streamlit.

Colours are the Okabe-Ito palette (safe for colour-blind readers) and every
component also has its own marker shape, so hills can be told apart without colour.
"""

from __future__ import annotations

import html
import math

import numpy as np
import plotly.graph_objects as go

from gmm_app.text import fog_sentence, hill_name
from gmm_core import GMMParams

PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#7F6A00",
    "#332288",
    "#882255",
    "#44AA99",
)
MARKERS = (
    "circle",
    "square",
    "diamond",
    "triangle-up",
    "cross",
    "triangle-down",
    "pentagon",
    "hexagon",
    "star",
    "x",
)
FONT = dict(family="Source Sans Pro, Helvetica, Arial, sans-serif", size=15)


def plot_text(text: str) -> str:
    """Text from the student's data, made safe for Plotly (which renders some HTML)."""
    return html.escape(str(text), quote=False)


def colour(k: int) -> str:
    """Colour of component ``k``."""
    return PALETTE[k % len(PALETTE)]


def marker(k: int) -> str:
    """Marker symbol of component ``k``."""
    return MARKERS[k % len(MARKERS)]


def _layout(fig: go.Figure, **kwargs: object) -> go.Figure:
    settings: dict[str, object] = dict(
        template="plotly_white",
        font=FONT,
        margin=dict(l=10, r=10, t=40, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0),
    )
    settings.update(kwargs)
    fig.update_layout(**settings)
    return fig


def ellipse_xy(
    mean: np.ndarray, cov: np.ndarray, n_sigma: float = 1.0, n_points: int = 80
) -> tuple[np.ndarray, np.ndarray]:
    """Outline of the points at Mahalanobis distance ``n_sigma`` from ``mean``.

    Parameters
    ----------
    mean : ndarray of shape (2,)
    cov : ndarray of shape (2, 2)
    n_sigma : float
    n_points : int

    Returns
    -------
    x, y : ndarrays of shape (n_points,)
        A closed outline (first point repeated last).
    """
    values, vectors = np.linalg.eigh(np.asarray(cov, dtype=np.float64))
    radii = n_sigma * np.sqrt(np.clip(values, 0.0, None))
    t = np.linspace(0.0, 2.0 * math.pi, n_points)
    circle = np.stack([np.cos(t), np.sin(t)])
    outline = vectors @ (radii[:, None] * circle) + np.asarray(mean)[:, None]
    return outline[0], outline[1]


def fog_map(
    X: np.ndarray,
    params: GMMParams,
    resp: np.ndarray,
    feature_names: tuple[str, ...],
    dims: tuple[int, int] = (0, 1),
) -> go.Figure:
    """Points coloured by their most likely hill, faded by doubt, with the hills.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    params : GMMParams
        The mixture drawn as ellipses (1 and 2 standard deviations).
    resp : ndarray of shape (N, K)
        Responsibilities of the points under ``params``.
    feature_names : tuple of str, length D
    dims : (int, int)
        The two features on the axes; ellipses are the mixture's marginals there.

    Returns
    -------
    go.Figure
    """
    i, j = dims
    covs = params.full_covariances()[:, [i, j]][:, :, [i, j]]
    means = params.means[:, [i, j]]
    label = resp.argmax(axis=1)
    confidence = resp.max(axis=1)
    fig = go.Figure()
    for k in range(params.n_components):
        mine = np.flatnonzero(label == k)
        name = f"{hill_name(k)} ({params.weights[k]:.0%})"
        fig.add_trace(
            go.Scatter(
                x=X[mine, i],
                y=X[mine, j],
                mode="markers",
                name=name,
                legendgroup=str(k),
                marker=dict(
                    color=colour(k),
                    symbol=marker(k),
                    size=8,
                    opacity=0.2 + 0.8 * confidence[mine],
                    line=dict(width=0),
                ),
                customdata=[fog_sentence(resp[p]) for p in mine],
                hovertemplate="%{customdata}<extra>point %{pointNumber}</extra>",
            )
        )
        for n_sigma, dash in ((1.0, "solid"), (2.0, "dash")):
            ex, ey = ellipse_xy(means[k], covs[k], n_sigma)
            fig.add_trace(
                go.Scatter(
                    x=ex,
                    y=ey,
                    mode="lines",
                    line=dict(
                        color=colour(k), width=2.5 if n_sigma == 1 else 1.5, dash=dash
                    ),
                    legendgroup=str(k),
                    showlegend=False,
                    hoverinfo="skip",
                    name=f"{hill_name(k)} {n_sigma:.0f}σ",
                )
            )
    fig.add_trace(
        go.Scatter(
            x=means[:, 0],
            y=means[:, 1],
            mode="markers",
            name="hill tops (means)",
            marker=dict(
                color=[colour(k) for k in range(params.n_components)],
                symbol="x-thin",
                size=18,
                line=dict(
                    width=4, color=[colour(k) for k in range(params.n_components)]
                ),
            ),
            hovertemplate="top of %{text}<extra></extra>",
            text=[hill_name(k) for k in range(params.n_components)],
        )
    )
    fig.update_xaxes(title=plot_text(feature_names[i]))
    fig.update_yaxes(title=plot_text(feature_names[j]), scaleanchor="x", scaleratio=1)
    return _layout(fig, height=480)


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
    lo = min(x.min(), (mu - 3 * sd).min())
    hi = max(x.max(), (mu + 3 * sd).max())
    grid = np.linspace(lo, hi, 400)
    fig = go.Figure()
    fig.add_trace(
        go.Histogram(
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
            go.Scatter(
                x=grid,
                y=dens,
                mode="lines",
                name=f"{hill_name(k)} ({params.weights[k]:.0%})",
                line=dict(color=colour(k), width=2.5, dash="dash"),
            )
        )
    fig.add_trace(
        go.Scatter(
            x=grid,
            y=total,
            mode="lines",
            name="mixture (sum)",
            line=dict(color="#222222", width=3),
        )
    )
    fig.update_xaxes(title=plot_text(feature_name))
    fig.update_yaxes(title="density")
    return _layout(fig, height=420, bargap=0.02)


LOOP_STAGES = (
    ("guess", "Guess", "put some hills\non the map"),
    ("e", "E-step", "who belongs\nwhere?"),
    ("m", "M-step", "move and reshape\nthe hills"),
    ("check", "Converged?", "has the map\nstopped changing?"),
)


def surveyor_loop(active: str | None = None) -> go.Figure:
    """The surveyor's loop as a diagram: guess, E-step, M-step, converged?

    Parameters
    ----------
    active : {"guess", "e", "m", "check"} or None
        The stage to light up.

    Returns
    -------
    go.Figure
    """
    xs = [0.0, 1.0, 2.0, 3.0]
    fig = go.Figure()
    for idx, (key, title, sub) in enumerate(LOOP_STAGES):
        lit = key == active
        fig.add_shape(
            type="rect",
            x0=xs[idx] - 0.42,
            x1=xs[idx] + 0.42,
            y0=-0.5,
            y1=0.5,
            line=dict(color="#1F4E79" if lit else "#8FA3B5", width=3 if lit else 1.5),
            fillcolor="#DCEBF7" if lit else "#F5F7FA",
        )
        fig.add_annotation(
            x=xs[idx],
            y=0.16,
            text=f"<b>{title}</b>",
            showarrow=False,
            font=dict(size=17, color="#1F2933"),
        )
        fig.add_annotation(
            x=xs[idx],
            y=-0.2,
            text=sub.replace("\n", "<br>"),
            showarrow=False,
            font=dict(size=13, color="#3E4C59"),
        )
    for a, b in ((0, 1), (1, 2), (2, 3)):
        fig.add_annotation(
            x=xs[b] - 0.44,
            y=0,
            ax=xs[a] + 0.44,
            ay=0,
            xref="x",
            yref="y",
            axref="x",
            ayref="y",
            showarrow=True,
            arrowhead=3,
            arrowsize=1.3,
            arrowwidth=2,
            arrowcolor="#52606D",
            text="",
        )
    # "not yet": back from the check to the E-step, under the boxes.
    fig.add_shape(
        type="path",
        path=f"M {xs[3]},-0.5 C {xs[3]},-1.05 {xs[1]},-1.05 {xs[1]},-0.56",
        line=dict(color="#52606D", width=2),
    )
    fig.add_annotation(
        x=xs[1],
        y=-0.52,
        ax=xs[1],
        ay=-0.7,
        xref="x",
        yref="y",
        axref="x",
        ayref="y",
        showarrow=True,
        arrowhead=3,
        arrowsize=1.3,
        arrowwidth=2,
        arrowcolor="#52606D",
        text="",
    )
    fig.add_annotation(
        x=2.0,
        y=-0.98,
        text="not yet: repeat",
        showarrow=False,
        font=dict(size=13, color="#3E4C59"),
    )
    fig.update_xaxes(visible=False, range=[-0.5, 3.5])
    fig.update_yaxes(visible=False, range=[-1.1, 0.6])
    return _layout(fig, height=230, showlegend=False, margin=dict(l=0, r=0, t=0, b=0))
