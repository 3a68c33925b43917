"""One server, a whole class: the stepper's charts are built once and shared.

The map, the log-likelihood chart and the responsibility heatmap are built as the
plain dicts a live chart sends (``gmm_app.plotting.builder.finish_spec``), not as
``go.Figure``s converted back; a student must see exactly the chart Plotly's own
path gives, so both are compared here. The charts are kept for every session of
the server, keyed on what they show: a student stepping through the run another
student already stepped through gets the same charts, and a student with other
data never gets someone else's.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from apptest_helpers import click, decoded, figure_by_key, open_stepper
from plotly.io.json import to_json_plotly

from gmm_app.plotting.fog import fog_map, fog_map_spec
from gmm_app.plotting.geometry import Projection
from gmm_app.shell.live_chart import figure_spec
from gmm_app.stepper.figures import (
    log_likelihood_chart,
    log_likelihood_spec,
    responsibility_heatmap,
    responsibility_heatmap_spec,
)
from gmm_app.stepper.model import n_positions, view_at
from gmm_core import em_steps, initialize, load_preset


def _sent(spec: dict) -> dict:
    """A figure as the browser receives it (JSON text, read back)."""
    return json.loads(to_json_plotly(spec))


def _arrays_as_lists(value: object) -> object:
    """Typed arrays decoded to lists of floats, everything else as it is."""
    if isinstance(value, dict):
        if "bdata" in value:
            return decoded(value)
        return {key: _arrays_as_lists(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_arrays_as_lists(item) for item in value]
    return value


def _run(preset: str, n: int, k: int) -> tuple[np.ndarray, tuple, object]:
    data = load_preset(preset, n, 3)
    start = initialize(data.X, k, method="k-means++", covariance_type="full", seed=0)
    trace = tuple(em_steps(data.X, start, reg_covar=1e-6, tol=1e-6, max_iter=12))
    return data, trace, Projection.features(data.feature_names)


@pytest.mark.parametrize(
    ("preset", "n", "k"), [("overlapping", 300, 3), ("moons", 2000, 2)]
)
def test_the_map_is_the_one_plotly_would_send(preset: str, n: int, k: int) -> None:
    data, trace, projection = _run(preset, n, k)
    for position in range(n_positions(trace)):
        view = view_at(data.X, trace, position)
        drawing = dict(
            trail=view.trail,
            changed=view.changed,
            moved_from=None
            if view.previous_params is None
            else view.previous_params.means,
            height=520,
        )
        plotly_way = _sent(
            figure_spec(
                fog_map(
                    data.X,
                    view.params,
                    view.resp,
                    data.feature_names,
                    projection,
                    template={},
                    **drawing,
                )
            )
        )
        fast_way = _sent(
            fog_map_spec(
                data.X,
                view.params,
                view.resp,
                data.feature_names,
                projection,
                **drawing,
            )
        )
        # Only the points' opacities differ: 32-bit, not 64-bit, floats.
        for trace_plotly, trace_fast in zip(
            plotly_way["data"], fast_way["data"], strict=True
        ):
            opacity = trace_plotly.get("marker", {}).get("opacity")
            if isinstance(opacity, dict):
                assert trace_fast["marker"]["opacity"]["dtype"] == "f4"
                np.testing.assert_allclose(
                    decoded(trace_fast["marker"]["opacity"]),
                    decoded(opacity),
                    rtol=1e-7,
                )
                trace_fast["marker"]["opacity"] = opacity
        assert fast_way == plotly_way, f"position {position}"


def test_marks_are_drawn_over_the_map_as_webgl_when_the_points_are() -> None:
    data, trace, projection = _run("moons", 2000, 2)
    view = view_at(data.X, trace, 2)
    mark = {"x": [0.5], "y": [0.25], "mode": "markers", "name": "your guess"}
    spec = _sent(
        fog_map_spec(
            data.X, view.params, view.resp, data.feature_names, projection, marks=[mark]
        )
    )
    assert spec["data"][-1] == {**mark, "type": "scattergl"}


def test_the_side_charts_are_the_ones_plotly_would_send() -> None:
    data, trace, _ = _run("overlapping", 300, 3)
    for position in range(n_positions(trace)):
        view = view_at(data.X, trace, position)
        for stop in (None, "converged"):
            assert _sent(
                log_likelihood_spec(
                    view.log_likelihoods, view.shown_iteration, 1e-6, stop
                )
            ) == _sent(
                figure_spec(
                    log_likelihood_chart(
                        view.log_likelihoods, view.shown_iteration, 1e-6, stop
                    )
                )
            )
        if view.resp is not None:
            for rows in (500, 100):  # every point, and points in bins
                assert _sent(responsibility_heatmap_spec(view.resp, rows)) == _sent(
                    figure_spec(responsibility_heatmap(view.resp, rows))
                )


def _map_points(at: object) -> np.ndarray:
    """Every point on the stepper's map as (row, x, y), in row order."""
    rows = []
    for trace in figure_by_key(at, "em_map")["data"]:
        custom = trace.get("customdata")
        if custom is None or not str(trace.get("name", "")).startswith(
            ("hill", "points")
        ):
            continue
        index = np.asarray(decoded(custom)).reshape(len(decoded(trace["x"])), -1)[:, 0]
        rows.append(np.column_stack([index, decoded(trace["x"]), decoded(trace["y"])]))
    points = np.concatenate(rows)
    return points[np.argsort(points[:, 0])]


def test_two_students_on_the_same_run_see_the_same_maps() -> None:
    first, second = open_stepper(), open_stepper()
    for _ in range(3):
        click(first, "em_next")
        click(second, "em_next")
        assert figure_by_key(second, "em_map") == figure_by_key(first, "em_map")
        assert figure_by_key(second, "em_loglik") == figure_by_key(first, "em_loglik")
        assert figure_by_key(second, "em_heatmap") == figure_by_key(first, "em_heatmap")


def test_a_student_with_other_data_sees_their_own_points() -> None:
    mine = open_stepper({"dataset": "moons", "n_samples": "400", "data_seed": "1"})
    theirs = open_stepper({"dataset": "moons", "n_samples": "400", "data_seed": "2"})
    for at, seed in ((mine, 1), (theirs, 2)):
        click(at, "em_next", times=2)
        X = load_preset("moons", 400, seed).X
        points = _map_points(at)
        rows = points[:, 0].astype(int)
        np.testing.assert_array_equal(points[:, 1], X[rows, 0])
        np.testing.assert_array_equal(points[:, 2], X[rows, 1])


def test_going_back_shows_the_map_that_was_shown_there() -> None:
    at = open_stepper()
    click(at, "em_next", times=3)
    before = figure_by_key(at, "em_map")
    click(at, "em_next", times=2)
    click(at, "em_back", times=2)
    assert figure_by_key(at, "em_map") == before
