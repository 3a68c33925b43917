"""Page load in real Chromium: from navigation to the first chart, cold and warm.

For Home and every lesson page, times the visit from ``page.goto`` until

- **script done**: the first script run has ended (read from the page's own clock,
  a MutationObserver on Streamlit's ``data-test-script-state``), and
- **chart + idle**: a Plotly chart is drawn (one of Streamlit's, or a Fogmap live
  chart that has drawn its first figure) *and* Streamlit says the script is not
  running (``[data-testid="stApp"][data-test-script-state="notRunning"]``),

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

Run: ``.venv/bin/python bench/page_load.py [--runs 3] [--pages Home EM_stepper]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "browser")]

from conftest import (  # noqa: E402  (tests/browser/conftest.py)
    CHROMIUM_ARGS,
    find_chromium,
    streamlit_server,
)
from playwright.sync_api import Browser, Page, WebSocket, sync_playwright  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from streamlit_page import LIVE_REVISION  # noqa: E402

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
# (gmm_app.shell.live_chart: an iframe whose chart carries data-revision once drawn).
CHARTS_DRAWN = f"""() => document.querySelectorAll('.js-plotly-plot').length
    + [...document.querySelectorAll('iframe')].filter(
        (frame) => ({LIVE_REVISION})(frame) !== undefined).length"""
IDLE_WITH_CHART = f"""() => document.querySelector(
    '[data-testid="stApp"][data-test-script-state="notRunning"]') !== null
    && ({CHARTS_DRAWN})() > 0"""
EXCEPTION = '[data-testid="stException"]'
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
TIMEOUT_MS = 180_000


@dataclass
class Visit:
    """One visit: two times (ms) and what the websocket carried (bytes)."""

    script_done: float
    idle: float
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
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_function(IDLE_WITH_CHART, timeout=TIMEOUT_MS)
    idle = (time.perf_counter() - start) * 1000.0
    script_done = page.evaluate("window.__fogmapScriptDone")
    return Visit(
        script_done=float("nan") if script_done is None else script_done,
        idle=idle,
        charts_drawn=int(page.evaluate(CHARTS_DRAWN)),
        plotly_bytes=payload.plotly_bytes,
        ws_bytes=payload.ws_bytes,
        exceptions=page.locator(EXCEPTION).count(),
    )


def measure_page(browser: Browser, path: str, warm_visits: int) -> Row:
    """One cold visit in a fresh server, then ``warm_visits`` warm ones."""
    row = Row()
    with streamlit_server() as (base, _server):
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


def kib(n: float) -> str:
    return f"{n / 1024:,.0f}"


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="fresh servers per page")
    parser.add_argument("--warm", type=int, default=2, help="warm visits per run")
    parser.add_argument(
        "--pages",
        nargs="+",
        default=[path or "Home" for _, path in PAGES],
        help="URL paths to measure (Home for the main page)",
    )
    args = parser.parse_args()
    chromium = find_chromium()
    if chromium is None:
        sys.exit("No Chromium found: install Debian's `chromium`.")
    wanted = [(name, path) for name, path in PAGES if (path or "Home") in args.pages]
    rows: dict[str, Row] = {name: Row() for name, _ in wanted}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for run in range(args.runs):
            for name, path in wanted:
                row = measure_page(browser, path, args.warm)
                rows[name].cold += row.cold
                rows[name].warm += row.warm
                print(
                    f"run {run + 1}: {name}: cold {row.cold[0].idle:.0f} ms, warm "
                    + ", ".join(f"{v.idle:.0f}" for v in row.warm)
                    + " ms",
                    file=sys.stderr,
                    flush=True,
                )
        browser.close()

    def med(visits: list[Visit], attr: str) -> float:
        return statistics.median(getattr(v, attr) for v in visits)

    print(f"# Page load in Chromium (median of {args.runs} runs; ms)\n")
    print(
        "| page | cold: script done | cold: chart + idle | warm: script done "
        "| warm: chart + idle | charts | Plotly JSON (KiB) | websocket (KiB) "
        "| exceptions |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, row in rows.items():
        visits = row.cold + row.warm
        print(
            f"| {name} | {med(row.cold, 'script_done'):,.0f} "
            f"| {med(row.cold, 'idle'):,.0f} "
            f"| {med(row.warm, 'script_done'):,.0f} | {med(row.warm, 'idle'):,.0f} "
            f"| {max(v.charts_drawn for v in visits)} "
            f"| {kib(med(visits, 'plotly_bytes'))} | {kib(med(visits, 'ws_bytes'))} "
            f"| {sum(v.exceptions for v in visits)} |"
        )
    print(
        "\nscript done: the first script run ended (the page's clock, from "
        "navigation); chart + idle: a Plotly chart drawn and the script not running."
    )


if __name__ == "__main__":
    main()
