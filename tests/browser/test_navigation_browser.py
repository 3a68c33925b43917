"""Moving between pages through the sidebar: the data, K and the seed follow."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from streamlit_page import (
    choose,
    expect_a_chart,
    open_page,
    real_errors,
    set_number,
    sidebar_pages,
    wait_idle,
)

EXCEPTION = '[data-testid="stException"]'
LESSONS = sidebar_pages(
    "Fog explorer", "Choosing K", "Covariance shapes", "EM stepper", "Home"
)
# Choosing K tries every K, so it has no K input (the seed it has).
WITHOUT_K = ("Home", "Choosing K")


@pytest.mark.parametrize("start", ["EM stepper", "Fog explorer"])
def test_the_data_k_and_seed_follow_through_every_page(
    page: Page, app_url: str, start: str
) -> None:
    open_page(page, app_url)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("link", name=start, exact=True).click()
    expect(page.get_by_role("heading", name=start, exact=True)).to_be_visible()
    wait_idle(page)
    choose(page, "dataset", "Iris (sepals)")
    set_number(page, "n_components", 4)
    set_number(page, "seed", 7)
    for link, heading in LESSONS:
        if link == start:
            continue
        sidebar.get_by_role("link", name=link, exact=True).click()
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        wait_idle(page)
        expect(page.locator(".st-key-active_data")).to_contain_text("Iris flowers")
        if link not in WITHOUT_K:
            expect(page.locator(".st-key-n_components input")).to_have_value("4")
        if link != "Home":
            expect(page.locator(".st-key-seed input")).to_have_value("7")
        expect_a_chart(page)
        expect(page.locator(EXCEPTION)).to_have_count(0)
    assert real_errors(page.console_errors) == []  # type: ignore[attr-defined]
