"""Page load in real Chromium: from navigation to the first chart, cold and warm.

For Home and every lesson page, times the visit from ``page.goto`` until

- **script done**: the first script run has ended (read from the page's own clock,
  a MutationObserver on Streamlit's ``data-test-script-state``), and
- **chart + idle**: a Plotly chart is drawn (one of Streamlit's, or a Fogmap live
  chart that has drawn its first figure) *and* Streamlit says the script is not
  running (``[data-testid="stApp"][data-test-script-state="notRunning"]``),

and when

- **first chart**: the first chart a student sees is drawn: a Plotly chart (or a
  live chart) inside the first screen (the 1440x1000 viewport) has been drawn, on
  the page's own clock, checked every animation frame. It can come long before
  the script is idle, when the page draws its first screen first, and
- **whole page**: a page that sends its first screen alone
  (``gmm_app.shell.first_screen``) has also received and drawn the rest, which it
  asks for once a chart is drawn, and the script is idle again (the same as
  "chart + idle" for any other page),

waiting on those signals (no sleeps). A **cold** visit is the first visit in a
freshly started server (every ``st.cache_data`` empty, modules not yet imported by
a script run) from a fresh browser context (no HTTP cache); each page gets its own
fresh server, so a page never profits from another page's caches. A **warm** visit
is a second and third visit to the same page on that server, in a new tab of the
same browser context (a new Streamlit session, warm caches, cached static files).
Each figure is the median over ``--runs`` runs.

The payload is measured on the websocket: every binary frame the page receives is
decoded as Streamlit's ``ForwardMsg`` protobuf; "Plotly JSON" is the sum of the
figure specs (``plotly_chart.spec``, the JSON Plotly draws, or a live chart's
arguments, which hold its figure) of every chart the page is sent during the
visit, "websocket" is the sum of all frames (text, tables, figures, page
metadata). Both are the uncompressed message sizes; on the wire, permessage-deflate
(if the browser and server agree on it) makes them smaller.

**The floor.** In the same run the script serves a minimal Streamlit page of its
own, one small Plotly scatter (``st.plotly_chart``), written to a temporary folder
with Fogmap's ``.streamlit/config.toml`` and run, timed and visited exactly like
Fogmap's pages (its own fresh server per run, the same Chromium, cold and warm).
Every page's time is also printed as a ratio to the floor's, cold and warm, for
"chart + idle" and "first chart": what is left is Fogmap's own cost.

**Before and after in one run.** ``--before DIR`` also serves the app in ``DIR``
(for example a copy of HEAD made with ``git archive HEAD | tar -x -C DIR``),
alternating with ``--app-dir`` (default: this checkout) page by page, so both see
the same machine load.

**Warm, paired with the floor.** The ratios above divide two medians taken a
minute or more apart, and this shared machine's speed drifts within a minute (the
same unchanged page has read 0.99x in one run and 1.37x in the next). With
``--paired N`` the script also serves the floor and every page at once, warms
each in its own browser context (two visits), then visits them N rounds in turn
(the order rotating each round), so each page's warm visit has a floor visit
seconds from it; it prints the median of the N per-round ratios, with their
lowest and highest. ``--runs 0 --paired N`` measures only that.

Run: ``.venv/bin/python bench/page_load.py [--runs 3] [--paired 8]
[--pages Home EM_stepper] [--before DIR] [--app-dir DIR]``. ``--pages floor``
measures only the floor.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "browser")]

from conftest import (  # noqa: E402  (tests/browser/conftest.py)
    CHROMIUM_ARGS,
    find_chromium,
    serving,
)
from playwright.sync_api import Browser, Page, WebSocket, sync_playwright  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from streamlit_page import (  # noqa: E402
    FIRST_SCREEN,
    LIVE_CHART,
    LIVE_CHART_BOXES,
    LIVE_REVISION,
)

from gmm_app.cli import (  # noqa: E402
    free_loopback_port,
    loopback_command,
    loopback_options,
)

# (name in the table, URL path); Streamlit derives a page's path from its file
# name (pages/2_EM_stepper.py -> /EM_stepper), gmm_app/shell/navigation.py lists them.
PAGES = (
    ("Home", ""),
    ("Fog explorer", "Fog_explorer"),
    ("EM stepper", "EM_stepper"),
    ("Covariance shapes", "Covariance_shapes"),
    ("Choosing K", "Choosing_K"),
)
# Charts drawn: Streamlit's own Plotly charts, and Fogmap's live charts
# (gmm_app.shell.live_chart: a chart in the page, or in a checkout from before that
# an iframe, that carries data-revision once drawn).
CHARTS_DRAWN = f"""() => document.querySelectorAll(
        '.js-plotly-plot:not({LIVE_CHART})').length
    + ({LIVE_CHART_BOXES})().filter(
        (el) => ({LIVE_REVISION})(el) !== undefined).length"""
IDLE_WITH_CHART = f"""() => document.querySelector(
    '[data-testid="stApp"][data-test-script-state="notRunning"]') !== null
    && ({CHARTS_DRAWN})() > 0"""
EXCEPTION = '[data-testid="stException"]'
# The first screen's watcher (gmm_app.shell.first_screen) is on the page, or has
# asked for the rest; the whole page is there once it is gone and the script idle.
REST_PENDING = f"""() => document.querySelector('{FIRST_SCREEN}') !== null
    || document.documentElement.dataset.fogmapRest !== undefined"""
WHOLE_PAGE = f"""() => document.querySelector('{FIRST_SCREEN}') === null
    && document.querySelector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]') !== null"""
