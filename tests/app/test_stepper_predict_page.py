"""Predict first on the EM stepper, through AppTest: ask, check, reveal.

With ``em_predict`` on, Next keeps a new half-step back and asks about it
(``em_guess``, ``em_sure``, ``em_check``, ``em_skip``). The expected answers are
recomputed here from gmm_core on the page's data and start, so a change of data,
seed or K changes them.
"""

from __future__ import annotations

import re

import numpy as np
from apptest_helpers import POSITION, click, decoded, figure_by_key, open_stepper
from streamlit.testing.v1 import AppTest

from gmm_app.words import share_percent
from gmm_core import em_steps, initialize, load_preset, responsibilities


def page_trace(dataset: str = "blobs", k: int = 3, seed: int = 0) -> tuple:
    X = load_preset(dataset).X
    start = initialize(X, k, method="k-means++", covariance_type="full", seed=seed)
    return X, list(em_steps(X, start, reg_covar=1e-6, tol=1e-3, max_iter=100))


def predicting(**params: str) -> AppTest:
    return open_stepper({"em_predict": "1", **params})


def question(at: AppTest) -> str:
    found = [m.value for m in at.main.markdown if m.value.startswith("**Predict:**")]
    assert len(found) == 1, found
    return found[0]


def asked_point(at: AppTest) -> int:
    return int(re.search(r"point \*\*#(\d+)\*\*", question(at)).group(1))


def test_next_asks_before_it_reveals_the_e_step() -> None:
    at = predicting()
    assert at.toggle(key="em_predict").value
    click(at, "em_next")
    assert at.session_state[POSITION] == 0  # still the guess
    assert "which hill will claim point" in question(at)
    guess = at.radio(key="em_guess")
    assert list(guess.options) == ["hill A", "hill B", "hill C"]
    assert at.button(key="em_check").disabled  # nothing picked yet
    # The map circles the point asked about.
    names = [t.get("name") for t in figure_by_key(at, "em_map")["data"]]
    assert "the point asked about" in names


def test_a_right_answer_is_confirmed_with_the_cores_numbers() -> None:
    X, trace = page_trace()
    at = predicting()
    click(at, "em_next")
    point = asked_point(at)
    resp = responsibilities(X, trace[0].params)[point]
    answer = int(np.argmax(resp))
    at.radio(key="em_guess").set_value(answer).run()
    at.segmented_control(key="em_sure").set_value(0.9).run()
    click(at, "em_check")
    assert at.session_state[POSITION] == 1  # E-step 1 revealed
    box = at.success[0].value
    assert box.startswith(f"**Right: {'hill ' + 'ABC'[answer]} claims point #{point}")
    assert share_percent(resp[answer]) in box
    assert "You were 90% sure" in box
    assert "1 of 1 prediction right" in box


def test_a_wrong_answer_says_which_hill_and_why() -> None:
    X, trace = page_trace()
    at = predicting()
    click(at, "em_next")
    point = asked_point(at)
    resp = responsibilities(X, trace[0].params)[point]
    answer = int(np.argmax(resp))
    wrong = int(np.argmin(resp))
    at.radio(key="em_guess").set_value(wrong).run()
    click(at, "em_check")
    box = at.warning[0].value
    assert f"**Not this time: hill {'ABC'[answer]} claims point #{point}" in box
    assert "standard deviations" in box
    assert "0 of 1 prediction right" in box


def test_just_show_me_reveals_without_counting() -> None:
    at = predicting()
    click(at, "em_next")
    click(at, "em_skip")
    assert at.session_state[POSITION] == 1
    assert not at.success and not at.warning
    # Back and forward again: seen already, no question.
    click(at, "em_back")
    click(at, "em_next")
    assert at.session_state[POSITION] == 1


def test_the_m_step_question_marks_three_spots_and_the_true_top_wins() -> None:
    _, trace = page_trace()
    at = predicting()
    click(at, "em_next")
    click(at, "em_skip")  # E-step 1 shown
    click(at, "em_next")
    assert at.session_state[POSITION] == 1
    assert "top move in this M-step" in question(at)
    spots = [
        t
        for t in figure_by_key(at, "em_map")["data"]
        if t.get("name") == "spots 1, 2, 3"
    ]
    assert len(spots) == 1
    moves = np.linalg.norm(trace[1].params.means - trace[0].params.means, axis=1)
    hill = int(np.argmax(moves))
    assert f"**hill {'ABC'[hill]}**" in question(at)
    xs, ys = decoded(spots[0]["x"]), decoded(spots[0]["y"])
    true_top = trace[1].params.means[hill]
    gaps = [
        np.hypot(x - true_top[0], y - true_top[1]) for x, y in zip(xs, ys, strict=True)
    ]
    right = int(np.argmin(gaps))
    at.radio(key="em_guess").set_value(right).run()
    click(at, "em_check")
    assert at.session_state[POSITION] == 2
    assert at.success[0].value.startswith(f"**Right: spot {right + 1}")
    # The revealed map shows the picked spot on the true new top.
    mine = [
        t for t in figure_by_key(at, "em_map")["data"] if t.get("name") == "your guess"
    ]
    assert len(mine) == 1
    gx, gy = decoded(mine[0]["x"]) + decoded(mine[0]["y"])
    assert np.hypot(gx - true_top[0], gy - true_top[1]) < 1e-9


def test_the_climb_question_and_the_end_summary() -> None:
    _, trace = page_trace()
    at = predicting()
    for _ in range(3):  # E1, M1, E2 without questions
        click(at, "em_next")
        click(at, "em_skip")
    click(at, "em_next")
    assert "log-likelihood go **down**" in question(at)
    at.radio(key="em_guess").set_value(0).run()  # "Yes, it can go down": wrong
    click(at, "em_check")
    box = at.warning[0].value
    assert (
        f"{trace[1].mean_log_likelihood:.4f} to {trace[2].mean_log_likelihood:.4f}"
        in box
    )
    click(at, "em_run_end")
    summary = [i.value for i in at.info if "Your predictions" in i.value]
    assert summary and "1 of 1 missed on whether EM can go downhill" in summary[0]


def test_another_seed_asks_about_another_point() -> None:
    first = predicting()
    click(first, "em_next")
    other = predicting(seed="5")
    click(other, "em_next")
    X, trace = page_trace(seed=5)
    point = asked_point(other)
    resp = responsibilities(X, trace[0].params)[point]
    assert 0.55 <= resp.max() <= 0.9
    assert (asked_point(first), question(first)) != (point, question(other))


def test_predict_off_steps_straight_on() -> None:
    at = open_stepper()
    assert not at.toggle(key="em_predict").value
    click(at, "em_next")
    assert at.session_state[POSITION] == 1
    at.toggle(key="em_predict").set_value(True).run()
    assert at.query_params.get("em_predict") in ("1", ["1"])
