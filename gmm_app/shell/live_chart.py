"""A Plotly chart that is updated in place from one rerun to the next.

``st.plotly_chart`` in Streamlit 1.67 gives every chart an element id hashed from
its figure, so each new figure makes the browser throw the old chart away and
build a new one (``Plotly.newPlot`` and a new WebGL context). On the EM stepper's
map, which changes on every click, that rebuild was most of a click's time. This
custom component keeps one Plotly chart on the page, keyed by ``key``, and hands
every new figure to ``Plotly.react``, which updates the chart in place and keeps
the student's zoom (the figures carry a fixed ``uirevision``).

It is a custom component of Streamlit's version 2 (``st.components.v2``): no
iframe, its JavaScript runs in the page, so one plotly.js (4.7 MB) serves every
live chart of a browser tab, and all of them draw as soon as it has run (as a
component of version 1, each chart was an iframe that ran plotly.js again in its
own realm, one after the other on the page's main thread).
Its frontend, ``frontend/live_chart.js``, and the plotly.js that the ``plotly``
package ships (``plotly.offline.get_plotlyjs``) are put in a temporary folder once
per process; Streamlit serves that folder as a version-1 component's files
(``/component/<name>/``, under ``server.baseUrlPath`` too). Version 2 itself serves
files only from an installed package's ``asset_dir``, and sends inline JavaScript
inside every element's message, so what it is given inline is only a few lines
that import ``live_chart.js`` from that folder, once per tab; that module imports
Streamlit's own plotly.js (``streamlit_plotly_module``: cached by the browser from
one visit to the next), or adds the shipped one to the page as one ``<script>``.
"""

from __future__ import annotations

import atexit
import functools
import json
import math
import shutil
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, overload

import plotly
import plotly.graph_objects as go
import streamlit as st
import streamlit.components.v1 as components
import streamlit.components.v2 as components_v2
from _plotly_utils.utils import convert_to_base64
from plotly.io.json import to_json_plotly
from plotly.offline import get_plotlyjs, get_plotlyjs_version

from gmm_app.plotting.builder import scaled_figure, scaled_layout
from gmm_app.plotting.events import as_int, customdata_rows
from gmm_app.shell.present import chart_config, chart_scale

FRONTEND = Path(__file__).parent / "frontend" / "live_chart.js"
# Fogmap's own plotly.js (tools/plotly_bundle): the core and the trace types the
# live charts draw, a quarter of the full one's time to evaluate. Beside
# live_chart.js, which draws with it every figure it can.
BUNDLE = FRONTEND.with_name("plotly-fogmap.min.js")
# Plotly's config for every live chart: the toolbar shows while the mouse is over
# the chart (its figures keep the toolbar's corner free of the legend, see
# gmm_app.plotting.builder.finish_figure) and keeps its download-PNG button.
CHART_CONFIG: dict[str, object] = {
    "displaylogo": False,
    "modeBarButtonsToRemove": [
        "select2d",
        "lasso2d",
    ],  # a live chart reports no selection
}
_SEEN = "fog.live_chart_seen."
# How long the hills glide from one figure to the next (none when the browser
# asks for reduced motion: the frontend checks prefers-reduced-motion).
GLIDE_MS = 300

# The look Streamlit 1.67 gives its own Plotly charts under Fogmap's light theme
# (.streamlit/config.toml): the template st.plotly_chart's frontend builds, as read
# from a chart drawn in Chromium. A live chart uses it so that it looks like the
# charts around it; tests/browser checks it still matches a real st.plotly_chart.
_MUTED, _LINE, _FONT = "#808495", "#e6eaf1", '"Source Sans", sans-serif'
_SEQUENTIAL = [
    "#e4f5ff", "#c7ebff", "#a6dcff", "#83c9ff", "#60b4ff",
    "#3d9df3", "#1c83e1", "#0068c9", "#0054a3", "#004280",
]  # fmt: skip
_DIVERGING = [
    "#7d353b", "#bd4043", "#ff4b4b", "#ff8c8c", "#ffc7c7",
    "#a6dcff", "#60b4ff", "#1c83e1", "#0054a3", "#004280",
]  # fmt: skip


def _scale(colors: list[str]) -> list[list[object]]:
    return [[i / (len(colors) - 1), c] for i, c in enumerate(colors)]


