"""The figure builder every chart uses: plain-dict traces, one layout, the palette.

Colours are the Okabe-Ito palette (safe for colour-blind readers) and every
component also has its own marker shape, so hills can be told apart without colour.
"""

from __future__ import annotations

import base64
import html

import numpy as np
import plotly.graph_objects as go

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
# A trace's ``meta`` saying that it may glide from one step's figure to the next
# (hill rings and tops: the same hill moved); a live chart moves it smoothly.
GLIDE = "glide"
FONT = dict(family="Source Sans Pro, Helvetica, Arial, sans-serif", size=15)


def plot_text(text: str) -> str:
    """Text from the student's data, made safe for Plotly (which renders some HTML)."""
    return html.escape(str(text), quote=False)


def rgba(hex_colour: str, alpha: float) -> str:
    """A ``#RRGGBB`` colour with transparency ``alpha`` as Plotly's ``rgba(...)``."""
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r}, {g}, {b}, {alpha:g})"


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
        self.images: list[dict] = []
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

    def add_image(self, image: dict) -> None:
        """Add a layout image (a background picture, :mod:`gmm_app.plotting.raster`)."""
        self.images.append(image)

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


AXIS_GRID = dict(gridcolor="#E4E7EB", zerolinecolor="#CBD2D9", linecolor="#CBD2D9")


# Plotly's toolbar (the modebar: download PNG, zoom, ...) shows in the top right
# corner while the mouse is over a chart. This strip along the top of a chart,
# in pixels, is kept free for it: a legend above the plot starts below it.
TOOLBAR_STRIP = 30
_TITLE_STRIP = 26  # a chart title's line at the top, above the legend


def _clear_of_the_toolbar(settings: dict[str, object]) -> None:
    """Keep a chart's title, a legend above its plot and tick labels along its top
    below the toolbar's strip.

    A legend above the plot is placed from the plot's top edge up, so a legend of
    two rows reached the chart's top and sat under the toolbar; a title sat in
    the same corner. Both are placed instead from the chart's top down
    (``yref="container"``), below the strip: the title first, then the legend,
    which pushes the plot down as far as it needs.
    """
    height = settings.get("height")
    if not isinstance(height, int | float) or height <= 0:
        return
    strip = float(TOOLBAR_STRIP)
    xaxis = settings.get("xaxis")
    if isinstance(xaxis, dict) and xaxis.get("side") == "top":  # labels on top
        margin = dict(settings.get("margin") or {})  # type: ignore[call-overload]
        margin["t"] = max(float(margin.get("t", 40)), strip + _TITLE_STRIP)
        settings["margin"] = margin
    title = settings.get("title")
    if isinstance(title, str):
        title = {"text": title}
    if isinstance(title, dict) and title.get("text"):
        subtitle = title.get("subtitle")
        tall = _TITLE_STRIP + (_TITLE_STRIP if isinstance(subtitle, dict) else 0)
        settings["title"] = {
            **title,
            "yref": "container",
            "yanchor": "top",
            "y": 1 - strip / height,
        }
        margin = dict(settings.get("margin") or {})  # type: ignore[call-overload]
        margin["t"] = max(float(margin.get("t", 40)), strip + tall)
        settings["margin"] = margin
        strip += tall
    legend = settings.get("legend")
    if not isinstance(legend, dict) or settings.get("showlegend") is False:
        return
    top = 1 - strip / height
    above_the_plot = (
        legend.get("orientation") == "h"
        and legend.get("yanchor") == "bottom"
        and float(legend.get("y", 0)) >= 1.0
        and legend.get("yref", "paper") == "paper"
    )
    at_the_top = (
        legend.get("yref") == "container"
        and legend.get("yanchor") == "top"
        and float(legend.get("y", 0)) > top
    )
    if at_the_top:  # the chart's own top margin held it: lower the plot as much
        margin = dict(settings.get("margin") or {})  # type: ignore[call-overload]
        shift = (float(legend.get("y", 0)) - top) * height
        margin["t"] = float(margin.get("t", 40)) + shift
        settings["margin"] = margin
    if above_the_plot or at_the_top:
        settings["legend"] = {**legend, "yref": "container", "yanchor": "top", "y": top}


