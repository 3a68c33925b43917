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
    em_steps,
    initialize,
    kmeans_steps,
    load_preset,
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


def test_kmeans_pairs_with_em_half_steps() -> None:
    X = load_preset("moons").X
    start = initialize(X, 3, method="k-means++", seed=0)
    steps = tuple(em_steps(X, start, tol=0, max_iter=4))
    km = tuple(kmeans_steps(X, steps[0].params.means))
    assert len(km) > 3  # K-Means takes at least as many steps as shown here
    guess = model.kmeans_beside(km, model.view_at(X, tuple(steps), 0))
    assert guess.labels is None and np.array_equal(guess.centers, km[0].centers)
    assert guess.caption.startswith("K-Means, the same starting centres")
    assert guess.step == 0 and guess.moved_from is None
    for t in (1, 2):
        e = model.kmeans_beside(km, model.view_at(X, tuple(steps), 2 * t - 1))
        assert e.step == t and f"assign step {t}:" in e.caption  # E-step t
        assert np.array_equal(e.labels, km[t - 1].labels)
        assert np.array_equal(e.centers, km[t - 1].centers)
        m = model.kmeans_beside(km, model.view_at(X, tuple(steps), 2 * t))
        assert m.step == t and f"update step {t}:" in m.caption  # M-step t
        assert np.array_equal(m.centers, km[t].centers)
        assert np.array_equal(m.moved_from, km[t - 1].centers)
        assert np.array_equal(m.labels, km[t - 1].labels)  # the islands that moved it
        assert len(m.trail) == t + 1


def _restart(seed: int, ll: float, stop: str = "converged") -> Restart:
    params = GMMParams(np.array([1.0]), np.zeros((1, 2)), np.eye(2)[None])
    return Restart(seed, ll, 5, stop, params)


def test_restart_verdicts_rank_collapsed_runs_last() -> None:
    runs = [_restart(0, -2.0), _restart(1, 9.0, "collapsed"), _restart(2, -1.0)]
    ranked = model.restart_verdicts(runs)
    assert [(r.seed, flag) for r, flag in ranked] == [
        (2, "best"),
        (0, "local optimum"),
        (1, "collapsed"),
    ]


def test_runs_within_tol_are_tied_not_best() -> None:
    # Identical runs, and runs closer than tol, are a tie: none is "best".
    same = [_restart(s, -1.9071) for s in range(3)]
    assert {f for _, f in model.restart_verdicts(same)} == {"all tied"}
    close = [_restart(0, -1.90713), _restart(1, -1.90721), _restart(2, -1.5)]
    ranked = model.restart_verdicts(close, tol=1e-3)
    assert [(r.seed, f) for r, f in ranked] == [
        (2, "best"),
        (0, "local optimum"),
        (1, "local optimum"),
    ]
    two = [_restart(0, -1.0), _restart(1, -1.0004), _restart(2, -1.2)]
    assert [f for _, f in model.restart_verdicts(two, tol=1e-3)] == [
        "tied for best",
        "tied for best",
        "local optimum",
    ]
    # With a smaller tol the same two runs are told apart.
    assert [f for _, f in model.restart_verdicts(two, tol=1e-4)][:2] == [
        "best",
        "local optimum",
    ]


def test_collapse_rise_climbs_through_where_em_stopped() -> None:
    X = np.vstack([np.random.default_rng(0).normal(size=(60, 2)), [[30.0, 30.0]]])
    means, widths = model.collapse_start(X, 2, seed=0)
    start = initialize(
        X,
        2,
        method="given",
        means=np.array(means),
        widths=np.array(widths),
        reg_covar=0.0,
    )
    trace = list(em_steps(X, start, reg_covar=0.0, tol=1e-6))
    assert trace[-1].stop_reason == "collapsed"
    rise = model.collapse_rise(X, trace)
    assert rise is not None and rise.hill == trace[-1].collapsed[0]
    assert np.all(np.diff(rise.widths) < 0)  # narrowing, widest first
    assert np.all(np.diff(rise.log_likelihoods[-7:]) > 0)  # and climbing
    stop = list(rise.widths).index(rise.em_widths[-1])
    assert rise.log_likelihoods[stop] == pytest.approx(trace[-1].mean_log_likelihood)
    # Each tenfold narrowing of a hill on one point adds D ln 10 / N per point.
    assert rise.per_decade == pytest.approx(2 * math.log(10) / len(X), rel=1e-6)


def test_collapse_start_puts_a_narrow_hill_on_the_loneliest_point(blobs_trace) -> None:
    X, _ = blobs_trace
    means, widths = model.collapse_start(X, 1, seed=0)
    assert len(means) == len(widths) == 2  # at least two hills
    assert widths[0] < widths[1] == 0.5
    assert any(np.allclose(means[0], x) for x in X)
