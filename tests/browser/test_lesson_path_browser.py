"""The lesson path in real Chromium, on a laptop and a phone.

Screenshots of two steps go to $FOGMAP_SHOTS (default: the temporary folder) for
a reviewer to look at; the test checks what a student reads and can reach.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from streamlit_page import click_button, open_page, real_errors, wait_idle

from gmm_app.lesson_steps import step_at, step_count

SHOTS = Path(os.environ.get("FOGMAP_SHOTS", tempfile.gettempdir()))
N = step_count()


def expect_step(page: Page, step: int, lesson: str, width: int) -> None:
    """The path box says ``step`` and fits the screen's width, at its top."""
    box = page.locator(".st-key-lesson_path")
    expect(box).to_contain_text(f"Lesson path · step {step} of {N} · {lesson}")
    expect(box).to_contain_text(step_at(step).why)
    expect(page.locator(".st-key-path_next").get_by_role("button")).to_be_visible()
    area = box.bounding_box()
    assert area is not None
    assert area["x"] >= 0 and area["x"] + area["width"] <= width
    assert area["y"] < 200  # the first thing on the page, phone or laptop
    for key in ("path_back", "path_next", "path_exit"):
        button = page.locator(f".st-key-{key}").get_by_role("button").bounding_box()
        assert button is not None
        assert button["x"] + button["width"] <= area["x"] + area["width"]
    assert f"path={step}" in page.url


@pytest.mark.parametrize(("width", "height"), [(1440, 1000), (390, 844)])
def test_the_path_starts_on_home_and_reopens_from_its_link(
    page: Page, app_url: str, width: int, height: int
) -> None:
    page.set_viewport_size({"width": width, "height": height})
    open_page(page, app_url)
    start = page.locator(".st-key-path_start").get_by_role(
        "button", name="Start the lesson"
    )
    expect(start).to_be_visible()
    expect(page.locator(".st-key-lesson_path")).to_have_count(0)
    click_button(page, "path_start")
    expect(page.get_by_role("heading", name="Fog explorer")).to_be_visible()
    expect_step(page, 1, "Fog explorer", width)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"lesson_path_step1_{width}.png"))

    for _ in range(3):
        click_button(page, "path_next")
    expect(page.get_by_role("heading", name="EM stepper")).to_be_visible()
    expect_step(page, 4, "EM stepper", width)
    expect(page.locator(".st-key-em_predict input")).to_be_checked()
    page.screenshot(path=str(SHOTS / f"lesson_path_step4_{width}.png"))

    # The link reopens the path at the same step in a new session.
    other = page.context.new_page()
    other.set_viewport_size({"width": width, "height": height})
    open_page(other, page.url)
    wait_idle(other)
    expect_step(other, 4, "EM stepper", width)
    click_button(other, "path_back")
    expect(other.get_by_role("heading", name="Fog explorer")).to_be_visible()
    expect_step(other, 3, "Fog explorer", width)
    assert real_errors(page.console_errors) == []  # type: ignore[attr-defined]
