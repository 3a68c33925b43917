"""A page's first screen first: the rest of the page follows its first chart.

On a page's first run in a session the browser has everything to do at once:
Streamlit shows every lazily loaded element of the page together (buttons,
sliders, tables, charts), and only then does plotly.js run and draw the chart
the student looks at. What lies below the first screen (the sections, their
switches and words) costs the main thread before the first chart, and nobody
sees it yet: on the EM stepper, dropping it all made the warm first chart 0.17x
of the floor faster (docs/performance.md, fifth round).

So a page sends its first screen alone on its first run. A small component at the
page's end (``st.components.v2``, no iframe) watches the page; once a chart is
drawn (or once the page has no chart to wait for, or after
:data:`FALLBACK_MS`), it asks for the next run, and from that run on the page is
whole. Any other rerun before that (a click, a fragment's own) draws the whole
page too: the first run is the only one cut short.

AppTest has no browser to report back (and sends no request headers): it always
gets the whole page.
"""

from __future__ import annotations

import functools
from typing import Any

import streamlit as st
import streamlit.components.v2 as components_v2

_SHOWN = "fog.first_screen."
# The component's widget key: ``.st-key-fog_first_screen`` in the page (benches
# wait for it to go).
KEY = "fog_first_screen"
# At most this long after the component is shown, the rest is asked for even if
# no chart has drawn (a chart that failed, a tab in the background).
FALLBACK_MS = 4000

# Drawn: a Plotly chart (Streamlit's, or a live chart once it has drawn) with its
# layout and SVG in place. No chart element at all once Streamlit has shown the
# page's elements (this one among them): nothing to wait for.
_JS = """
const CHART = '.js-plotly-plot, [data-testid="stPlotlyChart"], .fogmap-live-chart';
const drawn = () => [...document.querySelectorAll(".js-plotly-plot")].some(
  (gd) => gd._fullLayout && gd.querySelector(".main-svg"));
export default function ({ setTriggerValue }) {
  let frame = null;
  let timer = null;
  let asked = false;
  const ask = () => {
    if (asked) return;
    asked = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    document.documentElement.dataset.fogmapRest = "asked";
    window.__fogmapRestAsked = performance.now(); // benches read when
    setTriggerValue("drawn", true);
  };
  const watch = () => {
    if (drawn()) ask();
    else frame = requestAnimationFrame(watch);
  };
  if (!document.querySelector(CHART)) ask();
  else {
    frame = requestAnimationFrame(watch);
    timer = setTimeout(ask, %(fallback)d);
  }
  return () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
}
"""


@functools.cache
def _component() -> Any:
    """The watching component (``st.components.v2``), registered once."""
    return components_v2.component(
        "fogmap.first_screen", js=_JS % {"fallback": FALLBACK_MS}
    )


def _asked() -> None:
    """Streamlit reports a trigger value only to a component given a callback; the
    rerun it causes is all that is wanted (the page is already marked)."""


def whole_page(page: str) -> bool:
    """Whether this run draws the page below its first screen.

    Parameters
    ----------
    page : str
        The page's name (``"em_stepper"``); each page's first run is cut short
        once per session, also when the student comes to it from another page.

    Returns
    -------
    bool
        False on the page's first run in a browser's session (only the first
        screen is sent); True on every later run, and always under AppTest.
    """
    if not _browser():
        return True
    return bool(st.session_state.get(_SHOWN + page))


def _browser() -> bool:
    """Whether a browser is on the other end, to report its first chart drawn.

    AppTest runs no JavaScript and sends no request headers; a browser's session
    always has them (its websocket's request).
    """
    return bool(st.context.headers)


def rest_follows(page: str) -> None:
    """At the page's end: after a first run, have the browser ask for the rest.

    Draws the watching component (empty, at the end of the page) on the run that
    :func:`whole_page` cut short, and marks the page so that the next run, whatever
    causes it, draws it whole. Call it outside any fragment: the run the component
    asks for must be the whole page's.

    Parameters
    ----------
    page : str
        The name given to :func:`whole_page`.
    """
    if whole_page(page):
        return
    st.session_state[_SHOWN + page] = True
    _component()(key=KEY, on_drawn_change=_asked)
