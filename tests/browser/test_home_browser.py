"""Home in real Chromium: charts draw, the sidebar works, no errors."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from streamlit_page import (
    HOME_HEADING,
    choose,
    expect_a_chart,
    open_page,
    plotly_chart,
    real_errors,
    wait_idle,
)


def test_home_draws_its_charts_without_errors(page: Page, app_url: str) -> None:
    open_page(page, app_url)
    expect(page.locator(".js-plotly-plot")).to_have_count(2)
    expect(page.get_by_role("heading", name=HOME_HEADING)).to_be_visible()
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_role("link", name="Home")).to_be_visible()
    # The fog map has points and ellipses.
    expect(
        page.locator(".js-plotly-plot").first.locator(".scatterlayer .trace")
    ).not_to_have_count(0)
    assert real_errors(page.console_errors) == []  # type: ignore[attr-defined]


def test_choosing_a_dataset_redraws_and_goes_in_the_url(
    page: Page, app_url: str
) -> None:
    open_page(page, app_url)
    fog_map = plotly_chart(page, "home_map")
    markers = fog_map.locator(".scatterlayer .points path")
    # The default data: 300 well-separated blobs in x and y, and 3 hill tops.
    expect(fog_map.locator(".g-xtitle")).to_have_text("x")
    expect(markers).to_have_count(300 + 3)
    choose(page, "dataset", "Old Faithful")
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_text("Old Faithful eruptions · 272 points")).to_be_visible()
    expect(
        page.get_by_text("Old Faithful eruptions: 2 hills found by EM")
    ).to_be_visible()
    # The map redrew: Old Faithful's axes, its 272 eruptions and 2 hill tops.
    expect(fog_map.locator(".g-xtitle")).to_have_text("eruption length (min)")
    expect(fog_map.locator(".g-ytitle")).to_have_text("wait until next (min)")
    expect(markers).to_have_count(272 + 2)
    assert "dataset=old_faithful" in page.url
    # The link reopens the same data in a new session.
    other = page.context.new_page()
    open_page(other, page.url)
    expect(
        other.locator('[data-testid="stSidebar"]').get_by_text(
            "Old Faithful eruptions · 272 points"
        )
    ).to_be_visible()
    assert real_errors(page.console_errors) == []  # type: ignore[attr-defined]


def test_uploaded_csv_with_html_header_runs_no_script(
    page: Page, app_url: str, tmp_path
) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    csv = tmp_path / "people.csv"
    csv.write_text(
        "<img src=x onerror=alert(1)>,weight\n1.5,50\n1.7,70\n1.6,61\n1.8,80\n1.55,52\n"
    )
    open_page(page, app_url)
    page.locator(".st-key-csv_upload input[type=file]").set_input_files(str(csv))
    wait_idle(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_text("people.csv · 5 points")).to_be_visible()
    expect(page.locator(".js-plotly-plot").first).to_contain_text(
        "<img src=x onerror=alert(1)>"
    )
    assert dialogs == []


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("Fog_explorer", "Fog explorer"),
        ("EM_stepper", "EM stepper"),
        ("Covariance_shapes", "Covariance shapes"),
        ("Choosing_K", "Choosing K"),
    ],
)
def test_every_lesson_page_draws_its_charts(
    page: Page, app_url: str, path: str, heading: str
) -> None:
    open_page(page, f"{app_url}/{path}")
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect_a_chart(page)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    assert real_errors(page.console_errors) == []  # type: ignore[attr-defined]
