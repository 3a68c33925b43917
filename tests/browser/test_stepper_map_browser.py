"""The EM stepper's map and buttons in Chromium (issue 17 items 9, 10, 15; issue 14's
keyboard): the axes hold still for a whole run, a click on empty space places a
hill top, the keys step, no button's label is cut short and Plotly's toolbar keeps
off the legend. Screenshots go to ``$FOGMAP_SHOTS`` (default: a temporary folder).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Browser, Page, expect
from streamlit_page import (
    STEPPER,
    choose,
    click_button,
    live_chart,
    narration,
    open_page,
    real_errors,
    recording_errors,
    wait_idle,
    wait_live_charts,
)

SHOTS = Path(os.environ.get("FOGMAP_SHOTS", tempfile.gettempdir()))
EXCEPTION = '[data-testid="stException"]'
BUTTONS = ("em_reset", "em_back", "em_next", "em_next_iteration", "em_run_end")
BUTTONS += ("em_play",)

# The axis ranges a live chart has drawn (Plotly's own, after any autorange).
RANGES = """(chart) => [chart._fullLayout.xaxis.range, chart._fullLayout.yaxis.range]"""


def ranges(page: Page, key: str = "em_map") -> list[float]:
    """The x range then the y range the chart ``key`` shows (four numbers)."""
    wait_live_charts(page)
    (x0, x1), (y0, y1) = live_chart(page, key).evaluate(RANGES)
    return [x0, x1, y0, y1]


def open_at(browser: Browser, url: str, width: int, height: int) -> Page:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    recording_errors(page)
    open_page(page, url)
    wait_live_charts(page)
    return page


def link(page: Page) -> dict[str, str]:
    """The page's query parameters (what a copied link carries)."""
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


@pytest.mark.parametrize("dataset", ["blobs", "old_faithful"])
def test_the_map_keeps_its_axes_from_the_guess_to_the_end(
    browser: Browser, app_url: str, dataset: str
) -> None:
    page = open_at(browser, f"{app_url}{STEPPER}?dataset={dataset}", 1280, 720)
    seen = [ranges(page)]  # the guess
    for step in ("E-step 1", "M-step 1", "E-step 2", "M-step 2"):
        click_button(page, "em_next")
        expect(narration(page)).to_contain_text(step)
        seen.append(ranges(page))
    click_button(page, "em_run_end")
    seen.append(ranges(page))
    for later in seen[1:]:
        assert later == pytest.approx(seen[0], rel=1e-9, abs=1e-9)
    x0, x1, y0, y1 = seen[0]
    assert x1 > x0 and y1 > y0
    if dataset == "old_faithful":  # its own scale per axis: said under the map
        expect(page.get_by_text("The two axes have different scales")).to_be_visible()
    else:
        expect(page.get_by_text("The two axes have different scales")).to_have_count(0)
    assert real_errors(page.console_errors) == []  # type: ignore[attr-defined]
    page.context.close()


def test_a_click_on_empty_space_places_the_next_hill_top(
    browser: Browser, app_url: str
) -> None:
    page = open_at(browser, f"{app_url}{STEPPER}", 1280, 900)
    choose(page, "em_init", "I'll choose (click)")
    wanted: list[tuple[float, float]] = []
    first_axes: list[float] = []
    # Three corners of the plot, where blobs has no point.
    for k, (fx, fy) in enumerate([(0.97, 0.04), (0.03, 0.96), (0.97, 0.96)]):
        hint = page.get_by_text(f"({k + 1} of 3)")
        expect(hint).to_be_visible()
        key = f"em_place_{k}"
        page.locator(f".st-key-{key}").scroll_into_view_if_needed()
        wait_live_charts(page)
        chart = live_chart(page, key)
        box = chart.evaluate(
            """(chart) => {
            const area = chart.querySelector('.nsewdrag').getBoundingClientRect();
            const layout = chart._fullLayout;
            return {w: area.width, h: area.height,
                    x: layout.xaxis.range, y: layout.yaxis.range};
        }"""
        )
        axes = [*box["x"], *box["y"]]
        first_axes = first_axes or axes
        assert axes == pytest.approx(first_axes)  # fixed while placing
        wanted.append(
            (
                box["x"][0] + fx * (box["x"][1] - box["x"][0]),
                box["y"][1] - fy * (box["y"][1] - box["y"][0]),
            )
        )
        chart.locator(".nsewdrag").click(
            position={"x": fx * box["w"], "y": fy * box["h"]}
        )
        if k < 2:
            expect(page.get_by_text(f"({k + 2} of 3)")).to_be_visible()
    expect(narration(page)).to_contain_text("3 hills placed where you clicked")
    wait_idle(page)
    assert ranges(page) == pytest.approx(first_axes)  # EM's map: the same axes
    placed = [
        tuple(float(v) for v in m.split(",")) for m in link(page)["em_means"].split(";")
    ]
    assert link(page)["em_init"] == "given"
    for (x, y), (px, py) in zip(wanted, placed, strict=True):
        assert px == pytest.approx(x, abs=0.02 * (first_axes[1] - first_axes[0]))
        assert py == pytest.approx(y, abs=0.02 * (first_axes[3] - first_axes[2]))
    page.screenshot(path=str(SHOTS / "stepper_placed_1280.png"))
    expect(page.locator(EXCEPTION)).to_have_count(0)
    page.context.close()


