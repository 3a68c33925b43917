"""Fog explorer figures: hard and soft clustering on the same map (pure Plotly).

Arrays in, ``go.Figure`` out, no Streamlit. Every figure is assembled as plain
dicts (:class:`gmm_app.figures.FigureBuilder`); ``tests/app/test_fog_explorer.py``
validates each builder's output once with Plotly's own validation.

The maps share a :class:`MapView`: the points as seen in the chosen plane, a grid
over that plane for the backgrounds (decision regions, foggy valleys) and each
point's soft assignment at the current fog, which the hover text reads. For
one-dimensional data the "plane" is a strip: the feature across, a fixed random
jitter up, so that points do not hide each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from gmm_app.plotting.builder import FigureBuilder, colour, finish_figure, marker, rgba
from gmm_app.plotting.geometry import drawn_mask, ellipse_xy
from gmm_app.words import hill_name

NOISE_COLOUR = "#7B8794"
OUTLIER_COLOUR = "#B2182B"
VALLEY_FILL = "rgba(62, 76, 89, 0.30)"
VALLEY_LINE = "#3E4C59"
BORDER_COLOUR = "#1F2933"
# Red (unsure) through yellow to green (sure), as the lesson asks.
# Red (unsure) - yellow - green (sure), spelt out: Streamlit's chart theme replaces
# named Plotly colour scales with its own.
CONFIDENCE_SCALE = [[0.0, "#D73027"], [0.5, "#FEE08B"], [1.0, "#1A9850"]]
HILLS_SCALE = [
    [0.0, "#F5F7FA"],
    [0.25, "#D9F0D3"],
    [0.5, "#A6DBA0"],
    [0.75, "#5AAE61"],
    [1.0, "#1B7837"],
]
STRIP_Y = (0.0, 1.0)


def as_float32(grid: np.ndarray) -> np.ndarray:
    """A background grid in single precision: half the bytes to the browser.

    Plotly sends numpy arrays as typed arrays; a 110 x 110 grid of float32 is
    48 KB instead of 97 KB, and no one sees the seventh digit of a shade.
    """
    return np.asarray(grid, dtype=np.float32)


def island_name(k: int) -> str:
    """The name of K-Means cluster ``k``: island A, island B, ..."""
    return "island" + hill_name(k).removeprefix("hill")


def whole_percents(shares: np.ndarray) -> np.ndarray:
    """Shares as whole percents that add up to exactly 100 (largest remainder).

    Parameters
    ----------
    shares : ndarray of shape (K,)
        Non-negative; they are normalised to sum to 1.

    Returns
    -------
    ndarray of int, shape (K,)
        Summing to 100 (0 for an empty input).
    """
    shares = np.asarray(shares, dtype=np.float64).reshape(-1)
    total = shares.sum()
    if shares.size == 0 or not np.isfinite(total) or total <= 0:
        return np.zeros(shares.size, dtype=int)
    exact = 100.0 * shares / total
    whole = np.floor(exact).astype(int)
    missing = 100 - int(whole.sum())
    # Largest remainders first; ties go to the bigger share, then the first hill.
    order = np.lexsort((np.arange(exact.size), -exact, -(exact - whole)))
    whole[order[:missing]] += 1
    return whole


@dataclass(frozen=True, eq=False)
class MapView:
    """What every map of the page shares.

    Attributes
    ----------
    xy : ndarray of shape (N, 2)
        The points in the plane drawn (for one feature: value and jitter).
    titles : (str, str)
        Axis titles (already safe for Plotly).
    xs : ndarray of shape (G,)
        Grid columns over the plane, for the backgrounds.
    ys : ndarray of shape (H,)
        Grid rows (two rows spanning the strip for one feature).
    probs : ndarray of shape (N, K)
        Each point's soft assignment at the current fog (hover text).
    sentences : list of str or None
        Each point's fog sentence ("72% hill A, 25% hill B"); None for large
        data, whose hover is built from ``probs`` in the browser instead.
    strip : bool
        One-dimensional data.
    equal_aspect : bool
        Draw both axes at the same scale (distances look right).
    """

    xy: np.ndarray
    titles: tuple[str, str]
    xs: np.ndarray
    ys: np.ndarray
    probs: np.ndarray
    sentences: list[str] | None
    strip: bool = False
    equal_aspect: bool = True

    @property
    def n_components(self) -> int:
        """K."""
        return self.probs.shape[1]


###############################################################################
# Pieces every map uses


def _shares_template(k_count: int, first: int = 0) -> str:
    """Hover shares, read in the browser from ``customdata`` = [index, P(A), ...]."""
    order = [first, *[j for j in range(k_count) if j != first]]
    return ", ".join(f"%{{customdata[{j + 1}]:.0%}} {hill_name(j)}" for j in order)


def _point_trace(
    view: MapView,
    idx: np.ndarray,
    *,
    name: str,
    prefix: str,
    first: int = 0,
    y: np.ndarray | None = None,
    extra: np.ndarray | None = None,
    extra_hover: str = "",
    marker_style: dict,
    **more: object,
) -> dict:
    """A scatter trace of the points ``idx`` whose hover is their fog sentence.

    ``customdata`` rows are [point index, P(hill A), ..., P(hill K), *extra].
    """
    keep = drawn_mask(len(view.xy))[idx]
    if not keep.all():  # a big file: draw the seeded sample every chart draws
        idx = idx[keep]
        y = None if y is None else np.asarray(y)[keep]
        extra = None if extra is None else np.asarray(extra)[keep]
        marker_style = {
            key: value[keep]
            if isinstance(value, np.ndarray) and len(value) == len(keep)
            else value
            for key, value in marker_style.items()
        }
    custom = [idx[:, None].astype(np.float64), view.probs[idx]]
    if extra is not None:
        more_columns = np.asarray(extra, dtype=np.float64)
        if more_columns.ndim == 1:
            more_columns = more_columns[:, None]
        custom.append(more_columns)
    trace = dict(
        type="scatter",
        x=view.xy[idx, 0],
        y=view.xy[idx, 1] if y is None else y,
        mode="markers",
        name=name,
        marker=marker_style,
        customdata=np.hstack(custom),
        **more,
    )
    if view.sentences is not None:
        trace["text"] = [view.sentences[i] for i in idx]
        shares = "%{text}"
    else:
        shares = _shares_template(view.n_components, first)
    trace["hovertemplate"] = (
        f"{prefix}{shares}{extra_hover}<extra>point %{{customdata[0]}}</extra>"
    )
    return trace


def _add_regions(
    fig: FigureBuilder,
    view: MapView,
    labels_grid: np.ndarray,
    k_count: int,
    alpha: float = 0.17,
) -> None:
    """Tint each grid cell with the pale colour of the cluster that claims it."""
    scale = []
    for k in range(k_count):
        pale = rgba(colour(k), alpha)
        scale += [[k / k_count, pale], [(k + 1) / k_count, pale]]
    fig.add_trace(
        dict(
            type="heatmap",
            x=view.xs,
            y=view.ys,
            z=labels_grid,
            zmin=-0.5,
            zmax=k_count - 0.5,
            colorscale=scale,
            showscale=False,
            hoverinfo="skip",
            name="regions",
            showlegend=False,
        )
    )


def _add_borders(
    fig: FigureBuilder,
    view: MapView,
    margins: np.ndarray | None,
    *,
    name: str,
    dash: str = "solid",
    width: float = 2.0,
    line_colour: str = BORDER_COLOUR,
    showlegend: bool = False,
) -> None:
    """Draw where one cluster's claim gives way to another's.

    ``margins`` has shape (K, H, G): cluster k's score minus the best other
    cluster's; its border is where that is zero.
    """
    if margins is None or margins.shape[0] < 2:
        return
    for k in range(margins.shape[0]):
        fig.add_trace(
            dict(
                type="contour",
                x=view.xs,
                y=view.ys,
                z=as_float32(margins[k]),
                autocontour=False,
                contours=dict(start=0, end=0, size=1, coloring="none"),
                line=dict(color=line_colour, width=width, dash=dash),
                showscale=False,
                hoverinfo="skip",
                name=name,
                legendgroup=name,
                showlegend=showlegend and k == 0,
            )
        )


def _add_valleys(
    fig: FigureBuilder,
    view: MapView,
    confidence_grid: np.ndarray,
    threshold: float,
    *,
    showlegend: bool = False,
    fill: str = VALLEY_FILL,
) -> None:
    """Shade the foggy valleys: where the likeliest hill is below ``threshold``."""
    fig.add_trace(
        dict(
            type="contour",
            x=view.xs,
            y=view.ys,
            z=as_float32(confidence_grid),
            contours=dict(type="constraint", operation="<", value=float(threshold)),
            fillcolor=fill,
            line=dict(color=VALLEY_LINE, width=1, dash="dot"),
            showscale=False,
            hoverinfo="skip",
            name=f"foggy valley (under {threshold:.0%} sure)",
            showlegend=showlegend,
        )
    )


def _add_hills(
    fig: FigureBuilder,
    means_xy: np.ndarray,
    covs_xy: np.ndarray,
    *,
    showlegend: bool = False,
    top_size: int = 16,
) -> None:
    """Each hill's 1- and 2-standard-deviation ellipses and its top."""
    k_count = means_xy.shape[0]
    for k in range(k_count):
        for n_sigma, dash, width in ((1.0, "solid", 2.0), (2.0, "dash", 1.2)):
            ex, ey = ellipse_xy(means_xy[k], covs_xy[k], n_sigma)
            fig.add_trace(
                dict(
                    type="scatter",
                    x=ex,
                    y=ey,
                    mode="lines",
                    line=dict(color=colour(k), width=width, dash=dash),
                    legendgroup=str(k),
                    showlegend=False,
                    hoverinfo="skip",
                    name=f"{hill_name(k)} {n_sigma:.0f}σ",
                )
            )
    _add_tops(fig, means_xy, "hill tops (means)", showlegend, top_size)


