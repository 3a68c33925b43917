"""The "Reproduce in scikit-learn" script: run as a student would run it, it prints
the page's final mean log-likelihood and means (to 1e-6)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gmm_app.stepper.caches import em_trace
from gmm_app.stepper.reproduce import literal, sklearn_script
from gmm_core import COVARIANCE_TYPES, Dataset, EMStep, load_preset, read_table
from gmm_core.tabular import subsample

_CSV = b"""id,height,weight,note
1,170.2,65.1,a
2,182.5,80.3,b
3,,70.0,gap
4,165.0,55.4,c
5,158.3,52.0,d
6,190.1,95.2,e
7,175.5,72.8,f
8,160.0,50.5,g
9,185.3,88.8,h
10,168.8,61.0,i
11,172.4,69.9,j
12,abc,70.0,text
13,155.1,48.2,k
14,178.9,77.7,l
15,188.0,91.0,m
16,163.3,57.5,n
"""


# People as a European spreadsheet saves them: semicolons, decimal commas, dots
# between thousands, Windows-1252 text, a gap, and a row with a field too many.
_EUROPEAN = """Größe;Gewicht;Einkommen
170,2;65,1;1.250
182,5;80,3;2.480
;70,0;1.900
165,0;55,4;1.100
158,3;52,0;3.050
190,1;95,2;2.200
175,5;72,8;1.720
160,0;50,5;2.640
185,3;88,8;1.380
168,8;61,0;2.910
172,4;69,9;1.530
155,1;48,2;2.050;extra
178,9;77,7;1.670
188,0;91,0;2.330
""".encode("cp1252")
# No header, and a blank line.
_HEADLESS = b"\n".join(
    line.split(b",", 1)[1].rsplit(b",", 1)[0]
    for line in _CSV.splitlines()[1:]
    if b"abc" not in line
).replace(b"\n", b"\n\n", 1)


def _file(
    tmp_path: Path, *, standardised: bool = False, content: bytes = _CSV
) -> Dataset:
    (tmp_path / "people.csv").write_bytes(content)
    data = read_table(content, "people.csv")
    return data.standardised(in_names=True) if standardised else data


def _page_trace(
    data: Dataset, covariance_type: str, init: str, tol: float, max_iter: int
) -> tuple[EMStep, ...]:
    """The trace the EM stepper computes for these settings (its own cache)."""
    k = 2 if data.n_samples < 30 else 3
    return em_trace(data.X, k, covariance_type, init, 0, 1e-6, tol, max_iter)


def _run(script: str, cwd: Path) -> tuple[float, np.ndarray]:
    """Run the script with the project's Python; read what it prints."""
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr, done.stderr
    first, rest = done.stdout.split("\n", 1)
    loglik = float(first.rsplit(":", 1)[1])
    rows = re.findall(r"\[([^\[\]]+)\]", rest)
    means = np.array([[float(v) for v in row.split()] for row in rows])
    return loglik, means


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize(
    "source",
    [
        "blobs",
        "moons",
        "old_faithful",
        "upload",
        "upload_standardised",
        "upload_european",
        "upload_headless",
    ],
)
def test_the_script_prints_the_pages_final_numbers(
    source: str, covariance_type: str, tmp_path: Path
) -> None:
    if source.startswith("upload"):
        content = {"upload_european": _EUROPEAN, "upload_headless": _HEADLESS}
        data = _file(
            tmp_path,
            standardised=source.endswith("standardised"),
            content=content.get(source, _CSV),
        )
        init, tol, max_iter = "random_from_data", 1e-4, 100
    else:
        data = load_preset(source, None, 3)
        init, tol, max_iter = "kmeans", 1e-3, 100
    trace = _page_trace(data, covariance_type, init, tol, max_iter)
    script = sklearn_script(data, trace, reg_covar=1e-6, tol=tol)

    loglik, means = _run(script, tmp_path)

    end = trace[-1]
    assert loglik == pytest.approx(end.mean_log_likelihood, abs=1e-6)
    np.testing.assert_allclose(means, end.params.means, atol=1e-6)
    assert f"max_iter={len(trace) - 1}," in script
    assert max(len(line) for line in script.splitlines()) <= 88


def test_a_run_stopped_by_max_iter_and_a_standardised_sample(tmp_path: Path) -> None:
    """The last iteration allowed, on a standardised seeded sample of a preset."""
    full = load_preset("customers", 400, 5).standardised(in_names=True)
    data = subsample(full, 250)
    trace = _page_trace(data, "full", "random", 1e-6, 7)
    assert trace[-1].stop_reason == "max_iter"
    script = sklearn_script(data, trace, reg_covar=1e-6, tol=1e-6)
    assert "seeded sample of 250 of the 400 rows" in script

    loglik, means = _run(script, tmp_path)

    assert loglik == pytest.approx(trace[-1].mean_log_likelihood, abs=1e-6)
    np.testing.assert_allclose(means, trace[-1].params.means, atol=1e-6)


def test_the_script_says_why_it_asks_for_the_pages_iterations() -> None:
    data = load_preset("blobs", 200, 0)
    trace = _page_trace(data, "diag", "k-means++", 1e-3, 100)
    script = sklearn_script(data, trace, reg_covar=1e-6, tol=1e-3)
    assert trace[-1].stop_reason == "converged"
    assert "scikit-learn\n# checks tol one M-step later" in script
    assert "warnings.simplefilter('ignore', ConvergenceWarning)" in script
    assert "rng.normal([-4, -2.5], [1, 1], size=(68, 2))" in script
    assert max(len(line) for line in script.splitlines()) <= 88


def test_literal_rebuilds_arrays_exactly() -> None:
    values = np.random.default_rng(1).normal(size=(3, 2, 2)) * 1e-7
    assert np.array_equal(eval(literal(values), {"np": np}), values)
    assert literal([79.0, 54.0]) == "np.array([79, 54])"