# Milliseconds since navigation (the page's own clock) when the first script run
# ended: the first "notRunning" after "running". It splits a load into the
# server's part (up to here) and the browser's (loading Plotly, drawing).
SCRIPT_CLOCK = """() => {
    window.__fogmapScriptDone = null;
    let seenRunning = false;
    new MutationObserver(() => {
        const app = document.querySelector('[data-testid="stApp"]');
        const state = app && app.getAttribute('data-test-script-state');
        if (state === 'running') seenRunning = true;
        if (seenRunning && state === 'notRunning' && !window.__fogmapScriptDone) {
            window.__fogmapScriptDone = performance.now();
        }
    }).observe(document, {subtree: true, childList: true, attributes: true,
                          attributeFilter: ['data-test-script-state']});
}"""
# Milliseconds since navigation when a chart inside the first screen was first seen
# drawn (checked on every animation frame until then): a Plotly chart with its SVG
# and layout in place, or a live chart whose frame says it has drawn.
FIRST_CHART_CLOCK = f"""() => {{
    window.__fogmapFirstChart = null;
    const inView = (el) => {{
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && r.top < window.innerHeight
            && r.bottom > 0;
    }};
    const drawn = () => [...document.querySelectorAll(
            '.js-plotly-plot:not({LIVE_CHART})')].some(
            (gd) => gd._fullLayout && gd.querySelector('.main-svg') && inView(gd))
        || ({LIVE_CHART_BOXES})().some(
            (el) => ({LIVE_REVISION})(el) !== undefined && inView(el));
    const tick = () => {{
        if (drawn()) window.__fogmapFirstChart = performance.now();
        else requestAnimationFrame(tick);
    }};
    requestAnimationFrame(tick);
}}"""
TIMEOUT_MS = 180_000
FLOOR = "floor"
# The floor: the least a Streamlit page with one Plotly chart costs on this machine.
FLOOR_APP = '''"""The floor: a minimal Streamlit page with one small Plotly chart."""

import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="Floor", layout="wide")
st.title("Floor")
st.plotly_chart(go.Figure(go.Scatter(x=[1, 2, 3], y=[3, 1, 2], mode="markers")))
'''


@dataclass
class Visit:
    """One visit: two times (ms) and what the websocket carried (bytes)."""

    script_done: float
    idle: float
    whole: float
    first_chart: float
    charts_drawn: int
    plotly_bytes: int
    ws_bytes: int
    exceptions: int


