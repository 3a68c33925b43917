"""Awkward data a student will upload: EM must not crash or show NaN."""

from __future__ import annotations

import dataclasses
import gc
import math
import tracemalloc

import numpy as np
import pytest

from gmm_core import (
    COVARIANCE_TYPES,
    EMStep,
    FogmapError,
    em_steps,
    fit,
    initialize,
    responsibilities,
)

RANDOM_METHODS = ("kmeans", "k-means++", "random", "random_from_data")
MiB = 2**20


def trace(X, k, covariance_type, method="kmeans", reg_covar=1e-6, **kwargs):
    means = kwargs.pop("means", None)
    init = initialize(
        X,
        k,
        method=method,
        covariance_type=covariance_type,
        reg_covar=reg_covar,
        seed=kwargs.pop("seed", 1),
        means=means,
    )
    kwargs.setdefault("max_iter", 50)
    return list(em_steps(X, init, reg_covar=reg_covar, **kwargs))


def assert_healthy(X, steps: list[EMStep]) -> None:
    """Every step is finite and its responsibilities are probabilities."""
    assert steps[-1].stop_reason in ("converged", "max_iter", "collapsed")
    for step in steps:
        p = step.params
        assert math.isfinite(step.mean_log_likelihood), step.iteration
        for a in (p.weights, p.means, p.covariances, p.precisions_cholesky):
            assert np.all(np.isfinite(a)), step.iteration
        resp = responsibilities(X, p)
        assert np.all(np.isfinite(resp))
        np.testing.assert_allclose(resp.sum(axis=1), 1.0, rtol=0, atol=1e-9)


@pytest.mark.parametrize("method", RANDOM_METHODS)
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_all_points_identical(covariance_type, method):
    X = np.full((20, 2), 1.7)
    assert_healthy(X, trace(X, 2, covariance_type, method))


@pytest.mark.parametrize("method", RANDOM_METHODS)
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_half_the_points_identical(covariance_type, method):
    rng = np.random.default_rng(0)
    X = np.vstack([np.full((15, 2), 0.5), rng.normal(size=(15, 2))])
    assert_healthy(X, trace(X, 3, covariance_type, method))


@pytest.mark.parametrize("method", RANDOM_METHODS)
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_more_components_than_distinct_points(covariance_type, method):
    X = np.repeat(np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]), 7, axis=0)
    assert_healthy(X, trace(X, 5, covariance_type, method))


@pytest.mark.parametrize("method", RANDOM_METHODS)
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_a_constant_feature(covariance_type, method):
    rng = np.random.default_rng(1)
    X = np.column_stack([rng.normal(size=40), np.full(40, 0.1), rng.normal(size=40)])
    assert_healthy(X, trace(X, 2, covariance_type, method))


@pytest.mark.parametrize(
    "value",
    [
        3.0,
        0.1,
    ],
)
def test_a_constant_feature_without_reg_covar_collapses_at_once(value):
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.normal(size=40), np.full(40, value)])
    for covariance_type in ("full", "tied", "diag"):
        for method in ("k-means++", "random", "random_from_data"):
            steps = trace(X, 2, covariance_type, method, reg_covar=0.0, tol=0)
            assert_healthy(X, steps)
            assert steps[-1].stop_reason == "collapsed", (covariance_type, method)
            # A floored hill is narrow, not infinitely so: the mean log-density
            # stays a number a student can read.
            assert abs(steps[-1].mean_log_likelihood) < 1e3, (covariance_type, method)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_one_dimensional_array_and_single_column_give_the_same_trace(covariance_type):
    rng = np.random.default_rng(2)
    x = np.concatenate([rng.normal(-2, 1, 60), rng.normal(3, 0.5, 40)])
    flat = trace(x, 2, covariance_type, "k-means++")
    column = trace(x[:, None], 2, covariance_type, "k-means++")
    assert_healthy(x[:, None], flat)
    assert len(flat) == len(column)
    for a, b in zip(flat, column, strict=True):
        assert a.mean_log_likelihood == b.mean_log_likelihood
        np.testing.assert_array_equal(a.params.means, b.params.means)
    assert flat[-1].params.means.shape == (2, 1)
    assert responsibilities(x, flat[-1].params).shape == (100, 2)


def lone_outlier_data(d: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(size=(60, d)), np.full((1, d), 12.0)])
    means = np.vstack([np.zeros(d), np.full(d, 12.0)])
    return X, means


