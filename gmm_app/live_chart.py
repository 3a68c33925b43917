"""A Plotly chart that is updated in place from one rerun to the next.

``st.plotly_chart`` in Streamlit 1.67 gives every chart an element id hashed from
its figure, so each new figure makes the browser throw the old chart away and
build a new one (``Plotly.newPlot`` and a new WebGL context). On the EM stepper's
map, which changes on every click, that rebuild was most of a click's time. This
custom component (Streamlit's components API, version 1) keeps one Plotly chart
on the page, keyed by ``key``, and hands every new figure to ``Plotly.react``,
which updates the chart in place and keeps the student's zoom (the figures carry
a fixed ``uirevision``).

Its frontend is one HTML file (``frontend/live_chart.html``) and the plotly.js
that the ``plotly`` package ships (``plotly.offline.get_plotlyjs``); both are put
in a temporary folder that Streamlit serves, once per process.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
import zlib
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import streamlit as st
import streamlit.components.v1 as components
from plotly.offline import get_plotlyjs

FRONTEND = Path(__file__).parent / "frontend" / "live_chart.html"
_SEEN = "fog.live_chart_seen."


@functools.cache
def _component() -> Any:
    """Declare the component once per process, serving it from a temp folder."""
    folder = Path(tempfile.mkdtemp(prefix="fogmap-live-chart-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    shutil.copyfile(FRONTEND, folder / "index.html")
    (folder / "plotly.min.js").write_text(get_plotlyjs(), encoding="utf-8")
    return components.declare_component("live_chart", path=str(folder))


def live_chart(
    fig: go.Figure,
    *,
    key: str,
    clickable: bool = False,
    config: dict[str, object] | None = None,
) -> int | None:
    """Draw ``fig`` in place of this key's previous figure.

    Parameters
    ----------
    fig : go.Figure
        The figure; its ``layout.height`` sets the chart's height.
    key : str
        The chart's identity: the same key on the next rerun updates the same
        chart (reachable in the browser as ``.st-key-<key>``).
    clickable : bool
        Report clicks on points whose ``customdata`` starts with a row number.
    config : dict, optional
        Plotly's config (e.g. ``{"staticPlot": True}``).

    Returns
    -------
    int or None
        The row number of a point the student just clicked, on the rerun that
        click caused; None otherwise.
    """
    figure = fig.to_json()
    value = _component()(
        figure=figure,
        clickable=clickable,
        # Shown as the chart's data-revision once drawn: tests and benches wait on it.
        revision=zlib.crc32(figure.encode()),
        config={"displaylogo": False, **(config or {})},
        key=key,
        default=None,
    )
    if not isinstance(value, dict) or "row" not in value:
        return None
    seen = _SEEN + key
    if st.session_state.get(seen) == value.get("click"):
        return None  # an old click, still the component's value
    st.session_state[seen] = value.get("click")
    return int(value["row"])