def _layout(fig: FigureBuilder, kwargs: dict[str, object]) -> dict[str, object]:
    """Fogmap's layout for ``fig``, then ``kwargs``, kept clear of the toolbar."""
    settings: dict[str, object] = dict(
        font=FONT,
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin=dict(l=10, r=10, t=40, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0),
        xaxis={**AXIS_GRID, **fig.xaxis},
        yaxis={**AXIS_GRID, **fig.yaxis},
        shapes=fig.shapes,
        annotations=fig.annotations,
    )
    if fig.images:
        settings["images"] = fig.images
    settings.update(kwargs)
    _clear_of_the_toolbar(settings)
    return settings


def finish_figure(fig: FigureBuilder, **kwargs: object) -> go.Figure:
    """The figure from ``fig``'s traces with Fogmap's layout, then ``kwargs``.

    A legend above the plot is kept below the strip where Plotly's toolbar
    shows (:data:`TOOLBAR_STRIP`) when the figure has a ``height``.

    Parameters
    ----------
    fig : FigureBuilder
    **kwargs
        Layout settings over the defaults (``height``, ``margin``, ``legend``...).

    Returns
    -------
    go.Figure
    """
    return go.Figure(data=fig.data, layout=_layout(fig, kwargs), _validate=False)


def finish_spec(fig: FigureBuilder, **kwargs: object) -> dict:
    """The figure :func:`finish_figure` makes, as the plain dict a live chart sends.

    The same dict ``gmm_app.shell.live_chart.figure_spec(finish_figure(fig,
    **kwargs))`` gives (numpy arrays as Plotly's typed arrays), made without
    Plotly's graph objects: on a stepper click building a ``go.Figure`` and
    converting it back cost about as much as the map's own arithmetic.

    Parameters
    ----------
    fig : FigureBuilder
    **kwargs
        Layout settings over the defaults, as for :func:`finish_figure`.

    Returns
    -------
    dict
        ``{"data": [...], "layout": {...}}``; ``fig`` is not modified.
    """
    return {
        "data": typed_arrays(fig.data),
        "layout": typed_arrays(_layout(fig, kwargs)),
    }


# Plotly's own list of the keys whose arrays it leaves as they are
# (``_plotly_utils.utils.is_skipped_key``).
_KEPT_AS_IS = frozenset({"geojson", "layer", "layers", "range"})
_SHORT_TYPES = {
    "int8": "i1",
    "uint8": "u1",
    "int16": "i2",
    "uint16": "u2",
    "int32": "i4",
    "uint32": "u4",
    "float32": "f4",
    "float64": "f8",
}


def _typed_array(values: np.ndarray) -> object:
    """One numpy array as Plotly's typed array (``_plotly_utils.utils``'s rules)."""
    if values.size == 0:
        return values
    if values.dtype == np.int64 or values.dtype == np.uint64:
        low, high = values.min(), values.max()
        signed = values.dtype == np.int64
        for kind in (
            ("int8", "int16", "int32") if signed else ("uint8", "uint16", "uint32")
        ):
            info = np.iinfo(kind)
            if info.min <= low and high <= info.max:
                values = values.astype(kind)
                break
        else:
            return values
    name = _SHORT_TYPES.get(str(values.dtype))
    if name is None:
        return values
    spec: dict[str, object] = {
        "dtype": name,
        "bdata": base64.b64encode(np.ascontiguousarray(values)).decode("ascii"),
    }
    if values.ndim > 1:
        spec["shape"] = str(values.shape)[1:-1]
    return spec


