"""Choosing K's numbers and words (gmm_app.choosing_k.model and .verdict).

No Streamlit: the arrays the charts draw, the parameter breakdown against
scikit-learn, the table and the verdict's numbers against gmm_core's penalties.
"""

from __future__ import annotations

import itertools
import math
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.mixture import GaussianMixture

from gmm_app.choosing_k.model import (
    SweepSettings,
    parameter_breakdown,
    summarise,
    table_rows,
)
from gmm_app.choosing_k.verdict import collapsed_words, razor_words, verdict
from gmm_core import COVARIANCE_TYPES, GMMParams, aic_penalty, bic_penalty
from gmm_core.selection import Criteria, SweepFit, best_per_setting, sweep

ROOT = Path(__file__).resolve().parents[2]


def _groups(n: int, seed: int) -> np.ndarray:
    """Three round groups in two features (seeded)."""
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [6.0, 0.0], [0.0, 6.0]])
    return centres[rng.integers(0, 3, size=n)] + rng.standard_normal((n, 2))


def _sklearn_count(covariance_type: str, k: int, d: int) -> int:
    gm = GaussianMixture(k, covariance_type=covariance_type)
    gm.means_ = np.zeros((k, d))
    return int(gm._n_parameters())


@pytest.mark.parametrize(
    ("covariance_type", "k", "d"),
    list(itertools.product(COVARIANCE_TYPES, (1, 2, 5), (1, 2, 4))),
)
def test_parameter_breakdown_adds_up_to_scikit_learns_count(
    covariance_type: str, k: int, d: int
) -> None:
    count, formula = parameter_breakdown(covariance_type, k, d)
    assert count.total == _sklearn_count(covariance_type, k, d)
    assert (count.weights, count.means) == (k - 1, k * d)
    assert formula


def test_parameter_breakdown_says_how_it_counts() -> None:
    assert parameter_breakdown("full", 3, 2)[1] == (
        "K × D(D+1)/2 = 3 × 3: any shape per hill"
    )
    assert parameter_breakdown("tied", 3, 2)[1].startswith("D(D+1)/2 = 3:")
    assert parameter_breakdown("diag", 3, 2)[1].startswith("K × D = 3 × 2:")
    assert parameter_breakdown("spherical", 3, 2)[1].startswith("K = 3:")


