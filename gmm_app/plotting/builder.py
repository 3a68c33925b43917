"""The figure builder every chart uses: plain-dict traces, one layout, the palette.

Colours are the Okabe-Ito palette (safe for colour-blind readers) and every
component also has its own marker shape, so hills can be told apart without colour.
"""

from __future__ import annotations

import html

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
    settings.update(kwargs)
    _clear_of_the_toolbar(settings)
    return go.Figure(data=fig.data, layout=settings, _validate=False)


def unit_span(start: float, end: float) -> list[float]:
    """An axis domain inside [0, 1]: arithmetic can leave -1e-16, which Plotly
    refuses."""
    return [min(max(round(v, 9), 0.0), 1.0) for v in (start, end)]
