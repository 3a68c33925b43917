"""Choosing K's sweep, cold: K = 1..10 x 4 covariance types x 3 restarts.

On 1,000 points of the "overlapping" preset. Times the core (gmm_core.selection.
sweep) over several cold runs, and the Choosing K page through AppTest (a fresh
AppTest and a new seed each time, so Streamlit's cache is cold). Budget
(docs/ARCHITECTURE.md): under 3 s cold, with a progress bar. Prints medians;
never fails on time.
Run: ``.venv/bin/python bench/sweep.py``.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from gmm_core import COVARIANCE_TYPES, load_preset  # noqa: E402
from gmm_core.selection import sweep  # noqa: E402


def core_seconds(repeats: int = 5) -> list[float]:
    """Cold sweeps of the core, in seconds."""
    X = load_preset("overlapping", 1000, 0).X
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fits = sweep(X, range(1, 11), COVARIANCE_TYPES, n_init=3, seed=0)
        times.append(time.perf_counter() - start)
        assert len(fits) == 120
    return times


def page_seconds(repeats: int = 3) -> list[float]:
    """Cold sweeps on the Choosing K page (AppTest), in seconds."""
    times = []
    for i in range(repeats):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.run()
        at.selectbox(key="dataset").set_value("overlapping").run()
        at.slider(key="n_samples").set_value(1000).run()
        at.switch_page("pages/4_Choosing_K.py").run()
        at.slider(key="ck_k_max").set_value(10).run()
        at.multiselect(key="ck_types").set_value(list(COVARIANCE_TYPES))
        at.number_input(key="seed").set_value(100 + i)  # a new seed: a cold cache
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
        assert not at.exception, at.exception
    return times


def main() -> None:
    """Print the medians."""
    core = core_seconds()
    page = page_seconds()
    print("# Choosing K sweep, cold: K=1..10 x 4 types x 3 restarts, 1,000 points\n")
    print("| what | runs | median (s) | max (s) | budget |")
    print("| --- | ---: | ---: | ---: | --- |")
    for name, values in (("core sweep", core), ("Choosing K page (AppTest)", page)):
        median = statistics.median(values)
        verdict = "within" if median < 3.0 else "OVER"
        print(
            f"| {name} | {len(values)} | {median:.2f} | {max(values):.2f} | "
            f"{verdict} 3 s |"
        )


if __name__ == "__main__":
    main()
