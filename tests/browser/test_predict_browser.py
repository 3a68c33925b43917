"""Predict first in real Chromium: a question, an answer, the feedback.

Screenshots of the question and its feedback go to $FOGMAP_SHOTS when it is set
(tools and reviewers look at them); the test itself checks what a student reads.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from playwright.sync_api import Page, expect
from streamlit_page import (
    STEPPER,
    click_button,
    narration,
    open_page,
    plotly_chart,
    real_errors,
    wait_idle,
)


def shot(page: Page, name: str) -> None:
    folder = os.environ.get("FOGMAP_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def test_a_prediction_is_asked_answered_and_explained(page: Page, app_url: str) -> None:
    open_page(page, f"{app_url}{STEPPER}?em_predict=1")
    expect(plotly_chart(page, "em_map")).to_be_visible()
    click_button(page, "em_next")
    question = page.locator(".st-key-em_question")
    expect(question).to_contain_text("which hill will claim point")
    expect(narration(page)).to_contain_text("The guess.")  # not revealed yet
    expect(plotly_chart(page, "em_map")).to_contain_text("?")  # the circled point
    question.scroll_into_view_if_needed()
    shot(page, "predict_question")

    point = re.search(r"point #(\d+)", question.inner_text()).group(1)
    page.locator(".st-key-em_guess").get_by_text("hill A").click()
    wait_idle(page)
    page.locator(".st-key-em_sure").get_by_text("70%", exact=True).click()
    wait_idle(page)
    click_button(page, "em_check")
    expect(narration(page)).to_contain_text("E-step 1")
    feedback = page.locator('[data-testid="stAlert"]').filter(
        has_text=f"claims point #{point} most"
    )
    expect(feedback).to_have_count(1)
    expect(feedback).to_contain_text("Its responsibilities in this E-step")
    expect(feedback).to_contain_text("standard deviations")
    expect(feedback).to_contain_text("You were 70% sure")
    expect(feedback).to_contain_text("of 1 prediction right")
    feedback.scroll_into_view_if_needed()
    shot(page, "predict_feedback")
    assert real_errors(page.console_errors) == []  # type: ignore[attr-defined]
