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

``--app-dir DIR`` plays another checkout than this one; ``--before DIR`` also plays
another checkout (for example ``git archive HEAD | tar
-x -C DIR`` plus a ``.venv`` symlink), alternating with this one ``--runs`` times,
for a before/after in one run. ``--profile`` also says where the page's time goes
while playing: every ``Plotly.react`` per chart (timed in the page), the long
animation frames (script by source, style and layout, the rest of rendering) and a
CPU profile (Chrome DevTools Protocol) summed by where the code comes from.
Run: ``.venv/bin/python bench/play_timing.py [--points 2000] [--seconds 20]
[--runs 1] [--before DIR] [--profile]``.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import itertools
import json
import statistics
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "browser")]

from conftest import (  # noqa: E402  (tests/browser/conftest.py)
    CHROMIUM_ARGS,
    find_chromium,
    serving,
)
from playwright.sync_api import Page, sync_playwright  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from streamlit_page import LIVE_CHART_IN, wait_idle  # noqa: E402

from gmm_app.cli import (  # noqa: E402
    free_loopback_port,
    loopback_command,
    loopback_options,
)

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
    window.__asks = [];
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
        // A map that keeps Play's time (its clock) asks for each next half-step.
        new win.MutationObserver(() => window.__asks.push(now())).observe(
            chart, {attributes: true, attributeFilter: ['data-asks']});
    };
    watch();
    setInterval(watch, 50);
}""".replace("MAP_CHART", MAP_CHART)

MAP_TAGGED = """() => {
    const chart = (MAP_CHART)();
    return Boolean(chart && chart.dataset.tag);
}""".replace("MAP_CHART", MAP_CHART)

# --profile: every Plotly.react timed in the page, by the chart it draws (its
# .st-key-<key>): the synchronous part (parsing the figure, layout, drawing SVG,
# WebGL calls) and until its promise resolved. And every long animation frame
# (Chrome's LoAF: frames that took over 50 ms): its scripts by source and what
# started them, and its style/layout and rendering time.
RECORD_WORK = """() => {
    window.__react = [];
    window.__frames50 = [];
    const keyOf = (gd) => {
        const box = gd.closest && gd.closest('[class*="st-key-"]');
        const m = box ? /st-key-(\\S+)/.exec(box.className) : null;
        return m ? m[1] : '?';
    };
    const timed = new WeakSet();
    const wrap = () => {
        const P = window.Plotly;
        if (!P || timed.has(P)) return;
        timed.add(P);
        for (const name of ['react', 'restyle', 'relayout', 'newPlot']) {
            const original = P[name];
            P[name] = function (gd, ...rest) {
                const t0 = performance.now();
                const out = original.call(this, gd, ...rest);
                const sync = performance.now() - t0;
                const key = keyOf(gd);
                Promise.resolve(out).then(() => window.__react.push(
                    [name, key, t0, sync, performance.now() - t0]));
                return out;
            };
        }
    };
    wrap();
    setInterval(wrap, 200);
    new PerformanceObserver((list) => {
        for (const f of list.getEntries()) {
            window.__frames50.push({
                start: f.startTime, duration: f.duration,
                render: f.renderStart ? f.startTime + f.duration - f.renderStart : 0,
                layout: f.styleAndLayoutStart
                    ? f.startTime + f.duration - f.styleAndLayoutStart : 0,
                scripts: f.scripts.map((s) => [
                    s.invoker, s.sourceURL.split('/').pop().split('?')[0],
                    s.sourceFunctionName, s.duration,
                    s.forcedStyleAndLayoutDuration]),
            });
        }
    }).observe({type: 'long-animation-frame', buffered: false});
}"""


def _bucket(url: str) -> str:
    """Where a function of the CPU profile comes from."""
    if not url:
        return "native"
    name = url.split("/")[-1].split("?")[0]
    if name == "plotly.min.js":
        return "plotly.js"
    if name == "live_chart.js":
        return "live_chart.js"
    if "/static/" in url or name.startswith("index"):
        return "Streamlit (React)"
    return name or url


def profile_summary(profile: dict, half_steps: int) -> list[str]:
    """The CPU profile summed by source, by the chart being drawn, and its top
    functions; in ms per half-step played."""
    nodes = {node["id"]: node for node in profile["nodes"]}
    parent = {}
    for node in profile["nodes"]:
        for child in node.get("children", ()):
            parent[child] = node["id"]
    self_ms: collections.Counter = collections.Counter()
    for sample, delta in zip(profile["samples"], profile["timeDeltas"], strict=True):
        self_ms[sample] += delta / 1000.0

    def stack(node_id: int) -> list[dict]:
        frames = []
        while node_id is not None:
            frames.append(nodes[node_id]["callFrame"])
            node_id = parent.get(node_id)
        return frames

    by_source: collections.Counter = collections.Counter()
    by_root: collections.Counter = collections.Counter()
    by_function: collections.Counter = collections.Counter()
    inclusive: collections.Counter = collections.Counter()
    for node_id, ms in self_ms.items():
        frames = stack(node_id)
        top = frames[0]
        name = top["functionName"] or "(anonymous)"
        if name in ("(idle)", "(program)", "(garbage collector)", "(root)"):
            by_source[name] += ms
            by_root[name] += ms
            continue
        by_source[_bucket(top["url"])] += ms
        by_function[f"{name} ({_bucket(top['url'])}:{top['lineNumber']})"] += ms
        # Who asked: the live chart's draw, a Plotly handler, or Streamlit.
        names = [f["functionName"] for f in frames]
        urls = [_bucket(f["url"]) for f in frames]
        if "live_chart.js" in urls:
            root = "live chart: " + next(
                f["functionName"] or "?"
                for f in reversed(frames)
                if _bucket(f["url"]) == "live_chart.js"
            )
        elif "plotly.js" in urls:
            root = "plotly.js, not from a live chart"
        elif "Streamlit (React)" in urls:
            root = "Streamlit (React)"
        else:
            root = urls[-1]
        by_root[root] += ms
        for seen in set(names):
            if seen in (
                "bBox",
                "react",
                "plot",
                "drawData",
                "doAutoMargin",
                "supplyDefaults",
                "calc",
                "drawFramework",
                "draw",
                "unpack",
                "parse",
                "restyle",
                "style",
                "doTicksRelayout",
                "redraw",
                "_doPlot",
                "drawMarginPushers",
                "layoutStyles",
            ):
                inclusive[seen] += ms
    total = sum(self_ms.values())
    busy = total - by_source["(idle)"]
    per = max(half_steps, 1)
    lines = [
        f"CPU profile of the page: {total / 1000:.1f} s, busy {busy / 1000:.1f} s "
        f"({busy / per:.0f} ms per half-step played, {half_steps} half-steps)",
        "",
        "| by source (self time) | ms per half-step | share of busy |",
        "| --- | ---: | ---: |",
    ]
    for name, ms in by_source.most_common():
        if name != "(idle)":
            lines.append(f"| {name} | {ms / per:.1f} | {ms / busy:.0%} |")
    lines += [
        "",
        "| started from | ms per half-step | share of busy |",
        "| --- | ---: | ---: |",
    ]
    for name, ms in by_root.most_common(12):
        if name != "(idle)":
            lines.append(f"| {name} | {ms / per:.1f} | {ms / busy:.0%} |")
    lines += ["", "| function (inclusive) | ms per half-step |", "| --- | ---: |"]
    for name, ms in inclusive.most_common(20):
        lines.append(f"| {name} | {ms / per:.1f} |")
    lines += ["", "| function (self) | ms per half-step |", "| --- | ---: |"]
    for name, ms in by_function.most_common(20):
        lines.append(f"| {name} | {ms / per:.1f} |")
    return lines


def ask_summary(asks: list, url_steps: list, drawn: list) -> list[str]:
    """Where a half-step's time goes when the map keeps Play's time: from the
    map's ask to the step reaching the page (URL), and on to its map drawn."""
    if not asks:
        return ["(the map did not ask: Play timed by Streamlit's run_every)"]
    reached = [t for _, t in url_steps[1:]]
    drawn_at = [t for _, t in drawn]
    trip, draw, wait = [], [], []
    for ask in asks:
        after = [t for t in reached if t > ask]
        if after:
            trip.append(after[0] - ask)
            shown = [t for t in drawn_at if t > after[0]]
            if shown:
                draw.append(shown[0] - after[0])
        before = [t for t in drawn_at if t <= ask]
        if before:
            wait.append(ask - before[-1])

    def mid(values: list) -> str:
        return f"{statistics.median(values):.0f}" if values else "-"

    return [
        "| the map's clock | median (ms) |",
        "| --- | ---: |",
        f"| map drawn -> its ask for the next (waiting for the tick) | {mid(wait)} |",
        f"| ask -> the next half-step reaches the page (URL) | {mid(trip)} |",
        f"| reaching the page -> its map drawn | {mid(draw)} |",
        f"| asks | {len(asks)} |",
    ]


