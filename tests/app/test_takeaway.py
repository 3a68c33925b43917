"""Take-away exports on the EM stepper: "Download this run" (``em_export_html``),
an animated HTML file of every half-step, and "Reproduce in scikit-learn"
(the code block in the container ``em_code``)."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import numpy as np
import pytest
from apptest_helpers import open_stepper
from streamlit.testing.v1 import AppTest

from gmm_app.plotting.fog import fog_curves, fog_map
from gmm_app.plotting.geometry import AxesView, Projection
from gmm_app.stepper.caches import em_trace
from gmm_app.stepper.figures_export import animated_run, run_html, step_label
from gmm_app.stepper.model import n_positions, view_at
from gmm_app.stepper.settings import Settings
from gmm_app.stepper.takeaway import CODE_SECTION, file_name
from gmm_core import EMStep, em_steps, initialize, load_preset


def _code(at: AppTest) -> str:
    """The script shown in the ``em_code`` container."""
    found = [
        c.proto.code_text
        for c in at.get("code")
        if "GaussianMixture" in c.proto.code_text
    ]
    assert len(found) == 1
    return found[0]


def _decode(values: object) -> np.ndarray:
    """A trace array, also in Plotly's base64 typed-array form."""
    import base64

    if isinstance(values, dict):
        raw = base64.b64decode(values["bdata"])
        return np.frombuffer(raw, dtype=np.dtype(values["dtype"]).newbyteorder("<"))
    return np.asarray(values, dtype=np.float64)


def test_the_page_offers_the_run_and_the_script_of_its_own_settings() -> None:
    at = open_stepper({CODE_SECTION: "true"})  # "Open the script", from a link
    button = at.get("download_button")
    assert [b.proto.label for b in button] == ["Download this run"]
    assert button[0].proto.id.endswith("em_export_html")
    code = _code(at)
    assert "covariance_type='full'" in code
    assert "rng.normal([-4, -2.5], [1, 1], size=(100, 2))" in code  # blobs, 300

    at.selectbox(key="covariance_type").set_value("diag").run()
    assert not at.exception
    code = _code(at)
    assert "covariance_type='diag'" in code

    # The page's own run, as the stepper computes it: the script prints its end.
    X = load_preset("blobs", 300, 0).X
    trace = em_trace(X, 3, "diag", "k-means++", 0, 1e-6, 1e-3, 100)
    assert f"max_iter={len(trace) - 1}," in code
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    printed = float(done.stdout.splitlines()[0].rsplit(":", 1)[1])
    assert printed == pytest.approx(trace[-1].mean_log_likelihood, abs=1e-6)


def test_the_download_is_named_after_the_data_and_settings() -> None:
    data = load_preset("old_faithful")
    settings = Settings(2, "tied", "kmeans", 7, 1e-6, 1e-3, 100)
    assert file_name(data, settings) == (
        "fogmap-em-old-faithful-eruptions-k2-tied-seed7.html"
    )


@pytest.fixture(scope="module")
def big_run() -> tuple[np.ndarray, tuple[EMStep, ...]]:
    data = load_preset("overlapping", 2000, 0)
    start = initialize(data.X, 3, covariance_type="full", seed=0)
    return data, tuple(em_steps(data.X, start, tol=0, max_iter=30))


def test_2000_points_and_30_iterations_stay_small(big_run: tuple) -> None:
    data, trace = big_run
    began = time.perf_counter()
    html = run_html(animated_run(data, trace, Projection.features(("x", "y")), "t"))
    seconds = time.perf_counter() - began
    size = len(html.encode("utf-8"))
    print(f"2,000 points, 30 iterations: {size / 1e6:.2f} MB in {seconds:.2f} s")
    assert size < 8e6
    # plotly.js inside, nothing fetched: no script comes from elsewhere.
    assert "Plotly.newPlot" in html and re.search(r"<script[^>]*\bsrc=", html) is None


def test_every_half_step_is_a_frame_and_the_slider_shows_it_whole(
    big_run: tuple,
) -> None:
    """Frames carry only what changed; a slider stop plays the frame before and
    its own, which must give exactly the page's map at that half-step."""
    data, trace = big_run
    projection = Projection.features(("x", "y"))
    figure = animated_run(data, trace, projection, "t")
    frames = figure["frames"]
    assert len(frames) == n_positions(trace) == 61
    assert [f["name"] for f in frames[:4]] == ["start", "E1", "M1", "E2"]
    steps = figure["layout"]["sliders"][0]["steps"]
    axes = AxesView.of(projection.points(data.X))
    for position in (1, 2, 17, 40, 60):
        shown = [dict(t) for t in figure["data"]]
        for name in steps[position]["args"][0]:
            frame = next(f for f in frames if f["name"] == name)
            for index, update in zip(frame["traces"], frame["data"], strict=True):
                shown[index].update(update)
        view = view_at(data.X, trace, position)
        page = fog_map(
            data.X, view.params, view.resp, data.feature_names, projection, view=axes
        )
        for drawn, expected in zip(shown, page.data, strict=False):
            assert drawn["name"] == expected.name
            np.testing.assert_allclose(
                _decode(drawn["x"]), np.asarray(expected.x), rtol=1e-6
            )
        loglik = shown[-2]
        assert len(loglik["x"]) == view.shown_iteration + 1
    assert step_label(60) == "M30"


def test_one_feature_animates_the_bell_curves() -> None:
    data = load_preset("heights", 300, 0)
    trace = em_trace(data.X, 3, "full", "k-means++", 0, 1e-6, 1e-3, 100)
    figure = animated_run(data, trace, None, "t")
    assert figure["data"][0]["type"] == "histogram"
    assert all(0 not in f["traces"] for f in figure["frames"])  # never redrawn
    last = figure["frames"][-1]
    curves = fog_curves(data.X, trace[-1].params, "h")
    total = next(t for t in last["data"] if t["name"] == "mixture (sum)")
    np.testing.assert_allclose(_decode(total["y"]), curves.data[-1].y, rtol=1e-5)
