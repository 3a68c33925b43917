"""In the lecture hall and on a phone (issue 14), in Chromium: presenter mode,
every page at 390x844, the hills gliding between half-steps (and not when the
browser asks for reduced motion), and each chart's PNG named after its page.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from streamlit_page import (
    click_button,
    live_chart,
    narration,
    open_page,
    wait_idle,
    wait_live_charts,
)

PAGES = ("", "Fog_explorer", "EM_stepper", "Covariance_shapes", "Choosing_K")
PHONE = {"width": 390, "height": 844}

# Where an element's top and bottom are on the page, whichever element scrolls.
_PLACE = """(selector) => {
    const el = document.querySelector(selector);
    if (!el) return null;
    const box = el.getBoundingClientRect();
    const main = document.querySelector('[data-testid="stMain"]');
    const scrolled = window.scrollY + (main ? main.scrollTop : 0);
    return {top: box.top + scrolled, bottom: box.bottom + scrolled};
}"""
_WIDTHS = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    return {
        page: document.scrollingElement.scrollWidth,
        main: main ? main.scrollWidth : 0,
        inner: window.innerWidth,
    };
}"""


@pytest.fixture
def fresh(browser: object) -> Iterator[object]:
    """A function opening a new page with the given browser context options."""
    contexts = []

    def open_with(**options: object) -> Page:
        context = browser.new_context(**options)  # type: ignore[attr-defined]
        contexts.append(context)
        return context.new_page()

    yield open_with
    for context in contexts:
        context.close()


def test_every_page_fits_a_phone(app_url: str, fresh: object, tmp_path: Path) -> None:
    page = fresh(viewport=PHONE)  # type: ignore[operator]
    for name in PAGES:
        open_page(page, f"{app_url}/{name}")
        wait_live_charts(page)
        page.screenshot(path=str(tmp_path / f"phone-{name or 'home'}.png"))
        widths = page.evaluate(_WIDTHS)
        assert widths["page"] <= widths["inner"], (name, widths)
        assert widths["main"] <= widths["inner"], (name, widths)
        if name == "EM_stepper":
            # The step buttons and the map within the first two screens.
            next_button = page.evaluate(_PLACE, ".st-key-em_next")
            the_map = page.evaluate(_PLACE, ".st-key-em_map")
            assert next_button["bottom"] <= PHONE["height"], next_button
            assert the_map["top"] <= 2 * PHONE["height"] - 200, the_map
            _loop_words_fit_their_boxes(page)


def test_the_worked_out_e_step_fits_a_phone(app_url: str, fresh: object) -> None:
    page = fresh(viewport=PHONE)  # type: ignore[operator]
    open_page(page, f"{app_url}/EM_stepper?em_step=3&em_show_numbers=true")
    lines = page.locator(".st-key-em_show_numbers .katex-display")
    expect(lines.first).to_be_visible()
    sizes = lines.evaluate_all(
        "(all) => all.map((e) => [e.scrollWidth, e.clientWidth])"
    )
    assert sizes and all(wide <= shown + 2 for wide, shown in sizes), sizes


