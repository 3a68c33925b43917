"""The EM stepper in real Chromium: stepping, clicking points, links, navigation."""

from __future__ import annotations

import itertools
import re
import time

import pytest
from playwright.sync_api import Page, expect
from streamlit_page import (
    HOME_HEADING,
    STEPPER,
    choose,
    click_button,
    flip_toggle,
    hover_marker,
    hovered_point,
    live_chart,
    narration,
    open_long_run_at_fast_speed,
    open_page,
    plotly_chart,
    point_markers,
    real_errors,
    set_number,
    wait_idle,
)

EXCEPTION = '[data-testid="stException"]'


def expect_map_to_show(page: Page, text: str) -> None:
    """Wait until the one map on the page shows ``text`` (a legend entry)."""
    expect(plotly_chart(page, "em_map").filter(has_text=text)).to_have_count(1)
    expect(plotly_chart(page, "em_map")).to_have_count(1)


def test_stepping_forward_and_back_changes_the_chart(page: Page, app_url: str) -> None:
    open_page(page, f"{app_url}{STEPPER}")
    expect(plotly_chart(page, "em_map")).to_be_visible()
    expect(narration(page)).to_contain_text("The guess.")
    expect_map_to_show(page, "points (not asked yet)")  # grey, no hill yet
    expect(page.locator(".st-key-em_back").get_by_role("button")).to_be_disabled()

    click_button(page, "em_next")
    expect(narration(page)).to_contain_text("E-step 1: who belongs where?")
    expect_map_to_show(page, "hill A")  # points now coloured by their hill
    expect(plotly_chart(page, "em_map")).not_to_contain_text("points (not asked yet)")
    expect(plotly_chart(page, "em_heatmap")).to_be_visible()

    click_button(page, "em_next")
    expect(narration(page)).to_contain_text("M-step 1: move and reshape the hills.")

    click_button(page, "em_back")
    expect(narration(page)).to_contain_text("E-step 1: who belongs where?")
    click_button(page, "em_back")
    expect(narration(page)).to_contain_text("The guess.")
    expect_map_to_show(page, "points (not asked yet)")
    expect(page.locator(EXCEPTION)).to_have_count(0)
    assert real_errors(page.console_errors) == []  # type: ignore[attr-defined]


def open_numbers(page: Page) -> None:
    """Open "Every number, worked out" as a student does: a click on its section."""
    page.locator('[data-testid="stExpander"] summary').filter(
        has_text="Open the numbers"
    ).click()
    expect(page.locator(".st-key-em_point input")).to_be_visible()
    wait_idle(page)


def _e_step_tab(page: Page):
    return page.locator('[data-testid="stTabs"]').filter(
        has_text="E-step for one point"
    )


def test_clicking_a_point_shows_its_equation(page: Page, app_url: str) -> None:
    open_page(page, f"{app_url}{STEPPER}")
    click_button(page, "em_next")
    expect(narration(page)).to_contain_text("E-step 1")
    expect_map_to_show(page, "hill A")
    x, y = hover_marker(page, point_markers(page, "em_map").nth(5))
    row = hovered_point(page, "em_map")  # what the student reads before clicking
    assert row != 0  # the point input starts at 0: the click must change it
    expect(page.locator(".st-key-em_point")).to_have_count(0)  # numbers closed
    page.mouse.click(x, y)  # Plotly's click event, sent as the live chart's value
    wait_idle(page)  # the click opens the numbers at that point
    expect(page.locator(".st-key-em_point input")).to_have_value(str(row))
    tab = _e_step_tab(page)
    expect(tab).to_contain_text(f"about point #{row}:")
    expect(tab.locator(".katex").first).to_contain_text("γ")
    expect(tab.locator(".katex").first).to_contain_text(str(row))
    expect(page.locator(EXCEPTION)).to_have_count(0)
    assert real_errors(page.console_errors) == []  # type: ignore[attr-defined]


def test_typing_a_point_after_clicking_one_shows_the_typed_one(
    page: Page, app_url: str
) -> None:
    open_page(page, f"{app_url}{STEPPER}")
    click_button(page, "em_next")
    expect_map_to_show(page, "hill A")
    x, y = hover_marker(page, point_markers(page, "em_map").nth(5))
    row = hovered_point(page, "em_map")
    page.mouse.click(x, y)
    wait_idle(page)
    expect(page.locator(".st-key-em_point input")).to_have_value(str(row))
    typed = 7 if row != 7 else 8
    set_number(page, "em_point", typed)
    expect(_e_step_tab(page)).to_contain_text(f"about point #{typed}:")
    expect(page.locator(".st-key-em_point input")).to_have_value(str(typed))
    expect(page.locator(EXCEPTION)).to_have_count(0)


