"""The downloaded EM run opens from disk with no network and plays."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from gmm_app.plotting.geometry import Projection
from gmm_app.stepper.figures_export import animated_run, run_html, run_title
from gmm_core import em_steps, initialize, load_preset

SHOTS = Path(os.environ.get("FOGMAP_SHOTS", "/tmp/fogmap-shots"))


@pytest.fixture(scope="module")
def run_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, np.ndarray]:
    """2,000 points, 30 iterations: the file a student downloads, and the final
    means."""
    data = load_preset("overlapping", 2000, 0)
    start = initialize(data.X, 3, covariance_type="full", seed=0)
    trace = tuple(em_steps(data.X, start, tol=0, max_iter=30))
    title = run_title(
        data, "full", 3, "k-means++ start", reg_covar=1e-6, tol=0, max_iter=30
    )
    html = run_html(animated_run(data, trace, Projection.features(("x", "y")), title))
    path = tmp_path_factory.mktemp("export") / "fogmap-em-run.html"
    path.write_text(html, encoding="utf-8")
    print(f"2,000 points, 30 iterations: {path.stat().st_size / 1e6:.2f} MB")
    return path, trace[-1].params.means


def _active(page: Page) -> int:
    """The slider's stop: 0 is the start, 2t - 1 the E-step of iteration t."""
    return int(
        page.evaluate(
            "() => document.querySelector('.js-plotly-plot')._fullLayout"
            ".sliders[0].active"
        )
    )


def test_the_run_plays_offline_from_disk(
    browser: object, run_file: tuple[Path, np.ndarray]
) -> None:
    path, final_means = run_file
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 1280, "height": 720}, offline=True
    )
    asked: list[str] = []

    def only_files(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if url.startswith("file://"):
            route.continue_()  # type: ignore[attr-defined]
        else:
            asked.append(url)
            route.abort()  # type: ignore[attr-defined]

    context.route("**/*", only_files)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(path.as_uri())
        chart = page.locator(".js-plotly-plot")
        expect(chart).to_have_count(1)
        expect(page.get_by_text("Half-step: start")).to_be_visible(timeout=20_000)
        expect(page.get_by_text("EM on Overlapping hills")).to_be_visible()
        assert _active(page) == 0
        page.get_by_text("▶ Play").click()
        expect(page.get_by_text("Half-step: start")).to_have_count(0, timeout=10_000)
        page.wait_for_timeout(2_000)
        page.get_by_text("❚❚ Pause").click()
        page.wait_for_timeout(500)
        after = _active(page)
        assert after >= 2  # played on past the first E-step
        expect(page.get_by_text(f"Half-step: {'EM'[after % 2 == 0]}")).to_be_visible()
        page.wait_for_timeout(1_500)
        assert _active(page) == after  # paused
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "export_playing.png"))

        # Jump to the end along the slider: the hill tops are the run's last.
        rail = page.locator(".slider-rail-touch-rect")
        box = rail.bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + box["width"] - 2, box["y"] + box["height"] / 2)
        expect(page.get_by_text("Half-step: M30")).to_be_visible(timeout=10_000)
        page.wait_for_timeout(500)
        tops = page.evaluate(
            """() => {
                const gd = document.querySelector('.js-plotly-plot');
                const t = gd._fullData.find(d => d.name === 'hill tops (means)');
                return [Array.from(t.x), Array.from(t.y)];
            }"""
        )
        np.testing.assert_allclose(np.array(tops).T, final_means, rtol=1e-5)
        page.screenshot(path=str(SHOTS / "export_end.png"))
    finally:
        context.close()
    assert asked == []  # nothing fetched from the network
    # Pause interrupts the play animation, and plotly.js rejects the interrupted
    # animation's promise with no reason ("undefined"): its own behaviour with
    # play and pause buttons, harmless. Anything else is a real error.
    assert [e for e in errors if e != "undefined"] == []
