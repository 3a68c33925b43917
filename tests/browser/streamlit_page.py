"""Waiting on Streamlit's own signals in the browser (no sleeps)."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from gmm_app.shell import first_screen

APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
# The first screen's watcher (gmm_app.shell.first_screen): on the page until the
# rest of a page sent first screen first has been asked for and drawn.
FIRST_SCREEN = f".st-key-{first_screen.KEY}"
_SETTLED = f"""() => {{
    const app = document.querySelector('[data-testid="stApp"]');
    return app !== null
        && app.getAttribute('data-test-script-state') === 'notRunning'
        && document.querySelector(
            '[data-testid="stMain"] [data-testid="stElementContainer"]') !== null
        && document.querySelectorAll('[data-testid="stSkeleton"]').length === 0
        && document.querySelectorAll('[data-stale="true"]').length === 0
        && document.querySelector('{FIRST_SCREEN}') === null;
}}"""
# Deep links make Streamlit's frontend probe for its base path first; these 404s
# are part of that probe, not errors of the app.
_PROBES = ("/_stcore/health", "/_stcore/host-config")


def recording_errors(page: Page) -> Page:
    """``page``, keeping its console errors and uncaught exceptions in
    ``page.console_errors`` (a list of str; :func:`real_errors` filters it)."""
    errors: list[str] = []
    page.on(
        "console",
        lambda m: (
            errors.append(f"{m.text} {m.location.get('url', '')}")
            if m.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.console_errors = errors  # type: ignore[attr-defined]
    return page


def wait_idle(page: Page, timeout: float = 30_000) -> None:
    """Wait until Streamlit has run the script and drawn every element.

    Streamlit's own signal (``data-test-script-state="notRunning"``) is also true
    before the first run, so this also waits for the page's first elements, for no
    skeleton or stale element to remain, and for the rest of a page that drew its
    first screen first (``gmm_app.shell.first_screen``: its watcher is gone).
    """
    page.wait_for_selector(APP_IDLE, timeout=timeout)
    page.wait_for_function(_SETTLED, timeout=timeout)


def open_page(page: Page, url: str) -> None:
    """Open ``url`` and wait for the first script run to finish."""
    follow_the_websocket(page)
    page.goto(url)
    wait_idle(page)


def follow_the_websocket(page: Page) -> None:
    """Keep the page's Streamlit websocket in ``page.streamlit_socket``."""
    if getattr(page, "_fogmap_follows", False):
        return
    page._fogmap_follows = True  # type: ignore[attr-defined]

    def remember(socket: object) -> None:
        if "/_stcore/stream" in socket.url:  # type: ignore[attr-defined]
            page.streamlit_socket = socket  # type: ignore[attr-defined]

    page.on("websocket", remember)


def _finishes_a_run(payload: bytes | str) -> bool:
    """True for the server's "script finished" message (a whole or fragment run)."""
    if isinstance(payload, str):
        return False
    message = ForwardMsg()
    try:
        message.ParseFromString(payload)
    except Exception:  # not a ForwardMsg: not the one waited for
        return False
    return message.WhichOneof("type") == "script_finished"


def open_long_run_at_fast_speed(page: Page, app_url: str) -> None:
    """Open the EM stepper on 2,000 overlapping points with tol 1e-6 (a run long
    enough to play a dozen half-steps) and Play's speed set to "fast"."""
    open_page(
        page, f"{app_url}{STEPPER}?dataset=overlapping&n_samples=2000&n_components=3"
    )
    page.locator(".st-key-em_tol").get_by_role("slider").first.focus()
    for _ in range(5):  # tol 1e-3 -> 1e-6
        page.keyboard.press("ArrowLeft")
    # Each key press is a rerun; wait_idle can land between two of them, and a
    # rerun after Play is pressed (settings changed) stops Play. The link says
    # the last one has run.
    page.wait_for_url(re.compile(r"em_tol=1e-06"), timeout=30_000)
    wait_idle(page)
    speed = page.locator(".st-key-em_speed input[type=range]")
    speed.focus()
    _press_and_wait(page, speed, "ArrowRight")  # normal -> fast