def typed_arrays(value: object) -> object:
    """A copy of ``value``'s dicts, lists and tuples, numpy arrays as typed arrays.

    What Plotly's ``convert_to_base64`` does to a figure's dict, on a copy, and
    without a copy of every array first; a property set to None is left out, as
    Plotly leaves it out.

    Parameters
    ----------
    value : object
        A figure, a trace or a layout as plain dicts and lists.

    Returns
    -------
    object
    """
    if isinstance(value, dict):
        return {
            key: item
            if key in _KEPT_AS_IS
            else _typed_array(item)
            if isinstance(item, np.ndarray)
            else typed_arrays(item)
            for key, item in value.items()
            if item is not None  # as in Plotly: None leaves a property unset
        }
    if isinstance(value, list | tuple):
        return [typed_arrays(item) for item in value]
    return value


def unit_span(start: float, end: float) -> list[float]:
    """An axis domain inside [0, 1]: arithmetic can leave -1e-16, which Plotly
    refuses."""
    return [min(max(round(v, 9), 0.0), 1.0) for v in (start, end)]


# Sizes Plotly (and Streamlit's chart template) use where a figure sets none; a
# scaled figure writes them out so that they grow with everything else.
_DEFAULT_SIZES = {"font": 12.0, "tickfont": 12.0, "axis_title": 14.0, "title": 16.0}


def _times(holder: dict, name: str, factor: float, default: float | None) -> None:
    """Multiply ``holder[name]`` (a number or a list of numbers) by ``factor``."""
    value = holder.get(name, default)
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int | float):
        holder[name] = round(float(value) * factor, 3)
    elif isinstance(value, list | tuple) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in value
    ):
        holder[name] = [round(float(v) * factor, 3) for v in value]


def _font(holder: dict, name: str, factor: float, default: float | None) -> None:
    """Scale the font ``holder[name]``'s size (writing ``default`` scaled if unset)."""
    font = holder.get(name)
    if font is None and default is None:
        return
    font = dict(font) if isinstance(font, dict) else {}
    _times(font, "size", factor, default)
    holder[name] = font


def _scaled_axis(axis: dict, factor: float) -> dict:
    axis = dict(axis)
    _font(axis, "tickfont", factor, _DEFAULT_SIZES["tickfont"])
    title = axis.get("title")
    title = {"text": title} if isinstance(title, str) else dict(title or {})
    _font(title, "font", factor, _DEFAULT_SIZES["axis_title"])
    _times(title, "standoff", factor, None)
    axis["title"] = title
    for name in ("linewidth", "gridwidth", "zerolinewidth"):
        _times(axis, name, factor, None)
    return axis


