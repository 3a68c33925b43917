"""The closest shape each covariance type can take (gmm_core.shapes)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from sklearn.mixture import GaussianMixture

from gmm_core import COVARIANCE_TYPES, FogmapError, fit, load_preset, n_parameters
from gmm_core.shapes import (
    closest_covariance,
    covariance_from_spreads,
    few_points,
    kl_divergence,
    narrowest_variance,
    parameter_count,
    sample_hill,
    spread_ratio,
    standardise,
    with_constant_feature,
)

TILTED = covariance_from_spreads(2.0, 0.5, 30.0)


def test_spreads_and_tilt_make_the_expected_covariance() -> None:
    values, vectors = np.linalg.eigh(TILTED)
    assert np.allclose(np.sqrt(values), [0.5, 2.0])
    angle = math.degrees(math.atan2(vectors[1, 1], vectors[0, 1])) % 180
    assert math.isclose(angle, 30.0, abs_tol=1e-9)


@pytest.mark.parametrize("covariance_type", ["spherical", "diag"])
def test_closest_shape_is_the_maximum_likelihood_fit_to_a_large_sample(
    covariance_type: str,
) -> None:
    X = sample_hill(TILTED, 200_000, seed=0)
    gm = GaussianMixture(1, covariance_type=covariance_type, reg_covar=0).fit(X)
    fitted = np.asarray(gm.covariances_)
    expected = closest_covariance(TILTED, covariance_type)
    if covariance_type == "spherical":
        assert np.allclose(expected, fitted[0] * np.eye(2), rtol=0.02)
    else:
        assert np.allclose(np.diag(expected), fitted[0], rtol=0.02)


def test_full_loses_nothing_and_the_others_lose_something() -> None:
    assert kl_divergence(TILTED, closest_covariance(TILTED, "full")) == 0.0
    spherical = kl_divergence(TILTED, closest_covariance(TILTED, "spherical"))
    diag = kl_divergence(TILTED, closest_covariance(TILTED, "diag"))
    assert spherical > diag > 0.0


def test_an_untilted_oval_loses_nothing_to_diag() -> None:
    oval = covariance_from_spreads(2.0, 0.5, 0.0)
    assert kl_divergence(oval, closest_covariance(oval, "diag")) < 1e-12
    assert kl_divergence(oval, closest_covariance(oval, "spherical")) > 0.1


# Free parameters of K = 3 hills in D = 2, written out: the covariances, then
# K * D = 6 means and K - 1 = 2 free weights.
IRIS_COUNTS = {
    "full": 3 * 3 + 6 + 2,  # K * D(D+1)/2
    "tied": 3 + 6 + 2,  # D(D+1)/2, shared
    "diag": 3 * 2 + 6 + 2,  # K * D
    "spherical": 3 + 6 + 2,  # K
}


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_parameter_count_matches_the_fitted_mixture(covariance_type: str) -> None:
    X = load_preset("iris").X
    params = fit(X, 3, covariance_type=covariance_type, seed=0).params
    sklearn_count = (
        GaussianMixture(3, covariance_type=covariance_type, random_state=0)
        .fit(X)
        ._n_parameters()
    )
    count = parameter_count(3, 2, covariance_type)
    assert count.total == n_parameters(params) == sklearn_count
    assert count.total == IRIS_COUNTS[covariance_type]


###############################################################################
# "Closest" made precise: the KL divergence and its minimisers


def random_covariance(d: int, rng: np.random.Generator) -> np.ndarray:
    a = rng.normal(size=(d, d))
    return a @ a.T + 0.1 * np.eye(d)


def kl_by_inverse(sigma: np.ndarray, s: np.ndarray) -> float:
    """The textbook formula, with an explicit inverse and determinants."""
    d = sigma.shape[0]
    return 0.5 * (
        np.trace(np.linalg.inv(s) @ sigma)
        - d
        + math.log(np.linalg.det(s) / np.linalg.det(sigma))
    )


@pytest.mark.parametrize("d", [1, 2, 3, 5])
def test_kl_equals_the_closed_form_and_is_never_negative(d: int) -> None:
    rng = np.random.default_rng(d)
    for _ in range(20):
        sigma, s = random_covariance(d, rng), random_covariance(d, rng)
        lost = kl_divergence(sigma, s)
        assert lost >= 0.0
        assert lost == pytest.approx(kl_by_inverse(sigma, s), rel=1e-8, abs=1e-10)
        for ctype in COVARIANCE_TYPES:
            assert kl_divergence(sigma, closest_covariance(sigma, ctype)) >= 0.0
        assert kl_divergence(sigma, sigma) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("covariance_type", ["spherical", "diag"])
def test_the_closest_shape_loses_least_in_its_family(covariance_type: str) -> None:
    rng = np.random.default_rng(7)
    sigma = random_covariance(3, rng)
    best = closest_covariance(sigma, covariance_type)
    lost = kl_divergence(sigma, best)
    for _ in range(200):
        if covariance_type == "spherical":
            other = best * math.exp(rng.normal(scale=0.3))
        else:
            other = np.diag(np.diag(best) * np.exp(rng.normal(scale=0.3, size=3)))
        assert kl_divergence(sigma, other) >= lost - 1e-12


def test_spherical_is_the_average_variance_and_diag_the_diagonal() -> None:
    sigma = np.array([[4.0, 1.5, 0.0], [1.5, 2.0, -0.3], [0.0, -0.3, 0.5]])
    assert np.allclose(closest_covariance(sigma, "spherical"), 6.5 / 3 * np.eye(3))
    assert np.allclose(closest_covariance(sigma, "diag"), np.diag([4.0, 2.0, 0.5]))
    for ctype in ("full", "tied"):
        assert np.array_equal(closest_covariance(sigma, ctype), sigma)


def test_tilt_makes_diag_lose_more_up_to_45_degrees() -> None:
    losses = [
        kl_divergence(
            cov := covariance_from_spreads(2.0, 0.5, tilt),
            closest_covariance(cov, "diag"),
        )
        for tilt in range(0, 50, 5)
    ]
    assert losses[0] < 1e-12
    assert all(b > a for a, b in itertools.pairwise(losses))
    # A quarter turn is upright again: diag loses nothing.
    upright = covariance_from_spreads(2.0, 0.5, 90)
    assert kl_divergence(upright, closest_covariance(upright, "diag")) < 1e-12


def test_a_circle_loses_nothing_to_spherical_whatever_its_tilt() -> None:
    for tilt in (0, 17, 45, 80):
        circle = covariance_from_spreads(1.3, 1.3, tilt)
        for ctype in COVARIANCE_TYPES:
            assert kl_divergence(circle, closest_covariance(circle, ctype)) < 1e-12


def test_in_one_dimension_every_type_is_the_same_shape() -> None:
    sigma = np.array([[2.5]])
    for ctype in COVARIANCE_TYPES:
        assert np.allclose(closest_covariance(sigma, ctype), sigma)


def test_kl_refuses_a_flat_covariance_in_words() -> None:
    with pytest.raises(FogmapError, match="no width"):
        kl_divergence(np.eye(2), np.diag([1.0, 0.0]))


###############################################################################
# Parameter counts against scikit-learn


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize(("k", "d"), [(1, 1), (3, 1), (2, 2), (4, 3), (10, 5)])
def test_parameter_count_equals_scikit_learns(
    covariance_type: str, k: int, d: int
) -> None:
    count = parameter_count(k, d, covariance_type)
    gm = GaussianMixture(k, covariance_type=covariance_type)
    gm.means_ = np.zeros((k, d))
    assert count.total == gm._n_parameters()
    assert (count.means, count.weights) == (k * d, k - 1)


###############################################################################
# Data that makes a covariance singular


def test_a_constant_feature_collapses_every_hill_without_reg_covar() -> None:
    X = with_constant_feature(load_preset("blobs").X, 2.0)
    assert X.shape == (300, 3) and np.all(X[:, 2] == 2.0)
    broken = fit(X, 3, covariance_type="full", reg_covar=0.0).best
    assert broken.stop_reason == "collapsed" and broken.collapsed == (0, 1, 2)
    fixed = fit(X, 3, covariance_type="full", reg_covar=1e-6).best
    assert fixed.stop_reason == "converged"
    assert narrowest_variance(fixed.params) == pytest.approx(1e-6, rel=1e-3)
    # One variance averaged over the features: spherical cannot be flattened.
    round_hills = fit(X, 3, covariance_type="spherical", reg_covar=0.0).best
    assert round_hills.stop_reason == "converged"


def test_few_points_give_some_hill_a_single_point() -> None:
    X = load_preset("blobs").X
    five = few_points(X, 5, seed=0)
    assert five.shape == (5, 2)
    assert len(np.unique(five, axis=0)) == 5
    assert all((row == X).all(axis=1).any() for row in five)
    broken = fit(five, 3, covariance_type="full", reg_covar=0.0).best
    assert broken.stop_reason == "collapsed"
    pooled = fit(five, 3, covariance_type="tied", reg_covar=0.0).best
    assert pooled.stop_reason != "collapsed"
    assert few_points(X[:3], 5).shape == (3, 2)


def test_standardise_gives_every_feature_mean_0_and_spread_1() -> None:
    X = load_preset("old_faithful").X
    assert spread_ratio(X) > 10
    Z = standardise(X)
    assert np.allclose(Z.mean(axis=0), 0) and np.allclose(Z.std(axis=0), 1)
    assert spread_ratio(Z) == pytest.approx(1.0)
    flat = standardise(with_constant_feature(X, 5.0))
    assert np.allclose(flat[:, 2], 0.0)
    assert spread_ratio(X[:, :1]) == 1.0
