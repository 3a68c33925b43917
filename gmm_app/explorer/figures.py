"""Fog explorer maps: hard and soft clustering on the same plane (Plotly, no Streamlit).

Arrays in, ``go.Figure`` out. Every figure is assembled as plain dicts
(:class:`gmm_app.plotting.builder.FigureBuilder`); the page's AppTests validate each
one with Plotly's own validation.

The maps share a :class:`MapView`: the points as seen in the chosen plane, a grid
over that plane for the backgrounds (decision regions, foggy valleys) and each
point's soft assignment at the current fog, which the hover text reads. For
one-dimensional data the "plane" is a strip: the feature across, a fixed random
jitter up, so that points do not hide each other.

This module holds :class:`MapView` and the pieces every map is made of (points
with their fog sentence, regions, borders, valleys, the frame); ``figures_map``
the big map, ``figures_panels`` the four small panels and DBSCAN's,
``figures_charts`` the recipe bar, the histogram and the hills. Hill rings and
tops come from :mod:`gmm_app.plotting.layers`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from gmm_app.plotting.builder import FigureBuilder, colour, finish_figure
from gmm_app.plotting.geometry import drawn_mask
from gmm_app.plotting.margins import panel_margins
from gmm_app.plotting.raster import grid_image, label_colours, mask_colours
from gmm_app.plotting.zero_lines import zero_lines
from gmm_app.words import hill_name

NOISE_COLOUR = "#7B8794"
OUTLIER_COLOUR = "#B2182B"
VALLEY_LINE = "#3E4C59"
_VALLEY_ALPHA = 0.30  # the valleys' shade: VALLEY_LINE at this opacity
_BORDER_COLOUR = "#1F2933"
# The grid's #E4E7EB and #CBD2D9 on white, as see-through dark lines.
_SEE_THROUGH_GRID = "rgba(31, 41, 51, 0.1)"
_SEE_THROUGH_ZERO = "rgba(31, 41, 51, 0.23)"
# Red (unsure) - yellow - green (sure), spelt out: Streamlit's chart theme replaces
# named Plotly colour scales with its own.
CONFIDENCE_SCALE = [[0.0, "#D73027"], [0.5, "#FEE08B"], [1.0, "#1A9850"]]


def as_float32(grid: np.ndarray) -> np.ndarray:
    """A background grid in single precision: half the bytes to the browser.

    Plotly sends numpy arrays as typed arrays; a 110 x 110 grid of float32 is
    48 KB instead of 97 KB, and no one sees the seventh digit of a shade.

    Parameters
    ----------
    grid : ndarray of shape (H, G)

    Returns
    -------
    ndarray of float32, shape (H, G)
    """
    return np.asarray(grid, dtype=np.float32)


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


def point_trace(
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

    Parameters
    ----------
    view : MapView
    idx : ndarray of int, shape (M,)
        The points to draw (only the seeded sample every chart draws is kept).
    name : str
        Legend entry.
    prefix : str
        Hover text before the shares (Plotly template syntax).
    first : int
        The hill named first when the hover is built in the browser.
    y : ndarray of shape (M,), optional
        Heights instead of ``view.xy[idx, 1]`` (the strip's probability panels).
    extra : ndarray of shape (M,) or (M, E), optional
        More ``customdata`` columns, after the shares.
    extra_hover : str
        Hover text after the shares.
    marker_style : dict
        Plotly marker; arrays of length M are thinned with the points.
    **more
        Further trace properties.

    Returns
    -------
    dict
        A scatter trace; ``customdata`` rows are [point index, P(hill A), ...,
        P(hill K), *extra].
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


def add_regions(
    fig: FigureBuilder,
    view: MapView,
    labels_grid: np.ndarray,
    k_count: int,
    alpha: float = 0.17,
) -> None:
    """Tint each grid cell with the pale colour of the cluster that claims it.

    One picture under the traces (:func:`gmm_app.plotting.raster.grid_image`), not
    a heatmap of the grid's labels: the same tints, a few KB instead of 12,100
    numbers, and one ``<image>`` for the browser to draw.

    Parameters
    ----------
    fig : FigureBuilder
    view : MapView
    labels_grid : ndarray of int, shape (H, G)
        The cluster that claims each cell.
    k_count : int
        K.
    alpha : float
        Opacity of the tint.
    """
    palette = [colour(k) for k in range(k_count)]
    fig.add_image(
        grid_image(
            view.xs,
            view.ys,
            label_colours(labels_grid, palette, alpha),
            name="regions",
        )
    )


def add_borders(
    fig: FigureBuilder,
    view: MapView,
    margins: np.ndarray | None,
    *,
    name: str,
    dash: str = "solid",
    width: float = 2.0,
    line_colour: str = _BORDER_COLOUR,
    showlegend: bool = False,
) -> None:
    """Draw where one cluster's claim gives way to another's.

    The lines are traced on the server (:func:`gmm_app.plotting.zero_lines.zero_lines`)
    and sent as line traces: a few hundred points instead of K grids of 12,100
    numbers for the browser to trace.

    Parameters
    ----------
    fig : FigureBuilder
    view : MapView
    margins : ndarray of shape (K, H, G) or None
        Cluster k's score minus the best other cluster's; its border is where
        that is zero. Nothing is drawn for None or K < 2.
    name : str
        Legend entry, shown once when ``showlegend``.
    dash, width, line_colour
        The line.
    showlegend : bool
    """
    if margins is None or margins.shape[0] < 2:
        return
    first = True
    for k in range(margins.shape[0]):
        # Traced here (plotting.zero_lines), not by the browser from the grid.
        for line in zero_lines(view.xs, view.ys, margins[k]):
            fig.add_trace(
                dict(
                    type="scatter",
                    x=line[:, 0],
                    y=line[:, 1],
                    mode="lines",
                    line=dict(color=line_colour, width=width, dash=dash),
                    hoverinfo="skip",
                    name=name,
                    legendgroup=name,
                    showlegend=showlegend and first,
                )
            )
            first = False


def add_valleys(
    fig: FigureBuilder,
    view: MapView,
    confidence_grid: np.ndarray,
    threshold: float,
    *,
    showlegend: bool = False,
    alpha: float = _VALLEY_ALPHA,
) -> None:
    """Shade the foggy valleys: where the likeliest hill is below ``threshold``.

    The shade is a picture of the cells under the cut (:mod:`gmm_app.plotting.raster`,
    named "foggy valleys") and its edges dotted lines traced on the server
    (:func:`gmm_app.plotting.zero_lines.zero_lines`), drawn as one path shape
    (named, in the legend when ``showlegend``): no grid of numbers for the
    browser to contour on every draw, and one element however many edges.

    Parameters
    ----------
    fig : FigureBuilder
    view : MapView
    confidence_grid : ndarray of shape (H, G)
        The largest probability in each cell.
    threshold : float
    showlegend : bool
    alpha : float
        The shade's opacity.
    """
    grid = np.asarray(confidence_grid, dtype=np.float64)
    fig.add_image(
        grid_image(
            view.xs,
            view.ys,
            mask_colours(grid < threshold, VALLEY_LINE, alpha),
            name="foggy valleys",
        )
    )
    lines = zero_lines(view.xs, view.ys, grid - threshold)
    if not lines:
        return
    fig.add_shape(
        type="path",
        path=" ".join(
            "M" + " L".join(f"{x:.6g},{y:.6g}" for x, y in line) for line in lines
        ),
        xref="x",
        yref="y",
        line=dict(color=VALLEY_LINE, width=1, dash="dot"),
        layer="above",
        name=f"foggy valley (under {threshold:.0%} sure)",
        showlegend=showlegend,
    )


def strip_centres(view: MapView, centres: np.ndarray) -> np.ndarray:
    """Centres drawn on a strip: at their value, in the middle of the strip.

    Parameters
    ----------
    view : MapView
    centres : ndarray of shape (K, 2)

    Returns
    -------
    ndarray of shape (K, 2)
        ``centres`` unchanged off a strip.
    """
    if not view.strip:
        return centres
    return np.column_stack([centres[:, 0], np.full(len(centres), 0.5)])


def finish_map(
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
    reserve: bool = False,
    **layout: object,
) -> go.Figure:
    """Axes over the grid, the panel's title and a legend under it.

    Parameters
    ----------
    fig : FigureBuilder
    view : MapView
        Its grid sets the axes' ranges, its titles their titles.
    title, subtitle : str
    height : int
    y_title : str, optional
        With ``y_range``: the y axis's title (else the axis is bare).
    y_range : (float, float), optional
        A fixed y range (strips and probability panels) instead of the grid's.
    legend : bool
    legend_below : bool
        Put the legend under the plot, for figures with so many entries that a
        legend on top would run into the title.
    reserve : bool
        Send the margins automargin would grow to
        (:func:`gmm_app.plotting.margins.panel_margins`), so Plotly draws the map
        once (the first screen's maps).
    **layout
        Further layout properties.

    Returns
    -------
    go.Figure
    """
    if fig.images:
        # A pictured background lies under the grid lines: draw them see-through
        # dark (light grey on white, a shade darker over a tint), as they showed
        # through the heatmaps before.
        for update in (fig.update_xaxes, fig.update_yaxes):
            update(gridcolor=_SEE_THROUGH_GRID, zerolinecolor=_SEE_THROUGH_ZERO)
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
            # From the chart's own left edge, not the plot's: the plot's left
            # margin (room for the y axis) would push a long subtitle off the
            # right of a narrow panel.
            x=0.0,
            xanchor="left",
            xref="container",
            pad=dict(l=10),
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
    elif reserve:
        y_axis = fig.yaxis
        settings["margin"] = panel_margins(
            fig,
            tuple(y_axis["range"]),
            y_labels=y_axis.get("showticklabels", True) is not False,
            legend=legend,
        )
    settings.update(layout)
    return finish_figure(fig, **settings)


def strip_y(view: MapView) -> tuple[float, float] | None:
    """The fixed y range of a strip (its jitter), or None for a plane."""
    return (0.0, 1.0) if view.strip else None
