"""Presenter mode (issue 14): ``?present=1`` or the sidebar's ``present`` toggle,
remembered across pages; larger charts; the stepper's settings folded; every
chart's PNG named after its page and chart.

The toggle is drawn by ``gmm_app.shell.present.presenter_toggle`` from the
sidebar on every page.
"""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest
from apptest_helpers import (
    ROOT,
    STEPPER,
    click,
    figure_by_key,
    live_charts,
    open_stepper,
)
from streamlit.testing.v1 import AppTest

from gmm_app.plotting.builder import scaled_figure
from gmm_app.plotting.fog import fog_map
from gmm_app.plotting.loop import LOOP_STAGES, fit_width, surveyor_loop
from gmm_app.stepper.settings import SETTINGS_FOLDED
from gmm_core import initialize, load_preset


def live_chart_args(at: AppTest, key: str) -> dict:
    """The arguments the live chart ``key`` was drawn with (figure, config...)."""
    found = [data for name, data in live_charts(at) if name == key]
    assert len(found) == 1, f"{len(found)} live charts with key {key!r}"
    return found[0]


def settings_folded(at: AppTest) -> bool:
    """True when the stepper's settings row sits in a (closed) expander."""
    return any(e.label == SETTINGS_FOLDED for e in at.expander)


def test_a_link_with_present_1_opens_presenter_mode() -> None:
    at = open_stepper({"present": "1"})
    assert at.toggle(key="present").value is True
    assert at.query_params["present"] in ("1", ["1"])
    # The settings row is folded away; its widgets still work inside.
    assert settings_folded(at)
    assert at.number_input(key="n_components").value == 3
    # The map draws its fonts and markers 1.4x larger.
    figure = figure_by_key(at, "em_map")
    assert figure["layout"]["font"]["size"] == pytest.approx(15 * 1.4)
    tops = [t for t in figure["data"] if t.get("name") == "hill tops (means)"]
    assert tops and tops[0]["marker"]["size"] == pytest.approx(17 * 1.4)
    template = live_chart_args(at, "em_map")["template"]["layout"]
    assert template["xaxis"]["tickfont"]["size"] == pytest.approx(12 * 1.4)


def test_presenter_mode_follows_the_instructor_to_another_page() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert at.toggle(key="present").value is False
    at.toggle(key="present").set_value(True).run()
    assert at.query_params["present"] in ("1", ["1"])
    at.switch_page(STEPPER).run()
    assert not at.exception
    assert at.toggle(key="present").value is True
    assert settings_folded(at)
    click(at, "em_next")  # still steps, and stays in presenter mode
    assert at.toggle(key="present").value is True
    # Switched off: normal sizes, the settings row back, the URL without it.
    at.toggle(key="present").set_value(False).run()
    assert not settings_folded(at)
    assert "present" not in at.query_params
    assert figure_by_key(at, "em_map")["layout"]["font"]["size"] == 15


def test_every_live_chart_names_its_png_after_the_page_and_the_chart() -> None:
    at = open_stepper()
    for key in ("em_map", "em_loglik", "em_loop"):
        options = live_chart_args(at, key)["config"]["toImageButtonOptions"]
        assert options["filename"] == f"fogmap-em-stepper-{key}"


def test_a_scaled_figure_is_valid_and_leaves_the_original_alone() -> None:
    X = load_preset("blobs", 200, 0).X
    fig = fog_map(X, initialize(X, 3, seed=0), None, ["x", "y"], height=520)
    spec = fig.to_plotly_json()
    before = json.dumps(spec, default=str, sort_keys=True)
    bigger = scaled_figure(spec, 1.4)
    assert json.dumps(spec, default=str, sort_keys=True) == before
    go.Figure(bigger)  # Plotly's validation accepts every scaled property
    assert bigger["layout"]["xaxis"]["tickfont"]["size"] == pytest.approx(16.8)
    widths = [t["line"]["width"] for t in spec["data"] if "line" in t]
    scaled = [t["line"]["width"] for t in bigger["data"] if "line" in t]
    assert scaled == pytest.approx([1.4 * w for w in widths])
    assert scaled_figure(spec, 1.0)["layout"] == spec["layout"]


def test_a_scaled_chart_grows_with_its_words_but_the_loop_keeps_its_height() -> None:
    # Taller by as much as its margins, so the plot inside is not squeezed; the
    # loop, a diagram near the top of the stepper, keeps the first screen's room.
    X = load_preset("blobs", 200, 0).X
    spec = fog_map(X, initialize(X, 3, seed=0), None, ["x", "y"], height=520)
    assert scaled_figure(spec.to_plotly_json(), 1.4)["layout"]["height"] == 728
    loop = surveyor_loop("e", height=150).to_plotly_json()
    assert scaled_figure(loop, 1.4)["layout"]["height"] == 150


def test_the_loop_says_how_wide_its_words_need() -> None:
    # The live chart shrinks the loop's words on a chart narrower than this.
    longest = max(len(line) for *_, sub in LOOP_STAGES for line in sub.split("\n"))
    width = surveyor_loop("e", height=150).layout.meta["fit_width"]
    assert width == fit_width() >= longest * 13 * 0.5 / 0.21
    assert scaled_figure(surveyor_loop().to_plotly_json(), 1.4)["layout"]["meta"][
        "fit_width"
    ] == pytest.approx(1.4 * width)


def _a_page_with_a_plotly_chart() -> None:
    import streamlit as st

    from gmm_app.plotting.loop import surveyor_loop
    from gmm_app.shell.present import plotly_chart
    from gmm_app.shell.state import remember

    if st.query_params.get("present") == "1":
        remember("present", True)
    plotly_chart(surveyor_loop(), key="home_loop", config={"staticPlot": True})


@pytest.mark.parametrize("on", [False, True])
def test_st_plotly_charts_follow_presenter_mode_too(on: bool) -> None:
    at = AppTest.from_function(_a_page_with_a_plotly_chart)
    if on:
        at.query_params["present"] = "1"
    at.run()
    assert not at.exception
    (chart,) = at.get("plotly_chart")
    figure = json.loads(chart.proto.spec)
    config = json.loads(chart.proto.config)
    assert config["staticPlot"] is True
    assert config["toImageButtonOptions"]["filename"].endswith("-home_loop")
    sizes = [a["font"]["size"] for a in figure["layout"]["annotations"] if "font" in a]
    expected = [
        a["font"]["size"]
        for a in surveyor_loop().to_plotly_json()["layout"]["annotations"]
        if "font" in a
    ]
    assert sizes == pytest.approx([(1.4 if on else 1.0) * s for s in expected])
