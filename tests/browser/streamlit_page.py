"""Waiting on Streamlit's own signals in the browser (no sleeps)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def wait_idle(page: Page, timeout: float = 30_000) -> None:
    """Wait until Streamlit has finished running the script."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.wait_for_selector(APP_IDLE, timeout=timeout)
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(
        0, timeout=timeout
    )


def open_page(page: Page, url: str) -> None:
    """Open ``url`` and wait for the first script run to finish."""
    page.goto(url)
    wait_idle(page)


def choose(page: Page, key: str, option: str) -> None:
    """Pick ``option`` in the selectbox with widget key ``key``."""
    page.locator(f".st-key-{key} input[role=combobox]").click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)
