"""Predict first: every answer and every number of feedback comes from the trace.

The questions are asked by the stepper's pure module gmm_app.stepper.predict;
these tests change the data, K and the seed and check that the expected answers
change with them (no canned answers), and that the feedback's numbers are the
core's (and scikit-learn's) to the digits shown.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.distance import mahalanobis as scipy_mahalanobis
from sklearn.mixture import GaussianMixture

from gmm_app.stepper import predict
from gmm_app.stepper.model import n_positions
from gmm_app.words import share_percent
from gmm_core import em_steps, initialize, load_preset, mahalanobis, responsibilities


def run(
    preset: str,
    k: int,
    seed: int,
    covariance_type: str = "full",
    method: str = "k-means++",
) -> tuple:
    X = load_preset(preset, 300, seed).X
    params = initialize(X, k, method=method, covariance_type=covariance_type, seed=seed)
    return X, tuple(em_steps(X, params, max_iter=12))


@pytest.fixture(scope="module")
def overlap() -> tuple:
    return run("overlapping", 3, 0)


def test_mahalanobis_matches_scipy(overlap) -> None:
    X, trace = overlap
    params = trace[2].params
    ours = mahalanobis(X[:5], params)
    covs = params.full_covariances()
    for i in range(5):
        for k in range(3):
            expected = scipy_mahalanobis(X[i], params.means[k], np.linalg.inv(covs[k]))
            assert ours[i, k] == pytest.approx(expected, rel=1e-9)


def test_each_half_step_asks_its_kind_of_question(overlap) -> None:
    _, trace = overlap
    kinds = [predict.question_kind(trace, p) for p in range(n_positions(trace) + 1)]
    assert kinds[0] is None  # the guess is shown, not asked
    assert kinds[-1] is None  # past the trace
    assert kinds[1] == kinds[3] == "point"
    assert kinds[2] == "move"
    assert kinds[2 * predict.CLIMB_AT_ITERATION] == "climb"
    one_hill = run("blobs", 1, 0)[1]
    assert predict.question_kind(one_hill, 1) is None


def test_the_point_asked_about_sits_in_a_valley_and_changes(overlap) -> None:
    X, trace = overlap
    asked = []
    for position in (1, 3, 5, 7):
        q = predict.point_question(X, trace, position, avoid=asked)
        t = (position + 1) // 2
        resp = responsibilities(X, trace[t - 1].params)[q.point]
        assert np.array_equal(q.resp, resp)
        assert q.answer == int(np.argmax(resp))
        assert 0.55 <= resp.max() <= 0.9  # not obvious
        assert q.point not in asked
        asked.append(q.point)
    assert len(set(asked)) == 4


def test_the_answer_follows_the_data_the_seed_and_k() -> None:
    """No canned answer: other data, seed or K, another point and answer."""
    questions = []
    for preset, k, seed in [
        ("overlapping", 3, 0),
        ("overlapping", 3, 1),
        ("overlapping", 4, 0),
        ("blobs", 3, 2),
    ]:
        X, trace = run(preset, k, seed)
        q = predict.point_question(X, trace, 3)
        t = 2
        expected = responsibilities(X, trace[t - 1].params)[q.point]
        assert q.answer == int(np.argmax(expected))
        questions.append((q.point, q.answer, tuple(np.round(q.resp, 6))))
    assert len(set(questions)) == 4


def test_point_feedback_shows_the_cores_shares_and_agrees_with_sklearn(
    overlap,
) -> None:
    X, trace = overlap
    q = predict.point_question(X, trace, 5)
    before = trace[2].params
    gm = GaussianMixture(3, covariance_type="full")
    gm.weights_, gm.means_, gm.covariances_ = (
        before.weights,
        before.means,
        before.full_covariances(),
    )
    gm.precisions_cholesky_ = before.precisions_cholesky
    sk = gm.predict_proba(X[q.point : q.point + 1])[0]
    np.testing.assert_allclose(q.resp, sk, atol=1e-12)
    right = predict.point_feedback(q, q.answer, 0.9)
    wrong_hill = (q.answer + 1) % 3
    wrong = predict.point_feedback(q, wrong_hill, None)
    assert right.right and not wrong.right
    assert right.headline.startswith("Right")
    assert wrong.headline.startswith("Not this time")
    shares = right.lines[0]
    for k in range(3):
        assert f"hill {'ABC'[k]} {share_percent(q.resp[k])}" in shares
    why = right.lines[1]
    assert f"{q.sigmas[q.answer]:.2f} standard deviations" in why
    assert f"{q.weights[q.answer]:.0%}" in why
    assert f"You were 90% sure of hill {'ABC'[q.answer]}" in right.lines[2]
    gap = 0.9 - q.resp[q.answer]
    expected = (
        "well judged"
        if abs(gap) <= 0.1
        else "less sure than you were"
        if gap > 0
        else "surer than you were"
    )
    assert expected in right.lines[2]
    assert len(wrong.lines) == 2  # no "how sure" said, no calibration line


def test_why_names_weight_or_width_when_the_nearer_hill_loses() -> None:
    """Somewhere in these runs a point goes to a hill that is not the nearest."""
    found = False
    for seed in range(6):
        X, trace = run("varied", 3, seed, "full")
        for position in (1, 3, 5):
            q = predict.point_question(X, trace, position)
            if int(np.argmin(q.sigmas)) != q.answer:
                why = predict.point_feedback(q, q.answer, None).lines[1]
                assert "distance alone does not decide" in why
                assert "heavier" in why or "narrower" in why
                found = True
    assert found


def test_move_question_marks_the_true_top_and_two_decoys(overlap) -> None:
    X, trace = run("varied", 3, 0)
    q = predict.move_question(X, trace, 2)
    assert q is not None
    moves = np.linalg.norm(trace[1].params.means - trace[0].params.means, axis=1)
    assert q.hill == int(np.argmax(moves))
    np.testing.assert_array_equal(q.spots[q.answer], trace[1].params.means[q.hill])
    assert {"true", "stay"} < set(q.decoys) <= {"true", "stay", "hard", "past"}
    gaps = [
        np.linalg.norm(q.spots[i] - q.spots[j])
        for i in range(3)
        for j in range(i + 1, 3)
    ]
    assert min(gaps) > 0.1 * q.spread  # three spots a student can tell apart
    # The pullers really pull hardest: responsibility times distance.
    resp = responsibilities(X, trace[0].params)[:, q.hill]
    pull = resp * np.linalg.norm(X - trace[0].params.means[q.hill], axis=1)
    assert pull[q.pullers[0]] == pytest.approx(pull.max())
    right = predict.move_feedback(q, q.answer)
    assert right.right and right.headline.startswith("Right")
    moved = np.linalg.norm(q.new_mean - q.old_mean)
    assert f"moved {moved:.3g}" in right.lines[0]
    stay = q.decoys.index("stay")
    wrong = predict.move_feedback(q, stay)
    assert not wrong.right
    assert f"spot {q.answer + 1}" in wrong.headline
    assert "M-step is what moves the hills" in wrong.lines[-1]


def test_no_move_question_when_the_tops_barely_move() -> None:
    """From K-Means' answer the tops move a few hundredths: nothing to tell apart."""
    X, trace = run("overlapping", 3, 0, method="kmeans")
    last = n_positions(trace) - 1
    assert predict.move_question(X, trace, 2) is None
    assert predict.move_question(X, trace, last) is None


def test_climb_feedback_uses_the_runs_log_likelihoods(overlap) -> None:
    _, trace = overlap
    position = 2 * predict.CLIMB_AT_ITERATION
    q = predict.climb_question(trace, position)
    assert q.before == trace[1].mean_log_likelihood
    assert q.after == trace[2].mean_log_likelihood
    right = predict.climb_feedback(q, says_can_fall=False)
    wrong = predict.climb_feedback(q, says_can_fall=True)
    assert right.right and not wrong.right
    assert f"{q.before:.4f} to {q.after:.4f}" in right.lines[0]
    assert "up by" in right.lines[0]


def test_tally_and_summary() -> None:
    tally = {"point": (2, 3), "move": (1, 1), "climb": (0, 1)}
    assert predict.tally_text(tally) == "3 of 5 predictions right"
    lines = predict.summary_lines(tally)
    assert len(lines) == 2
    assert lines[0].startswith("1 of 3 missed on which hill claims a point")
    assert "log-likelihood chart" in lines[1]
    assert predict.summary_lines({"point": (0, 0)}) == []
    assert "Every prediction right" in predict.summary_lines({"point": (2, 2)})[0]