@pytest.mark.parametrize("d", [1, 2])
@pytest.mark.parametrize("covariance_type", ["full", "diag", "spherical"])
def test_a_hill_on_a_lone_point_without_reg_covar_is_reported_collapsed(
    covariance_type, d
):
    X, means = lone_outlier_data(d)
    steps = trace(
        X,
        2,
        covariance_type,
        "given",
        means=means,
        reg_covar=0.0,
        tol=0,
        max_iter=500,
    )
    assert_healthy(X, steps)
    assert steps[-1].stop_reason == "collapsed"
    assert steps[-1].collapsed == (1,)
    assert not any(s.collapsed for s in steps[:-1])
    assert len(steps) < 501


@pytest.mark.parametrize("d", [1, 2])
def test_a_tied_covariance_cannot_collapse_onto_a_lone_point(d):
    # The hills share one covariance, so the outlier's hill cannot shrink alone.
    X, means = lone_outlier_data(d)
    steps = trace(
        X, 2, "tied", "given", means=means, reg_covar=0.0, tol=0, max_iter=200
    )
    assert_healthy(X, steps)
    assert steps[-1].stop_reason == "max_iter"
    assert not any(s.collapsed for s in steps)


def test_fewer_points_than_components_is_a_readable_error():
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    with pytest.raises(FogmapError, match="3 points but 5 components"):
        initialize(X, 5)
    with pytest.raises(FogmapError, match="3 points but 5 components"):
        fit(X, 5)
    # "given" lets the student place 5 means on 3 points; EM itself refuses.
    init = initialize(X, 5, method="given", means=np.zeros((5, 2)))
    with pytest.raises(FogmapError, match="Choose a smaller K"):
        next(em_steps(X, init))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_infinity_in_the_data_is_a_readable_error(bad):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(30, 2))
    good_init = initialize(X, 2)
    X[4, 1] = bad
    message = "1 row\\(s\\) hold a missing or infinite value"
    with pytest.raises(FogmapError, match=message):
        initialize(X, 2)
    with pytest.raises(FogmapError, match=message):
        next(em_steps(X, good_init))
    with pytest.raises(FogmapError, match=message):
        fit(X, 2)


def test_data_with_the_wrong_number_of_columns_is_a_readable_error():
    X = np.random.default_rng(4).normal(size=(30, 2))
    init = initialize(X, 2)
    with pytest.raises(FogmapError, match="3 columns but the mixture was made for 2"):
        next(em_steps(np.hstack([X, X[:, :1]]), init))


def per_sample_arrays(obj, n: int, path: str = "step") -> list[str]:
    """Attributes of a (nested) dataclass holding an array with an axis of n."""
    found = []
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        where = f"{path}.{f.name}"
        if isinstance(value, np.ndarray) and n in value.shape:
            found.append(where)
        elif dataclasses.is_dataclass(value):
            found += per_sample_arrays(value, n, where)
    return found


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_a_step_holds_no_per_sample_array(covariance_type):
    rng = np.random.default_rng(5)
    X = rng.normal(size=(1009, 2))
    steps = trace(X, 3, covariance_type, "k-means++", tol=0, max_iter=3)
    for step in steps:
        assert per_sample_arrays(step, len(X)) == []


def test_a_300_step_trace_on_100k_points_fits_in_64_mib():
    rng = np.random.default_rng(6)
    centers = np.array([[-4.0, 0.0], [4.0, 0.0], [0.0, 5.0]])
    X = centers[rng.integers(0, 3, size=100_000)] + rng.normal(size=(100_000, 2))
    init = initialize(X, 3, method="k-means++", seed=0)

    gc.collect()
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        steps = list(em_steps(X, init, tol=0, max_iter=300))
        gc.collect()
        retained = tracemalloc.get_traced_memory()[0] - baseline
    finally:
        tracemalloc.stop()

    assert len(steps) == 301
    assert retained < 64 * MiB, f"the trace keeps {retained / MiB:.1f} MiB"
    # A single per-sample float array per step would already be 229 MiB.
    held = sum(
        a.nbytes
        for s in steps
        for a in (s.params.weights, s.params.means, s.params.covariances)
    )
    assert held < MiB
    assert all(per_sample_arrays(s, len(X)) == [] for s in steps)