def _add_tops(
    fig: FigureBuilder,
    centres_xy: np.ndarray,
    name: str,
    showlegend: bool = False,
    size: int = 16,
    names: list[str] | None = None,
) -> None:
    k_count = centres_xy.shape[0]
    colours = [colour(k) for k in range(k_count)]
    fig.add_trace(
        dict(
            type="scatter",
            x=centres_xy[:, 0],
            y=centres_xy[:, 1],
            mode="markers",
            name=name,
            marker=dict(
                color=colours,
                symbol="x-thin",
                size=size,
                line=dict(width=4, color=colours),
            ),
            text=names or [hill_name(k) for k in range(k_count)],
            hovertemplate="top of %{text}<extra></extra>",
            showlegend=showlegend,
        )
    )


def _add_outliers(
    fig: FigureBuilder, view: MapView, outliers: np.ndarray, percent: float
) -> None:
    if len(outliers) == 0:
        return
    fig.add_trace(
        dict(
            type="scatter",
            x=view.xy[outliers, 0],
            y=view.xy[outliers, 1],
            mode="markers",
            name=f"outlier (lowest {percent:g}% density)",
            marker=dict(
                symbol="circle-open",
                size=17,
                color=OUTLIER_COLOUR,
                line=dict(width=2.5, color=OUTLIER_COLOUR),
            ),
            hoverinfo="skip",
        )
    )


