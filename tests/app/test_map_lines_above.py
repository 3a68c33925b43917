"""While Play runs fast, the stepper's map draws its hills' rings and the paths as
shapes above the points (``fog_map_spec(lines_above=True)``).

A WebGL canvas costs its whole redraw on every half-step; with the rings as shapes
it holds the points and a few small traces, not 17 traces. A student must see the
same map: the same rings (place, colour, width, dash, the white halo), the same
paths and dots, the same legend and hover, drawn above the points as before.
Paused, or at a slower speed, the rings are traces again, so they can glide.
"""

from __future__ import annotations

import re

import numpy as np
import plotly.graph_objects as go
import pytest
from apptest_helpers import click, decoded, figure_by_key, open_stepper

from gmm_app.plotting.fog import fog_map_spec
from gmm_app.plotting.geometry import Projection
from gmm_app.plotting.layers import svg_path
from gmm_app.stepper.model import n_positions, view_at
from gmm_core import em_steps, initialize, load_preset

RING = re.compile(r"hill [A-Z] [12]σ( halo)?")


def _maps(n: int, k: int, position: int) -> tuple[dict, dict]:
    """The stepper's map at ``position``: as traces, and with the lines above."""
    data = load_preset("overlapping", n, 3)
    start = initialize(data.X, k, method="k-means++", covariance_type="full", seed=0)
    trace = tuple(em_steps(data.X, start, reg_covar=1e-6, tol=1e-6, max_iter=12))
    position = min(position, n_positions(trace) - 1)
    view = view_at(data.X, trace, position)
    args = (data.X, view.params, view.resp, data.feature_names)
    drawing = dict(
        projection=Projection.features(data.feature_names),
        trail=view.trail,
        changed=view.changed,
        moved_from=None if view.previous_params is None else view.previous_params.means,
        height=520,
    )
    return fog_map_spec(*args, **drawing), fog_map_spec(
        *args, **drawing, lines_above=True
    )


def _path_points(path: str) -> np.ndarray:
    """The (x, y) vertices of an ``M x,y L x,y ...`` path, shape (n, 2)."""
    pairs = re.findall(r"[ML]([^,]+),([^ML]+)", path)
    return np.array([(float(x), float(y)) for x, y in pairs])


@pytest.mark.parametrize("k", [2, 3])
def test_the_rings_are_the_same_rings_drawn_above_the_points(k: int) -> None:
    traces, above = _maps(2000, k, position=5)
    rings = {t["name"]: t for t in traces["data"] if RING.fullmatch(t["name"])}
    shapes = {s["name"]: s for s in above["layout"]["shapes"] if "name" in s}
    assert len(rings) == 3 * k  # a halo, 1σ and 2σ per hill
    for name, ring in rings.items():
        shape = shapes[name]
        assert shape["type"] == "path" and shape["layer"] == "above"
        assert (shape["xref"], shape["yref"]) == ("x", "y")
        dashed = {"dash": "6px,1.5px"}.get(ring["line"]["dash"], ring["line"]["dash"])
        assert shape["line"] == {**ring["line"], "dash": dashed}  # as WebGL dashes
        assert shape["opacity"] == ring.get("opacity", 1.0)
        assert shape["legendgroup"] == ring["legendgroup"]
        expected = np.column_stack([decoded(ring["x"]), decoded(ring["y"])])
        np.testing.assert_allclose(_path_points(shape["path"]), expected, rtol=1e-8)
    # No ring is left as a trace; Plotly accepts the figure as it is.
    assert not [t for t in above["data"] if RING.fullmatch(t.get("name", ""))]
    go.Figure(above)


def test_the_paths_keep_their_lines_and_dots() -> None:
    traces, above = _maps(2000, 3, position=7)
    paths = [t for t in traces["data"] if t["name"].endswith(" trail")]
    assert len(paths) == 3
    shapes = {s["name"]: s for s in above["layout"]["shapes"] if "name" in s}
    (dots,) = [t for t in above["data"] if t["name"] == "where the tops have been"]
    assert dots["type"] == "scattergl" and dots["mode"] == "markers"
    dot_points = np.column_stack([decoded(dots["x"]), decoded(dots["y"])])
    for path in paths:
        points = np.column_stack([decoded(path["x"]), decoded(path["y"])])
        shape = shapes[path["name"]]
        assert shape["line"] == path["line"] and shape["opacity"] == path["opacity"]
        np.testing.assert_allclose(_path_points(shape["path"]), points, rtol=1e-8)
        for point in points:  # every step's dot is drawn
            assert np.isclose(dot_points, point, rtol=1e-12).all(axis=1).any()


def test_the_legend_hover_and_webgl_points_stay() -> None:
    traces, above = _maps(2000, 3, position=4)

    def shown(figure: dict) -> list[tuple[str, str]]:
        return [
            (t["name"], t.get("hovertemplate", ""))
            for t in figure["data"]
            if t.get("showlegend", True)
        ]

    assert shown(above) == shown(traces)  # the points per hill, the hill tops
    assert {t["type"] for t in above["data"]} == {"scattergl"}
    # The WebGL canvas redraws far fewer traces on every half-step.
    assert len(above["data"]) <= len(traces["data"]) - 8
    # The arrows of the last move stay (annotations, above everything already).
    assert above["layout"].get("annotations") == traces["layout"].get("annotations")


def test_svg_points_keep_their_rings_as_traces() -> None:
    traces, above = _maps(300, 2, position=5)  # no WebGL canvas to spare
    assert above == traces


def test_a_path_with_a_point_not_finite_is_not_drawn() -> None:
    assert svg_path(np.array([0.0, 1.0]), np.array([1.0, 2.5])) == "M0,1L1,2.5"
    assert svg_path(np.array([0.0, np.nan]), np.array([1.0, 2.0])) is None
    assert svg_path(np.array([0.0]), np.array([1.0])) is None


def test_playing_fast_draws_the_lines_above_and_pause_brings_the_glide_back() -> None:
    at = open_stepper(
        {"dataset": "overlapping", "n_samples": "2000", "em_tol": "1e-06"}
    )
    at.select_slider(key="em_speed").set_value("fast").run()
    click(at, "em_play")
    playing = figure_by_key(at, "em_map")
    assert not [t for t in playing["data"] if RING.fullmatch(t.get("name", ""))]
    names = {s.get("name") for s in playing["layout"]["shapes"]}
    assert {"hill A 1σ", "hill A 2σ", "hill A 1σ halo"} <= names
    click(at, "em_play")  # Pause
    paused = figure_by_key(at, "em_map")
    rings = [t for t in paused["data"] if RING.fullmatch(t.get("name", ""))]
    assert rings and all(t["meta"] == "glide" for t in rings)
    assert "hill A 1σ" not in {s.get("name") for s in paused["layout"]["shapes"]}
