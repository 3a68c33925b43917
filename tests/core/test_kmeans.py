"""Fogmap's K-Means stepper follows scikit-learn's KMeans(algorithm="lloyd")."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cluster import KMeans

from gmm_core import FogmapError, KMeansStep, kmeans_steps

REL = {"rtol": 1e-9, "atol": 1e-9}


def sklearn_kmeans(X: np.ndarray, centers: np.ndarray) -> KMeans:
    return KMeans(
        n_clusters=len(centers),
        init=centers,
        n_init=1,
        algorithm="lloyd",
        tol=0,
        max_iter=300,
    ).fit(X)


def assert_same_as_sklearn(
    X: np.ndarray, centers: np.ndarray, *, same_iterations: bool = True
) -> list[KMeansStep]:
    steps = list(kmeans_steps(X, centers))
    km = sklearn_kmeans(X, centers)
    last = steps[-1]
    np.testing.assert_allclose(last.centers, km.cluster_centers_, **REL)
    np.testing.assert_array_equal(last.labels, km.labels_)
    np.testing.assert_allclose(last.inertia, km.inertia_, **REL)
    if same_iterations:
        # scikit-learn counts the first assignment as an iteration too.
        assert len(steps) == km.n_iter_
    return steps


def brute_force_nearest(X: np.ndarray, centers: np.ndarray) -> np.ndarray:
    d2 = ((X[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
    return d2.argmin(axis=1)


@pytest.mark.parametrize("k", [1, 2, 3, 5, 6])
@pytest.mark.parametrize("d", [1, 2, 4])
def test_kmeans_ends_where_scikit_learn_ends(d, k, make_groups):
    X = make_groups(300, d, seed=10 * d + k, n_groups=4)
    rng = np.random.default_rng(k)
    centers = X[rng.choice(len(X), size=k, replace=False)] + 0.05
    assert_same_as_sklearn(X, centers)


@pytest.mark.parametrize("d", [1, 2, 3])
def test_first_step_assigns_every_point_to_its_nearest_initial_center(d, make_groups):
    X = make_groups(200, d, seed=d)
    centers = np.random.default_rng(d).normal(size=(4, d))
    first = next(kmeans_steps(X, centers))
    assert first.iteration == 0
    np.testing.assert_array_equal(first.centers, centers)
    np.testing.assert_array_equal(first.labels, brute_force_nearest(X, centers))
    expected_inertia = ((X - centers[first.labels]) ** 2).sum()
    np.testing.assert_allclose(first.inertia, expected_inertia, rtol=1e-12)
    assert not first.converged


def test_only_the_last_step_is_converged_and_inertia_never_rises(make_groups):
    X = make_groups(300, 2, seed=7, n_groups=4)
    centers = X[:4].copy()
    steps = list(kmeans_steps(X, centers))
    assert [s.iteration for s in steps] == list(range(len(steps)))
    assert steps[-1].converged
    assert not any(s.converged for s in steps[:-1])
    # converged means no label changed since the step before
    np.testing.assert_array_equal(steps[-1].labels, steps[-2].labels)
    inertias = np.array([s.inertia for s in steps])
    assert np.all(np.diff(inertias) <= 1e-9 * inertias[:-1])
    # each center is the mean of its points at convergence
    for j in range(4):
        np.testing.assert_allclose(
            steps[-1].centers[j], X[steps[-1].labels == j].mean(axis=0), rtol=1e-12
        )


@pytest.mark.parametrize("d", [1, 2, 3])
def test_a_center_far_from_every_point_is_reseeded_as_in_scikit_learn(d, make_groups):
    X = make_groups(250, d, seed=40 + d, n_groups=3)
    centers = X[:3].copy()
    centers[1] = 1e3  # no point is nearest to it: its cluster starts empty
    steps = assert_same_as_sklearn(X, centers)
    assert 1 not in steps[0].labels
    assert 1 in steps[1].labels
    assert np.all(np.isfinite(steps[-1].centers))


def test_two_far_centers_start_empty_and_both_match_scikit_learn(make_groups):
    X = make_groups(300, 2, seed=9, n_groups=4)
    centers = np.vstack([X[:3], [[500.0, 500.0], [-800.0, 300.0]]])
    steps = assert_same_as_sklearn(X, centers)
    assert set(np.unique(steps[0].labels)) == {0, 1, 2}
    assert len(np.unique(steps[-1].labels)) == 5


@pytest.mark.parametrize(
    ("X", "centers"),
    [
        # Point 100 is alone in the cluster of center 50 and is the farthest
        # point from its own center, so it is moved to the empty cluster of 1000.
        ([[0.0], [1.0], [2.0], [100.0]], [[0.5], [50.0], [1000.0]]),
        # Fewer distinct points than centers (found by hypothesis): two centers
        # start empty and every distance is 0, so the lone 0 can be moved.
        ([[1.0], [1.0], [1.0], [0.0], [1.0]], [[1.0], [0.0], [1.0], [1.0]]),
    ],
    ids=["lone-far-point", "repeated-points"],
)
# scikit-learn warns that the repeated points hold fewer distinct clusters than K.
@pytest.mark.filterwarnings("ignore:Number of distinct clusters")
def test_reseeding_that_empties_a_singleton_cluster_matches_scikit_learn(X, centers):
    X, centers = np.array(X), np.array(centers)
    steps = list(kmeans_steps(X, centers))
    assert all(np.all(np.isfinite(s.centers)) for s in steps)
    # With tol=0 scikit-learn also stops when no center moves; Fogmap's contract
    # stops when no label changes, which can take one more step after a re-seed.
    # Where they end must agree.
    assert_same_as_sklearn(X, centers, same_iterations=False)


def test_kmeans_on_one_dimensional_input_matches_a_single_column(make_groups):
    x = make_groups(120, 1, seed=2)[:, 0]
    centers = np.array([[-1.0], [0.0], [1.0]])
    flat = list(kmeans_steps(x, centers))
    column = list(kmeans_steps(x[:, None], centers))
    assert len(flat) == len(column)
    np.testing.assert_array_equal(flat[-1].labels, column[-1].labels)
    np.testing.assert_array_equal(flat[-1].centers, column[-1].centers)


def test_more_centers_than_points_is_a_readable_error():
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    with pytest.raises(FogmapError, match="at least as many points as centers"):
        list(kmeans_steps(X, np.zeros((3, 2))))


def test_nan_in_the_data_is_a_readable_error():
    X = np.array([[0.0, 0.0], [np.nan, 1.0], [2.0, 2.0]])
    with pytest.raises(FogmapError, match="missing or infinite"):
        list(kmeans_steps(X, X[[0, 2]]))
