"""An uploaded file in real Chromium: named on every page, its markup never run.

The student uploads on Home, then follows the sidebar links through every page;
each page names the file in ``active_data``. Column names and text cells holding
HTML (``<img onerror>``, ``<script>``) and Markdown are shown as written: no
dialog opens, no element is injected, the console stays free of errors.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from streamlit_page import (
    choose,
    expect_a_chart,
    open_page,
    real_errors,
    sidebar_pages,
    wait_idle,
)

NASTY = Path(__file__).resolve().parents[1] / "data" / "nasty"
EXCEPTION = '[data-testid="stException"]'
PAGES = sidebar_pages(
    "Fog explorer", "EM stepper", "Covariance shapes", "Choosing K", "Home"
)
IMG = '<img src=x onerror="alert(1)">'
SCRIPT = "<script>alert(2)</script>"
MARKDOWN = "**bold** _it_ [link](http://example.com) $x^2$ #1"


def upload(page: Page, name: str, corpus_file: str) -> None:
    """Upload a corpus file under ``name`` (which may hold a slash, like </b>)."""
    payload = {
        "name": name,
        "mimeType": "text/csv",
        "buffer": (NASTY / corpus_file).read_bytes(),
    }
    page.locator(".st-key-csv_upload input[type=file]").set_input_files(payload)
    wait_idle(page)


def visit(page: Page, link: str, heading: str) -> None:
    """Follow the sidebar link to a page and wait for it to be drawn."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    wait_idle(page)


def assert_page_is_clean(page: Page) -> None:
    expect_a_chart(page)
    expect(page.locator(EXCEPTION)).to_have_count(0)


@pytest.mark.parametrize(
    ("corpus_file", "upload_as", "expected"),
    [
        (
            "semicolon_decimal_comma.csv",
            "semicolon_decimal_comma.csv",
            "semicolon_decimal_comma.csv · 40 of 40 rows used · 3 columns: length, "
            "width, weight",
        ),
        (
            "markdown_file_name.csv",
            "my **data** [v2](x) #1 <b>final</b>_$5.csv",
            "my **data** [v2](x) #1 <b>final</b>_$5.csv · 30 of 30 rows used · "
            "2 columns: x, y",
        ),
    ],
    ids=["decimal-commas", "markdown-file-name"],
)
def test_the_uploaded_file_is_named_on_every_page(
    page: Page,
    app_url: str,
    corpus_file: str,
    upload_as: str,
    expected: str,
) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_page(page, app_url)
    upload(page, upload_as, corpus_file)
    active = page.locator(".st-key-active_data")
    expect(active).to_contain_text(expected)
    assert_page_is_clean(page)
    for link, heading in PAGES:
        visit(page, link, heading)
        expect(active).to_contain_text(expected)
        assert_page_is_clean(page)
    assert page.locator('[data-testid="stMain"] b', has_text="final").count() == 0
    assert dialogs == []
    assert real_errors(page.console_errors) == []  # type: ignore[attr-defined]


def check_markup_shown_as_text(page: Page) -> None:
    active = page.locator(".st-key-active_data")
    expect(active).to_contain_text("html_names.csv · 40 of 40 rows used")
    for name in (IMG, SCRIPT, MARKDOWN):
        expect(active).to_contain_text(name)
    # The text column with an HTML name is skipped (and offered as known groups).
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_text("Skipped text column(s): <b>group</b>.")).to_be_visible()
    assert_page_is_clean(page)
    # Nothing from the file became an element, in the page or a live chart's frame.
    for frame in page.frames:
        assert frame.locator('img[src="x"]').count() == 0
        assert frame.locator("script", has_text="alert(2)").count() == 0
        assert frame.locator("b", has_text="group").count() == 0


def test_markup_in_column_names_is_shown_and_never_run(
    page: Page, app_url: str
) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_page(page, app_url)
    upload(page, "html_names.csv", "html_names.csv")
    check_markup_shown_as_text(page)
    for link, heading in PAGES:
        visit(page, link, heading)
        check_markup_shown_as_text(page)
    visit(page, "Fog explorer", "Fog explorer")
    choose(page, "label_column", "<b>group</b>")
    expect_a_chart(page)
    expect(page.locator(EXCEPTION)).to_have_count(0)
    assert page.locator('[data-testid="stMain"] i', has_text="left").count() == 0
    assert dialogs == []
    assert real_errors(page.console_errors) == []  # type: ignore[attr-defined]


def check_refused(page: Page, still: str) -> None:
    """The sidebar names the refused file and what it is; ``still`` stays active."""
    error = page.locator(
        '[data-testid="stSidebar"] [data-testid="stAlertContentError"]'
    )
    expect(error).to_contain_text("marks.csv is an Excel workbook")
    expect(error).to_contain_text(f"Still showing: {still}.")
    expect(page.locator(".st-key-active_data")).to_contain_text(f"Data: {still} · ")
    assert_page_is_clean(page)


def check_refused_on_every_page(page: Page, still: str) -> None:
    """``check_refused`` here, then on every page the sidebar links to."""
    check_refused(page, still)
    for link, heading in PAGES:
        visit(page, link, heading)
        check_refused(page, still)
    assert real_errors(page.console_errors) == []  # type: ignore[attr-defined]


def test_an_unusable_first_upload_keeps_the_preset(page: Page, app_url: str) -> None:
    open_page(page, app_url)
    upload(page, "marks.csv", "excel_xlsx.csv")
    check_refused_on_every_page(page, "Well-separated blobs")


def test_an_unusable_upload_keeps_the_file_before(page: Page, app_url: str) -> None:
    open_page(page, app_url)
    upload(page, "tabs.tsv", "tabs.tsv")
    active = page.locator(".st-key-active_data")
    expect(active).to_contain_text("tabs.tsv · 40 of 40 rows used")
    upload(page, "marks.csv", "excel_xlsx.csv")
    check_refused_on_every_page(page, "tabs.tsv")
