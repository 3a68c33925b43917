"""The EM stepper's experiments through AppTest (issue 17, items 1, 2, 5 and 7).

K-Means in lockstep (``em_kmeans_map``) numbers its steps as EM's and draws on the
EM map's axes with a legend; a stuck random start says why, with its own numbers,
and the restart gallery calls a tie a tie; the collapse lab's words and its chart
(``em_collapse_rise``) say the same numbers; a link reopens the collapse lab
(``em_collapse_seed``).

Every expected number is computed here from ``gmm_core`` run directly.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from apptest_helpers import (
    POSITION,
    assert_finite_figure,
    click,
    decoded,
    figure_by_key,
    narration,
    open_stepper,
)
from streamlit.testing.v1 import AppTest

from gmm_app.stepper.experiments import COLLAPSE_SECTION
from gmm_core import em_steps, initialize, load_preset

CHOSEN = "fog.em_chosen_means"
WIDTHS = "fog.em_chosen_widths"


def set_up_collapse(at: AppTest) -> AppTest:
    """Open the collapse lab (a section that opens on demand) and press its button."""
    at.session_state[COLLAPSE_SECTION] = True
    at.run()
    return click(at, "em_collapse")


def open_on(dataset: str) -> AppTest:
    at = open_stepper()
    if dataset != "blobs":
        at.selectbox(key="dataset").set_value(dataset).run()
        assert not at.exception
    return at


def kmeans_caption(at: AppTest) -> str:
    found = [c.value for c in at.caption if c.value.startswith("K-Means, ")]
    assert len(found) == 1, found
    return found[0]


def named(figure: dict, name: str) -> dict:
    found = [t for t in figure["data"] if t.get("name") == name]
    assert len(found) == 1, [t.get("name") for t in figure["data"]]
    return found[0]


###############################################################################
# K-Means in lockstep (item 2)


def test_kmeans_steps_line_up_with_ems_on_the_same_axes_with_a_legend() -> None:
    at = open_on("moons")
    at.toggle(key="em_kmeans").set_value(True).run()
    assert not at.exception
    n_positions = len(at.select_slider(key="em_scrub").options)
    for position in range(min(n_positions, 12)):
        at.select_slider(key="em_scrub").set_value(position).run()
        assert not at.exception
        said, caption = narration(at), kmeans_caption(at)
        if position == 0:
            assert said.startswith("**The guess.**")
            assert caption.startswith("K-Means, the same starting centres")
        else:  # E-step n beside assign step n, M-step n beside update step n
            phase, n = re.match(r"\*\*(E|M)-step (\d+)", said).groups()
            word = {"E": "assign", "M": "update"}[phase]
            assert f"{word} step {n}:" in caption, (said, caption)
        kmeans, em = figure_by_key(at, "em_kmeans_map"), figure_by_key(at, "em_map")
        assert_finite_figure(kmeans)
        # The same axes as the EM map, fixed to the data.
        for axis in ("xaxis", "yaxis"):
            assert kmeans["layout"][axis]["range"] == em["layout"][axis]["range"]
            for setting in ("scaleanchor", "constrain"):
                mine, ems = (f["layout"][axis].get(setting) for f in (kmeans, em))
                assert mine == ems, (axis, setting)
        # A legend names the centres, EM's tops and the islands.
        assert kmeans["layout"].get("showlegend") is not False
        shown = {t["name"] for t in kmeans["data"] if t.get("showlegend", True)}
        assert {"centres", "EM's hill tops"} <= shown
        # The centres stand out as EM's hill tops do: bold, white-edged, big.
        centres = named(kmeans, "centres")
        assert centres["marker"]["line"]["color"] == "#FFFFFF"
        assert centres["marker"]["size"] >= 16
        em_tops = np.column_stack(
            [decoded(named(em, "hill tops (means)")[a]) for a in "xy"]
        )
        np.testing.assert_allclose(
            np.column_stack(
                [decoded(named(kmeans, "EM's hill tops")[a]) for a in "xy"]
            ),
            em_tops,
        )
        # At an update step an arrow shows where each centre moved.
        arrows = kmeans["layout"].get("annotations", [])
        if position and position % 2 == 0 and "update step" in caption:
            assert arrows, caption
        else:
            assert not arrows


###############################################################################
# A stuck random start (item 5)


def stuck_moons() -> AppTest:
    """Two moons, K=6, init "random": the run of issue 17, item 5."""
    at = open_on("moons")
    at.number_input(key="n_components").set_value(6).run()
    at.selectbox(key="em_init").set_value("random").run()
    assert not at.exception
    return at


def test_a_stuck_random_start_says_why_with_its_own_numbers() -> None:
    at = stuck_moons()
    X = load_preset("moons").X
    trace = list(em_steps(X, initialize(X, 6, method="random", seed=0), tol=1e-3))
    assert len(trace) == 2  # EM truly stops after one iteration
    gain = trace[1].mean_log_likelihood - trace[0].mean_log_likelihood
    assert "nearly one hill" in narration(at)  # said at the guess already
    click(at, "em_run_end")
    said = narration(at)
    assert "**Why so soon?**" in said
    assert f"gains only {gain:+.2g}, less than `tol`" in said
    gap = np.linalg.norm(trace[1].params.means[:, None] - trace[1].params.means, axis=2)
    assert f"their tops are now within {gap.max():.2g}" in said


def test_the_gallery_calls_stuck_runs_a_tie_not_best() -> None:
    at = stuck_moons()
    at.toggle(key="em_gallery_show").set_value(True).run()
    assert not at.exception
    table = next(df.value for df in at.dataframe if "verdict" in df.value.columns)
    assert set(table["verdict"]) == {"all tied"}
    lls = table["final log-likelihood per point"]
    assert lls.max() - lls.min() < 1e-3  # within tol: EM cannot tell them apart
    titles = [
        a["text"] for a in figure_by_key(at, "em_gallery")["layout"]["annotations"]
    ]
    assert titles and not any("best" in t for t in titles)
    notes = [c.value for c in at.caption if "within `tol`" in c.value]
    assert len(notes) == 1
    assert f"({lls.min():.5f} to {lls.max():.5f} per point)" in notes[0]
    assert any("In all 6 runs the hills are stacked" in c.value for c in at.caption)


###############################################################################
# The collapse lab: words and chart say the same numbers (item 7)


def test_the_collapse_lab_shows_the_climb_its_words_describe() -> None:
    at = open_stepper()
    set_up_collapse(at)
    click(at, "em_run_end")
    X = load_preset("blobs").X
    means = np.array(at.session_state[CHOSEN])
    start = initialize(
        X,
        len(means),
        method="given",
        means=means,
        widths=np.array(at.session_state[WIDTHS]),
        reg_covar=0.0,
    )
    trace = list(em_steps(X, start, reg_covar=0.0, tol=1e-6))
    assert trace[-1].stop_reason == "collapsed"
    last = trace[-1].mean_log_likelihood
    # The red box names the value the log-likelihood chart ends at.
    (box,) = [e.value for e in at.error]
    assert f"last finite value, {last:.4f} per point" in box
    assert decoded(figure_by_key(at, "em_loglik")["data"][0]["y"])[-1] == pytest.approx(
        last
    )
    # The lab's chart climbs as the hill narrows, through where EM stopped.
    rise = figure_by_key(at, "em_collapse_rise")
    assert_finite_figure(rise)
    widths, lls = (np.array(decoded(rise["data"][0][a])) for a in "xy")
    (stop_w,), (stop_ll,) = (decoded(rise["data"][1][a]) for a in "xy")
    assert np.all(np.diff(widths) < 0) and np.all(np.diff(lls[-7:]) > 0)
    assert stop_ll == pytest.approx(last)
    assert lls[list(widths).index(stop_w)] == pytest.approx(last)
    # The y axis is the climb's, so the climb is what the student sees.
    low, high = rise["layout"]["yaxis"]["range"]
    assert low < lls.min() and lls.max() < high and high - low < 2 * np.ptp(lls)
    # Its words are its numbers.
    (words,) = [c.value for c in at.caption if c.value.startswith("EM stopped at ")]
    assert f"with hill A {stop_w:.2g} wide" in words
    assert f"at {stop_ll:.4f} per point" in words
    assert (
        f"at {widths[-1]:.2g} wide the log-likelihood would be {lls[-1]:.4f}" in words
    )
    assert f"adds {lls[-1] - lls[-2]:.4f} per point" in words


###############################################################################
# A link reopens the collapse lab (item 1)


def shown_numbers(at: AppTest) -> dict:
    return {
        "narration": narration(at),
        "errors": [e.value for e in at.error],
        "lab": [c.value for c in at.caption if c.value.startswith("EM stopped at ")],
        "loglik": decoded(figure_by_key(at, "em_loglik")["data"][0]["y"]),
        "position": at.session_state[POSITION],
        "means": at.session_state[CHOSEN],
        "widths": list(at.session_state[WIDTHS]),
        "settings": [
            at.number_input(key="n_components").value,
            at.selectbox(key="covariance_type").value,
            at.selectbox(key="em_init").value,
            at.select_slider(key="em_reg_covar").value,
            at.select_slider(key="em_tol").value,
        ],
    }


@pytest.mark.parametrize("steps", [0, 3])
def test_a_link_reopens_the_collapse_lab(steps: int) -> None:
    at = open_stepper()
    at.number_input(key="n_components").set_value(4).run()
    at.number_input(key="seed").set_value(5).run()
    set_up_collapse(at)
    click(at, "em_next", times=steps) if steps else None
    assert at.query_params["em_collapse_seed"] == "5"
    before = shown_numbers(at)
    assert before["settings"][2:] == ["given", 0.0, 1e-6]

    again = open_stepper(dict(at.query_params))
    assert not again.exception
    assert shown_numbers(again) == before
    assert not [i.value for i in again.info if "settings changed" in i.value]
    assert again.query_params["em_collapse_seed"] == "5"


def test_the_link_drops_the_lab_once_its_start_is_gone() -> None:
    at = open_stepper()
    set_up_collapse(at)
    assert "em_collapse_seed" in at.query_params
    at.selectbox(key="em_init").set_value("k-means++").run()
    assert not at.exception
    assert "em_collapse_seed" not in at.query_params


def test_a_hand_written_lab_link_sets_the_lab_up() -> None:
    """``?em_collapse_seed=0`` alone: the lab's start and its settings, as the
    button gives them."""
    by_hand = open_stepper({"em_collapse_seed": "0"})
    assert not by_hand.exception
    pressed = open_stepper()
    set_up_collapse(pressed)
    assert shown_numbers(by_hand) == shown_numbers(pressed)
    assert by_hand.query_params["em_collapse_seed"] == "0"
