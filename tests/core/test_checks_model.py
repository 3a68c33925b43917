"""The "Check yourself" questions of the Fog explorer, Covariance shapes and
Choosing K, without a page (the ``model_checks`` modules).

No canned answers: each test changes the data, K or the seed and computes the
expected answer again from the fit, independently of the question (scikit-learn's
parameter count, the minimum of the BIC array, the shares of the marked points);
the numbers a student reads in the feedback equal the model's to the digits shown.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from sklearn.mixture import GaussianMixture

from gmm_app.choosing_k.model import summarise
from gmm_app.choosing_k.model_checks import (
    bic_k_check,
    choosing_k_checks,
    hill_cost_check,
    likelihood_check,
)
from gmm_app.explorer.model import fit_analysis, temper
from gmm_app.explorer.model_checks import (
    agree_check,
    clear_day_check,
    explorer_checks,
    valley_check,
)
from gmm_app.questions import check_feedback
from gmm_app.shapes.model import REG_COVAR, TYPES, TypeFit, demo_data
from gmm_app.shapes.model_checks import (
    bic_check,
    collapse_check,
    parameters_check,
    shapes_checks,
    spherical_check,
    tied_check,
)
from gmm_app.words import share_percent
from gmm_core import Dataset, fit, load_preset, responsibilities
from gmm_core.selection import criteria, sweep
from gmm_core.shapes import narrowest_variance


def _groups(centres: list[list[float]], sds: list[float], n: int, seed: int):
    """Round groups around ``centres`` with spreads ``sds`` (seeded)."""
    rng = np.random.default_rng(seed)
    which = rng.integers(0, len(centres), size=n)
    return (
        np.asarray(centres)[which]
        + rng.standard_normal((n, 2)) * np.asarray(sds)[which, None]
    )


###############################################################################
# Fog explorer


@pytest.fixture(scope="module")
def overlapping():
    X = load_preset("overlapping").X
    return X, fit_analysis(X, 3, "full", 0, 1)


def test_the_valley_question_follows_the_marked_points(overlapping) -> None:
    _, an = overlapping
    probs = temper(an.log_prob, 1.0)
    answers = set()
    for seed in range(12):
        check = valley_check(probs, 0.6, 1.0, seed)
        assert check is not None
        rows = dict((label, row) for row, label in check.marks)
        in_valley = {label for label, row in rows.items() if probs[row].max() < 0.6}
        assert len(in_valley) == 1  # one in a valley, one plainly on its hill
        expected = in_valley.pop()
        assert check.options[check.answer] == expected
        answers.add(expected)
        low = rows[expected]
        assert share_percent(float(probs[low].max())) in check.why[0]
        assert f"point #{low}" in check.why[0]
    assert answers == {"P", "Q"}  # which one is P is drawn, not fixed


def test_the_valley_question_waits_for_fog(overlapping) -> None:
    _, an = overlapping
    clear = temper(an.log_prob, 0.0)
    assert valley_check(clear, 0.6, 0.0, 0) is None  # no point is in a valley
    thick = temper(an.log_prob, 3.0)
    check = valley_check(thick, 0.6, 3.0, 0)
    assert check is not None and "T = 3" in check.why[1]


def test_k_means_and_the_gmm_agree_or_not_as_their_labels_say(overlapping) -> None:
    X, an = overlapping
    seen = set()
    for seed in range(12):
        check = agree_check(X, an.log_prob, an.kmeans_labels, an.kmeans_centres, seed)
        assert check is not None
        ((row, label),) = check.marks
        assert label == "R"
        agree = an.kmeans_labels[row] == an.labels[row]
        assert check.options[check.answer] == (
            "Yes, the same" if agree else "No, they differ"
        )
        dist = np.linalg.norm(an.kmeans_centres[an.kmeans_labels[row]] - X[row])
        assert f"{dist:.3g} away" in check.why[0]
        seen.add(bool(agree))
    assert seen == {True, False}


def test_clearing_the_fog_moves_no_point(overlapping) -> None:
    _, an = overlapping
    for fog in (0.5, 1.0, 3.0):
        check = clear_day_check(an.log_prob, fog, 0.6)
        assert check.options[check.answer] == "None"
        assert f"0 of {len(an.labels):,} change hill" in check.why[0]
        in_valley = int((temper(an.log_prob, fog).max(axis=1) < 0.6).sum())
        assert f"{in_valley} points in foggy valleys" in check.options[1]


def test_feedback_gives_the_answer_and_a_retry_is_judged_afresh(overlapping) -> None:
    _, an = overlapping
    check = clear_day_check(an.log_prob, 1.0, 0.6)
    wrong = check_feedback(check, 2)
    assert not wrong.right
    assert wrong.headline.startswith("Not quite: the answer is *None*")
    assert wrong.lines[0] == check.wrong[2]
    again = check_feedback(check, 0)
    assert again.right and again.headline == "Right: *None*."
    assert again.lines == check.why


def test_one_hill_asks_only_about_the_fog() -> None:
    X = load_preset("blobs").X
    an = fit_analysis(X, 1, "full", 0, 1)
    probs = temper(an.log_prob, 1.0)
    keys = [
        c.key
        for c in explorer_checks(
            X,
            an.log_prob,
            probs,
            an.kmeans_labels,
            an.kmeans_centres,
            fog=1.0,
            threshold=0.6,
            seed=0,
        )
    ]
    assert keys == ["check_fx_clear"]


###############################################################################
# Covariance shapes


def _sklearn_count(covariance_type: str, k: int, d: int) -> int:
    gm = GaussianMixture(k, covariance_type=covariance_type)
    gm.means_ = np.zeros((k, d))
    return int(gm._n_parameters())


@pytest.mark.parametrize(("k", "d"), [(1, 1), (2, 2), (3, 2), (4, 5)])
def test_diag_counts_as_scikit_learn_does(k: int, d: int) -> None:
    check = parameters_check(k, d)
    expected = _sklearn_count("diag", k, d)
    assert check.options[check.answer] == str(expected)
    assert f"= **{expected}**" in check.why[0]
    others = {str(_sklearn_count(t, k, d)) for t in TYPES}
    assert set(check.options) == others  # the wrong answers: the other types'


def _type_fit(X: np.ndarray, k: int, ctype: str, seed: int = 0) -> TypeFit:
    result = fit(X, k, covariance_type=ctype, init="kmeans", n_init=3, seed=seed)
    best = result.best
    return TypeFit(
        ctype,
        result.params,
        responsibilities(X, result.params),
        criteria(X, result.params),
        0.01,
        3,
        best.iteration,
        best.stop_reason or "max_iter",
        best.collapsed,
        best.emptied,
    )


def _four(X: np.ndarray, k: int) -> dict[str, TypeFit | str]:
    return {t: _type_fit(X, k, t) for t in TYPES}


def test_the_bic_winner_is_the_lowest_bic_and_follows_the_data() -> None:
    round_blobs = _groups([[0, 0], [8, 0], [0, 8]], [1, 1, 1], 300, 0)
    rng = np.random.default_rng(1)
    tilted = rng.multivariate_normal([0, 0], [[4, 3.8], [3.8, 4]], 300)
    winners = set()
    for X in (round_blobs, tilted, load_preset("old_faithful").X):
        fits = _four(X, 2)
        check = bic_check(fits)
        assert check is not None
        bic = {t: f.criteria.bic for t, f in fits.items()}
        winner = min(bic, key=bic.__getitem__)
        assert check.options[check.answer] == winner
        for t in TYPES:
            assert f"{t} {bic[t]:,.1f}" in check.why[0]
        n = len(X)
        assert f"ln N = {math.log(n):.2f}" in check.why[1]
        winners.add(winner)
    assert len(winners) >= 2


def test_tied_hills_share_a_shape_but_not_a_top() -> None:
    X = load_preset("blobs").X
    tied = _type_fit(X, 3, "tied")
    check = tied_check(tied)
    assert check is not None
    assert check.options[check.answer].startswith("No")
    for m, w in zip(tied.params.means, tied.params.weights, strict=True):
        assert (
            f"({m[0]:.3g}, {m[1]:.3g}), weight {share_percent(float(w))}"
            in (check.why[0])
        )
    assert tied_check(_type_fit(X, 1, "tied")) is None


def test_spherical_widths_follow_the_data() -> None:
    equal = _groups([[0, 0], [12, 0]], [1.0, 1.0], 600, 2)
    unequal = _groups([[0, 0], [14, 0]], [0.5, 2.5], 600, 2)
    answers = []
    for X in (equal, unequal):
        sph = _type_fit(X, 2, "spherical")
        sds = np.sqrt(sph.params.covariances)
        check = spherical_check(sph)
        assert check is not None
        expected = "Yes" if sds.max() / sds.min() < 1.1 else "No"
        assert check.options[check.answer].startswith(expected)
        for sd in sds:
            assert f"{sd:.3g}" in check.why[0]
        answers.append(expected)
    assert answers == ["Yes", "No"]


def test_collapsed_or_failed_fits_are_not_asked_about() -> None:
    X = load_preset("blobs").X
    fits: dict[str, TypeFit | str] = {t: "could not fit" for t in TYPES}
    fits["full"] = _type_fit(X, 2, "full")
    assert bic_check(fits) is None
    assert [c.key for c in shapes_checks(fits, 2, 2)] == ["check_cs_params"]


###############################################################################
# Choosing K


def _sweep(X: np.ndarray, types=("full",), k_max: int = 6, seed: int = 0):
    return summarise(sweep(X, range(1, k_max + 1), list(types), n_init=2, seed=seed))


def test_bics_k_is_the_minimum_and_moves_with_the_data() -> None:
    picks = []
    for centres in ([[0, 0], [9, 0]], [[0, 0], [9, 0], [0, 9], [9, 9]]):
        X = _groups(centres, [1.0] * len(centres), 400, 0)
        (s,) = _sweep(X)
        check = bic_k_check(s)
        assert check is not None
        bic = s.criteria["BIC"].best
        expected = int(s.ks[int(np.argmin(bic))])
        assert check.options[check.answer] == f"K = {expected}"
        assert f"K = {expected}: {float(bic.min()):,.1f}" in check.why[0]
        picks.append(expected)
    assert picks == [2, 4]


def test_the_best_fit_is_the_highest_log_likelihood_not_bics_pick() -> None:
    X = _groups([[0, 0], [9, 0]], [1.0, 1.0], 400, 0)
    (s,) = _sweep(X)
    check = likelihood_check(s)
    assert check is not None
    top = int(np.argmax(s.log_likelihood))
    assert check.answer == top
    assert f"({float(s.log_likelihood[top]):,.1f})" in check.why[0]
    bic_k = s.best_k("BIC")
    assert f"picks K = {bic_k}" in check.why[1]
    assert "BIC's pick" in check.wrong[s.index(bic_k)]
    (short,) = _sweep(X, k_max=3)
    assert likelihood_check(short).options == ("K = 1", "K = 2", "K = 3")


@pytest.mark.parametrize(("ctype", "n"), [("full", 300), ("diag", 1000)])
def test_one_more_hill_costs_its_parameters_times_ln_n(ctype: str, n: int) -> None:
    X = _groups([[0, 0], [9, 0]], [1.0, 1.0], n, 0)
    (s,) = _sweep(X, types=(ctype,), k_max=3)
    check = hill_cost_check(s)
    assert check is not None
    added = _sklearn_count(ctype, 2, 2) - _sklearn_count(ctype, 1, 2)
    assert check.options[check.answer] == f"{added * math.log(n):,.1f}"
    assert f"ln {n:,} = {math.log(n):.2f}" in check.why[0]
    feedback = check_feedback(check, check.options.index(f"{2 * added:,.1f}"))
    assert "AIC's charge" in feedback.lines[0]
    numbers = [float(o.replace(",", "")) for o in check.options]
    assert numbers == sorted(numbers)


def test_a_single_k_asks_nothing() -> None:
    X = _groups([[0, 0], [9, 0]], [1.0, 1.0], 200, 0)
    sweeps = summarise(sweep(X, [2], ["full"], n_init=1))
    assert choosing_k_checks(sweeps) == []
    assert all(re.match(r"check_ck_", c.key) for c in choosing_k_checks(_sweep(X)))


def test_a_collapsed_type_propped_up_by_reg_covar_is_not_the_better_fit() -> None:
    data = Dataset("blobs", load_preset("blobs").X, ("x", "y"))
    demo = demo_data(data, "constant", 0)
    results: dict[tuple[str, float], TypeFit | str] = {}
    for t in TYPES:
        for reg in (0.0, REG_COVAR):
            result = fit(
                demo.X,
                demo.n_components,
                covariance_type=t,
                n_init=1,
                reg_covar=reg,
                init="kmeans",
                seed=0,
            )
            best = result.best
            results[t, reg] = TypeFit(
                t,
                result.params,
                responsibilities(demo.X, result.params),
                criteria(demo.X, result.params),
                0.01,
                1,
                best.iteration,
                best.stop_reason or "max_iter",
                best.collapsed,
                best.emptied,
            )
    check = collapse_check(results)
    assert check is not None
    propped = [
        t
        for t in TYPES
        if results[t, 0.0].did_collapse and not results[t, REG_COVAR].did_collapse
    ]
    top = max(propped, key=lambda t: results[t, REG_COVAR].mean_log_likelihood)
    assert f"**{top}** with reg_covar" in check.prompt
    high = results[top, REG_COVAR]
    assert f"**{high.mean_log_likelihood:.2f}**" in check.prompt
    assert f"{narrowest_variance(high.params):.2g}" in check.why[1]
    assert check.options[check.answer].startswith("No")
    # Without the trap (nothing collapsed) there is nothing to ask.
    sound = {key: f for key, f in results.items() if not f.did_collapse}
    assert collapse_check({k: v for k, v in sound.items() if k[1] == 0.0}) is None
