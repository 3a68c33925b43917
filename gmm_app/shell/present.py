"""Presenter mode, for a projector at the back of a room (Streamlit).

``?present=1`` in the URL, or the sidebar's toggle (key ``present``), which
follows the instructor from page to page: text 1.4x larger, every chart's fonts,
lines and markers 1.4x larger (:func:`chart_scale`), the sidebar collapsed when
the mode is switched on, and a lesson's settings folded away
(:func:`presenting`), so that the chart and its controls fill the first screen.

Also here, for every chart: the name its PNG download gets
(:func:`chart_config`), after the page and the chart ("fogmap-em-stepper-em_map").
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from gmm_app.plotting.builder import scaled_figure
from gmm_app.shell import state
from gmm_app.shell.navigation import ALL_PAGES, ROOT

PRESENT = "present"
SCALE = 1.4
_SWITCHED_ON = "fog.present_switched_on"
# Text 1.4x: Streamlit sizes its text (and spacing) in rem, so a larger root font
# scales the page as a whole. Streamlit's header bar stays as it is.
_CSS = """
<style>
html { font-size: 140% !important; }
.stMainBlockContainer {
  padding-top: 4.25rem !important;
  padding-left: 2.5rem !important;
  padding-right: 2.5rem !important;
}
.stMainBlockContainer h1 { font-size: 2rem !important; padding-top: 0.5rem !important; }
</style>
"""


def presenting() -> bool:
    """True in presenter mode (on this page or switched on on another)."""
    return bool(state.remembered(PRESENT, False))


def chart_scale() -> float:
    """How much larger charts draw their fonts, lines and markers (1.0 or 1.4)."""
    return SCALE if presenting() else 1.0


def _switched_on() -> None:
    st.session_state[_SWITCHED_ON] = True


def presenter_toggle() -> bool:
    """The sidebar's presenter-mode switch, applied to the page; True when on.

    Call once per page, inside the sidebar. Reads ``?present=1`` once per
    session, writes the URL back, enlarges text through CSS and, on the run the
    mode is switched on, collapses the sidebar.

    Returns
    -------
    bool
        Presenter mode is on.
    """
    first = state.read_url_once(PRESENT, {PRESENT: state.switch_param})
    on = state.shared_widget(
        st.toggle,
        "Presenter mode",
        value=False,
        key=PRESENT,
        on_change=_switched_on,
        help="For a projector: larger text and charts, settings folded away, "
        "the sidebar tucked in. Or add ?present=1 to the link.",
    )
    state.write_url({PRESENT: 1} if on else {}, owned=(PRESENT,))
    if on:
        st.html(_CSS)
        if first or st.session_state.pop(_SWITCHED_ON, False):
            st.set_page_config(initial_sidebar_state="collapsed")
    return bool(on)


def page_name() -> str:
    """The page being run, as a file name: "home", "em-stepper", ..."""
    ctx = get_script_run_ctx()
    script = None
    if ctx is not None:
        pages = ctx.pages_manager.get_pages()
        page = pages.get(ctx.pages_manager.current_page_script_hash) or {}
        script = page.get("script_path") or ctx.main_script_path
    return _name_for(str(script)) if script else "page"


@functools.lru_cache(maxsize=32)
def _name_for(script: str) -> str:
    """A page script's file name for downloads (resolving paths costs system calls
    on every chart of every click, so once per script and process)."""
    here = Path(script).resolve()
    for info in ALL_PAGES:
        if (ROOT / info.path).resolve() == here:
            return re.sub(r"[^a-z0-9]+", "-", info.title.lower()).strip("-")
    return re.sub(r"[^a-z0-9]+", "-", here.stem.lower()).strip("-")


def chart_config(key: str, config: dict[str, Any] | None = None) -> dict[str, Any]:
    """Plotly's config for the chart ``key``: its PNG is named after page and chart.

    Parameters
    ----------
    key : str
        The chart's key.
    config : dict, optional
        More of Plotly's config, kept.

    Returns
    -------
    dict
        ``config`` with ``toImageButtonOptions`` naming the download
        ``fogmap-<page>-<key>`` (twice the pixels in presenter mode).
    """
    config = dict(config or {})
    options = dict(config.get("toImageButtonOptions") or {})
    options.setdefault("filename", f"fogmap-{page_name()}-{key}")
    if presenting():
        options.setdefault("scale", 2)
    config["toImageButtonOptions"] = options
    return config


def presented(fig: go.Figure) -> go.Figure:
    """``fig`` as presenter mode draws it (:func:`chart_scale` larger), else ``fig``.

    Parameters
    ----------
    fig : go.Figure

    Returns
    -------
    go.Figure
    """
    factor = chart_scale()
    if factor == 1.0:
        return fig
    spec = scaled_figure(fig.to_plotly_json(), factor)
    return go.Figure(data=spec["data"], layout=spec["layout"], _validate=False)


def plotly_chart(fig: go.Figure, *, key: str, **kwargs: Any) -> Any:
    """``st.plotly_chart`` with presenter mode's sizes and a named PNG download.

    Parameters
    ----------
    fig : go.Figure
    key : str
        The chart's key (names its PNG).
    **kwargs
        Passed to ``st.plotly_chart`` (``config`` is kept, with the file name).

    Returns
    -------
    What ``st.plotly_chart`` returns.
    """
    config = chart_config(key, kwargs.pop("config", None))
    return st.plotly_chart(presented(fig), key=key, config=config, **kwargs)
