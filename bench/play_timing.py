"""Does Play keep time? The EM stepper playing at its fastest speed in Chromium.

Opens the stepper on 2,000 points (the overlapping preset, tolerance 1e-6 so the
run is long), sets Play's speed to "fast" (a half-step every 0.35 s, the tick),
presses Play and records, on the page's clock, two things for every half-step:

- when the server's step reached the page (the URL's ``em_step`` changes), and
- when the map showing that half-step was drawn (the live chart sets
  ``data-tag``, the half-step, with ``data-revision`` once Plotly has drawn it).

Prints the half-steps played, how many the map showed, how many it skipped (a
URL step whose map was never drawn) and how many were late (drawn more than a
tick after the half-step before it was), and the median and 95th percentile of
the gap between two drawn half-steps against the tick. Needs Debian's chromium.
Run: ``.venv/bin/python bench/play_timing.py [--points 2000] [--seconds 20]``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "browser")]

from conftest import (  # noqa: E402  (tests/browser/conftest.py)
    CHROMIUM_ARGS,
    find_chromium,
    streamlit_server,
)
from playwright.sync_api import Page, sync_playwright  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from streamlit_page import LIVE_CHART_IN, wait_idle  # noqa: E402

TICK = 0.35  # seconds: gmm_app.stepper.controls._SPEEDS["fast"]
# The map's live chart (gmm_app.shell.live_chart): in the page, or in its own frame
# in a checkout from before live charts were drawn in the page.
MAP_CHART = f"""() => ({LIVE_CHART_IN})(document.querySelector('.st-key-em_map'))"""
# Both logs use one clock for the page and the map (epoch milliseconds).
RECORD_URL = """() => {
    window.__urlSteps = [];
    const note = () => {
        const step = new URLSearchParams(location.search).get('em_step');
        const log = window.__urlSteps;
        if (step !== null && (!log.length || log[log.length - 1][0] !== Number(step)))
            log.push([Number(step), performance.timeOrigin + performance.now()]);
    };
    for (const name of ['replaceState', 'pushState']) {
        const original = history[name].bind(history);
        history[name] = (...args) => { const r = original(...args); note(); return r; };
    }
    note();
}"""
RECORD_MAP = """() => {
    // Follows the map's chart even if Streamlit replaces it (counted in __frames).
    window.__drawn = [];
    window.__frames = 0;
    let watched = null;
    const watch = () => {
        const chart = (MAP_CHART)();
        if (!chart || chart === watched) return;
        watched = chart;
        window.__frames += 1;
        const win = chart.ownerDocument.defaultView;
        const now = () => win.performance.timeOrigin + win.performance.now();
        const note = () => {
            const tag = chart.dataset.tag;
            const log = window.__drawn;
            const last = log.length ? log[log.length - 1][0] : null;
            if (tag !== undefined && last !== Number(tag))
                log.push([Number(tag), now()]);
        };
        new win.MutationObserver(note).observe(
            chart, {attributes: true, attributeFilter: ['data-tag']});
        note();
    };
    watch();
    setInterval(watch, 50);
}""".replace("MAP_CHART", MAP_CHART)

MAP_TAGGED = """() => {
    const chart = (MAP_CHART)();
    return Boolean(chart && chart.dataset.tag);
}""".replace("MAP_CHART", MAP_CHART)


def pause(page: Page) -> None:
    """Press Pause until the button says Play again (a click can land while the
    button is being redrawn by a tick)."""
    button = page.locator(".st-key-em_play").get_by_role("button").first
    for _ in range(3):
        button.click()
        try:
            page.locator(".st-key-em_play").filter(has_text="Play").wait_for(
                timeout=10_000
            )
            return
        except PlaywrightTimeout:
            continue
    raise RuntimeError("Pause did not stop the play")


def play(page: Page, base: str, points: int, seconds: float) -> tuple[list, list]:
    """Open, set the speed, play for ``seconds``; the URL's and the map's logs."""
    page.goto(
        f"{base}/EM_stepper?dataset=overlapping&n_samples={points}"
        "&n_components=3&covariance_type=full"
    )
    wait_idle(page, 120_000)
    page.locator(".st-key-em_tol").get_by_role("slider").first.focus()
    for _ in range(5):  # tol 1e-3 -> 1e-6: a run long enough to play for a while
        page.keyboard.press("ArrowLeft")
    wait_idle(page, 120_000)
    speed = page.locator(".st-key-em_speed").get_by_role("slider").first
    speed.focus()
    page.keyboard.press("ArrowRight")  # normal -> fast
    wait_idle(page, 120_000)
    page.wait_for_function(MAP_TAGGED, timeout=60_000)
    page.evaluate(RECORD_URL)
    page.evaluate(RECORD_MAP)
    page.locator(".st-key-em_play").get_by_role("button").first.click()
    page.wait_for_timeout(seconds * 1000)
    pause(page)
    page.wait_for_timeout(1500)  # the last map drawn
    frames = page.evaluate("window.__frames")
    if frames != 1:
        print(f"(the map's chart was replaced {frames - 1} times while playing)")
    return page.evaluate("window.__urlSteps"), page.evaluate("window.__drawn")


def report(url_steps: list, drawn: list, tick: float) -> None:
    """Print what the map showed of the half-steps the server played."""
    first = url_steps[0][0] if url_steps else 0
    # The same half-step written again (a tick that came too soon after the last
    # step shows that step longer: gmm_app.stepper.controls) is not a new step.
    steps = [step for step, _ in url_steps]
    repeats = sum(b == a for a, b in itertools.pairwise(steps))
    played = [b for a, b in itertools.pairwise(steps) if b != a]
    drawn_at = {}
    for step, t in drawn:
        drawn_at.setdefault(step, t)
    shown = [s for s in played if s in drawn_at]
    skipped = [s for s in played if s not in drawn_at]
    jumps = [b for a, b in itertools.pairwise(steps) if b > a + 1]
    order = [first, *played]
    gaps = [
        (drawn_at[b] - drawn_at[a]) / 1000.0
        for a, b in itertools.pairwise(order)
        if a in drawn_at and b in drawn_at
    ]
    late = [g for g in gaps if g > tick]
    reached_at: dict = {}
    for step, t in url_steps[1:]:
        reached_at.setdefault(step, t)
    lag = [
        (drawn_at[s] - t) / 1000.0 for s, t in reached_at.items() if s in drawn_at
    ]  # from the step reaching the page to its map drawn
    print(f"# Play at the fastest speed (tick {tick * 1000:.0f} ms), in Chromium\n")
    print("| what | value |")
    print("| --- | ---: |")
    print(f"| half-steps played (URL em_step {first} -> {order[-1]}) | {len(played)} |")
    print(f"| shown on the map | {len(shown)} |")
    print(f"| skipped (never drawn) | {len(skipped)} |")
    print(f"| URL steps that jumped more than one half-step | {len(jumps)} |")
    print(f"| ticks that showed the same half-step again | {repeats} |")
    print(f"| late (drawn more than a tick after the one before) | {len(late)} |")
    if gaps:
        ordered = sorted(gaps)
        p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
        print(
            f"| gap between drawn half-steps: median / p95 / max (ms) "
            f"| {statistics.median(gaps) * 1000:.0f} / {p95 * 1000:.0f} "
            f"/ {ordered[-1] * 1000:.0f} |"
        )
    if lag:
        ordered = sorted(lag)
        p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
        print(
            f"| step reaching the page to its map drawn: median / p95 (ms) "
            f"| {statistics.median(lag) * 1000:.0f} / {p95 * 1000:.0f} |"
        )
    if skipped:
        print(f"\nSkipped half-steps: {skipped[:30]}")


def main() -> None:
    """Play and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--dump", type=Path, help="also write both logs (JSON) here")
    args = parser.parse_args()
    chromium = find_chromium()
    if chromium is None:
        sys.exit("No Chromium found: install Debian's `chromium`.")
    with streamlit_server() as (base, _server), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1200})
        url_steps, drawn = play(page, base, args.points, args.seconds)
        browser.close()
    if args.dump:
        args.dump.write_text(json.dumps({"url": url_steps, "drawn": drawn}))
    report(url_steps, drawn, TICK)


if __name__ == "__main__":
    main()
