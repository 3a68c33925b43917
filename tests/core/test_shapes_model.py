"""Covariance shapes' numbers (gmm_app.shapes.model), without Streamlit.

The parameter formula against scikit-learn, the demo data that makes a covariance
singular and where the tied clones sit.
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest
from sklearn.mixture import GaussianMixture

from gmm_app.shapes.model import (
    TYPES,
    TypeFit,
    clone_centres,
    demo_data,
    parameter_words,
)
from gmm_core import COVARIANCE_TYPES, Dataset, fit, load_preset, responsibilities
from gmm_core.selection import criteria
from gmm_core.shapes import covariance_from_spreads


def test_every_covariance_type_is_shown_simplest_first() -> None:
    assert TYPES == ("spherical", "diag", "full", "tied")
    assert set(TYPES) == set(COVARIANCE_TYPES)


@pytest.mark.parametrize(
    ("covariance_type", "k", "d"),
    list(itertools.product(COVARIANCE_TYPES, (1, 3), (1, 2, 5))),
)
def test_the_parameter_formula_adds_up_to_scikit_learns_count(
    covariance_type: str, k: int, d: int
) -> None:
    words = parameter_words(k, d, covariance_type)
    parts = re.search(r"= (\d+) \+ (\d+) \+ (\d+) = \*\*(\d+)\*\*", words)
    assert parts is not None, words
    cov, means, weights, total = (int(g) for g in parts.groups())
    assert cov + means + weights == total
    assert (means, weights) == (k * d, k - 1)
    gm = GaussianMixture(k, covariance_type=covariance_type)
    gm.means_ = np.zeros((k, d))
    assert total == gm._n_parameters()
    assert f"(K = {k}, D = {d})" in words


def test_the_constant_demo_adds_a_flat_feature_with_a_free_name() -> None:
    data = load_preset("blobs")
    demo = demo_data(data, "constant", seed=0)
    assert demo.X.shape == (data.n_samples, data.n_features + 1)
    assert np.all(demo.X[:, -1] == 1.0)
    np.testing.assert_array_equal(demo.X[:, :-1], data.X)
    assert demo.feature_names == (*data.feature_names, "constant")
    assert demo.n_components == 3
    clash = Dataset("clash", data.X[:, :2], ("constant", "constant_"))
    assert demo_data(clash, "constant", 0).feature_names[-1] == "constant__"


def test_the_few_points_demo_leaves_some_hill_a_single_point() -> None:
    data = load_preset("heights")
    demo = demo_data(data, "few", seed=3)
    assert demo.X.shape == (5, 1)
    assert demo.n_components == 3
    assert "5 points of your data, fitted with K = 3" in demo.story
    assert len(np.unique(demo.X)) == 5


def test_a_type_fit_knows_when_it_collapsed() -> None:
    X = load_preset("blobs").X
    params = fit(X, 2, n_init=1).params
    made = {
        stop: TypeFit(
            "full",
            params,
            responsibilities(X, params),
            criteria(X, params),
            0.01,
            1,
            5,
            stop,
            (),
            (),
        )
        for stop in ("converged", "collapsed")
    }
    assert not made["converged"].did_collapse and made["collapsed"].did_collapse
    c = made["converged"].criteria
    assert made["converged"].mean_log_likelihood == c.log_likelihood / len(X)


def test_clones_line_up_across_the_hill_middle_first() -> None:
    cov = covariance_from_spreads(2.0, 0.5, 30.0)
    centres = clone_centres(cov, 3, 8.0)
    assert centres.shape == (3, 2)
    assert np.allclose(centres[0], 0.0)
    np.testing.assert_allclose(centres[1], -centres[2])
    narrow = np.linalg.eigh(cov)[1][:, 0]
    for c in centres[1:]:
        assert abs(abs(c @ narrow) - np.linalg.norm(c)) < 1e-9  # along the narrow axis
    assert np.allclose(clone_centres(cov, 1, 8.0), 0.0)