def _strip_centres(view: MapView, centres: np.ndarray) -> np.ndarray:
    """Centres drawn on a strip: at their value, in the middle of the strip."""
    if not view.strip:
        return centres
    return np.column_stack([centres[:, 0], np.full(len(centres), 0.5)])


def _finish(
    fig: FigureBuilder,
    view: MapView,
    title: str,
    subtitle: str,
    *,
    height: int,
    y_title: str | None = None,
    y_range: tuple[float, float] | None = None,
    legend: bool = True,
    legend_below: bool = False,
    **layout: object,
) -> go.Figure:
    """Axes over the grid, the panel's title and a legend under it.

    ``legend_below`` puts the legend under the plot instead, for figures with so
    many entries that a legend on top would run into the title.
    """
    dx = (view.xs[-1] - view.xs[0]) / max(len(view.xs) - 1, 1) / 2
    fig.update_xaxes(
        title=view.titles[0],
        range=[float(view.xs[0] - dx), float(view.xs[-1] + dx)],
        constrain="domain",
    )
    if y_range is not None:
        fig.update_yaxes(title=y_title or "", range=list(y_range), fixedrange=True)
        if y_title is None:
            fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False)
    else:
        dy = (view.ys[-1] - view.ys[0]) / max(len(view.ys) - 1, 1) / 2
        fig.update_yaxes(
            title=view.titles[1],
            range=[float(view.ys[0] - dy), float(view.ys[-1] + dy)],
            constrain="domain",
        )
        if view.equal_aspect:
            fig.update_yaxes(scaleanchor="x", scaleratio=1)
    settings: dict[str, object] = dict(
        height=height,
        title=dict(
            text=f"<b>{title}</b>",
            subtitle=dict(text=subtitle, font=dict(size=13, color="#52606D")),
            x=0.0,
            xanchor="left",
            xref="paper",
            y=0.985,
            yanchor="top",
            yref="container",
            font=dict(size=17),
        ),
        margin=dict(l=10, r=10, t=92 if legend else 64, b=10),
        showlegend=legend,
        legend=dict(
            orientation="h",
            yanchor="bottom",
            y=1.0,
            xanchor="left",
            x=0,
            font=dict(size=13),
        ),
        dragmode="pan",
    )
    if legend_below:
        settings["legend"] = dict(
            orientation="h",
            yanchor="top",
            y=-0.12,
            xanchor="left",
            x=0,
            font=dict(size=13),
        )
        settings["margin"] = dict(l=10, r=10, t=64, b=110)
    settings.update(layout)
    return finish_figure(fig, **settings)