STREAMLIT_LOOK: dict[str, object] = {
    "data": {"scatter": [{"marker": {"line": {"width": 0}}, "type": "scatter"}]},
    "layout": {
        "colorway": [
            "#0068c9",
            "#83c9ff",
            "#ff2b2b",
            "#ffabab",
            "#29b09d",
            "#7defa1",
            "#ff8700",
            "#ffd16a",
            "#6d3fc0",
            "#d5dae5",
        ],
        "colorscale": {
            "sequential": _scale(_SEQUENTIAL),
            "sequentialminus": _scale(_SEQUENTIAL),
            "diverging": _scale(_DIVERGING),
        },
        "coloraxis": {
            "colorscale": _scale(_SEQUENTIAL),
            "colorbar": {
                "thickness": 16,
                "xpad": 24,
                "ticklabelposition": "outside",
                "outlinecolor": "transparent",
                "outlinewidth": 8,
                "len": 0.75,
                "y": 0.5745,
                "title": {"font": {"color": _MUTED, "size": 14}},
                "tickfont": {"color": _MUTED, "size": 12},
            },
        },
        "font": {"color": _MUTED, "family": _FONT, "size": 12, "weight": 400},
        "title": {
            "font": {"family": _FONT, "size": 16, "color": "#1F2933"},
            "pad": {"l": 4},
            "xanchor": "left",
            "x": 0,
        },
        "legend": {
            "title": {"font": {"size": 12, "color": _MUTED}, "side": "top"},
            "valign": "top",
            "bordercolor": "transparent",
            "borderwidth": 0,
            "font": {"size": 12, "color": "#262730"},
        },
        "paper_bgcolor": "#FFFFFF",
        "plot_bgcolor": "#FFFFFF",
        "xaxis": {
            "zerolinecolor": _LINE,
            "gridcolor": _LINE,
            "showgrid": False,
            "tickfont": {"color": _MUTED, "size": 12},
            "tickcolor": _LINE,
            "title": {"font": {"color": _MUTED, "size": 14}, "standoff": 20},
            "minor": {"gridcolor": _LINE},
            "zeroline": False,
            "automargin": True,
        },
        "yaxis": {
            "ticklabelposition": "outside",
            "zerolinecolor": _LINE,
            "title": {"font": {"color": _MUTED, "size": 14}, "standoff": 24},
            "tickcolor": _LINE,
            "tickfont": {"color": _MUTED, "size": 12},
            "gridcolor": _LINE,
            "minor": {"gridcolor": _LINE},
            "automargin": True,
        },
        "margin": {"pad": 8, "r": 0, "l": 0},
        "hoverlabel": {
            "bgcolor": "#FFFFFF",
            "bordercolor": "rgba(31, 41, 51, 0.2)",
            "font": {"color": _MUTED, "family": _FONT, "size": 12},
        },
    },
}


def _look_layout() -> dict:
    layout = STREAMLIT_LOOK["layout"]
    assert isinstance(layout, dict)
    return layout


# The inline part of the component: sent with every live chart's element, so it only
# imports the real frontend (live_chart.js, served beside the plotly.js files), once
# per tab: Streamlit evaluates this module once, and every chart's mount waits on
# `ready`. Fogmap's plotly.js bundle is asked for at the same time, not once
# live_chart.js has arrived (live_chart.js imports the same address, so the browser
# fetches and runs it once). The full plotly.js is loaded only for a figure that
# needs it.
_LOADER = """const ready = import(new URL("%(frontend)s", document.baseURI).href);
import(new URL("%(bundle)s", document.baseURI).href).catch(() => null);
export default function (component) {
  return ready.then((chart) => chart.mount(component));
}
"""


