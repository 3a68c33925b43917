"""Plotly figure builders: arrays in, ``go.Figure`` out, no Streamlit.

Colours are the Okabe-Ito palette (safe for colour-blind readers) and every
component also has its own marker shape, so hills can be told apart without colour.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from gmm_app.text import hill_name
from gmm_core import GMMParams, responsibilities

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
WEBGL_ABOVE = 600
# Charts draw at most this many points (a seeded sample): more only slows the
# browser and hides nothing a student could see.
DRAW_LIMIT = 5_000
FONT = dict(family="Source Sans Pro, Helvetica, Arial, sans-serif", size=15)


def plot_text(text: str) -> str:
    """Text from the student's data, made safe for Plotly (which renders some HTML)."""
    return html.escape(str(text), quote=False)


def drawn_points(n_points: int, limit: int = DRAW_LIMIT) -> np.ndarray:
    """Which of ``n_points`` points a chart draws: all, or a seeded sample.

    Parameters
    ----------
    n_points : int
    limit : int

    Returns
    -------
    ndarray of int, shape (min(n_points, limit),)
        Sorted indices; the same for the same ``n_points`` on every chart.
    """
    if n_points <= limit:
        return np.arange(n_points)
    return np.sort(np.random.default_rng(0).choice(n_points, limit, replace=False))


def drawn_mask(n_points: int, limit: int = DRAW_LIMIT) -> np.ndarray:
    """:func:`drawn_points` as a boolean mask of shape (n_points,)."""
    mask = np.zeros(n_points, dtype=bool)
    mask[drawn_points(n_points, limit)] = True
    return mask


def _fog_hover(k: int, k_count: int) -> str:
    """Hover text of a point whose likeliest hill is ``k``: its shares, hill k first.

    The shares come from the trace's ``customdata`` = [point index, P(hill 0), ...],
    so no per-point string is built on the server.
    """
    order = [k, *[j for j in range(k_count) if j != k]]
    shares = ", ".join(f"%{{customdata[{j + 1}]:.0%}} {hill_name(j)}" for j in order)
    return f"{shares}<extra>point %{{customdata[0]}}</extra>"


def colour(k: int) -> str:
    """Colour of component ``k``."""
    return PALETTE[k % len(PALETTE)]


def marker(k: int) -> str:
    """Marker symbol of component ``k``."""
    return MARKERS[k % len(MARKERS)]


class FigureBuilder:
    """Collects traces, shapes and annotations as plain dicts.

    Plotly's graph objects validate every property on every call, which costs more
    than the drawing itself on a stepper click; the builders here assemble plain
    dicts and validation happens once, in the tests (``tests/app/test_figures.py``).
    """

    def __init__(self) -> None:
        self.data: list[dict] = []
        self.shapes: list[dict] = []
        self.annotations: list[dict] = []
        self.xaxis: dict = {}
        self.yaxis: dict = {}

    def add_trace(self, trace: dict) -> None:
        """Add a trace given as a dict with its ``type``."""
        self.data.append(trace)

    def add_shape(self, **shape: object) -> None:
        """Add a layout shape."""
        self.shapes.append(shape)

    def add_annotation(self, **annotation: object) -> None:
        """Add a layout annotation."""
        self.annotations.append(annotation)

    @staticmethod
    def _axis(target: dict, settings: dict) -> None:
        title = settings.pop("title", None)
        if title is not None:
            target["title"] = {"text": title} if isinstance(title, str) else title
        target.update(settings)

    def update_xaxes(self, **settings: object) -> None:
        """Set x-axis properties (a string ``title`` becomes ``{"text": ...}``)."""
        self._axis(self.xaxis, dict(settings))

    def update_yaxes(self, **settings: object) -> None:
        """Set y-axis properties (a string ``title`` becomes ``{"text": ...}``)."""
        self._axis(self.yaxis, dict(settings))


_GRID = dict(gridcolor="#E4E7EB", zerolinecolor="#CBD2D9", linecolor="#CBD2D9")


def _layout(fig: FigureBuilder, **kwargs: object) -> go.Figure:
    settings: dict[str, object] = dict(
        font=FONT,
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin=dict(l=10, r=10, t=40, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0),
        xaxis={**_GRID, **fig.xaxis},
        yaxis={**_GRID, **fig.yaxis},
        shapes=fig.shapes,
        annotations=fig.annotations,
    )
    settings.update(kwargs)
    return go.Figure(data=fig.data, layout=settings, _validate=False)


def unit_span(start: float, end: float) -> list[float]:
    """An axis domain inside [0, 1]: arithmetic can leave -1e-16, which Plotly
    refuses."""
    return [min(max(round(v, 9), 0.0), 1.0) for v in (start, end)]


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


