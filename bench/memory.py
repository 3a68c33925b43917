"""Memory held by a 300-step EM trace on 100,000 points, per covariance type.

For each type the script builds ``steps = list(em_steps(X, init, tol=0,
max_iter=300))`` under :mod:`tracemalloc` (numpy reports its allocations to it)
and prints the memory the finished list still holds and the peak while it was
being built, both measured above a baseline taken after ``X`` and the guess exist.

Run from the repository root::

    .venv/bin/python bench/memory.py

Budget (ARCHITECTURE.md, "Budgets"): a trace of 300 steps on 100k points held in
memory takes under 64 MiB. The script prints; it never fails.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import gmm_core

N = 100_000
D = 2
K = 3
STEPS = 300
BUDGET_MIB = 64.0
MIB = 1024 * 1024


def make_data(n: int, seed: int = 0) -> np.ndarray:
    """A seeded mixture of 3 Gaussian groups in 2-D, standardized per feature."""
    rng = np.random.default_rng(seed)
    centers = np.array([[0.0, 0.0], [5.0, 2.0], [-3.0, 4.0]])
    labels = rng.choice(K, size=n, p=[0.5, 0.3, 0.2])
    X = centers[labels] + rng.standard_normal((n, D)) * np.array([1.0, 0.6])
    return (X - X.mean(axis=0)) / X.std(axis=0)


def measure(
    X: np.ndarray, covariance_type: str, n_steps: int
) -> tuple[float, float, int]:
    """Retained and peak MiB above the baseline, and the number of steps built.

    ``tracemalloc`` must already be running; ``X`` and the guess are created
    before the baseline so neither is counted.
    """
    init = gmm_core.initialize(
        X, K, method="k-means++", covariance_type=covariance_type, seed=0
    )
    gc.collect()
    tracemalloc.reset_peak()
    baseline, _ = tracemalloc.get_traced_memory()
    steps = list(gmm_core.em_steps(X, init, tol=0, max_iter=n_steps))
    gc.collect()
    current, peak = tracemalloc.get_traced_memory()
    count = len(steps)
    retained = (current - baseline) / MIB
    peak_above = (peak - baseline) / MIB
    del steps
    return retained, peak_above, count


def main() -> None:
    """Parse arguments, measure every covariance type and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=N, help="number of points")
    parser.add_argument("--steps", type=int, default=STEPS, help="EM iterations")
    args = parser.parse_args()

    tracemalloc.start()
    X = make_data(args.n)
    print(f"# Memory of a {args.steps}-step EM trace (tol=0)\n")
    print(
        f"N={args.n:,}, D={D}, K={K}; X itself is {X.nbytes / MIB:.1f} MiB and is "
        "not counted.\n"
    )
    print(
        f"| type | steps | retained MiB | peak MiB | budget: retained under "
        f"{BUDGET_MIB:g} MiB |"
    )
    print("| --- | ---: | ---: | ---: | --- |")
    start = time.perf_counter()
    all_pass = True
    for covariance_type in gmm_core.COVARIANCE_TYPES:
        retained, peak, count = measure(X, covariance_type, args.steps)
        ok = retained < BUDGET_MIB
        all_pass &= ok
        print(
            f"| {covariance_type} | {count} | {retained:.3f} | {peak:.1f} "
            f"| {'pass' if ok else 'FAIL'} |",
            flush=True,
        )
    tracemalloc.stop()
    print()
    print(
        f"All retained under {BUDGET_MIB:g} MiB: {'yes' if all_pass else 'NO'}. "
        f"Steps = iteration 0 (the guess) + {args.steps} iterations. Retained is "
        "what the finished list of EMStep objects still holds; peak is the "
        "highest traced memory above the baseline while the list was built "
        f"(the per-sample work arrays of the E- and M-steps). "
        f"({time.perf_counter() - start:.0f} s)"
    )


if __name__ == "__main__":
    main()