@functools.cache
def _assets() -> tuple[str, str]:
    """Serve the frontend and plotly.js from a temp folder; the URLs of the frontend
    and of Fogmap's plotly.js bundle, page-relative.

    Declared once per process as a version-1 component that is never drawn: its
    folder is what Streamlit serves at ``component/<its name>/``. The URL is
    relative, resolved against the page's own address in the browser, as
    Streamlit's own ``index.html`` loads ``./static/``: it holds under
    ``server.baseUrlPath`` and behind a proxy that adds a path.
    """
    folder = Path(tempfile.mkdtemp(prefix="fogmap-live-chart-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    script = FRONTEND.read_bytes()
    (folder / FRONTEND.name).write_bytes(script)
    bundle = BUNDLE.read_bytes()
    (folder / BUNDLE.name).write_bytes(bundle)
    (folder / "plotly.min.js").write_text(get_plotlyjs(), encoding="utf-8")
    served = components.declare_component("live_chart", path=str(folder))
    base = served.url or f"component/{served.name}/"  # url: customComponentBaseUrlPath
    # The versions in the addresses (live_chart.js passes them on to the plotly.js
    # files): a browser never runs an older frontend or plotly.js from its cache;
    # and the frontend knows which plotly.js it ships (it may use Streamlit's own).
    version = f"{zlib.crc32(script + bundle):08x}-{plotly.__version__}"
    query = f"v={version}&plotly={get_plotlyjs_version()}"
    streamlit_plotly = streamlit_plotly_module()
    if streamlit_plotly is not None:
        query += f"&streamlit={streamlit_plotly}"

    def address(name: str) -> str:
        return f"{base.rstrip('/')}/{name}?{query}"

    return address(FRONTEND.name), address(BUNDLE.name)


@functools.cache
def streamlit_plotly_module() -> str | None:
    """Streamlit's own plotly.js module, as a page-relative URL, if it can be found.

    The installed Streamlit's frontend imports plotly.js, for ``st.plotly_chart``,
    as one of its static files (``static/js/PlotlyChart.<hash>.js``), which puts
    its Plotly in the page as ``window.Plotly``. Streamlit serves its static
    files with a long cache lifetime (the hash is in the name), so a browser
    keeps it, compiled, from one visit to the next; a component's files come
    with no lifetime, and the plotly.min.js served beside ``live_chart.js`` was
    fetched and compiled again on every visit. The frontend imports this module
    instead, and falls back to the shipped plotly.js if it fails or its Plotly
    is of another major version.

    Returns
    -------
    str or None
        ``static/js/<file>``, relative to the page as Streamlit's ``index.html``
        loads its own files; None if there is not exactly one such file that
        sets ``window.Plotly`` (another Streamlit's layout).
    """
    folder = Path(st.__file__).parent / "static" / "static" / "js"
    found = [
        path
        for path in folder.glob("PlotlyChart.*.js")
        if b"window.Plotly=" in path.read_bytes()
    ]
    return f"static/js/{found[0].name}" if len(found) == 1 else None


@functools.cache
def _component() -> Any:
    """The live chart's component (``st.components.v2``), registered once."""
    frontend, bundle = _assets()
    return components_v2.component(
        "fogmap.live_chart",
        # The chart's element, there before the JavaScript has run (tests and
        # benches find every live chart on a page by it).
        html='<div class="fogmap-live-chart"></div>',
        js=_LOADER % {"frontend": frontend, "bundle": bundle},
        # Plotly adds its own style rules to the page's <head>: a shadow root would
        # keep them from the chart (its toolbar, its hover labels).
        isolate_styles=False,
    )


def _clicked(key: str, on_click: Callable[[dict], None] | None) -> None:
    """The chart ``key`` was clicked: hand ``on_click`` the click's value. A
    callback, so it runs before the rerun's script, as a button's does, and what
    the page draws above the chart can follow the click. (Streamlit reports a
    trigger value only to a component given a callback for it: every live chart
    gets this one, with or without ``on_click``; the click is also read from the
    component's result.)"""
    state = st.session_state.get(key)
    value = state.get("click") if isinstance(state, dict) else None
    if on_click is not None and isinstance(value, dict):
        on_click(value)


def _ticked(key: str, on_tick: Callable[[str], None] | None) -> None:
    """The chart ``key`` asks for the next figure (its clock, ``clock_ms``): hand
    ``on_tick`` the tag of the figure it shows. A callback, so it runs before the
    rerun's script, as a button's does."""
    state = st.session_state.get(key)
    value = state.get("tick") if isinstance(state, dict) else None
    if on_tick is not None and isinstance(value, dict):
        shown = value.get("shown")
        if isinstance(shown, str):
            on_tick(shown)


@dataclass(frozen=True)
class ChartClick:
    """Where a student clicked on a live chart drawn with ``anywhere=True``.

    Attributes
    ----------
    x, y : float or None
        The click on the chart's axes, in the axes' units (None when only the
        point is known).
    row : int or None
        The row number of the point under the click, if it was on a point.
    """

    x: float | None
    y: float | None
    row: int | None


def _containers(value: object) -> object:
    """A copy of the nested dicts, lists and tuples of ``value``; leaves shared."""
    if isinstance(value, dict):
        return {name: _containers(item) for name, item in value.items()}
    if isinstance(value, list):
        return [_containers(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_containers(item) for item in value)
    return value


def figure_spec(fig: go.Figure) -> dict:
    """``fig`` as the plain dict ``fig.to_plotly_json()`` gives, made faster.

    Plotly's ``to_dict`` deep-copies every trace, arrays included, before it
    turns the arrays into typed arrays (``convert_to_base64``); on the EM stepper
    that copy was a third of a step's server time. This copies only the dicts,
    lists and tuples, then runs Plotly's own conversion on the copy, so the
    figure's arrays are read, never copied or changed. The JSON is the same
    (tests/app/test_stepper_live_chart.py compares them).

    Parameters
    ----------
    fig : go.Figure

    Returns
    -------
    dict
        ``{"data": [...], "layout": {...}}`` (and ``"frames"`` when it has any).
    """
    if fig._frame_objs:  # no live chart has frames; Plotly's own path keeps them
        return fig.to_plotly_json()
    spec = {"data": _containers(fig._data), "layout": _containers(fig._layout)}
    convert_to_base64(spec)  # Plotly's own step: arrays become typed arrays
    return spec


def _draw(
    fig: go.Figure | dict,
    key: str,
    clickable: bool,
    anywhere: bool,
    config: dict[str, object] | None,
    tag: str | None = None,
    after: tuple[str, ...] = (),
    glide_ms: int = GLIDE_MS,
    clock_ms: int = 0,
    on_tick: Callable[[str], None] | None = None,
    on_click: Callable[[dict], None] | None = None,
) -> dict | None:
    """Send ``fig`` to the chart ``key``; a new click's value, else None."""
    spec = dict(figure_spec(fig) if isinstance(fig, go.Figure) else fig)
    # The template is replaced by STREAMLIT_LOOK in the frame.
    spec["layout"] = {k: v for k, v in spec["layout"].items() if k != "template"}
    scale = chart_scale()  # presenter mode: 1.4x fonts, lines and markers
    template = STREAMLIT_LOOK
    if scale != 1.0:
        spec = scaled_figure(spec, scale)
        template = {**STREAMLIT_LOOK, "layout": scaled_layout(_look_layout(), scale)}
    figure = to_json_plotly(spec)
    args = {
        "key": key,
        "height": spec["layout"].get("height"),
        "template": template,
        "clickable": clickable,
        "anywhere": anywhere,
        # Shown as the chart's data-revision once drawn: tests and benches wait on it.
        "revision": zlib.crc32(figure.encode()),
        "config": chart_config(key, {**CHART_CONFIG, **(config or {})}),
        "glide_ms": glide_ms,
        "clock_ms": clock_ms if on_tick is not None else 0,
        "tag": tag,
        "after": list(after),
        # Its trace types: Fogmap's own plotly.js draws it if it has them all.
        "traces": sorted({trace.get("type", "scatter") for trace in spec["data"]}),
    }
    # Sent as bytes: the arguments' JSON, a newline, the figure's JSON. As a dict,
    # Streamlit would escape the figure's JSON into a JSON string and, for the
    # element's identity, dump it again sorted and hash that (about 4 ms for the
    # map on 2,000 points); bytes are only hashed.
    data = json.dumps(args).encode() + b"\n" + figure.encode()
    # The click is a trigger value: it is there on the rerun the click caused only.
    value = _component()(
        key=key,
        data=data,
        on_click_change=functools.partial(_clicked, key, on_click),
        on_tick_change=functools.partial(_ticked, key, on_tick),
    ).click
    if not isinstance(value, dict):
        return None
    seen = _SEEN + key
    stamp = value.get("click", repr(value))  # the frontend stamps every click
    # A trigger value lasts one rerun, so a click is normally seen once; the stamp
    # makes sure of it should Streamlit ever hand the same click to two reruns
    # (a fragment's and the whole page's): it is applied once, never twice.
    if st.session_state.get(seen) == stamp:
        return None  # a click already applied
    st.session_state[seen] = stamp
    return value


@overload
def live_chart(
    fig: go.Figure | dict,
    *,
    key: str,
    clickable: bool = False,
    anywhere: Literal[False] = False,
    config: dict[str, object] | None = None,
    tag: str | None = None,
    after: tuple[str, ...] = (),
    glide_ms: int = GLIDE_MS,
    clock_ms: int = 0,
    on_tick: Callable[[str], None] | None = None,
    on_click: Callable[[dict], None] | None = None,
) -> int | None: ...


@overload
def live_chart(
    fig: go.Figure | dict,
    *,
    key: str,
    clickable: bool = False,
    anywhere: Literal[True],
    config: dict[str, object] | None = None,
    tag: str | None = None,
    after: tuple[str, ...] = (),
    glide_ms: int = GLIDE_MS,
    clock_ms: int = 0,
    on_tick: Callable[[str], None] | None = None,
    on_click: Callable[[dict], None] | None = None,
) -> ChartClick | None: ...


def live_chart(
    fig: go.Figure | dict,
    *,
    key: str,
    clickable: bool = False,
    anywhere: bool = False,
    config: dict[str, object] | None = None,
    tag: str | None = None,
    after: tuple[str, ...] = (),
    glide_ms: int = GLIDE_MS,
    clock_ms: int = 0,
    on_tick: Callable[[str], None] | None = None,
    on_click: Callable[[dict], None] | None = None,
) -> int | ChartClick | None:
    """Draw ``fig`` in place of this key's previous figure.

    Parameters
    ----------
    fig : go.Figure or dict
        The figure, or the plain dict :func:`figure_spec` makes of one (a figure
        cached as a dict is not rebuilt); its ``layout.height`` sets the chart's
        height.
    key : str
        The chart's identity: the same key on the next rerun updates the same
        chart (reachable in the browser as ``.st-key-<key>``).
    clickable : bool
        Report clicks on points whose ``customdata`` starts with a row number.
    anywhere : bool
        Report a click anywhere on the plot, empty space included (Plotly's
        ``clickanywhere``), as a :class:`ChartClick`.
    config : dict, optional
        Plotly's config (e.g. ``{"staticPlot": True}``), over :data:`CHART_CONFIG`.
    tag : str, optional
        What the figure shows (the stepper's map: its half-step); the chart
        shows it as ``data-tag`` once drawn, beside ``data-revision``.
    after : tuple of str
        Keys of live charts that should paint first (the chart a student looks
        at first): on a fresh page this chart draws its first figure only once
        one of them has drawn (at most 4 s later; at once if none is on the
        page). plotly.js itself is loaded once per tab, by whichever chart comes
        first; what waits is this chart's first draw (0.1-0.3 s of the page's
        main thread each), so the map is on screen before the side charts.
    glide_ms : int
        How long the hills glide to their new places (0: they jump).
    clock_ms : int
        With ``on_tick``: a clock that waits for the drawn figure (the EM
        stepper's Play). Once the figure tagged ``tag`` is drawn, the chart asks
        for the next one ``clock_ms`` after it last asked, or at once if drawing
        took longer: never two figures at once, so none is skipped. 0: no clock.
    on_tick : callable, optional
        Called with the tag the chart shows when it asks (a callback: before the
        rerun's script, which then draws the next figure); it may be called again
        with the same tag when an ask was lost, so it should step on only from
        the figure it last sent.
    on_click : callable, optional
        With ``clickable``: called with a click's value (a callback: before the
        rerun's script, so what the page draws above the chart can follow the
        click in the same run): ``{"row": ..., "customdata": [...], "click":
        <stamp>}``, ``customdata`` being the whole row of the point clicked.

    Returns
    -------
    int, ChartClick or None
        On the rerun a click caused: the row number of the point clicked, or
        with ``anywhere`` where the click fell (and the point, if on one).
        None otherwise.
    """
    value = _draw(
        fig,
        key,
        clickable or anywhere,
        anywhere,
        config,
        tag,
        after,
        glide_ms,
        clock_ms,
        on_tick,
        on_click,
    )
    if value is None:
        return None
    row = as_int(value.get("row"))
    if not anywhere:
        return row
    if row is None:  # a point chosen as st.plotly_chart reports a selection
        rows = customdata_rows(value)
        row = as_int(rows[0][0]) if rows else None
    try:
        x, y = float(value["x"]), float(value["y"])
    except (KeyError, TypeError, ValueError):
        x = y = math.nan
    if not (math.isfinite(x) and math.isfinite(y)):
        return None if row is None else ChartClick(None, None, row)
    return ChartClick(x, y, row)
