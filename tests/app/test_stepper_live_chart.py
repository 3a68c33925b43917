"""A live chart sends the same figure Plotly would: the fast path changes no byte.

``gmm_app.shell.live_chart.figure_spec`` replaces ``go.Figure.to_plotly_json``
(which deep-copies every trace) on every step of the EM stepper. A student must
see exactly the chart Plotly's own path gives, so every figure the stepper draws
is serialized both ways here and compared as JSON, and the figure is left as it
was.
"""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import pytest
from plotly.io.json import to_json_plotly

from gmm_app.plotting.fog import fog_curves, fog_map, responsibility_bands
from gmm_app.plotting.geometry import Projection
from gmm_app.plotting.loop import surveyor_loop
from gmm_app.shell.live_chart import figure_spec
from gmm_app.stepper.figures import log_likelihood_chart, responsibility_heatmap
from gmm_app.stepper.model import n_positions, view_at
from gmm_core import em_steps, initialize, load_preset


def _both(fig: go.Figure) -> tuple[object, object]:
    """``fig``'s JSON by Plotly's own path and by the live chart's."""
    plotly_way = json.loads(to_json_plotly(fig.to_plotly_json()))
    fast_way = json.loads(to_json_plotly(figure_spec(fig)))
    return plotly_way, fast_way


def _stepper_figures() -> list[tuple[str, go.Figure]]:
    """Every chart a step of the stepper draws, on 2-D and 1-D data."""
    data = load_preset("overlapping", 300, 3)
    start = initialize(data.X, 3, method="k-means++", covariance_type="full", seed=0)
    trace = tuple(em_steps(data.X, start, reg_covar=1e-6, tol=1e-6, max_iter=20))
    projection = Projection.features(data.feature_names)
    figures = [("loop", surveyor_loop(phase)) for phase in ("guess", "e", "m")]
    for position in (0, 1, 2, 5, n_positions(trace) - 1):
        view = view_at(data.X, trace, position)
        figures.append(
            (
                f"map {position}",
                fog_map(
                    data.X,
                    view.params,
                    view.resp,
                    data.feature_names,
                    projection,
                    trail=view.trail,
                    changed=view.changed,
                    moved_from=None
                    if view.previous_params is None
                    else view.previous_params.means,
                    height=520,
                ),
            )
        )
        figures.append(
            (
                f"log-likelihood {position}",
                log_likelihood_chart(
                    view.log_likelihoods, view.shown_iteration, 1e-6, None
                ),
            )
        )
        if view.resp is not None:
            figures.append((f"heatmap {position}", responsibility_heatmap(view.resp)))
    x = data.X[:, :1]
    one = initialize(x, 2, method="k-means++", covariance_type="full", seed=0)
    figures.append(("curves", fog_curves(x, one, data.feature_names[0])))
    figures.append(("bands", responsibility_bands(x, one)))
    return figures


@pytest.mark.parametrize(("name", "fig"), _stepper_figures())
def test_every_stepper_chart_is_sent_as_plotly_would(name: str, fig: go.Figure) -> None:
    before = fig.to_plotly_json()
    plotly_way, fast_way = _both(fig)
    assert fast_way == plotly_way, name
    assert json.loads(to_json_plotly(fig.to_plotly_json())) == json.loads(
        to_json_plotly(before)
    ), f"{name}: the figure itself changed"


def test_arrays_of_every_kind_are_sent_as_plotly_would() -> None:
    fig = go.Figure(
        [
            go.Scatter(
                x=np.arange(5, dtype=np.int64),  # small: sent as 8-bit integers
                y=np.arange(5, dtype=np.int64) * 100_000,  # needs 32 bits
                text=np.array(["a", "b", "c", "d", "e"]),  # strings: a plain list
                customdata=np.arange(10.0).reshape(5, 2),  # 2-D: with its shape
                marker={"size": np.array([1.5, 2.0, 0.0, 3.0, 4.0])},
                error_y={"array": np.array([1.0, np.nan, 2.0, 1.0, 1.0])},
                selectedpoints=np.array([], dtype=np.int64),  # empty
            ),
            go.Heatmap(z=np.eye(3, dtype=np.float32), zmin=0, zmax=1),
        ],
        layout={"xaxis": {"range": np.array([0.0, 4.0])}, "height": 300},
    )
    plotly_way, fast_way = _both(fig)
    assert fast_way == plotly_way