def test_the_keys_step_play_and_reset(browser: Browser, app_url: str) -> None:
    page = open_at(browser, f"{app_url}{STEPPER}", 1280, 720)
    expect(narration(page)).to_contain_text("The guess.")
    for key, step in [
        ("ArrowRight", "E-step 1"),
        ("ArrowRight", "M-step 1"),
        ("ArrowRight", "E-step 2"),
        ("ArrowLeft", "M-step 1"),
        ("Home", "The guess."),
    ]:
        page.keyboard.press(key)
        expect(narration(page)).to_contain_text(step)
        wait_idle(page)
    play = page.locator(".st-key-em_play").get_by_role("button")
    page.keyboard.press("Space")
    expect(play).to_contain_text("Pause")
    # it plays on by itself: wait for a step before pausing (a pause sent before
    # the first tick would leave it at the guess, which is right but proves nothing)
    expect(narration(page)).not_to_contain_text("The guess.", timeout=15_000)
    page.keyboard.press("Space")
    expect(play).to_contain_text("Play")
    wait_idle(page)
    paused_at = narration(page).first.inner_text()
    page.wait_for_timeout(1500)
    assert narration(page).first.inner_text() == paused_at  # and stays paused
    for key, shown in [("em_next", "→"), ("em_back", "←"), ("em_play", "Space")]:
        expect(page.locator(f".st-key-{key}").get_by_role("button")).to_contain_text(
            shown
        )
    page.context.close()


# Each button's label: its text must fit (Streamlit cuts a label with an ellipsis).
CUT_LABELS = """(keys) => keys.flatMap((key) => {
    const button = document.querySelector(`.st-key-${key} button`);
    return [...button.querySelectorAll('p, span, div')]
        .filter((el) => el.children.length === 0 && el.textContent.trim())
        .filter((el) => el.scrollWidth > el.clientWidth + 1)
        .map((el) => `${key}: ${el.textContent}`);
})"""


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (390, 844), (1440, 1000)])
def test_no_stepper_button_label_is_cut(
    browser: Browser, app_url: str, width: int, height: int
) -> None:
    page = open_at(browser, f"{app_url}{STEPPER}", width, height)
    click_button(page, "em_next")  # "Next: M-step", the longest label
    page.locator(".st-key-em_next").scroll_into_view_if_needed()
    assert page.evaluate(CUT_LABELS, list(BUTTONS)) == []
    labels = [
        page.locator(f".st-key-{key}").get_by_role("button").inner_text()
        for key in BUTTONS
    ]
    assert any(re.search(r"Next: M-step", label) for label in labels), labels
    page.screenshot(path=str(SHOTS / f"stepper_buttons_{width}.png"))
    page.context.close()


OVERLAP = """(chart) => {
    const box = (el) => el && el.getBoundingClientRect();
    const bar = box(chart.querySelector('.modebar'));
    const legend = box(chart.querySelector('.legend'));
    if (!bar || !legend || bar.width === 0) return null;
    return !(bar.right <= legend.left || legend.right <= bar.left
             || bar.bottom <= legend.top || legend.bottom <= bar.top);
}"""


def test_the_toolbar_keeps_off_the_maps_legend(browser: Browser, app_url: str) -> None:
    page = open_at(browser, f"{app_url}{STEPPER}?n_components=6", 1280, 720)
    click_button(page, "em_next")  # six hills in the legend: two rows
    wait_live_charts(page)
    chart = page.locator(".st-key-em_map")
    chart.scroll_into_view_if_needed()
    chart.hover()
    live = live_chart(page, "em_map")
    live.wait_for_function(
        "(chart) => getComputedStyle(chart.querySelector('.modebar')).opacity > 0.9"
    )
    assert live.evaluate(OVERLAP) is False
    assert live.locator('.modebar-btn[data-title*="download" i]').count() == 1
    chart.screenshot(path=str(SHOTS / "stepper_map_toolbar_1280.png"))
    page.context.close()
