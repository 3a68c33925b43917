"""Play in Chromium keeps its own time: the map asks for each next half-step once it
has drawn the one it shows (gmm_app.stepper.controls.tick, the live chart's clock),
so the page never gets a half-step before the one before it is on the map.
bench/play_timing.py measures how close to the tick it keeps."""

from __future__ import annotations

import itertools

from playwright.sync_api import Page, expect
from streamlit_page import live_chart, open_long_run_at_fast_speed, wait_idle

EXCEPTION = '[data-testid="stException"]'
# On the page's clock: when each half-step reached the page (the URL's em_step),
# when the map drew it (its data-tag) and when the map asked for the next one.
_RECORD = """() => {
    const now = () => performance.now();
    window.__reached = [];
    window.__drawn = [];
    window.__asks = [];
    const note = () => {
        const step = new URLSearchParams(location.search).get('em_step');
        const log = window.__reached;
        if (step !== null && (!log.length || log[log.length - 1][0] !== Number(step)))
            log.push([Number(step), now()]);
    };
    for (const name of ['replaceState', 'pushState']) {
        const original = history[name].bind(history);
        history[name] = (...args) => { const r = original(...args); note(); return r; };
    }
    const chart = document.querySelector('.st-key-em_map .fogmap-live-chart');
    new MutationObserver(() => {
        const tag = Number(chart.dataset.tag);
        const log = window.__drawn;
        if (!log.length || log[log.length - 1][0] !== tag) log.push([tag, now()]);
    }).observe(chart, {attributes: true, attributeFilter: ['data-tag']});
    new MutationObserver(() => window.__asks.push(now())).observe(
        chart, {attributes: true, attributeFilter: ['data-asks']});
}"""


def test_play_fast_draws_each_half_step_before_the_next_comes(
    page: Page, app_url: str
) -> None:
    open_long_run_at_fast_speed(page, app_url)
    expect(page.locator('[data-testid="stTable"]')).to_have_count(1)
    page.evaluate(_RECORD)
    play = page.locator(".st-key-em_play").get_by_role("button").first
    play.click()
    page.wait_for_function(
        "() => window.__drawn.length && window.__drawn.at(-1)[0] >= 12",
        timeout=60_000,
    )
    # Playing fast, the numbers wait for Pause (the map, the loop and the charts
    # beside it go on).
    expect(page.get_by_text("Playing fast: pause to see").first).to_be_visible()
    play.click()  # pause
    expect(page.locator(".st-key-em_play")).to_contain_text("Play", timeout=15_000)
    page.wait_for_timeout(1500)  # an ask or a step already under way lands
    reached = page.evaluate("window.__reached")
    drawn = dict(page.evaluate("window.__drawn"))
    asks = page.evaluate("window.__asks")
    steps = [step for step, _ in reached]
    assert steps == list(range(steps[0], steps[-1] + 1)), steps  # none jumped
    assert [s for s in steps if s not in drawn] == [], (steps, sorted(drawn))
    # Each half-step drawn before the next one reached the page: one at a time.
    for (step, _), (_, next_came) in itertools.pairwise(reached):
        assert drawn[step] <= next_came, (step, drawn[step], next_came)
    # The map asked for the half-steps after the first (Play's click showed it).
    played = steps[-1] - steps[0]
    assert played >= 11  # half-steps 2 to 12 at least: Pause may land before 13
    assert played - 1 <= len(asks) <= played + 2, (played, len(asks))
    # Paused: no more asks, the same half-step, and the numbers are back.
    asked = live_chart(page, "em_map").evaluate("(chart) => chart.dataset.asks")
    at = page.evaluate("new URLSearchParams(location.search).get('em_step')")
    page.wait_for_timeout(1500)
    assert live_chart(page, "em_map").evaluate("(c) => c.dataset.asks") == asked
    assert page.evaluate("new URLSearchParams(location.search).get('em_step')") == at
    wait_idle(page)
    expect(page.locator('[data-testid="stTable"]')).to_have_count(1)
    expect(page.get_by_text("Playing fast: pause to see")).to_have_count(0)
    expect(page.locator(EXCEPTION)).to_have_count(0)