def _strip_y(view: MapView) -> tuple[float, float] | None:
    return STRIP_Y if view.strip else None


###############################################################################
# The four panels: clear day against fog


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
        _add_regions(fig, view, labels_grid, k_count)
    _add_borders(fig, view, margins, name="K-Means borders (straight)")
    for k in range(k_count):
        idx = np.flatnonzero(labels == k)
        fig.add_trace(
            _point_trace(
                view,
                idx,
                name=f"{island_name(k)} ({len(idx)})",
                prefix=f"<b>{island_name(k)}</b>: 100% (K-Means)<br>the fog says ",
                first=k,
                marker_style=dict(
                    color=colour(k), symbol=marker(k), size=7, line=dict(width=0)
                ),
                legendgroup=str(k),
            )
        )
    _add_tops(
        fig,
        _strip_centres(view, centres_xy),
        "island centres",
        names=[island_name(k) for k in range(k_count)],
    )
    return _finish(
        fig,
        view,
        "Clear day: islands",
        "K-Means: every point on exactly one island; straight borders",
        height=height,
        y_range=_strip_y(view),
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
        _add_regions(fig, view, labels_grid, k_count)
    _add_borders(fig, view, margins, name="GMM borders (curved)")
    for k in range(k_count):
        idx = np.flatnonzero(labels == k)
        fig.add_trace(
            _point_trace(
                view,
                idx,
                name=f"{hill_name(k)} ({len(idx)})",
                prefix="",
                first=k,
                marker_style=dict(
                    color=colour(k), symbol=marker(k), size=7, line=dict(width=0)
                ),
                legendgroup=str(k),
            )
        )
    if view.strip:
        _add_tops(fig, _strip_centres(view, means_xy), "hill tops (means)")
    else:
        _add_hills(fig, means_xy, covs_xy)
    return _finish(
        fig,
        view,
        "Fog: hills",
        "GMM: colour = the most likely hill; curved borders",
        height=height,
        y_range=_strip_y(view),
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
            fig.add_trace(
                dict(
                    type="heatmap",
                    x=view.xs,
                    y=view.ys,
                    z=as_float32(grid_probability),
                    zmin=0,
                    zmax=1,
                    colorscale=scale,
                    opacity=0.45,
                    showscale=False,
                    hoverinfo="skip",
                    name=f"P({name}) background",
                )
            )
    idx = np.arange(len(p))
    fig.add_trace(
        _point_trace(
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
    return _finish(
        fig,
        view,
        f"Fog: how much {name}?",
        f"Soft: colour = P({name}), from 0 to 100%",
        height=height,
        y_title=f"P({name})" if view.strip else None,
        y_range=(-0.04, 1.04) if view.strip else None,
        legend=False,
    )


def confidence_panel(
    view: MapView,
    labels: np.ndarray,
    threshold: float,
    *,
    confidence_grid: np.ndarray | None = None,
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
            fig.add_trace(
                dict(
                    type="heatmap",
                    x=view.xs,
                    y=view.ys,
                    z=as_float32(confidence_grid),
                    zmin=low,
                    zmax=1,
                    colorscale=CONFIDENCE_SCALE,
                    opacity=0.35,
                    showscale=False,
                    hoverinfo="skip",
                    name="how sure, background",
                )
            )
        _add_valleys(
            fig,
            view,
            np.repeat(confidence_grid[:1], 2, axis=0)
            if view.strip
            else confidence_grid,
            threshold,
            fill="rgba(62, 76, 89, 0.14)",
        )
    fig.add_trace(
        _point_trace(
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
    return _finish(
        fig,
        view,
        "Fog: how sure?",
        f"Colour = the largest probability; dotted: under {threshold:.0%} sure",
        height=height,
        y_title="largest probability" if view.strip else None,
        y_range=(-0.04, 1.04) if view.strip else None,
        legend=False,
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
            _point_trace(
                view,
                idx,
                name=f"cluster {c + 1} ({len(idx)})",
                prefix=f"<b>cluster {c + 1}</b> (DBSCAN)<br>the fog says ",
                marker_style=dict(
                    color=colour(c),
                    symbol=marker(c),
                    size=np.where(core[idx], 8, 6),
                    opacity=1.0,
                    line=dict(width=0),
                ),
            )
        )
    noise = np.flatnonzero(labels < 0)
    if len(noise):
        fig.add_trace(
            _point_trace(
                view,
                noise,
                name=f"noise ({len(noise)})",
                prefix="<b>noise</b>: too few neighbours within eps<br>the fog says ",
                marker_style=dict(
                    color=NOISE_COLOUR, symbol="x-thin", size=9, line=dict(width=2)
                ),
            )
        )
    return _finish(
        fig,
        view,
        "Crowds and stragglers",
        f"DBSCAN (eps = {eps:g} standard deviations, min_samples = {min_samples}): "
        "no K, noise marked ×",
        height=height,
        y_range=_strip_y(view),
    )


###############################################################################
# The explorer map: everything behind the points


def explorer_map(
    view: MapView,
    labels: np.ndarray,
    means_xy: np.ndarray,
    covs_xy: np.ndarray,
    *,
    background: str,
    gmm_labels_grid: np.ndarray,
    gmm_margins: np.ndarray,
    kmeans_labels_grid: np.ndarray,
    kmeans_margins: np.ndarray,
    confidence_grid: np.ndarray,
    threshold: float,
    outliers: np.ndarray,
    outlier_percent: float,
    log_density: np.ndarray,
    height: int = 600,
) -> go.Figure:
    """The big map: regions, borders, foggy valleys, hills, points and outliers.

    Parameters
    ----------
    view : MapView
    labels : ndarray of int, shape (N,)
        Most likely hill of each point; points fade with doubt.
    means_xy, covs_xy : ndarrays of shape (K, 2) and (K, 2, 2)
    background : {"gmm", "kmeans", "both"}
        Tint the GMM's or K-Means's regions, or draw both sets of borders.
    gmm_labels_grid, kmeans_labels_grid : ndarrays of int, shape (H, G)
    gmm_margins, kmeans_margins : ndarrays of shape (K, H, G)
    confidence_grid : ndarray of shape (H, G)
        Largest probability over the grid at the current fog.
    threshold : float
        Foggy valleys are below it.
    outliers : ndarray of int
        Points to ring.
    outlier_percent : float
        The percentile that made them outliers (legend).
    log_density : ndarray of shape (N,)
        log p(x) of every point (hover).
    height : int

    Returns
    -------
    go.Figure
        Point traces carry ``customdata`` = [index, P(hill A), ..., log p(x)].
    """
    k_count = means_xy.shape[0]
    fig = FigureBuilder()
    if background == "kmeans":
        _add_regions(fig, view, kmeans_labels_grid, k_count, alpha=0.2)
        _add_borders(
            fig,
            view,
            kmeans_margins,
            name="K-Means borders (straight)",
            dash="dash",
            showlegend=True,
        )
    else:
        if background == "gmm":
            _add_regions(fig, view, gmm_labels_grid, k_count, alpha=0.2)
        _add_borders(
            fig, view, gmm_margins, name="GMM borders (curved)", showlegend=True
        )
        if background == "both":
            _add_borders(
                fig,
                view,
                kmeans_margins,
                name="K-Means borders (straight)",
                dash="dash",
                width=2.0,
                line_colour="#D55E00",
                showlegend=True,
            )
    strip_confidence = (
        np.repeat(confidence_grid[:1], 2, axis=0) if view.strip else confidence_grid
    )
    _add_valleys(fig, view, strip_confidence, threshold, showlegend=True)
    sure = view.probs.max(axis=1)
    for k in range(k_count):
        idx = np.flatnonzero(labels == k)
        fig.add_trace(
            _point_trace(
                view,
                idx,
                name=hill_name(k),
                prefix="",
                first=k,
                extra=log_density[idx],
                extra_hover=f"<br>log-density %{{customdata[{k_count + 1}]:.2f}}",
                marker_style=dict(
                    color=colour(k),
                    symbol=marker(k),
                    size=8,
                    opacity=0.25 + 0.75 * sure[idx],
                    line=dict(width=0),
                ),
                legendgroup=str(k),
            )
        )
    _add_outliers(fig, view, outliers, outlier_percent)
    if view.strip:
        _add_tops(fig, _strip_centres(view, means_xy), "hill tops (means)", True)
    else:
        _add_hills(fig, means_xy, covs_xy, showlegend=True, top_size=18)
    what = {
        "gmm": "tinted by the GMM's likeliest hill",
        "kmeans": "tinted by K-Means's nearest centre",
        "both": "solid: GMM borders · dashed: K-Means borders",
    }[background]
    return _finish(
        fig,
        view,
        "The map behind the points",
        f"{what}; shaded: foggy valleys; ringed: outliers",
        height=height,
        y_range=_strip_y(view),
        dragmode="lasso",
        legend_below=True,
    )


###############################################################################
# Smoothie recipe, outliers, hills


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
    fig.update_xaxes(title="log-density log p(x): low = far from every hill")
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
            colorscale=HILLS_SCALE,
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
            colorscale=HILLS_SCALE,
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
    _add_tops(fig, means_xy, "hill tops (means)", True)
    grid_view = MapView(
        view.xy, view.titles, xs, ys, view.probs, None, False, view.equal_aspect
    )
    return _finish(
        fig,
        grid_view,
        "Contour map of the hills",
        "Each line joins places of equal density, like heights on a walking map",
        height=height,
    )
