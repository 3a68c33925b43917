"""Waiting on Streamlit's own signals in the browser (no sleeps)."""

from __future__ import annotations

from playwright.sync_api import Page

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


def click_button(page: Page, key: str) -> None:
    """Click the button with widget key ``key`` and wait for the rerun."""
    page.locator(f".st-key-{key}").get_by_role("button").first.click()
    wait_idle(page)


def choose(page: Page, key: str, option: str) -> None:
    """Pick ``option`` in the selectbox with widget key ``key``."""
    page.locator(f".st-key-{key} input[role=combobox]").click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)


def real_errors(messages: list[str]) -> list[str]:
    """Console errors, without the base-path probes of a deep link."""
    return [m for m in messages if not any(p in m for p in _PROBES)]
