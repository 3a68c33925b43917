"""The EM stepper's other controls through AppTest: what a student sees change.

Play's speed (``em_speed``) sets the timer between two half-steps; K-Means in
lockstep (``em_kmeans``) draws Lloyd's K-Means from EM's starting means, step for
step as ``gmm_core.kmeans_steps`` and scikit-learn's ``KMeans`` compute it; the
restart gallery (``em_restarts``) fits that many seeds and ranks them by final
log-likelihood; "I'll choose" places the starting means where the student clicks
(``em_place_*`` on a map, ``em_pick_point`` and ``em_pick`` for one feature) and
"Place them again" (``em_clear_means``) starts over; ``em_tol`` stops EM where the
log-likelihood first gains less than it; ``em_init`` gives the start
``gmm_core.initialize`` gives.

Every expected number is computed here, from ``gmm_core`` run directly,
scikit-learn, a closed form or a pinned value.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from apptest_helpers import (
    POSITION,
    chart_keys,
    click,
    click_live_chart,
    decoded,
    figure_by_key,
    narration,
    open_stepper,
)
from sklearn.cluster import KMeans
from sklearn.metrics import pairwise_distances_argmin
from streamlit.runtime.forward_msg_queue import ForwardMsgQueue
from streamlit.testing.v1 import AppTest

from gmm_core import GMMParams, em_steps, initialize, kmeans_steps, load_preset

K = 3  # the page's default number of hills


def open_on(dataset: str) -> AppTest:
    """A fresh stepper session on a preset (its default size and seed)."""
    at = open_stepper()
    if dataset != "blobs":
        at.selectbox(key="dataset").set_value(dataset).run()
        assert not at.exception
    return at


def start(X: np.ndarray, method: str = "k-means++", seed: int = 0) -> GMMParams:
    """The guess the page should start from, by gmm_core alone."""
    return initialize(X, K, method=method, covariance_type="full", seed=seed)


def points(trace: dict) -> np.ndarray:
    """A trace's (x, y) as an (N, 2) array."""
    return np.column_stack([decoded(trace["x"]), decoded(trace["y"])]).reshape(-1, 2)


def trace_named(figure: dict, name: str) -> dict:
    found = [t for t in figure["data"] if t.get("name") == name]
    assert len(found) == 1, [t.get("name") for t in figure["data"]]
    return found[0]


def hill_tops(at: AppTest, key: str = "em_map") -> np.ndarray:
    """Where the map draws the hill tops (the means)."""
    return points(trace_named(figure_by_key(at, key), "hill tops (means)"))


def hints(at: AppTest) -> list[str]:
    return [
        i.value
        for i in at.info
        if i.value.startswith(("Click anywhere", "Type the number"))
    ]


def hint(k: int) -> str:
    return (
        f"Click anywhere on the map to put the top of **hill {'ABC'[k]}** there "
        f"({k + 1} of {K})."
    )


def typed_hint(k: int) -> str:
    return (
        f"Type the number of the point where the top of **hill {'ABC'[k]}** "
        f"goes ({k + 1} of {K})."
    )


def near(placed: np.ndarray, X: np.ndarray, rows: list[int]) -> None:
    """Placed tops sit on the clicked points, to a thousandth of each feature's
    range (the link carries them to that precision)."""
    gap = np.abs(np.asarray(placed) - X[rows]) / np.ptp(X, axis=0)
    assert gap.max() <= 1e-3, gap


def full_run(X: np.ndarray, init: GMMParams, tol: float = 1e-3) -> list:
    return list(em_steps(X, init, reg_covar=1e-6, tol=tol, max_iter=100))


###############################################################################
# Play's speed


