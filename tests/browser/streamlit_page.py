"""Waiting on Streamlit's own signals in the browser (no sleeps)."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page

APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
_SETTLED = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app !== null
        && app.getAttribute('data-test-script-state') === 'notRunning'
        && document.querySelector(
            '[data-testid="stMain"] [data-testid="stElementContainer"]') !== null
        && document.querySelectorAll('[data-testid="stSkeleton"]').length === 0
        && document.querySelectorAll('[data-stale="true"]').length === 0;
}"""
# Deep links make Streamlit's frontend probe for its base path first; these 404s
# are part of that probe, not errors of the app.
_PROBES = ("/_stcore/health", "/_stcore/host-config")


def wait_idle(page: Page, timeout: float = 30_000) -> None:
    """Wait until Streamlit has run the script and drawn every element.

    Streamlit's own signal (``data-test-script-state="notRunning"``) is also true
    before the first run, so this also waits for the page's first elements and for
    no skeleton or stale element to remain.
    """
    page.wait_for_selector(APP_IDLE, timeout=timeout)
    page.wait_for_function(_SETTLED, timeout=timeout)


def open_page(page: Page, url: str) -> None:
    """Open ``url`` and wait for the first script run to finish."""
    page.goto(url)
    wait_idle(page)


# Sets window.__fogmapRan once Streamlit reports a script run after this point.
_WATCH_FOR_A_RUN = """() => {
    window.__fogmapRan = false;
    const app = document.querySelector('[data-testid="stApp"]');
    new MutationObserver((changes, observer) => {
        if (app.getAttribute('data-test-script-state') === 'running') {
            window.__fogmapRan = true;
            observer.disconnect();
        }
    }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def click_button(page: Page, key: str) -> None:
    """Click the button with widget key ``key`` and wait for the rerun.

    Right after the click Streamlit may still say "notRunning" (the rerun has not
    started yet), so this first waits to see the run start, then for it to end.
    """
    page.evaluate(_WATCH_FOR_A_RUN)
    page.locator(f".st-key-{key}").get_by_role("button").first.click()
    page.wait_for_function("() => window.__fogmapRan === true", timeout=30_000)
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


def point_markers(page: Page, chart_key: str) -> Locator:
    """The markers of the first trace of the Plotly chart with widget key ``key``."""
    return page.locator(
        f".st-key-{chart_key} .scatterlayer .trace:first-child .points path"
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
    name = page.locator(f".st-key-{chart_key} .hoverlayer .hovertext .name").first
    name.wait_for(state="attached")
    text = name.text_content() or ""
    match = re.fullmatch(r"point (\d+)", text.strip())
    assert match, text
    return int(match.group(1))
