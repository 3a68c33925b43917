"""Every number Fogmap shows can be checked against scikit-learn's GaussianMixture.

Started from the same parameters, Fogmap's EM and scikit-learn's EM are the same
computation: these tests compare them iteration by iteration.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

from gmm_core import (
    COVARIANCE_TYPES,
    GMMParams,
    aic,
    bic,
    em_steps,
    initialize,
    n_parameters,
    responsibilities,
    score_samples,
)

N_ITER = 15
CLOSE = {"rtol": 1e-9, "atol": 1e-9}


def sklearn_from(
    X: np.ndarray,
    init: GMMParams,
    *,
    tol: float,
    max_iter: int,
    reg_covar: float = 1e-6,
) -> GaussianMixture:
    """scikit-learn's GaussianMixture fitted from exactly Fogmap's starting guess."""
    gm = GaussianMixture(
        n_components=init.n_components,
        covariance_type=init.covariance_type,
        weights_init=init.weights,
        means_init=init.means,
        precisions_init=init.precisions,
        tol=tol,
        max_iter=max_iter,
        init_params="random_from_data",
        reg_covar=reg_covar,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return gm.fit(X)


@pytest.mark.parametrize("k", range(1, 7))
@pytest.mark.parametrize("d", range(1, 6))
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_every_em_iteration_matches_scikit_learn(covariance_type, d, k, make_groups):
    seed = 100 * d + 10 * k + COVARIANCE_TYPES.index(covariance_type)
    X = make_groups(200 + 20 * k, d, seed)
    method = "k-means++" if (d + k) % 2 else "kmeans"
    init = initialize(X, k, method=method, covariance_type=covariance_type, seed=seed)

    steps = list(em_steps(X, init, tol=0, max_iter=N_ITER))
    gm = sklearn_from(X, init, tol=0, max_iter=N_ITER)

    assert [s.iteration for s in steps] == list(range(N_ITER + 1))
    assert steps[0].params is init
    assert gm.n_iter_ == N_ITER
    # lower_bounds_[i] is the log-likelihood of the parameters after i M-steps.
    np.testing.assert_allclose(
        gm.lower_bounds_, [s.mean_log_likelihood for s in steps[:-1]], **CLOSE
    )

    final = steps[-1].params
    np.testing.assert_allclose(final.weights, gm.weights_, **CLOSE)
    np.testing.assert_allclose(final.means, gm.means_, **CLOSE)
    np.testing.assert_allclose(final.covariances, gm.covariances_, **CLOSE)
    np.testing.assert_allclose(
        final.precisions_cholesky, gm.precisions_cholesky_, **CLOSE
    )
    np.testing.assert_allclose(final.precisions, gm.precisions_, **CLOSE)

    np.testing.assert_allclose(responsibilities(X, final), gm.predict_proba(X), **CLOSE)
    np.testing.assert_allclose(score_samples(X, final), gm.score_samples(X), **CLOSE)
    np.testing.assert_allclose(steps[-1].mean_log_likelihood, gm.score(X), **CLOSE)
    np.testing.assert_allclose(bic(X, final), gm.bic(X), **CLOSE)
    np.testing.assert_allclose(aic(X, final), gm.aic(X), **CLOSE)
    assert n_parameters(final) == gm._n_parameters()


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("tol", [1e-2, 1e-3, 1e-5])
def test_em_stops_at_the_first_step_that_improves_less_than_tol(
    covariance_type, tol, make_groups
):
    X = make_groups(300, 2, seed=3)
    init = initialize(
        X, 3, method="random_from_data", covariance_type=covariance_type, seed=4
    )
    steps = list(em_steps(X, init, tol=tol, max_iter=500))
    lls = np.array([s.mean_log_likelihood for s in steps])

    assert len(steps) < 501, "EM should converge well before max_iter here"
    assert np.all(np.diff(lls)[:-1] >= tol), "stopped after a step that improved"
    assert lls[-1] - lls[-2] < tol
    last = steps[-1]
    assert last.converged
    assert last.stop_reason == "converged"
    assert not any(s.converged for s in steps[:-1])
    assert all(s.stop_reason is None for s in steps[:-1])

    # scikit-learn stops after the same number of log-likelihoods, with the same
    # values (it reports each one a step later, so its n_iter_ counts them all).
    gm = sklearn_from(X, init, tol=tol, max_iter=500)
    assert gm.converged_
    assert gm.n_iter_ == len(steps)
    np.testing.assert_allclose(gm.lower_bounds_, lls, **CLOSE)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("max_iter", [0, 1, 7])
def test_tol_zero_runs_exactly_max_iter_iterations(
    covariance_type, max_iter, make_groups
):
    X = make_groups(150, 2, seed=5)
    init = initialize(X, 2, covariance_type=covariance_type, seed=0)
    steps = list(em_steps(X, init, tol=0, max_iter=max_iter))
    assert [s.iteration for s in steps] == list(range(max_iter + 1))
    assert steps[-1].stop_reason == "max_iter"
    assert not any(s.converged for s in steps)
    assert all(s.stop_reason is None for s in steps[:-1])


def test_em_steps_is_lazy_and_the_first_step_is_the_guess(make_groups):
    X = make_groups(100, 2, seed=6)
    init = initialize(X, 2, seed=0)
    first = next(em_steps(X, init))
    assert first.iteration == 0
    assert first.params is init
    np.testing.assert_allclose(
        first.mean_log_likelihood, score_samples(X, init).mean(), rtol=1e-12
    )


def test_log_likelihood_can_fall_with_a_large_reg_covar_exactly_as_in_scikit_learn():
    # 19 points at the origin, 2 just above it, 2 far to the right: the group at
    # the origin is narrower in y (variance ~4e-4) than reg_covar=1e-3, so the
    # regularised M-step is not an ascent step and the curve goes down. That is
    # scikit-learn's behaviour too, not a Fogmap bug.
    X = np.array([[0.0, 0.0]] * 19 + [[0.0, 0.07]] * 2 + [[7.1, 0.0]] * 2)
    init = initialize(X, 3, method="kmeans", covariance_type="diag", reg_covar=1e-3)
    steps = list(em_steps(X, init, reg_covar=1e-3, tol=0, max_iter=10))
    lls = np.array([s.mean_log_likelihood for s in steps])
    assert lls[-1] < lls[0] - 0.05
    assert np.all(np.diff(lls) <= 1e-12)

    gm = sklearn_from(X, init, tol=0, max_iter=10, reg_covar=1e-3)
    np.testing.assert_allclose(gm.lower_bounds_, lls[:-1], **CLOSE)