@pytest.fixture
def timers(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The intervals of the timers the page asks the browser for, run by run.

    A playing stepper is a fragment with ``run_every``: Streamlit sends the browser
    an ``auto_rerun`` message with the seconds between two ticks.
    """
    seen: list[float] = []
    enqueue = ForwardMsgQueue.enqueue

    def recording(self: ForwardMsgQueue, msg: object) -> None:
        if msg.WhichOneof("type") == "auto_rerun":  # type: ignore[attr-defined]
            seen.append(msg.auto_rerun.interval)  # type: ignore[attr-defined]
        enqueue(self, msg)  # type: ignore[arg-type]

    monkeypatch.setattr(ForwardMsgQueue, "enqueue", recording)
    return seen


def test_play_sets_no_timer_of_streamlits(timers: list[float]) -> None:
    # Play keeps its own time (the map asks for each next half-step, at the
    # speed's pace: tests/app/test_play_clock.py), not with run_every's timer.
    # Pinned: slow 1.5 s, normal 0.8 s, fast 0.35 s per half-step.
    at = open_stepper()
    speed = at.select_slider(key="em_speed")
    assert speed.options == ["slow", "normal", "fast"]
    assert speed.value == "normal"
    click(at, "em_play")
    for name in ("slow", "fast", "normal"):
        at.select_slider(key="em_speed").set_value(name).run()
        assert not at.exception
    click(at, "em_play")  # Pause
    assert timers == []


###############################################################################
# K-Means in lockstep


def sklearn_kmeans(X: np.ndarray, centres: np.ndarray, steps: int) -> KMeans:
    """scikit-learn's Lloyd from ``centres`` for ``steps`` updates (no tolerance)."""
    return KMeans(
        len(centres), init=centres, n_init=1, max_iter=steps, tol=0, algorithm="lloyd"
    ).fit(X)


def test_kmeans_in_lockstep_follows_lloyd_from_ems_start() -> None:
    at = open_on("moons")
    X = load_preset("moons").X
    begin = start(X).means
    km = list(kmeans_steps(X, begin))
    last = len(km) - 1
    assert km[-1].converged and last == 11  # pinned: moons converge in 11 updates
    # The core's K-Means is scikit-learn's, update for update.
    assert np.array_equal(km[0].labels, pairwise_distances_argmin(X, begin))
    for s in range(1, last + 1):
        sk = sklearn_kmeans(X, begin, s)
        np.testing.assert_allclose(km[s].centers, sk.cluster_centers_, atol=1e-9)
        assert np.array_equal(km[s].labels, sk.labels_)

    assert "em_kmeans_map" not in chart_keys(at)
    at.toggle(key="em_kmeans").set_value(True).run()
    assert not at.exception
    n_positions = 2 * (len(full_run(X, start(X))) - 1) + 1
    for position in (0, 1, 2, 3, 4, 9, 10, 21, 22, 23, n_positions - 1):
        at.select_slider(key="em_scrub").set_value(position).run()
        assert not at.exception
        figure = figure_by_key(at, "em_kmeans_map")
        shown_centres = points(trace_named(figure, "centres"))
        caption = [c.value for c in at.caption if c.value.startswith("K-Means, ")]
        assert len(caption) == 1
        if position == 0:  # the guess: EM's starting means, no point assigned
            np.testing.assert_allclose(shown_centres, begin, atol=1e-12)
            np.testing.assert_allclose(points(trace_named(figure, "points")), X)
            assert "the same starting centres" in caption[0]
            continue
        t = (position + 1) // 2
        if position % 2:  # E-step t: assign step t, labels from km[t - 1]'s centres
            s = min(t - 1, last)
            labels = pairwise_distances_argmin(X, km[s].centers)
            if t <= last + 1:
                assert f"assign step {t}:" in caption[0]
        else:  # M-step t: update step t, centres at the means of the old labels
            s = min(t, last)
            labels = km[max(s - 1, 0)].labels
            shown = (
                f"update step {s}:" if t <= last else f"still after update step {s}."
            )
            assert shown in caption[0]
            means = [X[labels == k].mean(axis=0) for k in range(K)]
            np.testing.assert_allclose(shown_centres, means, atol=1e-9)
        np.testing.assert_allclose(shown_centres, km[s].centers, atol=1e-12)
        if s:
            expected = sklearn_kmeans(X, begin, s).cluster_centers_
            np.testing.assert_allclose(shown_centres, expected, atol=1e-9)
        for k in range(K):  # every point drawn on its island
            island = points(trace_named(figure, f"island {'ABC'[k]}"))
            np.testing.assert_allclose(island, X[labels == k].reshape(-1, 2))
        done = (
            "K-Means has converged: assign step 12 moved no point to another "
            "island, so update step 11 was its last."
        )
        assert (done in caption[0]) == (t >= last + 1)


###############################################################################
# The restart gallery


def test_the_restart_gallery_shows_each_seed_best_first() -> None:
    at = open_on("moons")
    X = load_preset("moons").X
    final = [full_run(X, start(X, seed=s))[-1].mean_log_likelihood for s in range(9)]
    at.toggle(key="em_gallery_show").set_value(True).run()
    assert at.slider(key="em_restarts").value == 6
    for n in (6, 2, 3, 9):
        at.slider(key="em_restarts").set_value(n).run()
        assert not at.exception
        figure = figure_by_key(at, "em_gallery")
        titles = [a["text"] for a in figure["layout"]["annotations"]]
        assert len(titles) == n  # one panel per restart
        assert sum(1 for axis in figure["layout"] if axis.startswith("xaxis")) == n
        order = sorted(range(n), key=lambda s: final[s], reverse=True)
        best = order[0]
        top = [s for s in order if final[s] > final[best] - 1e-3]  # within tol
        flag = "best" if len(top) == 1 else "tied for best"
        flag = "all tied" if len(top) == n else flag
        assert titles[0] == f"#1 seed {best}: {final[best]:.4f} ({flag})"
        for rank, seed in enumerate(order, 1):
            assert titles[rank - 1].startswith(f"#{rank} seed {seed}: ")
        table = next(df.value for df in at.dataframe if "verdict" in df.value.columns)
        assert list(table["seed"]) == order
        np.testing.assert_allclose(
            table["final log-likelihood per point"],
            [final[s] for s in order],
            atol=6e-6,
        )
        verdicts = [flag if s in top else "local optimum" for s in order]
        assert list(table["verdict"]) == verdicts
    # Pinned: on the moons, seed 2 is the best of the first three, seed 1 of two;
    # of nine, seeds 6 and 7 tie (within tol) for best.
    assert abs(final[6] - final[7]) < 1e-3 and flag == "tied for best"
    assert max(range(2), key=final.__getitem__) == 1
    assert max(range(3), key=final.__getitem__) == 2


###############################################################################
# Placing the starting means by hand


def place_on_map(at: AppTest, k: int, row: int) -> None:
    """A click on point ``row`` of the placing map for hill ``k``."""
    click_live_chart(
        at, f"em_place_{k}", {"selection": {"points": [{"customdata": [row]}]}}
    )
    assert not at.exception


def test_placed_means_are_where_the_hills_start_and_can_be_placed_again() -> None:
    at = open_stepper()
    X = load_preset("blobs").X
    click(at, "em_next", times=3)
    at.selectbox(key="em_init").set_value("given").run()
    assert "em_next" not in [b.key for b in at.button]  # no EM until placed
    rows = [17, 120, 250]
    for k, row in enumerate(rows):
        assert hints(at) == [hint(k)]
        assert chart_keys(at) == [f"em_place_{k}"]
        if k:  # the hills placed so far are drawn on the placing map
            near(hill_tops(at, f"em_place_{k}"), X, rows[:k])
        place_on_map(at, k, row)
    assert hints(at) == []
    assert at.session_state[POSITION] == 0
    assert narration(at).startswith("**The guess.** 3 hills placed where you clicked")
    placed = hill_tops(at)
    near(placed, X, rows)
    assert any(
        c.value.startswith("Your starting means: hill A at point (")
        and f"hill C at point ({X[250][0]:.3g}, {X[250][1]:.3g})" in c.value
        for c in at.caption
    )
    # EM runs from exactly there: it stops where the core's EM from there stops.
    trace = full_run(X, initialize(X, K, method="given", means=placed))
    click(at, "em_run_end")
    assert at.session_state[POSITION] == 2 * (len(trace) - 1)
    np.testing.assert_allclose(hill_tops(at), trace[-1].params.means, atol=1e-9)

    click(at, "em_clear_means")  # "Place them again": the hint starts over
    assert hints(at) == [hint(0)]
    assert chart_keys(at) == ["em_place_0"]
    for k, row in enumerate([5, 6, 7]):
        place_on_map(at, k, row)
    assert at.session_state[POSITION] == 0  # back to a guess, from the new places
    assert narration(at).startswith("**The guess.**")
    near(hill_tops(at), X, [5, 6, 7])


def test_one_feature_places_means_by_point_number() -> None:
    at = open_on("heights")
    X = load_preset("heights").X
    at.selectbox(key="em_init").set_value("given").run()
    rows = [5, 300, 590]
    for k, row in enumerate(rows):
        assert hints(at) == [typed_hint(k)]
        assert "em_curves" not in chart_keys(at)
        at.number_input(key="em_pick_point").set_value(row).run()
        assert hints(at) == [typed_hint(k)]  # typing a number places nothing yet
        click(at, "em_pick")
    assert hints(at) == []
    assert narration(at).startswith("**The guess.** 3 hills placed where you clicked")
    # Each dashed curve is a third of a bell as wide as the data, on its point.
    sd = math.sqrt(X[:, 0].var() + 1e-6)
    figure = figure_by_key(at, "em_curves")
    # The tops the link carries: each point's height to a thousandth of the range.
    tops = [float(v) for v in at.query_params["em_means"].split(";")]
    near(np.array(tops)[:, None], X, rows)
    for k, top in enumerate(tops):
        curve = trace_named(figure, f"hill {'ABC'[k]} (33%)")
        x = np.array(decoded(curve["x"]))
        bell = np.exp(-0.5 * ((x - top) / sd) ** 2) / (sd * math.sqrt(2 * math.pi))
        np.testing.assert_allclose(decoded(curve["y"]), bell / K, rtol=1e-9)
    means = list(at.table[0].value["mean"])
    assert means == [f"({X[row, 0]:.3g})" for row in rows]


###############################################################################
# Tolerance and initialisation


def stop_for(lls: np.ndarray, tol: float) -> int:
    """The first iteration whose log-likelihood gained less than ``tol``."""
    gains = np.diff(lls)
    return int(np.flatnonzero(gains < tol)[0]) + 1


@pytest.mark.parametrize(("tol", "pinned"), [(1e-1, 2), (1e-2, 5), (1e-4, 31)])
def test_tol_stops_em_where_the_gain_first_falls_below_it(
    tol: float, pinned: int
) -> None:
    at = open_on("moons")
    X = load_preset("moons").X
    # Without a tolerance EM runs on; the stop is read off its log-likelihoods.
    free = np.array(
        [s.mean_log_likelihood for s in full_run(X, start(X), tol=0)], dtype=float
    )
    stop = stop_for(free, tol)
    assert stop == pinned
    assert len(full_run(X, start(X), tol=tol)) - 1 == stop
    assert stop != stop_for(free, 1e-3)  # the default stops elsewhere

    at.select_slider(key="em_tol").set_value(tol).run()
    click(at, "em_run_end")
    assert at.session_state[POSITION] == 2 * stop
    messages = [s.value for s in at.success]
    assert len(messages) == 1 and not at.warning
    assert messages[0].startswith(f"**Converged** after {stop} iterations")
    assert f"tolerance ({tol:g})" in messages[0]
    chart = figure_by_key(at, "em_loglik")
    curve = trace_named(chart, "log-likelihood per point")
    assert decoded(curve["x"]) == list(range(stop + 1))
    np.testing.assert_allclose(decoded(curve["y"]), free[: stop + 1], rtol=1e-9)
    notes = [a["text"].replace("<br>", " ") for a in chart["layout"]["annotations"]]
    assert notes == [f"stopped: a step gained less than tol = {tol:g}"]


@pytest.mark.parametrize(
    ("method", "words"),
    [
        ("kmeans", "where k-means puts its centres"),
        ("k-means++", "by k-means++"),
        ("random", "from random shares"),
        ("random_from_data", "at random points of the data"),
    ],
)
def test_each_initialisation_starts_where_gmm_core_does(
    method: str, words: str
) -> None:
    at = open_stepper()
    X = load_preset("blobs").X
    expected = start(X, method)
    at.selectbox(key="em_init").set_value(method).run()
    assert not at.exception
    assert narration(at).startswith(f"**The guess.** 3 hills placed {words}")
    np.testing.assert_allclose(hill_tops(at), expected.means, atol=1e-9)
    table = at.table[0].value
    assert list(table["weight"]) == [f"{w:.1%}" for w in expected.weights]
    # Each method its own start: the guess is not k-means++'s unless it is chosen.
    others = start(X, "k-means++").means
    assert np.allclose(hill_tops(at), others) == (method == "k-means++")
    # EM goes on from that start: its end is the core's end from there.
    trace = full_run(X, expected)
    click(at, "em_run_end")
    assert at.session_state[POSITION] == 2 * (len(trace) - 1)
    np.testing.assert_allclose(hill_tops(at), trace[-1].params.means, atol=1e-9)
