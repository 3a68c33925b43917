"""Starting guesses: the hills a student sees before EM's first step."""

from __future__ import annotations

import re

import numpy as np
import pytest

from gmm_core import COVARIANCE_TYPES, INIT_METHODS, FogmapError, initialize

K = 3


def covariance_shape(covariance_type: str, k: int, d: int) -> tuple[int, ...]:
    return {"full": (k, d, d), "tied": (d, d), "diag": (k, d), "spherical": (k,)}[
        covariance_type
    ]


def guess(X, method, covariance_type, seed=0, k=K):
    means = X[[0, 50, 100]][:k] if method == "given" else None
    return initialize(
        X, k, method=method, covariance_type=covariance_type, seed=seed, means=means
    )


@pytest.fixture(scope="module")
def X():
    rng = np.random.default_rng(0)
    groups = [rng.normal(c, s, size=(60, 2)) for c, s in [(-3, 1.0), (2, 0.6), (0, 2)]]
    return np.vstack(groups)[rng.permutation(180)]


def test_every_method_is_covered():
    assert set(INIT_METHODS) == {
        "kmeans",
        "k-means++",
        "random",
        "random_from_data",
        "given",
    }


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("method", INIT_METHODS)
def test_guess_has_scikit_learn_shapes_and_weights_summing_to_one(
    X, method, covariance_type
):
    p = guess(X, method, covariance_type)
    assert p.covariance_type == covariance_type
    assert p.weights.shape == (K,)
    assert p.means.shape == (K, 2)
    assert p.covariances.shape == covariance_shape(covariance_type, K, 2)
    assert abs(p.weights.sum() - 1.0) <= 1e-12
    assert np.all(p.weights > 0)
    for a in (p.weights, p.means, p.covariances, p.precisions_cholesky):
        assert np.all(np.isfinite(a))
    # every hill has a width in every direction, so it can be drawn
    assert np.all(np.linalg.eigvalsh(p.full_covariances()) > 0)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("method", INIT_METHODS)
def test_same_seed_gives_the_same_guess(X, method, covariance_type):
    a = guess(X, method, covariance_type, seed=7)
    b = guess(X, method, covariance_type, seed=7)
    np.testing.assert_array_equal(a.weights, b.weights)
    np.testing.assert_array_equal(a.means, b.means)
    np.testing.assert_array_equal(a.covariances, b.covariances)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize(
    "method", ["kmeans", "k-means++", "random", "random_from_data"]
)
def test_another_seed_gives_another_guess(method, covariance_type):
    X = np.random.default_rng(1).normal(size=(300, 2))  # one blob: no clear answer
    a = guess(X, method, covariance_type, seed=0, k=4)
    b = guess(X, method, covariance_type, seed=1, k=4)
    assert not np.allclose(a.means, b.means)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_given_means_are_kept_exactly(X, covariance_type):
    means = np.array([[-3.1, -2.9], [0.123456789, 1e-7], [2.5, 2.0]])
    p = initialize(X, 3, method="given", covariance_type=covariance_type, means=means)
    np.testing.assert_array_equal(p.means, means)
    np.testing.assert_array_equal(p.weights, np.full(3, 1 / 3))


def test_random_from_data_starts_on_distinct_data_points(X):
    p = initialize(X, 5, method="random_from_data", seed=3)
    rows = {tuple(r) for r in X}
    assert all(tuple(m) in rows for m in p.means)
    assert len({tuple(m) for m in p.means}) == 5


@pytest.mark.parametrize("n_given", [2, 4])
def test_wrong_number_of_given_means_says_how_many_are_needed(X, n_given):
    with pytest.raises(FogmapError, match=rf"placed {n_given} starting means; K is 3"):
        initialize(X, 3, method="given", means=X[:n_given])


def test_given_without_means_asks_for_them(X):
    with pytest.raises(FogmapError, match="Place the starting means"):
        initialize(X, 3, method="given")


@pytest.mark.parametrize("shape", [(2, 3), (3, 3), (3, 1)])
def test_given_means_with_the_wrong_number_of_features_is_a_readable_error(X, shape):
    expected = f"needs 2 coordinates, one per feature; got means of shape {shape}"
    with pytest.raises(FogmapError, match=re.escape(expected)):
        initialize(X, 3, method="given", means=np.zeros(shape))


def test_unknown_method_lists_the_known_ones(X):
    with pytest.raises(FogmapError, match="kmeans, k-means\\+\\+, random"):
        initialize(X, 3, method="magic")


def test_zero_components_is_a_readable_error(X):
    with pytest.raises(FogmapError, match="at least one component"):
        initialize(X, 0)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_kmeans_guess_weights_sum_to_one_even_with_empty_clusters(covariance_type):
    # 3 distinct points and K=5: K-Means leaves clusters empty (scikit-learn's
    # issue 24085 is about such weights not summing to 1).
    X = np.repeat(np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]), 7, axis=0)
    p = initialize(X, 5, method="kmeans", covariance_type=covariance_type)
    assert abs(p.weights.sum() - 1.0) <= 1e-12
    assert np.all(np.isfinite(p.covariances))


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("seed", [0, 3, 42])
def test_random_is_scikit_learns_random_start_for_the_same_seed(
    X, covariance_type, seed
):
    """init="random" is scikit-learn's init_params="random": random shares drawn as
    its random_state draws them, then an M-step. The same seed, the same numbers."""
    from sklearn.mixture import GaussianMixture

    ours = initialize(X, 4, method="random", covariance_type=covariance_type, seed=seed)
    theirs = GaussianMixture(
        4,
        covariance_type=covariance_type,
        init_params="random",
        random_state=seed,
        max_iter=0,  # the start itself
    ).fit(X)
    for a, b in (
        (ours.weights, theirs.weights_),
        (ours.means, theirs.means_),
        (ours.covariances, theirs.covariances_),
    ):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_random_start_on_the_moons_stops_where_scikit_learn_stops():
    """Two moons, K=6, init "random" (issue 17, item 5): every hill starts as nearly
    the whole data's average, the first step gains less than tol = 1e-3, and EM
    stops after one iteration. scikit-learn, from the same seed, does the same."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.mixture import GaussianMixture

    from gmm_core import em_steps, load_preset

    X = load_preset("moons").X
    for seed in range(6):
        steps = list(
            em_steps(X, initialize(X, 6, method="random", seed=seed), tol=1e-3)
        )
        assert len(steps) == 2 and steps[-1].stop_reason == "converged"
        lls = [s.mean_log_likelihood for s in steps]
        assert 0 < lls[1] - lls[0] < 1e-3
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            gm = GaussianMixture(
                6, init_params="random", random_state=seed, tol=1e-3
            ).fit(X)
        # scikit-learn reports each log-likelihood a step later (n_iter_ counts
        # them all) and takes one more M-step after the test.
        assert gm.converged_ and gm.n_iter_ == len(steps)
        np.testing.assert_allclose(gm.lower_bounds_, lls, rtol=1e-9)