@dataclass
class Payload:
    """What a page's websocket received, decoded as ForwardMsgs."""

    ws_bytes: int = 0
    plotly_bytes: int = 0
    plotly_charts: int = 0
    undecoded: int = 0

    def add(self, frame: bytes | str) -> None:
        if isinstance(frame, str):  # Streamlit only sends binary frames
            self.ws_bytes += len(frame.encode())
            return
        self.ws_bytes += len(frame)
        msg = ForwardMsg()
        try:
            msg.ParseFromString(frame)
        except Exception:
            self.undecoded += 1
            return
        if msg.WhichOneof("type") != "delta":
            return
        if msg.delta.WhichOneof("type") != "new_element":
            return
        element = msg.delta.new_element
        if element.WhichOneof("type") == "plotly_chart":
            self.plotly_bytes += len(element.plotly_chart.spec.encode())
            self.plotly_charts += 1
        elif element.WhichOneof("type") == "component_instance":  # a live chart
            self.plotly_bytes += len(element.component_instance.json_args.encode())
            self.plotly_charts += 1
        elif (
            element.WhichOneof("type") == "bidi_component"  # a live chart, now
            and element.bidi_component.component_name == "fogmap.live_chart"
        ):  # its data: arguments and figure, as bytes (or JSON, before)
            component = element.bidi_component
            self.plotly_bytes += len(component.bytes) + len(component.json.encode())
            self.plotly_charts += 1


@dataclass
class Row:
    cold: list[Visit] = field(default_factory=list)
    warm: list[Visit] = field(default_factory=list)


def visit(page: Page, url: str) -> Visit:
    """Open ``url`` in ``page``; time it until a chart is drawn and the script idle."""
    payload = Payload()

    def on_websocket(ws: WebSocket) -> None:
        if "/_stcore/stream" in ws.url:
            ws.on("framereceived", payload.add)

    page.on("websocket", on_websocket)
    page.add_init_script(f"({SCRIPT_CLOCK})()")
    page.add_init_script(f"({FIRST_CHART_CLOCK})()")
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_function(IDLE_WITH_CHART, timeout=TIMEOUT_MS)
    idle = (time.perf_counter() - start) * 1000.0
    script_done = page.evaluate("window.__fogmapScriptDone")
    # The chart in view may be drawn a frame after the idle signal: wait for it
    # (a page whose first screen has no chart would time out here, and say so).
    page.wait_for_function("window.__fogmapFirstChart !== null", timeout=TIMEOUT_MS)
    first_chart = page.evaluate("window.__fogmapFirstChart")
    # A page that sends its first screen alone (gmm_app.shell.first_screen) asks
    # for the rest once a chart is drawn: wait until it is there too.
    whole = idle
    if page.evaluate(REST_PENDING):
        page.wait_for_function(WHOLE_PAGE, timeout=TIMEOUT_MS)
        whole = (time.perf_counter() - start) * 1000.0
    return Visit(
        script_done=float("nan") if script_done is None else script_done,
        idle=idle,
        first_chart=float(first_chart),
        whole=whole,
        charts_drawn=int(page.evaluate(CHARTS_DRAWN)),
        plotly_bytes=payload.plotly_bytes,
        ws_bytes=payload.ws_bytes,
        exceptions=page.locator(EXCEPTION).count(),
    )