@pytest.fixture(scope="module")
def fits() -> list[SweepFit]:
    X = _groups(150, seed=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sweep(X, range(1, 5), ["full", "spherical"], n_init=2, seed=0)


def test_summarise_draws_the_best_restart_over_the_spread_of_all(fits) -> None:
    best = best_per_setting(fits)
    sweeps = summarise(fits)
    assert [s.covariance_type for s in sweeps] == ["full", "spherical"]
    for s in sweeps:
        assert list(s.ks) == [1, 2, 3, 4]
        assert s.n_samples == 150
        for i, k in enumerate(s.ks):
            chosen = best[(s.covariance_type, int(k))].criteria
            assert s.best[i] is chosen
            for name in ("BIC", "AIC", "ICL"):
                band = s.criteria[name]
                assert band.best[i] == getattr(chosen, name.lower())
                assert band.low[i] <= band.best[i] <= band.high[i]
        assert s.restarts_kept.tolist() == [2, 2, 2, 2]
        assert s.heldout is None and s.collapsed_ks == ()


def test_a_sweeps_fit_and_penalties_are_the_cores(fits) -> None:
    for s in summarise(fits):
        n = s.n_samples
        p = s.n_parameters
        assert s.bic_per_parameter == bic_penalty(1, n) == math.log(n)
        np.testing.assert_array_equal(
            s.bic_penalty, [bic_penalty(int(q), n) for q in p]
        )
        np.testing.assert_array_equal(s.aic_penalty, [aic_penalty(int(q)) for q in p])
        np.testing.assert_array_equal(s.fit_term, -2.0 * s.log_likelihood)
        np.testing.assert_allclose(
            s.fit_term + s.bic_penalty, s.criteria["BIC"].best, rtol=1e-12
        )
        np.testing.assert_allclose(
            s.fit_term + s.aic_penalty, s.criteria["AIC"].best, rtol=1e-12
        )
        np.testing.assert_allclose(s.mean_log_likelihood, s.log_likelihood / n)
        assert s.best_k("BIC") == int(s.ks[np.argmin(s.criteria["BIC"].best)])
        assert s.index(s.best_k("BIC")) == int(np.argmin(s.criteria["BIC"].best))


def test_summarise_scores_the_held_out_points() -> None:
    X = _groups(120, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        held = sweep(X, range(1, 4), ["diag"], n_init=2, heldout_fraction=0.25)
    (s,) = summarise(held)
    assert s.heldout is not None
    assert s.n_samples == 90
    assert np.all(s.heldout.low <= s.heldout.best)
    assert np.all(s.heldout.best <= s.heldout.high)
    assert s.best_heldout_k() == int(s.ks[np.argmax(s.heldout.best)])


###############################################################################
# Made-up restarts, to reach the collapsed cases


def _restart(
    ctype: str, k: int, seed: int, log_l: float, stop: str = "converged"
) -> SweepFit:
    n, d = 100, 2
    p, _ = parameter_breakdown(ctype, k, d)
    bic = -2 * log_l + bic_penalty(p.total, n)
    aic = -2 * log_l + aic_penalty(p.total)
    crit = Criteria(log_l, p.total, n, bic, aic, bic + 1.0)
    params = GMMParams(np.ones(1), np.zeros((1, d)), np.eye(d)[None], "full")
    return SweepFit(k, ctype, seed, crit, None, params, stop)


def test_a_k_where_every_restart_collapsed_is_left_off() -> None:
    fits = [
        _restart("full", 1, 0, -300.0),
        _restart("full", 2, 0, -250.0),
        _restart("full", 2, 1, -240.0, "collapsed"),
        _restart("full", 3, 0, -100.0, "collapsed"),
        _restart("full", 3, 1, -90.0, "collapsed"),
        _restart("tied", 1, 0, 0.0, "collapsed"),
    ]
    (s,) = summarise(fits)
    assert s.covariance_type == "full"
    assert list(s.ks) == [1, 2] and s.collapsed_ks == (3,)
    assert s.restarts_kept.tolist() == [1, 1]
    assert s.log_likelihood.tolist() == [-300.0, -250.0]  # not the collapsed -240
    assert collapsed_words([s]) == (
        "Left off: K = 3 (full). Every restart there collapsed (a hill shrank "
        "onto too few points), so its likelihood means nothing."
    )


def test_the_table_has_a_row_per_k_and_the_picks_marked(fits) -> None:
    sweeps = summarise(fits)
    plain = table_rows(
        sweeps, SweepSettings(4, ("full", "spherical"), 2, 0, False, False)
    )
    with_icl = table_rows(
        sweeps, SweepSettings(4, ("full", "spherical"), 2, 0, True, False)
    )
    assert "ICL" not in plain.columns and "ICL" in with_icl.columns
    assert len(plain) == 8
    for s in sweeps:
        rows = plain[plain["covariance type"] == s.covariance_type]
        np.testing.assert_array_equal(rows["BIC penalty"], s.bic_penalty)
        np.testing.assert_array_equal(rows["fit: −2 ln L"], s.fit_term)
        np.testing.assert_array_equal(rows["BIC"], s.criteria["BIC"].best)
        marked = rows.loc[rows["lowest"].str.contains("BIC"), "K"].tolist()
        assert marked == [s.best_k("BIC")]


def test_the_verdict_names_each_criterions_k(fits) -> None:
    sweeps = summarise(fits)
    one = verdict(sweeps[:1], true_k=3, show_icl=True, k_max=4)
    s = sweeps[0]
    if s.best_k("BIC") == s.best_k("AIC"):
        assert f"both prefer {s.best_k('BIC')} " in one
    else:
        assert f"BIC prefers {s.best_k('BIC')} " in one
    assert "ICL" in one and "**3 groups**" in one
    both = verdict(sweeps, true_k=None, show_icl=False, k_max=4)
    assert both.startswith("**Across 2 covariance types")
    assert "- full: any hill: BIC " in both
    assert "- spherical: perfect domes: BIC " in both


def test_the_razor_prices_the_next_hill_with_the_cores_penalties() -> None:
    fits = [_restart("full", k, 0, ll) for k, ll in ((1, -400.0), (2, -300.0))]
    fits += [_restart("full", 3, 0, -298.0)]
    (s,) = summarise(fits)
    assert s.best_k("BIC") == 2
    words = razor_words(s)
    extra = int(s.n_parameters[2] - s.n_parameters[1])
    assert f"{bic_penalty(1, 100):.1f} each under BIC" in words
    assert "the fit improves by 4.0" in words
    assert f"cost {bic_penalty(extra, 100):,.1f} under BIC" in words
    assert f"and {aic_penalty(extra):,.1f} under AIC (not worth it either)" in words
