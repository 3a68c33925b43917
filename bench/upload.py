"""How long a big upload takes, from the file arriving to each page's first chart.

Writes a 200,000-row CSV (income, spending score, purchases per month and a text
segment, some rows with gaps) and measures:

1. ``read_table`` alone (pandas parsing and Fogmap's checks), median of a few runs;
2. through AppTest (server side, no browser): the upload plus Home's first run with
   its chart, then switching to each page and running it to its charts, cold
   (fresh caches) for every page.

With ``--browser`` it also times the same upload in headless Chromium, from
``set_input_files`` until Home's chart is drawn and the script is idle.
Run: ``.venv/bin/python bench/upload.py [--rows 200000] [--browser]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "browser")]

from streamlit.testing.v1 import AppTest  # noqa: E402

from gmm_core import read_table  # noqa: E402

PAGES = (
    "pages/1_Fog_explorer.py",
    "pages/2_EM_stepper.py",
    "pages/3_Covariance_shapes.py",
    "pages/4_Choosing_K.py",
)


def big_csv(rows: int, seed: int = 0) -> bytes:
    """A customers-like CSV of ``rows`` rows, about 1% of them with a gap."""
    rng = np.random.default_rng(seed)
    centres = np.array([[26, 20, 1.5], [26, 79, 6], [55, 50, 3.5], [87, 18, 1]])
    group = rng.integers(0, len(centres), rows)
    X = centres[group] + rng.normal(0, [6, 7, 0.8], (rows, 3))
    frame = pd.DataFrame(
        {
            "income": X[:, 0].round(1),
            "spending": X[:, 1].round(0),
            "purchases": X[:, 2].round(2),
            "segment": np.array(["careful", "carefree", "standard", "frugal"])[group],
        }
    )
    frame.loc[rng.random(rows) < 0.01, "spending"] = np.nan
    return frame.to_csv(index=False).encode()


def seconds(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def apptest_timings(content: bytes) -> list[tuple[str, float]]:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.run()
    times = [
        (
            "upload + Home",
            seconds(
                lambda: (
                    at.file_uploader(key="csv_upload")
                    .set_value(("big.csv", content, "text/csv"))
                    .run()
                )
            ),
        )
    ]
    assert not at.exception, at.exception
    for page in PAGES:
        times.append((page, seconds(lambda p=page: at.switch_page(p).run())))
        assert not at.exception, (page, at.exception)
        shown = [c.value for c in at.caption if "**Data:**" in c.value]
        assert shown and r"big\.csv" in shown[0], (page, shown)
    print(f"On the last page: {shown[0]}\n")
    return times


def browser_timing(content: bytes) -> float:
    from conftest import CHROMIUM_ARGS, find_chromium, streamlit_server
    from playwright.sync_api import sync_playwright
    from streamlit_page import wait_idle

    chromium = find_chromium()
    if chromium is None:
        raise SystemExit("No Chromium found (apt-get install chromium).")
    with (
        streamlit_server() as (base, _server),
        tempfile.TemporaryDirectory() as tmp,
        sync_playwright() as p,
    ):
        path = Path(tmp) / "big.csv"
        path.write_bytes(content)
        browser = p.chromium.launch(
            executable_path=chromium, headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page()
        page.goto(f"{base}/")
        wait_idle(page)
        start = time.perf_counter()
        page.locator(".st-key-csv_upload input[type=file]").set_input_files(path)
        page.locator(".st-key-active_data", has_text="big.csv").wait_for(
            timeout=600_000
        )
        page.locator(".st-key-home_map .js-plotly-plot").wait_for()
        wait_idle(page)
        elapsed = time.perf_counter() - start
        browser.close()
        return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--browser", action="store_true")
    args = parser.parse_args()

    content = big_csv(args.rows)
    reads = [
        seconds(lambda: read_table(content, "big.csv")) for _ in range(args.repeats)
    ]
    data = read_table(content, "big.csv")
    print(
        f"# A {args.rows:,}-row upload ({len(content) / 2**20:.1f} MB): "
        f"{data.n_samples:,} rows used, {data.n_features} columns\n"
    )
    print("| step | seconds |")
    print("| --- | ---: |")
    print(f"| read_table (median of {args.repeats}) | {statistics.median(reads):.2f} |")
    for label, elapsed in apptest_timings(content):
        print(f"| AppTest: {label} (cold) | {elapsed:.2f} |")
    if args.browser:
        elapsed = browser_timing(content)
        print(f"| Chromium: upload to Home's first chart | {elapsed:.2f} |")


if __name__ == "__main__":
    main()
