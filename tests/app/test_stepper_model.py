"""The EM stepper's pure modules (no Streamlit): its numbers and words.

(The layering rules for every lesson are tests/test_layers.py.)
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from gmm_app.stepper import equations, model, narration
from gmm_app.words import sci_from_log
from gmm_core import (
    GMMParams,
    Restart,
    initialize,
    kmeans_steps,
    responsibilities,
)
from gmm_core.mixture import weighted_log_prob


def test_e_step_equation_uses_the_cores_log_sum_exp(blobs_trace) -> None:
    X, steps = blobs_trace
    params = steps[1].params
    for i in (0, 17, 123):
        lines = equations.responsibility_steps(X[i], i, params)
        wlp = weighted_log_prob(X[i : i + 1], params)[0]
        top = float(wlp.max())
        log_total = top + math.log(float(np.exp(wlp - top).sum()))
        resp = responsibilities(X[i : i + 1], params)[0]
        assert lines[-4].endswith(sci_from_log(log_total))
        for k in range(3):
            assert lines[-3 + k].endswith(f"{resp[k]:.4f}")


def test_first_dip_finds_the_first_fall() -> None:
    assert model.first_dip(np.array([-3.0, -2.0, -1.0])) is None
    assert model.first_dip(np.array([-3.0, -2.0, -2.5, -1.0, -1.5])) == 2


def test_hills_stacked_only_when_every_top_coincides() -> None:
    one = np.eye(2)[None]
    stacked = GMMParams(np.array([0.5, 0.5]), np.zeros((2, 2)), one.repeat(2, 0))
    apart = GMMParams(
        np.array([0.5, 0.5]), np.array([[0.0, 0.0], [3.0, 0.0]]), one.repeat(2, 0)
    )
    assert model.hills_stacked(stacked, 1.0)
    assert not model.hills_stacked(apart, 1.0)
    single = GMMParams(np.array([1.0]), np.zeros((1, 2)), one)
    assert not model.hills_stacked(single, 1.0)


@pytest.mark.parametrize(
    ("customdata", "expected"),
    [(7, 7), ([8, 0.3], 8), ({"0": 9, "1": 0.5}, 9), (None, None), ([], None)],
)
def test_clicked_point_reads_every_customdata_shape(customdata, expected) -> None:
    event = SimpleNamespace(
        selection=SimpleNamespace(points=[{"customdata": customdata}])
    )
    assert model.clicked_point(event) == expected
    assert model.clicked_point(None) is None


def test_parameter_rows_say_each_covariance_type_its_way(blobs_trace) -> None:
    X, _ = blobs_trace
    expected = {
        "full": "[",
        "tied": "shared [",
        "diag": "variances (",
        "spherical": "variance ",
    }
    for ctype, start in expected.items():
        params = initialize(X, 2, covariance_type=ctype, seed=0)
        rows = narration.parameter_rows(params, params)
        assert [r["hill"] for r in rows] == ["hill A", "hill B"]
        assert rows[0]["Δ weight"] == "+0.0%"
        assert rows[0]["covariance"].startswith(start)
    assert narration.point_text((1.23456, -0.5)) == "(1.23, -0.5)"


def test_kmeans_pairs_with_em_half_steps(blobs_trace) -> None:
    X, steps = blobs_trace
    km = tuple(kmeans_steps(X, steps[0].params.means))
    view_guess = model.view_at(X, tuple(steps), 0)
    centers, labels, caption = model.kmeans_beside(km, view_guess)
    assert labels is None and np.array_equal(centers, km[0].centers)
    assert caption.startswith("K-Means, the same starting centres.")
    e1 = model.view_at(X, tuple(steps), 1)
    centers, labels, caption = model.kmeans_beside(km, e1)
    assert np.array_equal(labels, km[0].labels)
    assert "assign step 0" in caption
    m1 = model.view_at(X, tuple(steps), 2)
    centers, labels, caption = model.kmeans_beside(km, m1)
    assert np.array_equal(centers, km[min(1, len(km) - 1)].centers)
    assert "update step" in caption


def test_restart_verdicts_rank_collapsed_runs_last() -> None:
    params = GMMParams(np.array([1.0]), np.zeros((1, 2)), np.eye(2)[None])
    runs = [
        Restart(0, -2.0, 5, "converged", params),
        Restart(1, 9.0, 3, "collapsed", params),
        Restart(2, -1.0, 4, "converged", params),
    ]
    ranked = model.restart_verdicts(runs)
    assert [(r.seed, flag) for r, flag in ranked] == [
        (2, "best"),
        (0, "local optimum"),
        (1, "collapsed"),
    ]


def test_collapse_start_puts_a_narrow_hill_on_the_loneliest_point(blobs_trace) -> None:
    X, _ = blobs_trace
    means, widths = model.collapse_start(X, 1, seed=0)
    assert len(means) == len(widths) == 2  # at least two hills
    assert widths[0] < widths[1] == 0.5
    assert any(np.allclose(means[0], x) for x in X)