def work_summary(reacts: list, frames: list, half_steps: int) -> list[str]:
    """Plotly calls per chart and long animation frames, per half-step played."""
    per = max(half_steps, 1)
    lines = [
        "| Plotly call, chart | calls per half-step | sync ms: median / p95 "
        "| until resolved ms: median | sync ms per half-step |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    groups: dict = collections.defaultdict(list)
    for name, key, _t0, sync, whole in reacts:
        groups[(name, key)].append((sync, whole))
    for (name, key), values in sorted(
        groups.items(), key=lambda kv: -sum(v[0] for v in kv[1])
    ):
        syncs = sorted(v[0] for v in values)
        wholes = sorted(v[1] for v in values)
        p95 = syncs[min(len(syncs) - 1, int(0.95 * len(syncs)))]
        lines.append(
            f"| {name} {key} | {len(values) / per:.2f} | "
            f"{statistics.median(syncs):.0f} / {p95:.0f} | "
            f"{statistics.median(wholes):.0f} | {sum(syncs) / per:.1f} |"
        )
    if frames:
        script: collections.Counter = collections.Counter()
        forced = 0.0
        for frame in frames:
            for invoker, source, function, duration, layout in frame["scripts"]:
                label = f"{source or '?'} {function or ''} ({invoker.split('.')[0]})"
                script[label[:70]] += duration
                forced += layout
        total = sum(f["duration"] for f in frames)
        render = sum(f["render"] for f in frames)
        layout = sum(f["layout"] for f in frames)
        lines += [
            "",
            f"Long animation frames (over 50 ms): {len(frames)}, "
            f"{total / per:.0f} ms per half-step; rendering after the scripts "
            f"{render / per:.0f} (of which style and layout {layout / per:.0f}); "
            f"forced style and layout inside scripts {forced / per:.0f}",
            "",
            "| script in long frames (source, function, invoker) | ms per half-step |",
            "| --- | ---: |",
        ]
        for label, ms in script.most_common(12):
            lines.append(f"| {label} | {ms / per:.1f} |")
    return lines


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


def play(
    page: Page, base: str, points: int, seconds: float, profile: dict | None = None
) -> tuple[list, list]:
    """Open, set the speed, play for ``seconds``; the URL's and the map's logs.

    ``profile``, when given, receives the page's work while playing (``reacts``,
    ``frames`` and ``cpu``: see ``--profile``).
    """
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
    cdp = None
    if profile is not None:
        page.evaluate(RECORD_WORK)
        if profile.get("cpu") is not None:  # asked for: a CPU profile too
            cdp = page.context.new_cdp_session(page)
            cdp.send("Profiler.enable")
            cdp.send("Profiler.setSamplingInterval", {"interval": 1000})
            cdp.send("Profiler.start")
    page.locator(".st-key-em_play").get_by_role("button").first.click()
    page.wait_for_timeout(seconds * 1000)
    if profile is not None:
        if cdp is not None:
            profile["cpu"] = cdp.send("Profiler.stop")["profile"]
            cdp.detach()
        profile["reacts"] = page.evaluate("window.__react")
        profile["frames"] = page.evaluate("window.__frames50")
    pause(page)
    page.wait_for_timeout(1500)  # the last map drawn
    frames = page.evaluate("window.__frames")
    if frames != 1:
        print(f"(the map's chart was replaced {frames - 1} times while playing)")
    if profile is not None:
        profile["asks"] = page.evaluate("window.__asks")
    return page.evaluate("window.__urlSteps"), page.evaluate("window.__drawn")


def report(url_steps: list, drawn: list, tick: float, title: str = "") -> int:
    """Print what the map showed of the half-steps the server played; how many."""
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
    # Against a clock started when the first half-step played was drawn (Play's
    # click is not timed): half-step i after it should be drawn within tick i
    # (by first + i + 1 ticks; behind: later).
    drawn_order = [drawn_at[s] for s in played if s in drawn_at]
    behind = [
        t
        for i, t in enumerate(drawn_order)
        if t - drawn_order[0] > (i * tick + tick) * 1000.0
    ]
    # How close the latest came to the end of its tick (negative: that much early).
    margin = max(
        (
            t - drawn_order[0] - (i * tick + tick) * 1000.0
            for i, t in enumerate(drawn_order)
        ),
        default=None,
    )
    reached_at: dict = {}
    for step, t in url_steps[1:]:
        reached_at.setdefault(step, t)
    lag = [
        (drawn_at[s] - t) / 1000.0 for s, t in reached_at.items() if s in drawn_at
    ]  # from the step reaching the page to its map drawn
    print(
        f"# Play at the fastest speed (tick {tick * 1000:.0f} ms), in Chromium{title}\n"
    )
    print("| what | value |")
    print("| --- | ---: |")
    print(f"| half-steps played (URL em_step {first} -> {order[-1]}) | {len(played)} |")
    print(f"| shown on the map | {len(shown)} |")
    print(f"| skipped (never drawn) | {len(skipped)} |")
    print(f"| URL steps that jumped more than one half-step | {len(jumps)} |")
    print(f"| ticks that showed the same half-step again | {repeats} |")
    print(f"| late (drawn more than a tick after the one before) | {len(late)} |")
    print(
        f"| behind the clock (drawn after its tick, from the first) | {len(behind)} |"
    )
    if margin is not None and len(drawn_order) > 1:
        print(
            "| latest against the end of its tick (ms; negative: that much before it) "
            f"| {margin:.0f} |"
        )
    if len(drawn_order) > 1:
        pace = (drawn_order[-1] - drawn_order[0]) / (len(drawn_order) - 1)
        print(f"| mean gap between drawn half-steps (ms) | {pace:.0f} |")
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
    print()
    return len(played)


@contextlib.contextmanager
def app_server(app_dir: Path) -> Iterator[str]:
    """Fogmap served from ``app_dir`` (this checkout or a copy of another), as
    tests/browser/conftest.py serves it; its base URL once healthy."""
    port = free_loopback_port()
    fogmap_cli = (app_dir / "gmm_app" / "cli.py").is_file()
    streamlit_run = [sys.executable, "-m", "streamlit", "run", "app.py"]
    process = subprocess.Popen(
        loopback_command(port)
        if fogmap_cli
        else [*streamlit_run, *loopback_options(port)],
        cwd=app_dir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with serving(process, f"http://127.0.0.1:{port}") as url:
        yield url


def main() -> None:
    """Play and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument(
        "--app-dir",
        type=Path,
        default=ROOT,
        help="the checkout to play (default: this one)",
    )
    parser.add_argument(
        "--before",
        type=Path,
        help="another checkout, played alternately with this one (the 'before')",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also time every Plotly call and the long animation frames",
    )
    parser.add_argument(
        "--cpu-profile",
        action="store_true",
        help="with --profile: also a CPU profile (it slows the page down)",
    )
    parser.add_argument("--dump", type=Path, help="also write the logs (JSON) here")
    args = parser.parse_args()
    chromium = find_chromium()
    if chromium is None:
        sys.exit("No Chromium found: install Debian's `chromium`.")
    targets = [("after", args.app_dir.resolve())]
    if args.before is not None:
        targets.insert(0, ("before", args.before.resolve()))
    dumps = []
    for run in range(args.runs):
        for name, app_dir in targets:
            profile: dict | None = None
            if args.profile:
                profile = {"cpu": {} if args.cpu_profile else None}
            with app_server(app_dir) as base, sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=chromium, args=CHROMIUM_ARGS
                )
                page = browser.new_page(viewport={"width": 1440, "height": 1200})
                url_steps, drawn = play(page, base, args.points, args.seconds, profile)
                browser.close()
            title = f": {name}, run {run + 1} ({app_dir})"
            played = report(url_steps, drawn, TICK, title)
            if profile:
                print("\n".join(ask_summary(profile["asks"], url_steps, drawn)))
                print()
                print(
                    "\n".join(
                        work_summary(profile["reacts"], profile["frames"], played)
                    )
                )
                print()
                if profile["cpu"]:
                    print("\n".join(profile_summary(profile["cpu"], played)))
                    print()
            dumps.append(
                {
                    "target": name,
                    "run": run,
                    "url": url_steps,
                    "drawn": drawn,
                    **(
                        {k: v for k, v in profile.items() if k != "cpu"}
                        if profile
                        else {}
                    ),
                }
            )
            sys.stdout.flush()
    if args.dump:
        args.dump.write_text(json.dumps(dumps))


if __name__ == "__main__":
    main()