@contextlib.contextmanager
def app_server(app_dir: Path) -> Iterator[str]:
    """``streamlit run app.py`` in ``app_dir``, as tests/browser/conftest.py starts it
    (through ``gmm_app.cli`` where the checkout has it).

    The same Python, flags and ``.streamlit/config.toml`` (read from ``app_dir``);
    yields the base URL once healthy and stops the server on exit.
    """
    port = free_loopback_port()
    # Fogmap starts through its command's module (scikit-learn loaded before the
    # server opens); the floor page, and a checkout from before that, as written.
    fogmap = (Path(app_dir) / "gmm_app" / "cli.py").is_file()
    streamlit_run = [sys.executable, "-m", "streamlit", "run", "app.py"]
    process = subprocess.Popen(
        loopback_command(port) if fogmap else [*streamlit_run, *loopback_options(port)],
        cwd=app_dir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with serving(process, f"http://127.0.0.1:{port}") as url:
        yield url


@contextlib.contextmanager
def floor_app(config_from: Path) -> Iterator[Path]:
    """A temporary folder holding the floor app and ``config_from``'s config.toml."""
    folder = Path(tempfile.mkdtemp(prefix="fogmap-floor-"))
    try:
        (folder / "app.py").write_text(FLOOR_APP)
        (folder / ".streamlit").mkdir()
        shutil.copy(config_from / ".streamlit" / "config.toml", folder / ".streamlit")
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def measure_page(
    browser: Browser, path: str, warm_visits: int, app_dir: Path = ROOT
) -> Row:
    """One cold visit in a fresh server, then ``warm_visits`` warm ones."""
    row = Row()
    with app_server(app_dir) as base:
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        page = context.new_page()
        row.cold.append(visit(page, f"{base}/{path}"))
        page.close()
        for _ in range(warm_visits):
            page = context.new_page()
            row.warm.append(visit(page, f"{base}/{path}"))
            page.close()
        context.close()
    return row


def paired_warm(
    browser: Browser,
    targets: list[tuple[str, str, Path]],
    rounds: int,
) -> dict[str, list[tuple[float, float]]]:
    """Warm visits, every target in turn, ``rounds`` times: the floor's and each
    page's (chart + idle, first chart) per round, all servers up at once.

    ``targets`` are (label, URL path, app folder) with the floor's first. Each
    folder gets one server; each target its own browser context, visited twice
    before the rounds (its HTTP cache and the server's caches filled).
    """
    visits: dict[str, list[tuple[float, float]]] = {
        label: [] for label, _, _ in targets
    }
    with contextlib.ExitStack() as stack:
        bases: dict[Path, str] = {}
        for _, _, app_dir in targets:
            if app_dir not in bases:
                bases[app_dir] = stack.enter_context(app_server(app_dir))
        urls = {label: f"{bases[d]}/{path}" for label, path, d in targets}
        contexts = {
            label: browser.new_context(viewport={"width": 1440, "height": 1000})
            for label in urls
        }

        def one(label: str) -> Visit:
            page = contexts[label].new_page()
            try:
                return visit(page, urls[label])
            finally:
                page.close()

        for label in urls:
            one(label)
            one(label)
        labels = list(urls)
        for r in range(rounds):
            for label in labels[r % len(labels) :] + labels[: r % len(labels)]:
                v = one(label)
                visits[label].append((v.idle, v.first_chart))
            print(
                f"paired round {r + 1}: "
                + ", ".join(f"{label} {visits[label][-1][0]:.0f}" for label in labels)
                + " ms",
                file=sys.stderr,
                flush=True,
            )
        for context in contexts.values():
            context.close()
    return visits


def print_paired(visits: dict[str, list[tuple[float, float]]]) -> None:
    """The per-round ratios to the floor: median (lowest-highest)."""
    floor = visits[FLOOR]
    rounds = len(floor)
    print(
        f"\n# Warm, paired with the floor ({rounds} rounds, every page and the "
        "floor visited in turn; the median of the per-round ratios, lowest-highest)\n"
    )
    print("| page | warm: chart + idle | warm: first chart |")
    print("| --- | ---: | ---: |")
    for label, pairs in visits.items():
        if label == FLOOR:
            continue
        cells = []
        for i in (0, 1):
            ratios = sorted(
                mine[i] / base[i] for mine, base in zip(pairs, floor, strict=True)
            )
            cells.append(
                f"{statistics.median(ratios):.2f}x ({ratios[0]:.2f}-{ratios[-1]:.2f})"
            )
        print(f"| {label} | " + " | ".join(cells) + " |")


def kib(n: float) -> str:
    return f"{n / 1024:,.0f}"


def ratio(value: float, floor: float) -> str:
    return f"{value / floor:.2f}x" if floor > 0 else "-"


def main() -> None:
    """Measure and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="fresh servers per page")
    parser.add_argument("--warm", type=int, default=2, help="warm visits per run")
    parser.add_argument(
        "--paired",
        type=int,
        default=0,
        help="also N rounds of warm visits paired with the floor's (all served at "
        "once); --runs 0 for only these",
    )
    parser.add_argument(
        "--pages",
        nargs="+",
        default=[path or "Home" for _, path in PAGES],
        help="URL paths to measure (Home for the main page; the floor is always "
        "measured, `--pages floor` for the floor only)",
    )
    parser.add_argument(
        "--app-dir",
        type=Path,
        default=ROOT,
        help="the Fogmap checkout to serve (default: this one)",
    )
    parser.add_argument(
        "--before",
        type=Path,
        default=None,
        help="also serve the Fogmap checkout in this folder, alternating with "
        "--app-dir page by page, as the 'before' rows",
    )
    args = parser.parse_args()
    chromium = find_chromium()
    if chromium is None:
        sys.exit("No Chromium found: install Debian's `chromium`.")
    known = {path or "Home" for _, path in PAGES} | {FLOOR}
    unknown = [p for p in args.pages if p not in known]
    if unknown:
        sys.exit(f"Unknown pages {unknown}; choose from {sorted(known)}.")
    wanted = [(name, path) for name, path in PAGES if (path or "Home") in args.pages]
    # (label, URL path, app folder); None for the floor's folder, made below.
    targets: list[tuple[str, str, Path | None]] = [(FLOOR, "", None)]
    for name, path in wanted:
        if args.before is not None:
            targets.append((f"{name} (before)", path, args.before.resolve()))
            targets.append((f"{name} (after)", path, args.app_dir.resolve()))
        else:
            targets.append((name, path, args.app_dir.resolve()))
    rows: dict[str, Row] = {label: Row() for label, _, _ in targets}
    with floor_app(args.app_dir) as floor_dir, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for run in range(args.runs):
            for label, path, app_dir in targets:
                row = measure_page(browser, path, args.warm, app_dir or floor_dir)
                rows[label].cold += row.cold
                rows[label].warm += row.warm
                print(
                    f"run {run + 1}: {label}: cold {row.cold[0].idle:.0f} ms "
                    f"(first chart {row.cold[0].first_chart:.0f}), warm "
                    + ", ".join(
                        f"{v.idle:.0f} (first chart {v.first_chart:.0f})"
                        for v in row.warm
                    )
                    + " ms",
                    file=sys.stderr,
                    flush=True,
                )
        paired = (
            paired_warm(
                browser,
                [(label, path, d or floor_dir) for label, path, d in targets],
                args.paired,
            )
            if args.paired > 0
            else None
        )
        browser.close()
    if args.runs > 0:
        print_runs(rows, args.runs)
    if paired is not None:
        print_paired(paired)


def print_runs(rows: dict[str, Row], runs: int) -> None:
    """The tables of the fresh-server runs: medians, then ratios to the floor."""

    def med(visits: list[Visit], attr: str) -> float:
        return statistics.median(getattr(v, attr) for v in visits)

    print(f"# Page load in Chromium (median of {runs} runs; ms)\n")
    print(
        "| page | cold: script done | cold: first chart | cold: chart + idle "
        "| warm: script done | warm: first chart | warm: chart + idle "
        "| warm: whole page | charts | Plotly JSON (KiB) | websocket (KiB) "
        "| exceptions |"
    )
    print("| --- " + "| ---: " * 11 + "|")
    for label, row in rows.items():
        visits = row.cold + row.warm
        print(
            f"| {label} | {med(row.cold, 'script_done'):,.0f} "
            f"| {med(row.cold, 'first_chart'):,.0f} | {med(row.cold, 'idle'):,.0f} "
            f"| {med(row.warm, 'script_done'):,.0f} "
            f"| {med(row.warm, 'first_chart'):,.0f} | {med(row.warm, 'idle'):,.0f} "
            f"| {med(row.warm, 'whole'):,.0f} "
            f"| {max(v.charts_drawn for v in visits)} "
            f"| {kib(med(visits, 'plotly_bytes'))} | {kib(med(visits, 'ws_bytes'))} "
            f"| {sum(v.exceptions for v in visits)} |"
        )
    floor = rows[FLOOR]
    print(
        "\n# Against the floor (a minimal Streamlit page with one small Plotly "
        "chart, served in this run; goal: chart + idle within 1.3x warm, 1.6x "
        "cold)\n"
    )
    print(
        "| page | cold: chart + idle | warm: chart + idle | cold: first chart "
        "| warm: first chart | cold: whole page | warm: whole page |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, row in rows.items():
        cells = [
            ratio(med(getattr(row, when), attr), med(getattr(floor, when), attr))
            for attr in ("idle", "first_chart", "whole")
            for when in ("cold", "warm")
        ]
        print(f"| {label} | " + " | ".join(cells) + " |")
    print(
        "\nscript done: the first script run ended (the page's clock, from "
        "navigation); first chart: a chart inside the first screen drawn (the "
        "page's clock); chart + idle: a Plotly chart drawn and the script not "
        "running (from page.goto); whole page: also the rest of a page that sent "
        "its first screen alone (gmm_app.shell.first_screen), from page.goto."
    )


if __name__ == "__main__":
    main()