def test_a_step_redraws_the_map_in_place_and_keeps_the_zoom(
    page: Page, app_url: str
) -> None:
    open_page(page, f"{app_url}{STEPPER}")
    click_button(page, "em_next")
    expect_map_to_show(page, "hill A")
    live = live_chart(page, "em_map")
    read = """(chart) => {
        return {kept: chart.__fogmapKept === true,
                zoom: chart._fullLayout.xaxis.range.slice(),
                revision: chart.dataset.revision};
    }"""
    whole = live.evaluate(read)["zoom"]
    # The student zooms in by dragging a box on the map.
    area = plotly_chart(page, "em_map").locator(".nsewdrag").first
    area.scroll_into_view_if_needed()
    box = area.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3)
    page.mouse.down()
    page.mouse.move(
        box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.6, steps=8
    )
    page.mouse.up()
    live.wait_for_function("(chart) => chart.layout.xaxis.autorange === false")
    live.evaluate("(chart) => { chart.__fogmapKept = true; }")
    zoomed = live.evaluate(read)

    click_button(page, "em_next")
    expect(narration(page)).to_contain_text("M-step 1")
    live.wait_for_function(
        "(chart, before) => chart.dataset.revision !== before", zoomed["revision"]
    )
    after = live.evaluate(read)
    assert after["kept"], "the map was rebuilt instead of updated"
    # The zoom stays: the same window, up to the small shift the map's equal axis
    # scales make when the legend's percentages change width; not the whole map.
    width = zoomed["zoom"][1] - zoomed["zoom"][0]
    assert width < 0.6 * (whole[1] - whole[0]), "the drag did not zoom"
    assert after["zoom"] == pytest.approx(zoomed["zoom"], abs=0.05 * width), (
        "the step lost the student's zoom"
    )
    expect(page.locator(EXCEPTION)).to_have_count(0)
    assert real_errors(page.console_errors) == []  # type: ignore[attr-defined]


def test_typing_a_point_number_shows_its_equation(page: Page, app_url: str) -> None:
    open_page(page, f"{app_url}{STEPPER}")
    click_button(page, "em_next")
    expect(page.locator(".katex")).to_have_count(0)  # closed: no formula drawn
    open_numbers(page)
    expect(page).to_have_url(re.compile(r"[?&]em_show_numbers=true"))
    set_number(page, "em_point", 42)
    tab = _e_step_tab(page)
    expect(tab).to_contain_text(
        "E-step 1 asks the hills of iteration 0 about point #42:"
    )
    expect(tab.locator(".katex").first).to_contain_text("γ")
    expect(tab.locator(".katex").last).to_contain_text("42")
    expect(page.locator(EXCEPTION)).to_have_count(0)


def test_the_url_of_a_view_reopens_it(page: Page, app_url: str) -> None:
    open_page(page, f"{app_url}{STEPPER}")
    for _ in range(3):
        click_button(page, "em_next")
    expect(narration(page)).to_contain_text("E-step 2: who belongs where?")  # 3
    expect(page).to_have_url(re.compile(r"[?&]em_step=3(&|$)"))
    said = narration(page).inner_text()

    other = page.context.new_page()
    open_page(other, page.url)  # a new session from the shared link
    expect(narration(other)).to_have_text(said)
    expect(other.locator(".st-key-em_back").get_by_role("button")).to_be_enabled()
    expect(other.locator(".st-key-em_scrub")).to_contain_text("E-step 2")
    expect(other.locator(EXCEPTION)).to_have_count(0)
    assert real_errors(page.console_errors) == []  # type: ignore[attr-defined]


def test_the_data_follows_the_student_through_the_sidebar(
    page: Page, app_url: str
) -> None:
    open_page(page, app_url)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("link", name="EM stepper").click()
    expect(page.get_by_role("heading", name="EM stepper")).to_be_visible()
    wait_idle(page)
    expect(narration(page)).to_contain_text("The guess.")
    choose(page, "dataset", "Old Faithful")
    expect(sidebar.get_by_text("Old Faithful eruptions · 272 points")).to_be_visible()
    expect_map_to_show(page, "eruption")  # the axes follow the data
    sidebar.get_by_role("link", name="Home").click()
    expect(page.get_by_role("heading", name=HOME_HEADING)).to_be_visible()
    wait_idle(page)
    expect(sidebar.get_by_text("Old Faithful eruptions · 272 points")).to_be_visible()
    expect(page.locator(EXCEPTION)).to_have_count(0)
    assert real_errors(page.console_errors) == []  # type: ignore[attr-defined]


