"""The closest shape each covariance type can take (gmm_core.shapes)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.mixture import GaussianMixture

from gmm_core import COVARIANCE_TYPES, fit, load_preset, n_parameters
from gmm_core.shapes import (
    closest_covariance,
    covariance_from_spreads,
    kl_divergence,
    parameter_count,
    sample_hill,
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


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_parameter_count_matches_the_fitted_mixture(covariance_type: str) -> None:
    X = load_preset("iris").X
    params = fit(X, 3, covariance_type=covariance_type, seed=0).params
    assert parameter_count(3, 2, covariance_type).total == n_parameters(params)