@dataclass(frozen=True)
class Projection:
    """A 2-D view of D-dimensional data: ``(x - offset) @ matrix``.

    Attributes
    ----------
    matrix : ndarray of shape (D, 2)
    offset : ndarray of shape (D,)
    titles : (str, str)
        Axis titles.
    """

    matrix: np.ndarray
    offset: np.ndarray
    titles: tuple[str, str]

    @classmethod
    def features(cls, names: tuple[str, ...], i: int = 0, j: int = 1) -> Projection:
        """The plane of features ``i`` and ``j``."""
        matrix = np.zeros((len(names), 2))
        matrix[i, 0] = matrix[j, 1] = 1.0
        return cls(matrix, np.zeros(len(names)), (names[i], names[j]))

    @classmethod
    def pca(cls, X: np.ndarray) -> Projection:
        """The plane of the data's two principal components."""
        centre = X.mean(axis=0)
        values, vectors = np.linalg.eigh(np.cov(X - centre, rowvar=False))
        order = np.argsort(values)[::-1][:2]
        share = values[order] / values.sum()
        return cls(
            vectors[:, order],
            centre,
            (f"PC 1 ({share[0]:.0%} of the spread)", f"PC 2 ({share[1]:.0%})"),
        )

    def points(self, X: np.ndarray) -> np.ndarray:
        """Project points, shape (N, D) -> (N, 2)."""
        return (np.asarray(X) - self.offset) @ self.matrix

    def covariances(self, params: GMMParams) -> np.ndarray:
        """Each component's covariance seen in this plane, shape (K, 2, 2)."""
        full = params.full_covariances()
        return np.einsum("da,kde,eb->kab", self.matrix, full, self.matrix)


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

    Returns
    -------
    go.Figure
        Point traces carry ``customdata`` = [point index, P(hill 0), ..., P(hill K-1)].
    """
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
    if trail is not None and len(trail) > 1:
        for k in range(k_count):
            path = proj.points(trail[:, k, :])
            fig.add_trace(
                dict(
                    type=over_type,
                    x=path[:, 0],
                    y=path[:, 1],
                    mode="lines+markers",
                    line=dict(color=colour(k), width=1.5),
                    marker=dict(size=4, color=colour(k)),
                    opacity=0.45,
                    legendgroup=str(k),
                    showlegend=False,
                    hoverinfo="skip",
                    name=f"{hill_name(k)} trail",
                )
            )
    for k in range(k_count):
        for n_sigma, dash in ((1.0, "solid"), (2.0, "dash")):
            ex, ey = ellipse_xy(means[k], covs[k], n_sigma)
            width = 2.5 if n_sigma == 1 else 1.5
            # A white halo under the 1σ line keeps it readable over its own points.
            for halo in (True, False) if n_sigma == 1 else (False,):
                fig.add_trace(
                    dict(
                        type=over_type,
                        x=ex,
                        y=ey,
                        mode="lines",
                        line=dict(
                            color="#FFFFFF" if halo else colour(k),
                            width=width + 3 if halo else width,
                            dash=dash,
                        ),
                        opacity=0.8 if halo else 1.0,
                        legendgroup=str(k),
                        showlegend=False,
                        hoverinfo="skip",
                        name=f"{hill_name(k)} {n_sigma:.0f}σ"
                        + (" halo" if halo else ""),
                    )
                )
    fig.add_trace(
        dict(
            type=over_type,
            x=means[:, 0],
            y=means[:, 1],
            mode="markers",
            name="hill tops (means)",
            marker=dict(
                color=[colour(k) for k in range(k_count)],
                symbol="x",
                size=17,
                line=dict(width=1.5, color="#FFFFFF"),
            ),
            hovertemplate="top of %{text}<extra></extra>",
            text=[hill_name(k) for k in range(k_count)],
        )
    )
    if moved_from is not None:
        start = proj.points(moved_from)
        for k in range(k_count):
            if np.allclose(start[k], means[k]):
                continue
            fig.add_annotation(
                x=means[k, 0],
                y=means[k, 1],
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
    fig.update_xaxes(title=plot_text(proj.titles[0]))
    fig.update_yaxes(title=plot_text(proj.titles[1]), scaleanchor="x", scaleratio=1)
    # A fixed uirevision keeps the student's zoom and pan from step to step.
    return _layout(fig, height=height, uirevision="fog-map")


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
    return _layout(fig, height=420, bargap=0.02)


LOOP_STAGES = (
    ("guess", "Guess", "put some hills\non the map"),
    ("e", "E-step", "who belongs\nwhere?"),
    ("m", "M-step", "move and reshape\nthe hills"),
    ("check", "Converged?", "has the map\nstopped changing?"),
)


def surveyor_loop(active: str | None = None, height: int = 230) -> go.Figure:
    """The surveyor's loop as a diagram: guess, E-step, M-step, converged?

    Parameters
    ----------
    active : {"guess", "e", "m", "check"} or None
        The stage to light up.
    height : int

    Returns
    -------
    go.Figure
    """
    xs = [0.0, 1.0, 2.0, 3.0]
    fig = FigureBuilder()
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
    return _layout(
        fig, height=height, showlegend=False, margin=dict(l=0, r=0, t=0, b=0)
    )


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
    return _layout(
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
    return _layout(fig, height=300, margin=dict(l=10, r=10, t=30, b=10))


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
    return _layout(
        fig, height=220, showlegend=False, margin=dict(l=10, r=10, t=10, b=10)
    )


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
                    name=f"island {chr(65 + k) if k < 26 else k + 1}",
                    marker=dict(color=colour(k), symbol=marker(k), size=6),
                    hoverinfo="skip",
                )
            )
    fig.add_trace(
        dict(
            type="scatter",
            x=centers[:, 0],
            y=centers[:, 1],
            mode="markers",
            name="centres",
            marker=dict(
                symbol="x-thin",
                size=16,
                line=dict(width=4, color=[colour(k) for k in range(k_count)]),
            ),
        )
    )
    fig.update_xaxes(title=plot_text(titles[0]))
    fig.update_yaxes(title=plot_text(titles[1]), scaleanchor="x", scaleratio=1)
    return _layout(fig, height=360, showlegend=False)


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
        axis = dict(showticklabels=False, **_GRID)
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
            ex, ey = ellipse_xy(means[k], covs[k], 2.0)
            fig.add_trace(
                dict(
                    type="scatter",
                    x=ex,
                    y=ey,
                    xaxis=f"x{suffix}",
                    yaxis=f"y{suffix}",
                    mode="lines",
                    line=dict(color=colour(k), width=1.5),
                    hoverinfo="skip",
                    showlegend=False,
                )
            )
    return _layout(
        fig, height=260 * rows, margin=dict(l=10, r=10, t=30, b=10), **layout
    )