def test_play_keeps_stepping_until_paused(page: Page, app_url: str) -> None:
    open_page(page, f"{app_url}{STEPPER}")
    click_button(page, "em_play")
    expect(page.locator(".st-key-em_play")).to_contain_text("Pause")
    # At "normal" speed a half-step every 0.8 s; the URL follows the position.
    page.wait_for_function(
        "() => Number(new URLSearchParams(location.search).get('em_step')) >= 3",
        timeout=10_000,
    )
    click_button(page, "em_play")
    expect(page.locator(".st-key-em_play")).to_contain_text("Play")
    wait_idle(page)
    match = re.search(r"[?&]em_step=(\d+)", page.url)
    assert match, page.url
    paused_at = int(match.group(1))
    click_button(page, "em_next")  # stepping by hand goes on from where it paused
    expect(page).to_have_url(re.compile(rf"[?&]em_step={paused_at + 1}(&|$)"))
    expect(page.locator(EXCEPTION)).to_have_count(0)
    assert real_errors(page.console_errors) == []  # type: ignore[attr-defined]


def _step_gaps(page: Page, gaps: int, timeout: float = 20.0) -> list[float]:
    """Seconds between the next ``gaps`` + 1 half-steps that play shows (the URL
    follows the position)."""
    times: list[float] = []
    last, start = page.url, time.monotonic()
    while len(times) <= gaps:
        assert time.monotonic() - start < timeout, f"play stalled: {times}"
        page.wait_for_timeout(20)
        if page.url != last:
            last = page.url
            times.append(time.monotonic())
    return [b - a for a, b in itertools.pairwise(times)]


def test_changing_the_speed_while_playing_changes_the_pace(
    page: Page, app_url: str
) -> None:
    """Speed sits with the step controls, inside the part of the page a tick
    reruns: a new speed must retime the ticks at once, not after Pause and Play."""
    # Overlapping hills: EM takes many half-steps, enough to time both speeds.
    open_page(page, f"{app_url}{STEPPER}?dataset=overlapping&n_samples=300")
    click_button(page, "em_play")
    normal = sorted(_step_gaps(page, 3))[1]
    speed = page.locator(".st-key-em_speed input[type=range]")
    speed.focus()
    speed.press("ArrowLeft")  # normal -> slow (1.5 s a half-step)
    _step_gaps(page, 1)  # the tick that was already under way
    slow = sorted(_step_gaps(page, 3))[1]
    # Busy machines only lengthen ticks, so a pace that did not change can pass
    # here by luck, but a working one never fails.
    assert normal < 1.2 < slow, (normal, slow)
    click_button(page, "em_play")
    expect(page.locator(EXCEPTION)).to_have_count(0)


# On the page's clock: every em_step the URL takes (the server's half-steps) and
# every half-step the map draws (the live chart's data-tag, set once drawn).
_RECORD_PLAY = """() => {
    window.__urlSteps = [];
    window.__drawnSteps = [];
    const note = () => {
        const step = new URLSearchParams(location.search).get('em_step');
        if (step !== null) window.__urlSteps.push(Number(step));
    };
    for (const name of ['replaceState', 'pushState']) {
        const original = history[name].bind(history);
        history[name] = (...args) => { const r = original(...args); note(); return r; };
    }
    let watched = null;
    const watch = () => {  // the map's chart, even if Streamlit replaces it
        const chart = document.querySelector('.st-key-em_map .fogmap-live-chart');
        if (!chart || chart === watched) return;
        watched = chart;
        const note = () => window.__drawnSteps.push(Number(chart.dataset.tag));
        new MutationObserver(note).observe(
            chart, {attributes: true, attributeFilter: ['data-tag']});
        note();
    };
    watch();
    setInterval(watch, 50);
}"""


def test_play_at_the_fastest_speed_shows_every_half_step(
    page: Page, app_url: str
) -> None:
    """Play at "fast" on 2,000 points: the map draws every half-step the server
    plays, none skipped (bench/play_timing.py measures how close to the tick)."""
    open_long_run_at_fast_speed(page, app_url)
    page.evaluate(_RECORD_PLAY)
    # Playing fast, the page is busy drawing most of the time: the buttons are
    # clicked without waiting for Streamlit to settle, and Pause is checked on
    # its label.
    play = page.locator(".st-key-em_play").get_by_role("button").first
    play.click()
    page.wait_for_function(
        "() => window.__urlSteps.length && Math.max(...window.__urlSteps) >= 10",
        timeout=30_000,
    )
    play.click()  # pause
    expect(page.locator(".st-key-em_play")).to_contain_text("Play", timeout=15_000)
    page.wait_for_timeout(1000)  # a tick already under way lands
    last = max(page.evaluate("window.__urlSteps"))
    page.wait_for_function(
        f"() => window.__drawnSteps.includes({last})", timeout=10_000
    )
    played = sorted(set(page.evaluate("window.__urlSteps")))
    drawn = set(page.evaluate("window.__drawnSteps"))
    assert played == list(range(played[0], played[-1] + 1)), played  # no jump
    assert [s for s in played if s not in drawn] == [], (played, sorted(drawn))
    expect(page.locator(EXCEPTION)).to_have_count(0)


