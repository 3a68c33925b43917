"""Server-side time of one EM stepper click (an AppTest rerun) at 2,000 points.

Budget (docs/ARCHITECTURE.md): under 150 ms per click, and nothing refits on a
step. Prints the median and 95th percentile of Next, Back and scrub clicks.
Run: ``.venv/bin/python bench/stepper.py [--points 2000] [--clicks 30]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402


def timed(action: Callable[[], object]) -> float:
    """Milliseconds one AppTest rerun takes."""
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000.0


def main() -> None:
    """Open the stepper at the given size, click through it, print medians."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--points", type=int, default=2000)
    parser.add_argument("--clicks", type=int, default=30)
    args = parser.parse_args()

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.selectbox(key="dataset").set_value("overlapping").run()
    at.slider(key="n_samples").set_value(min(args.points, 3000)).run()
    at.switch_page("pages/2_EM_stepper.py").run()
    at.number_input(key="em_max_iter").set_value(200).run()
    at.select_slider(key="em_tol").set_value(1e-6).run()
    assert not at.exception, at.exception

    results: dict[str, list[float]] = {"next": [], "back": [], "scrub": []}
    for _ in range(args.clicks):
        results["next"].append(timed(lambda: at.button(key="em_next").click().run()))
    for _ in range(args.clicks // 2):
        results["back"].append(timed(lambda: at.button(key="em_back").click().run()))
    n = len(at.select_slider(key="em_scrub").options)
    for i in range(args.clicks // 2):
        target = (i * 7) % n
        results["scrub"].append(
            timed(lambda t=target: at.select_slider(key="em_scrub").set_value(t).run())
        )
    assert not at.exception, at.exception

    print(f"# EM stepper clicks, server side (AppTest), {args.points:,} points\n")
    print("| action | clicks | median (ms) | p95 (ms) |")
    print("| --- | ---: | ---: | ---: |")
    for name, values in results.items():
        values.sort()
        p95 = values[min(len(values) - 1, int(0.95 * len(values)))]
        print(
            f"| {name} | {len(values)} | {statistics.median(values):.0f} | {p95:.0f} |"
        )
    overall = statistics.median(results["next"] + results["back"] + results["scrub"])
    verdict = "within" if overall < 150 else "OVER"
    print(f"\nMedian of all clicks: {overall:.0f} ms ({verdict} the 150 ms budget).")


if __name__ == "__main__":
    main()