def click_button(page: Page, key: str) -> None:
    """Click the button with widget key ``key`` and wait for the rerun.

    Right after the click Streamlit may still say "notRunning" (the rerun has not
    started yet), and a fast rerun can start and end without the page ever showing
    "running". So this waits for the server's "script finished" message on the
    websocket (the page must have been opened with ``open_page``), then for the
    page to settle.
    """
    _click_and_wait(page, page.locator(f".st-key-{key}").get_by_role("button").first)


def flip_toggle(page: Page, key: str) -> None:
    """Click the toggle or checkbox with widget key ``key`` and wait for the rerun
    (the same wait as :func:`click_button`)."""
    _click_and_wait(page, page.locator(f".st-key-{key} label").first)


def _click_and_wait(page: Page, target: Locator) -> None:
    _press_and_wait(page, target, None)


def _press_and_wait(page: Page, target: Locator, key: str | None) -> None:
    """Click ``target`` (or press ``key`` on it) and wait for the run it starts to
    finish (the server's message), then for the page to settle."""
    socket = getattr(page, "streamlit_socket", None)
    assert socket is not None and not socket.is_closed(), "open it with open_page"
    with socket.expect_event(
        "framereceived", predicate=_finishes_a_run, timeout=30_000
    ):
        if key is None:
            target.click()
        else:
            target.press(key)
    wait_idle(page)


def choose(page: Page, key: str, option: str) -> None:
    """Pick ``option`` in the selectbox with widget key ``key``."""
    page.locator(f".st-key-{key} input[role=combobox]").click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)


def real_errors(messages: list[str]) -> list[str]:
    """Console errors, without the base-path probes of a deep link."""
    return [m for m in messages if not any(p in m for p in _PROBES)]


STEPPER = "/EM_stepper"
HOME_HEADING = "Fogmap: finding hills in the fog"


def sidebar_pages(*links: str) -> tuple[tuple[str, str], ...]:
    """(sidebar link, the heading of the page it opens), in the order given."""
    return tuple((link, HOME_HEADING if link == "Home" else link) for link in links)


# The stepper's narration starts with a bold "The guess.", "E-step t: ..." or
# "M-step t: ...".
_NARRATION = re.compile(r"^(The guess\.|[EM]-step \d+: )")


def narration(page: Page) -> Locator:
    """The EM stepper's sentence on what the last half-step did."""
    bold = page.locator("strong").filter(has_text=_NARRATION)
    return page.locator(
        '[data-testid="stMain"] [data-testid="stMarkdownContainer"]', has=bold
    )


def set_number(page: Page, key: str, value: int) -> None:
    """Type ``value`` into the number input with widget key ``key``, then Enter."""
    field = page.locator(f".st-key-{key} input")
    field.fill(str(value))
    field.press("Enter")
    wait_idle(page)


# Charts drawn by gmm_app.shell.live_chart: a Plotly chart updated in place from step
# to step, drawn in the page itself (a custom component of Streamlit's version 2) as
# a ``.fogmap-live-chart`` element inside the element of its key.
LIVE_CHARTS = (
    "em_loop",
    "em_map",
    "em_curves",
    "em_bands",
    "em_loglik",
    "em_heatmap",
    "em_kmeans_map",
)
LIVE_CHART = ".fogmap-live-chart"


def chart_area(page: Page, chart_key: str) -> Locator:
    """Where the chart with this key is drawn: its element on the page."""
    return page.locator(f".st-key-{chart_key}")


class LiveChart:
    """The live chart with this key, to run JavaScript on (it was a frame once).

    ``evaluate`` and ``wait_for_function`` call ``js`` with the chart's element
    (Plotly's graph div: ``_fullLayout``, ``data-revision`` once drawn) and ``arg``.
    """

    def __init__(self, page: Page, chart_key: str) -> None:
        self.page = page
        self.element = page.locator(f".st-key-{chart_key} {LIVE_CHART}")

    def evaluate(self, js: str, arg: object = None) -> object:
        """``js(chart, arg)``'s value."""
        return self.element.evaluate(js, arg)

    def wait_for_function(
        self, js: str, arg: object = None, timeout: float = 30_000
    ) -> None:
        """Wait until ``js(chart, arg)`` is truthy."""
        self.page.wait_for_function(
            f"([chart, arg]) => ({js})(chart, arg)",
            arg=[self.element.element_handle(), arg],
            timeout=timeout,
        )

    def locator(self, selector: str) -> Locator:
        """Elements inside the chart (``.nsewdrag``, ``.modebar``...)."""
        return self.element.locator(selector)