def _loop_words_fit_their_boxes(page: Page) -> None:
    """Every word of the surveyor's loop inside its box (the loop is on screen)."""
    overflow = live_chart(page, "em_loop").evaluate(
        """(chart) => {
        const boxes = [...chart.querySelectorAll('.shapelayer path')]
            .filter((p) => !(p.getAttribute('d') || '').includes('C'))  // not the curve
            .map((p) => p.getBoundingClientRect());
        const words = [...chart.querySelectorAll('.annotation-text')]
            .map((t) => t.getBoundingClientRect())
            .filter((b) => b.width > 0);
        const inside = (w, b) => w.left >= b.left - 1 && w.right <= b.right + 1
            && w.top >= b.top - 1 && w.bottom <= b.bottom + 1;
        const inBoxes = words.filter((w) => boxes.some(
            (b) => w.left + w.width / 2 > b.left && w.left + w.width / 2 < b.right
                && w.top + w.height / 2 > b.top && w.top + w.height / 2 < b.bottom));
        return {
            boxes: boxes.length,
            words: inBoxes.length,
            outside: inBoxes.filter((w) => !boxes.some((b) => inside(w, b))).length,
        };
    }"""
    )
    assert overflow["boxes"] == 4 and overflow["words"] == 8, overflow
    assert overflow["outside"] == 0, overflow


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_presenter_mode_is_large_and_keeps_the_controls_on_screen(
    app_url: str, fresh: object, tmp_path: Path, size: tuple[int, int]
) -> None:
    width, height = size
    page = fresh(viewport={"width": width, "height": height})  # type: ignore[operator]
    open_page(page, f"{app_url}/EM_stepper?present=1")
    wait_live_charts(page)
    page.screenshot(path=str(tmp_path / f"present-{width}.png"))
    # Body text at least 1.4x Streamlit's 16 px.
    size_px = narration(page).evaluate(
        "(el) => parseFloat(getComputedStyle(el).fontSize)"
    )
    assert size_px >= 1.4 * 16
    # The sidebar tucked in, the settings folded, the step buttons on screen.
    sidebar = page.locator('[data-testid="stSidebar"]')
    shown = sidebar.evaluate(
        "(el) => Math.max(0, Math.min(el.getBoundingClientRect().right, innerWidth))"
    )
    assert shown <= 1, shown
    assert not page.locator(".st-key-n_components").is_visible()
    assert page.evaluate(_PLACE, ".st-key-em_next")["bottom"] <= height
    # The charts' fonts grew with the text.
    tick = live_chart(page, "em_map").evaluate(
        "(chart) => parseFloat(chart.querySelector('.xtick text').style.fontSize)"
    )
    assert tick >= 1.4 * 12 - 0.01
    # ...and the charts with them: the log-likelihood's axis title no taller than
    # its plot, its note clear of the axis' numbers.
    inside = live_chart(page, "em_loglik").evaluate(
        """(chart) => {
        const box = (el) => el.getBoundingClientRect();
        const plot = box(chart.querySelector('.nsewdrag'));
        const title = box(chart.querySelector('.ytitle'));
        const note = box(chart.querySelector('.annotation'));
        const ticks = Math.max(...Array.from(chart.querySelectorAll('.ytick text'))
            .map((t) => box(t).right));
        return {
            title_fits: title.top >= plot.top - 1 && title.bottom <= plot.bottom + 1,
            note_clear: note.left >= ticks,
        };
    }"""
    )
    assert inside == {"title_fits": True, "note_clear": True}, inside


def _hill_tops_seen(page: Page) -> list[list[float]]:
    """Click Next twice (E, then M) and record the hill tops' x on every frame
    drawn after the M-step's figure arrived."""
    click_button(page, "em_next")
    wait_live_charts(page)
    live = live_chart(page, "em_map")
    live.evaluate(
        """(chart) => {
        window.seen = [];
        const record = () => {
            const tops = chart.data.find((t) => t.name === 'hill tops (means)');
            if (tops) window.seen.push(Array.from(tops.x));
        };
        chart.on('plotly_restyle', record);
        chart.on('plotly_afterplot', record);
    }"""
    )
    before = live.evaluate("(chart) => chart.dataset.revision")
    click_button(page, "em_next")
    live.wait_for_function(
        "(chart, before) => chart.dataset.revision !== before", before
    )
    page.wait_for_timeout(700)  # longer than a glide
    return page.evaluate("() => window.seen")


def test_the_hills_glide_between_half_steps(app_url: str, fresh: object) -> None:
    page = fresh(viewport={"width": 1400, "height": 1000})  # type: ignore[operator]
    open_page(page, f"{app_url}/EM_stepper")
    wait_live_charts(page)
    seen = _hill_tops_seen(page)
    start, end = seen[0], seen[-1]
    assert start != end
    between = [
        xs
        for xs in seen
        if all(
            min(a, b) - 1e-9 <= x <= max(a, b) + 1e-9
            for x, a, b in zip(xs, start, end, strict=True)
        )
        and xs not in (start, end)
    ]
    # At least one frame on the way (a loaded machine draws few), not a jump.
    assert len({tuple(xs) for xs in between}) >= 1, seen


def test_no_glide_when_the_browser_asks_for_reduced_motion(
    app_url: str, fresh: object
) -> None:
    page = fresh(viewport={"width": 1400, "height": 1000}, reduced_motion="reduce")  # type: ignore[operator]
    open_page(page, f"{app_url}/EM_stepper")
    wait_live_charts(page)
    seen = _hill_tops_seen(page)
    assert len({tuple(xs) for xs in seen}) == 1, seen  # straight to the new place
    motion = live_chart(page, "em_map").evaluate("(chart) => chart.dataset.motion")
    assert motion == "none"


def test_a_charts_png_is_named_after_the_page_and_the_chart(
    app_url: str, fresh: object
) -> None:
    page = fresh(viewport={"width": 1400, "height": 1000}, accept_downloads=True)  # type: ignore[operator]
    open_page(page, f"{app_url}/EM_stepper")
    wait_live_charts(page)
    wait_idle(page)
    chart = live_chart(page, "em_map")
    chart.locator(".plot-container").hover()
    with page.expect_download() as download:
        chart.locator('.modebar-btn[data-title="Download plot as a PNG"]').click()
    assert download.value.suggested_filename == "fogmap-em-stepper-em_map.png"