def scaled_layout(layout: dict, factor: float) -> dict:
    """``layout`` with every font, line width, arrow and its height ``factor`` times
    larger.

    For a room: presenter mode draws every chart 1.4x (fonts, lines, markers),
    so the back row reads it. Sizes the layout leaves to Plotly's defaults are
    written out, scaled. Nothing else (data, ranges, colours) changes.

    Parameters
    ----------
    layout : dict
        A Plotly layout (or a template's layout) as a plain dict.
    factor : float
        1.0 returns an unchanged copy.

    Returns
    -------
    dict
        A new layout; ``layout`` is not modified.
    """
    layout = dict(layout)
    if factor == 1.0:
        return layout
    _font(layout, "font", factor, _DEFAULT_SIZES["font"])
    if isinstance(layout.get("margin"), dict):  # room for the larger labels
        margin = dict(layout["margin"])
        for side in ("l", "r", "t", "b"):
            _times(margin, side, factor, None)
        layout["margin"] = margin
    # A chart given a height grows with its margins and words, as the page's text
    # does (rem): otherwise the larger margins leave a smaller plot, and an axis
    # title longer than the plot is tall runs off it. A diagram with no axes
    # (meta "keep_height": the surveyor's loop) keeps its height, and the first
    # screen its room.
    height, meta = layout.get("height"), layout.get("meta")
    keep = isinstance(meta, dict) and meta.get("keep_height") is True
    if isinstance(height, int | float) and not isinstance(height, bool) and not keep:
        layout["height"] = round(height * factor)
    if isinstance(meta, dict):  # words fitted to a width need more
        layout["meta"] = dict(meta)
        _times(layout["meta"], "fit_width", factor, None)
    title = layout.get("title")
    if isinstance(title, str):
        title = {"text": title}
    if isinstance(title, dict):
        title = dict(title)
        _font(title, "font", factor, _DEFAULT_SIZES["title"])
        layout["title"] = title
    if isinstance(layout.get("legend"), dict):
        legend = dict(layout["legend"])
        _font(legend, "font", factor, None)
        layout["legend"] = legend
    if isinstance(layout.get("hoverlabel"), dict):
        hover = dict(layout["hoverlabel"])
        _font(hover, "font", factor, None)
        layout["hoverlabel"] = hover
    for name, value in list(layout.items()):
        if (name.startswith(("xaxis", "yaxis")) or name == "coloraxis") and isinstance(
            value, dict
        ):
            layout[name] = _scaled_axis(value, factor)
            if name == "coloraxis" and isinstance(value.get("colorbar"), dict):
                layout[name]["colorbar"] = _scaled_axis(value["colorbar"], factor)
    annotations = []
    for note in layout.get("annotations") or ():
        note = dict(note)
        _font(note, "font", factor, None)
        _times(note, "arrowwidth", factor, None)
        annotations.append(note)
    if annotations:
        layout["annotations"] = annotations
    shapes = []
    for shape in layout.get("shapes") or ():
        shape = dict(shape)
        if isinstance(shape.get("line"), dict):
            shape["line"] = dict(shape["line"])
            _times(shape["line"], "width", factor, None)
        shapes.append(shape)
    if shapes:
        layout["shapes"] = shapes
    return layout


def scaled_trace(trace: dict, factor: float) -> dict:
    """``trace`` with its markers, lines and text ``factor`` times larger.

    Parameters
    ----------
    trace : dict
        One Plotly trace as a plain dict.
    factor : float

    Returns
    -------
    dict
        A new trace; ``trace`` is not modified.
    """
    trace = dict(trace)
    if factor == 1.0:
        return trace
    default_size = (
        6.0 if str(trace.get("type", "scatter")).startswith("scatter") else None
    )
    if isinstance(trace.get("marker"), dict) or default_size is not None:
        mark = dict(trace.get("marker") or {})
        _times(mark, "size", factor, default_size)
        if isinstance(mark.get("line"), dict):
            mark["line"] = dict(mark["line"])
            _times(mark["line"], "width", factor, None)
        if isinstance(mark.get("colorbar"), dict):
            mark["colorbar"] = _scaled_axis(mark["colorbar"], factor)
        trace["marker"] = mark
    if isinstance(trace.get("line"), dict):
        trace["line"] = dict(trace["line"])
        _times(trace["line"], "width", factor, 2.0)
    _font(trace, "textfont", factor, None)
    if isinstance(trace.get("colorbar"), dict):
        trace["colorbar"] = _scaled_axis(trace["colorbar"], factor)
    return trace


def scaled_figure(figure: dict, factor: float) -> dict:
    """A figure (``{"data": [...], "layout": {...}}``) drawn ``factor`` times larger.

    See :func:`scaled_layout` and :func:`scaled_trace`.

    Parameters
    ----------
    figure : dict
        A figure as plain dicts (``go.Figure.to_plotly_json()``).
    factor : float

    Returns
    -------
    dict
        A new figure dict.
    """
    return {
        **figure,
        "data": [scaled_trace(t, factor) for t in figure.get("data") or ()],
        "layout": scaled_layout(figure.get("layout") or {}, factor),
    }