def live_chart(page: Page, chart_key: str) -> LiveChart:
    """The live chart with this key (to run JavaScript on it)."""
    return LiveChart(page, chart_key)


def plotly_chart(page: Page, chart_key: str) -> Locator:
    """The Plotly chart (``.js-plotly-plot``) with this key."""
    return chart_area(page, chart_key).locator(".js-plotly-plot")


# JavaScript: the live chart's element in ``el`` (the element of its key, the chart
# itself, or, in a checkout from before the live chart was drawn in the page, its
# iframe: bench/page_load.py --before measures both), or null.
LIVE_CHART_IN = f"""(el) => {{
    if (!el) return null;
    if (el.matches('{LIVE_CHART}')) return el;
    const frame = el.tagName === 'IFRAME' ? el : el.querySelector('iframe');
    if (frame) {{
        const doc = frame.contentDocument;
        return doc ? doc.querySelector('#chart') : null;
    }}
    return el.querySelector('{LIVE_CHART}');
}}"""
# JavaScript: the revision of the figure the live chart in ``el`` has drawn, or
# undefined before its first figure (gmm_app/shell/frontend/live_chart.js sets it).
LIVE_REVISION = f"""(el) => {{
    const chart = ({LIVE_CHART_IN})(el);
    return chart && chart.dataset.revision ? chart.dataset.revision : undefined;
}}"""
# JavaScript: every live chart on the page, as the element that shows it (the chart,
# or its iframe), drawn or not.
LIVE_CHART_BOXES = f"""() => [...document.querySelectorAll(
    '{LIVE_CHART}, iframe[src*="live_chart"]')]"""
_A_CHART_DRAWN = f"""() => {{
    const shown = (el) => el.offsetWidth > 0 && el.offsetHeight > 0;
    if ([...document.querySelectorAll('.js-plotly-plot')].some(shown)) return true;
    return ({LIVE_CHART_BOXES})().some(
        (el) => ({LIVE_REVISION})(el) !== undefined && shown(el));
}}"""


def expect_a_chart(page: Page, timeout: float = 30_000) -> None:
    """Wait until a Plotly chart is drawn: Streamlit's own, or a live chart's."""
    page.wait_for_function(_A_CHART_DRAWN, timeout=timeout)


_LIVE_CHARTS_DRAWN = f"""() => ({LIVE_CHART_BOXES})().every(
    (el) => ({LIVE_REVISION})(el) !== undefined)"""


def wait_live_charts(page: Page, timeout: float = 30_000) -> None:
    """Wait until every live chart on the page has drawn its figure."""
    page.wait_for_function(_LIVE_CHARTS_DRAWN, timeout=timeout)


def point_markers(page: Page, chart_key: str) -> Locator:
    """The markers of the first trace of the Plotly chart with this key."""
    return chart_area(page, chart_key).locator(
        ".scatterlayer .trace:first-child .points path"
    )


def hover_marker(page: Page, marker: Locator) -> tuple[float, float]:
    """Move the mouse onto a Plotly point marker; returns where the mouse is."""
    marker.scroll_into_view_if_needed()
    box = marker.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    return x, y


def hovered_point(page: Page, chart_key: str) -> int:
    """The point number in the hover label of a Fogmap map ("... point 42").

    Markers can overlap; the hover label names the point Plotly picked, which is
    the one a click selects. The point number is the label's ``<extra>`` part.
    """
    name = chart_area(page, chart_key).locator(".hoverlayer .hovertext .name").first
    name.wait_for(state="attached")
    text = name.text_content() or ""
    match = re.fullmatch(r"point (\d+)", text.strip())
    assert match, text
    return int(match.group(1))
