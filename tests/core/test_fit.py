"""Fitting with restarts: the best non-collapsed restart's trace is shown."""

from __future__ import annotations

import numpy as np
import pytest

from gmm_core import COVARIANCE_TYPES, em_steps, fit, initialize


def best_non_collapsed(result) -> float:
    return max(r.final_log_likelihood for r in result.restarts if not r.collapsed)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("seed", [0, 11])
def test_five_restarts_use_consecutive_seeds_and_the_best_is_kept(
    covariance_type, seed, make_groups
):
    X = make_groups(250, 2, seed=21, n_groups=4)
    result = fit(
        X,
        4,
        covariance_type=covariance_type,
        init="random_from_data",
        n_init=5,
        seed=seed,
    )
    assert [r.seed for r in result.restarts] == list(range(seed, seed + 5))
    lls = result.final_log_likelihoods
    assert lls.shape == (5,)
    np.testing.assert_array_equal(
        lls, [r.final_log_likelihood for r in result.restarts]
    )

    trace = result.trace
    assert [s.iteration for s in trace] == list(range(len(trace)))
    assert result.best is trace[-1]
    assert result.params is trace[-1].params
    assert trace[-1].mean_log_likelihood == best_non_collapsed(result)
    best = result.restarts[result.best_index]
    assert best.final_log_likelihood == trace[-1].mean_log_likelihood
    assert best.n_iter == trace[-1].iteration
    assert best.stop_reason == trace[-1].stop_reason


def test_the_trace_is_the_one_em_steps_gives_from_the_same_guess(make_groups):
    X = make_groups(200, 2, seed=22)
    result = fit(X, 3, init="k-means++", n_init=1, seed=5, tol=1e-4)
    start = initialize(X, 3, method="k-means++", seed=5)
    trace = list(em_steps(X, start, tol=1e-4))
    assert len(result.trace) == len(trace)
    for a, b in zip(result.trace, trace, strict=True):
        assert a.mean_log_likelihood == b.mean_log_likelihood
        np.testing.assert_array_equal(a.params.means, b.params.means)


def test_a_collapsed_restart_is_not_chosen_even_with_a_higher_likelihood():
    # Two groups and a lone outlier, reg_covar=0: restarts that put a hill on the
    # outlier collapse onto it; their likelihood means nothing.
    rng = np.random.default_rng(1)
    X = np.vstack(
        [
            rng.normal([-5, 0], 1, size=(60, 2)),
            rng.normal([5, 0], 1, size=(60, 2)),
            [[0.0, 30.0]],
        ]
    )
    result = fit(X, 3, init="random_from_data", n_init=5, seed=7, reg_covar=0.0)
    collapsed = [r for r in result.restarts if r.collapsed]
    kept = [r for r in result.restarts if not r.collapsed]
    assert collapsed, "this data should make some restarts collapse"
    assert kept, "this data should leave some restarts healthy"
    assert max(r.final_log_likelihood for r in collapsed) > best_non_collapsed(result)

    assert not result.restarts[result.best_index].collapsed
    assert result.trace[-1].stop_reason != "collapsed"
    assert result.trace[-1].mean_log_likelihood == best_non_collapsed(result)


def test_when_every_restart_collapses_the_highest_is_shown():
    X = np.vstack([np.random.default_rng(2).normal(size=(30, 2)), [[9.0, 9.0]]])
    result = fit(
        X,
        2,
        init="given",
        means=[[0.0, 0.0], [9.0, 9.0]],
        n_init=3,
        reg_covar=0.0,
        tol=0,
        max_iter=300,
    )
    assert all(r.collapsed for r in result.restarts)
    assert result.trace[-1].mean_log_likelihood == result.final_log_likelihoods.max()
    assert np.all(np.isfinite(result.final_log_likelihoods))


@pytest.mark.parametrize("n_init", [0, -3])
def test_n_init_below_one_still_runs_one_restart(n_init, make_groups):
    X = make_groups(80, 2, seed=3)
    result = fit(X, 2, n_init=n_init, seed=4)
    assert [r.seed for r in result.restarts] == [4]
    assert result.trace[0].iteration == 0