def test_live_charts_look_like_streamlits_own(page: Page, app_url: str) -> None:
    """The live charts' look (gmm_app.shell.live_chart.STREAMLIT_LOOK) still matches the
    template Streamlit gives a real st.plotly_chart: a Streamlit upgrade that
    changes its charts' look fails here rather than leaving the stepper odd."""
    open_page(page, f"{app_url}{STEPPER}")
    flip_toggle(page, "em_gallery_show")
    expect(plotly_chart(page, "em_gallery")).to_be_visible()
    read = """(chart) => {
        const t = chart.layout.template.layout;
        return {font: t.font, title: t.title.font, legend: t.legend.font,
                xaxis: [t.xaxis.tickfont, t.xaxis.showgrid, t.xaxis.gridcolor],
                yaxis: [t.yaxis.tickfont, t.yaxis.gridcolor], margin: t.margin,
                background: [t.paper_bgcolor, t.plot_bgcolor], colorway: t.colorway,
                hover: t.hoverlabel};
    }"""
    streamlits = plotly_chart(page, "em_gallery").first.evaluate(read)
    ours = plotly_chart(page, "em_loglik").evaluate(read)
    assert ours == streamlits


def test_live_charts_draw_with_fogmaps_own_plotly_bundle(
    page: Page, app_url: str
) -> None:
    """The stepper's live charts draw with Fogmap's plotly.js bundle (the core and
    four trace types, ~0.25 s of the main thread instead of ~1 s for the full
    4.7 MB): a visit fetches it and neither Streamlit's plotly.js module nor the
    shipped plotly.min.js, and no full Plotly runs in the page."""
    open_page(page, f"{app_url}{STEPPER}")
    expect(plotly_chart(page, "em_map")).to_have_count(1)
    seen = page.evaluate(
        """() => ({
        full: typeof window.Plotly,
        files: performance.getEntriesByType('resource')
            .map((e) => e.name.split('?')[0].split('/').pop())
            .filter((name) => /plotly/i.test(name)),
    })"""
    )
    assert seen["files"] == ["plotly-fogmap.min.js"], seen
    assert seen["full"] == "undefined", seen


def test_a_live_chart_the_bundle_cannot_draw_gets_the_full_plotly(
    page: Page, app_url: str
) -> None:
    """A figure with a trace type the bundle lacks is still drawn, with the full
    plotly.js (Streamlit's own): a chart that starts in the bundle and later needs
    the full one is drawn again with it, and keeps it."""
    open_page(page, f"{app_url}{STEPPER}")
    expect(plotly_chart(page, "em_map")).to_have_count(1)
    drawn = page.evaluate(
        """async () => {
        const url = performance.getEntriesByType('resource')
            .map((e) => e.name).find((name) => name.includes('/live_chart.js?'));
        const chart = await import(url);
        const box = document.createElement('div');
        box.style.width = '600px';
        document.body.appendChild(box);
        const send = (revision, type) => {
            const args = {key: 'probe', height: 200, template: null, config: {},
                revision, glide_ms: 0, clock_ms: 0, after: [], traces: [type]};
            const figure = {data: [{type, x: [1, 2, 3], y: [3, 1, 2]}], layout: {}};
            const text = JSON.stringify(args) + '\\n' + JSON.stringify(figure);
            chart.mount({parentElement: box, data: new TextEncoder().encode(text),
                         setTriggerValue: () => {}});
        };
        const shown = async (revision) => {
            const plot = box.querySelector('.fogmap-live-chart');
            for (let i = 0; i < 200; i++) {
                if (plot.dataset.revision === String(revision)) break;
                await new Promise((resolve) => setTimeout(resolve, 50));
            }
            return [plot.dataset.revision, plot._fullData[0].type,
                    typeof window.Plotly];
        };
        const seen = [];
        send(1, 'scatter'); seen.push(await shown(1));
        send(2, 'bar'); seen.push(await shown(2));
        send(3, 'scatter'); seen.push(await shown(3));
        return seen;
    }"""
    )
    assert drawn == [
        ["1", "scatter", "undefined"],  # the bundle
        ["2", "bar", "object"],  # the full plotly.js, loaded for it
        ["3", "scatter", "object"],
    ], drawn
