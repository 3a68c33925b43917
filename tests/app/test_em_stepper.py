"""The EM stepper page, driven through Streamlit's AppTest.

Each test clicks what a student would click and checks what they would notice:
the narration, the buttons, the charts, the worked-out equations and the URL.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from apptest_helpers import (
    POSITION,
    active_data_line,
    assert_finite_figure,
    chart_keys,
    click,
    click_live_chart,
    decoded,
    figure_by_key,
    latex_lines,
    narration,
    open_stepper,
    plotly_figures,
    upload_csv,
)
from streamlit.testing.v1 import AppTest

from gmm_app.stepper.experiments import COLLAPSE_SECTION
from gmm_app.stepper.panels import NUMBERS_SECTION
from gmm_core import (
    COVARIANCE_TYPES,
    PRESETS,
    EMStep,
    em_steps,
    initialize,
    load_preset,
    responsibilities,
)

# The starting means and widths the collapse lab places (session state).
CHOSEN = "fog.em_chosen_means"
WIDTHS = "fog.em_chosen_widths"

# What the page runs with when nothing is changed (stepper_ui.settings_panel).
DEFAULTS = dict(
    n_components=3, covariance_type="full", init="k-means++", seed=0, reg_covar=1e-6
)


@pytest.fixture
def at() -> AppTest:
    """A fresh session on the stepper, at the guess, on the default data."""
    return open_stepper()


def set_up_collapse(at: AppTest) -> AppTest:
    """Open the collapse lab (a section that opens on demand) and press its button."""
    at.session_state[COLLAPSE_SECTION] = True
    at.run()
    return click(at, "em_collapse")


def open_numbers(at: AppTest) -> AppTest:
    """Open "Every number, worked out" (a section that opens on demand)."""
    at.session_state[NUMBERS_SECTION] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def core_trace(
    covariance_type: str = "full",
    *,
    dataset: str = "blobs",
    n_components: int = DEFAULTS["n_components"],
    method: str = "k-means++",
    seed: int = 0,
    tol: float = 1e-3,
) -> tuple[np.ndarray, list[EMStep]]:
    """A preset's data and its trace, recomputed with gmm_core alone (by default
    the page's default data and trace; each argument is one setting changed).
    """
    X = load_preset(dataset).X
    start = initialize(
        X,
        n_components,
        method=method,
        covariance_type=covariance_type,
        reg_covar=1e-6,
        seed=seed,
    )
    return X, list(em_steps(X, start, reg_covar=1e-6, tol=tol, max_iter=100))


def hill_tops(at: AppTest) -> np.ndarray:
    """Where the map draws the hill tops (the means), shape (K, 2)."""
    tops = [
        t
        for t in figure_by_key(at, "em_map")["data"]
        if t.get("name") == "hill tops (means)"
    ]
    assert len(tops) == 1
    return np.column_stack([decoded(tops[0]["x"]), decoded(tops[0]["y"])])


def assert_says_why_it_stopped(at: AppTest, last: EMStep, max_iter: int = 100) -> None:
    """One stop message, of the kind and with the words ``last`` calls for: a
    success that counts the iterations when EM converged, a warning that names the
    maximum when it ran out of iterations.
    """
    successes = [el.value for el in at.success]
    warnings = [el.value for el in at.warning]
    if last.stop_reason == "converged":
        n = last.iteration
        assert not warnings
        assert len(successes) == 1
        assert successes[0].startswith(
            f"**Converged** after {n} iteration{'s' if n != 1 else ''}:"
        )
    else:
        assert last.stop_reason == "max_iter"
        assert not successes
        assert len(warnings) == 1
        assert warnings[0].startswith(
            f"**Stopped at the maximum of {max_iter} iterations**"
        )


def assert_page_is_clean(at: AppTest) -> None:
    """No exception, no error box, every figure finite."""
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    figures = plotly_figures(at)
    assert figures
    for figure in figures:
        assert_finite_figure(figure)


def last_number(line: str) -> float:
    """The number a LaTeX line ends with ("... = 0.8492")."""
    match = re.search(r"= (-?[0-9.]+)$", line)
    assert match, line
    return float(match.group(1))


def csv_bytes(X: np.ndarray, names: list[str]) -> bytes:
    rows = [",".join(names)] + [",".join(f"{v:.5f}" for v in row) for row in X]
    return "\n".join(rows).encode()


def outlier_csv() -> bytes:
    """A round cloud of 60 points and one far outlier: a hill seeded there collapses."""
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(size=(60, 2)), [[30.0, 30.0]]])
    return csv_bytes(X, ["x", "y"])


###############################################################################
# Moving through the half-steps


def test_next_walks_guess_e_step_m_step_e_step(at: AppTest) -> None:
    expected = [
        (0, "**The guess.** 3 hills placed by k-means++", "Next: E-step"),
        (1, "**E-step 1: who belongs where?**", "Next: M-step"),
        (2, "**M-step 1: move and reshape the hills.**", "Next: E-step"),
        (3, "**E-step 2: who belongs where?**", "Next: M-step"),
    ]
    narrations = []
    for i, (position, start, next_label) in enumerate(expected):
        if i:
            click(at, "em_next")
        assert at.session_state[POSITION] == position
        assert narration(at).startswith(start)
        assert at.button(key="em_next").label == next_label
        assert at.select_slider(key="em_scrub").value == position
        narrations.append(narration(at))
    assert len(set(narrations)) == 4
    # The guess asks no point yet; the first E-step colours them and fills the heatmap.
    assert "em_heatmap" in chart_keys(at)


def test_back_and_reset_are_disabled_at_the_guess(at: AppTest) -> None:
    assert at.button(key="em_back").disabled
    assert at.button(key="em_reset").disabled
    assert not at.button(key="em_next").disabled
    assert not at.button(key="em_run_end").disabled
    assert "em_heatmap" not in chart_keys(at)
    assert any("after the first E-step" in c.value for c in at.caption)


def _snapshot(at: AppTest) -> tuple:
    return (
        narration(at),
        figure_by_key(at, "em_map"),
        latex_lines(at),
        [df.value.to_dict() for df in at.dataframe],
    )


def test_back_returns_exactly_the_previous_state(at: AppTest) -> None:
    open_numbers(at)
    states = [_snapshot(at)]
    for _ in range(4):
        click(at, "em_next")
        states.append(_snapshot(at))
    for i in range(1, len(states)):  # each half-step draws something new
        assert states[i][0] != states[i - 1][0]
        assert states[i][1] != states[i - 1][1]
    for position in (3, 2, 1, 0):
        click(at, "em_back")
        assert at.session_state[POSITION] == position
        narr, figure, latex, tables = _snapshot(at)
        assert narr == states[position][0]
        assert figure == states[position][1]
        assert latex == states[position][2]
        assert tables == states[position][3]


def test_reset_returns_to_the_guess(at: AppTest) -> None:
    guess = _snapshot(at)
    click(at, "em_next", times=3)
    click(at, "em_reset")
    assert at.session_state[POSITION] == 0
    assert _snapshot(at) == guess
    assert at.button(key="em_reset").disabled


def test_next_iteration_and_the_scrubber_move_the_position(at: AppTest) -> None:
    click(at, "em_next_iteration")
    assert at.session_state[POSITION] == 2
    assert narration(at).startswith("**M-step 1")
    click(at, "em_next")  # E-step 2; next iteration finishes its M-step
    click(at, "em_next_iteration")
    assert at.session_state[POSITION] == 4
    scrub = at.select_slider(key="em_scrub")
    assert scrub.options[:4] == ["guess", "E-step 1", "M-step 1", "E-step 2"]
    scrub.set_value(5).run()
    assert at.session_state[POSITION] == 5
    assert narration(at).startswith("**E-step 3")


def test_play_steps_on_every_tick_and_pause_stops(at: AppTest) -> None:
    # Play shows the first half-step at once; the next ones come when the map asks
    # (its clock: tests/app/test_play_clock.py), never from a rerun alone.
    click(at, "em_play")
    assert at.button(key="em_play").label == "Pause"
    assert at.session_state[POSITION] == 1
    at.run()
    assert at.session_state[POSITION] == 1
    click(at, "em_play")
    assert at.button(key="em_play").label == "Play"
    at.run()
    assert at.session_state[POSITION] == 1


@pytest.mark.parametrize(
    ("max_iter", "box", "words"),
    [
        (100, "success", "Converged"),
        (2, "warning", "maximum of 2 iterations"),
    ],
)
def test_run_to_the_end_disables_forward_and_says_why(
    at: AppTest, max_iter: int, box: str, words: str
) -> None:
    at.number_input(key="em_max_iter").set_value(max_iter).run()
    click(at, "em_run_end")
    for key in ("em_next", "em_next_iteration", "em_run_end"):
        assert at.button(key=key).disabled
    assert not at.button(key="em_back").disabled
    messages = [el.value for el in getattr(at, box)]
    assert len(messages) == 1
    assert words in messages[0]
    _, trace = core_trace()
    if max_iter == 2:
        assert at.session_state[POSITION] == 4
    else:
        assert at.session_state[POSITION] == 2 * (len(trace) - 1)
        assert f"after {len(trace) - 1} iterations" in messages[0]
    # Back leaves the end: the stop message goes, forward works again.
    click(at, "em_back")
    assert not [el for el in getattr(at, box) if words in el.value]
    assert not at.button(key="em_next").disabled


###############################################################################
# The equations are the core's numbers


@pytest.mark.parametrize(("point", "t"), [(0, 1), (17, 2), (299, 3)])
def test_e_step_equation_shows_the_cores_responsibilities(
    at: AppTest, point: int, t: int
) -> None:
    X, trace = core_trace()
    open_numbers(at)
    click(at, "em_next", times=2 * t - 1)  # E-step t
    at.number_input(key="em_point").set_value(point).run()
    assert narration(at).startswith(f"**E-step {t}")
    assert any(
        c.value == f"E-step {t} asks the hills of iteration {t - 1} about point "
        f"#{point}:"
        for c in at.caption
    )
    expected = responsibilities(X, trace[t - 1].params)[point]
    lines = latex_lines(at)
    assert lines[0].startswith(rf"\gamma_{{{point},k}}")
    gammas = lines[-len(expected) :]
    for k, (line, value) in enumerate(zip(gammas, expected, strict=True)):
        assert line.startswith(rf"\gamma_{{{point},{'ABC'[k]}}}")
        assert last_number(line) == pytest.approx(value, abs=5e-5 + 1e-12)
    # Each hill's term shows its weight from iteration t-1 (3 significant digits).
    for k, weight in enumerate(trace[t - 1].params.weights):
        line = lines[1 + k]
        assert line.startswith(rf"\pi_{'ABC'[k]}\,\mathcal{{N}}")
        shown = float(line.split(" = ")[1].split(r" \times")[0])
        assert shown == pytest.approx(weight, rel=5e-3)


@pytest.mark.parametrize("t", [1, 4])
def test_m_step_equation_shows_the_cores_weights_and_counts(
    at: AppTest, t: int
) -> None:
    X, trace = core_trace()
    open_numbers(at)
    click(at, "em_next", times=2 * t)  # M-step t
    assert narration(at).startswith(f"**M-step {t}")
    counts = responsibilities(X, trace[t - 1].params).sum(axis=0)
    for k in range(DEFAULTS["n_components"]):
        at.selectbox(key="em_component").set_value(k).run()
        lines = latex_lines(at)[-4:]  # N_k, pi_k, mu_k, Sigma_k of the M-step tab
        hill = "ABC"[k]
        assert lines[0].startswith(f"N_{hill} = ")
        assert last_number(lines[0]) == pytest.approx(counts[k], rel=5e-5)
        assert lines[1].startswith(rf"\pi_{hill} = \frac{{N_{hill}}}{{N}}")
        assert rf"{{{len(X)}}}" in lines[1]
        assert last_number(lines[1]) == pytest.approx(
            trace[t].params.weights[k], abs=5e-5 + 1e-12
        )


def map_click(at: AppTest, row: int, click_id: str) -> None:
    """A click on a point of the map, as the live chart reports it."""
    click_live_chart(at, "em_map", {"row": row, "click": click_id})


def test_a_click_on_the_map_shows_that_point_once(at: AppTest) -> None:
    click(at, "em_next")  # E-step 1
    assert not at.latex and not [n for n in at.number_input if n.key == "em_point"]
    map_click(at, 17, "first")  # the click opens them at that point
    assert at.session_state[NUMBERS_SECTION]
    assert at.number_input(key="em_point").value == 17
    assert any("about point #17:" in c.value for c in at.caption)
    # The click is remembered by the chart, not applied again: a typed number wins.
    at.number_input(key="em_point").set_value(3).run()
    assert at.number_input(key="em_point").value == 3
    click(at, "em_next", times=2)  # E-step 2: the same old click still does nothing
    assert at.number_input(key="em_point").value == 3
    # Clicking the same point again is a new click: it shows that point again.
    map_click(at, 17, "second")
    assert at.number_input(key="em_point").value == 17
    assert any("E-step 2 asks" in c.value and "#17:" in c.value for c in at.caption)
    assert not at.exception


def test_m_step_tab_asks_for_an_m_step_elsewhere(at: AppTest) -> None:
    open_numbers(at)
    assert any("Take the first E-step" in c.value for c in at.caption)
    click(at, "em_next")
    assert any("Move to an M-step" in c.value for c in at.caption)
    assert not [s for s in at.selectbox if s.key == "em_component"]


def test_a_point_number_too_big_for_new_data_does_not_break(at: AppTest) -> None:
    open_numbers(at)
    click(at, "em_next")
    at.number_input(key="em_point").set_value(299).run()
    at.selectbox(key="dataset").set_value("iris").run()  # 150 points
    click(at, "em_next")
    assert_page_is_clean(at)
    assert at.number_input(key="em_point").value < 150


###############################################################################
# Settings restart the trace; the URL keeps a view


@pytest.mark.parametrize(
    ("kind", "key", "value", "changed"),
    [
        ("number_input", "n_components", 4, {"n_components": 4}),
        ("selectbox", "covariance_type", "tied", {"covariance_type": "tied"}),
        ("selectbox", "em_init", "kmeans", {"method": "kmeans"}),
        ("number_input", "seed", 5, {"seed": 5}),
        ("select_slider", "em_tol", 1e-2, {"tol": 1e-2}),
        ("selectbox", "dataset", "moons", {"dataset": "moons"}),
    ],
)
def test_changing_a_setting_starts_again_from_the_guess(
    at: AppTest, kind: str, key: str, value: object, changed: dict
) -> None:
    click(at, "em_next", times=3)
    getattr(at, kind)(key=key).set_value(value).run()
    assert not at.exception
    assert at.session_state[POSITION] == 0
    assert narration(at).startswith("**The guess.**")
    notes = [i.value for i in at.info]
    assert any(n.startswith("The settings changed") for n in notes)
    # The guess is the core's with that one setting changed, not the old one.
    X, trace = core_trace(**changed)
    _, old = core_trace()
    guess = trace[0].params
    np.testing.assert_allclose(hill_tops(at), guess.means, atol=1e-9)
    table = at.table[0].value
    assert list(table["weight"]) == [f"{w:.1%}" for w in guess.weights]
    if key == "n_components":
        assert list(table.index) == ["hill A", "hill B", "hill C", "hill D"]
    elif key == "covariance_type":  # one shape, shared by every hill
        assert all(c.startswith("shared [") for c in table["covariance"])
    elif key == "em_init":
        assert "placed where k-means puts its centres" in narration(at)
        assert not np.allclose(guess.means, old[0].params.means)
    elif key == "seed":
        assert not np.allclose(guess.means, old[0].params.means)
    elif key == "em_tol":
        notes_on_chart = figure_by_key(at, "em_loglik")["layout"]["annotations"]
        assert [a["text"].replace("<br>", " ") for a in notes_on_chart] == [
            "EM stops when a step gains less than tol = 0.01"
        ]
    else:
        assert "Two moons · 300 points" in active_data_line(at)
        points = [t for t in figure_by_key(at, "em_map")["data"] if "x" in t]
        drawn = np.concatenate([decoded(t["x"]) for t in points])
        assert np.isin(X[:, 0], drawn).all()
        assert not np.isin(load_preset("blobs").X[:, 0], drawn).any()
    # The note is said once; the next step does not repeat it.
    click(at, "em_next")
    assert not [i for i in at.info if i.value.startswith("The settings changed")]
    # EM runs on from there: it ends where the core's run with that setting ends.
    click(at, "em_run_end")
    assert at.session_state[POSITION] == 2 * (len(trace) - 1)
    np.testing.assert_allclose(hill_tops(at), trace[-1].params.means, atol=1e-9)
    assert_says_why_it_stopped(at, trace[-1])


def test_a_link_opens_the_same_view() -> None:
    at = open_stepper(
        {
            "n_components": "4",
            "covariance_type": "diag",
            "seed": "3",
            "em_init": "random_from_data",
            "em_step": "5",
        }
    )
    assert at.number_input(key="n_components").value == 4
    assert at.selectbox(key="covariance_type").value == "diag"
    assert at.selectbox(key="em_init").value == "random_from_data"
    assert at.number_input(key="seed").value == 3
    assert at.session_state[POSITION] == 5
    assert narration(at).startswith("**E-step 3")
    assert not [i for i in at.info if i.value.startswith("The settings changed")]
    names = [t.get("name", "") for t in figure_by_key(at, "em_map")["data"]]
    assert any(n.startswith("hill D") for n in names)
    assert at.query_params["em_step"] == "5"


def test_a_link_past_the_end_opens_at_the_end() -> None:
    # Random soft starts on well-separated blobs barely move: EM stops after 1
    # iteration, so a link to half-step 5 shows the last half-step (2).
    at = open_stepper(
        {
            "n_components": "4",
            "covariance_type": "diag",
            "seed": "3",
            "em_step": "5",
            "em_init": "random",
        }
    )
    assert at.number_input(key="n_components").value == 4
    assert at.selectbox(key="covariance_type").value == "diag"
    assert at.selectbox(key="em_init").value == "random"
    assert at.session_state[POSITION] == 2
    assert narration(at).startswith("**M-step 1")
    assert at.button(key="em_next").disabled
    assert at.query_params["em_step"] == "2"


def test_stop_message_says_one_iteration_in_the_singular() -> None:
    at = open_stepper(
        {"n_components": "4", "covariance_type": "diag", "em_init": "random"}
    )
    click(at, "em_run_end")
    assert "after 1 iteration:" in at.success[0].value


def test_stepping_writes_the_view_into_the_url(at: AppTest) -> None:
    assert at.query_params["em_step"] == "0"
    click(at, "em_next", times=3)
    assert at.query_params["em_step"] == "3"
    assert at.query_params["n_components"] == "3"
    assert at.query_params["covariance_type"] == "full"
    assert at.query_params["em_init"] == "k-means++"
    assert at.query_params["dataset"] == "blobs"
    at.selectbox(key="covariance_type").set_value("spherical").run()
    assert at.query_params["covariance_type"] == "spherical"
    assert at.query_params["em_step"] == "0"


def test_the_url_is_read_once_per_session() -> None:
    at = open_stepper({"em_step": "3"})
    assert at.session_state[POSITION] == 3
    click(at, "em_reset")
    at.switch_page("app.py").run()
    at.switch_page("pages/2_EM_stepper.py").run()
    assert at.session_state[POSITION] == 0  # the old link does not win again


def test_the_position_survives_a_visit_home(at: AppTest) -> None:
    click(at, "em_next", times=3)
    at.switch_page("app.py").run()
    at.switch_page("pages/2_EM_stepper.py").run()
    assert not at.exception
    assert at.session_state[POSITION] == 3
    assert narration(at).startswith("**E-step 2")


###############################################################################
# The collapse lab


def test_collapse_lab_sets_up_a_singularity_without_errors(at: AppTest) -> None:
    set_up_collapse(at)
    assert at.selectbox(key="em_init").value == "given"
    assert at.select_slider(key="em_reg_covar").value == 0.0
    assert at.select_slider(key="em_tol").value == 1e-6
    assert narration(at).startswith("**The guess.**")
    assert any("Your starting means" in c.value for c in at.caption)
    click(at, "em_next", times=2)
    assert_page_is_clean(at)
    click(at, "em_run_end")
    assert not at.exception
    for figure in plotly_figures(at):
        assert_finite_figure(figure)


def test_collapse_on_an_outlier_is_explained(at: AppTest) -> None:
    upload_csv(at, "outlier.csv", outlier_csv())
    set_up_collapse(at)
    click(at, "em_run_end")
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1
    assert "collapsed" in errors[0]
    assert "reg_covar" in errors[0]
    assert "hill A collapsed" in errors[0]  # the hill seeded on the outlier
    assert at.button(key="em_next").disabled
    for figure in plotly_figures(at):
        assert_finite_figure(figure)
    # Raising reg_covar is the cure the message names: no collapse any more. EM
    # from the lab's start (hill A on the outlier) now runs as the core's does and
    # says why it stopped: on these points, out of iterations.
    means = np.array(at.session_state[CHOSEN])
    assert means[0].tolist() == [30.0, 30.0]
    at.select_slider(key="em_reg_covar").set_value(1e-6).run()
    click(at, "em_run_end")
    assert not at.error
    X = np.loadtxt(io.BytesIO(outlier_csv()), delimiter=",", skiprows=1)
    start = initialize(
        X,
        len(means),
        method="given",
        means=means,
        widths=np.array(at.session_state[WIDTHS]),
        reg_covar=1e-6,
    )
    trace = list(em_steps(X, start, reg_covar=1e-6, tol=1e-6, max_iter=100))
    assert trace[-1].stop_reason == "max_iter"
    assert at.session_state[POSITION] == 2 * (len(trace) - 1)
    assert_says_why_it_stopped(at, trace[-1])


def test_collapse_lab_collapses_on_the_default_data(at: AppTest) -> None:
    set_up_collapse(at)
    click(at, "em_run_end")
    assert any("collapsed" in e.value for e in at.error)


###############################################################################
# Every dataset, every covariance type


@pytest.mark.parametrize("key", list(PRESETS))
def test_every_preset_steps_to_the_end(at: AppTest, key: str) -> None:
    at.selectbox(key="dataset").set_value(key).run()
    data = load_preset(key)
    assert f"{data.n_samples:,} points" in active_data_line(at)
    click(at, "em_next", times=2)
    assert narration(at).startswith("**M-step 1")
    assert_page_is_clean(at)
    click(at, "em_run_end")
    assert_page_is_clean(at)
    _, trace = core_trace(dataset=key)
    assert at.session_state[POSITION] == 2 * (len(trace) - 1)
    assert_says_why_it_stopped(at, trace[-1])
    keys = chart_keys(at)
    if data.n_features == 1:
        assert "em_map" not in keys
        names = [t.get("name", "") for t in figure_by_key(at, "em_curves")["data"]]
        assert "mixture (sum)" in names
    else:
        names = [t.get("name", "") for t in figure_by_key(at, "em_map")["data"]]
        assert "hill tops (means)" in names


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_every_covariance_type_steps(at: AppTest, covariance_type: str) -> None:
    open_numbers(at)
    at.selectbox(key="covariance_type").set_value(covariance_type).run()
    _, trace = core_trace(covariance_type)
    click(at, "em_next", times=4)
    assert narration(at).startswith("**M-step 2")
    assert_page_is_clean(at)
    sigma = latex_lines(at)[-1]
    words = {
        "full": r"\Sigma_A = ",
        "tied": "shared by every hill",
        "diag": r"\sigma^2_{A,d}",
        "spherical": r"\sigma^2_A = ",
    }
    assert words[covariance_type] in sigma
    click(at, "em_run_end")
    assert_page_is_clean(at)
    assert at.session_state[POSITION] == 2 * (len(trace) - 1)


###############################################################################
# Restarts, uploads, views


def test_restart_gallery_ranks_seeds_and_loads_one(at: AppTest) -> None:
    at.toggle(key="em_gallery_show").set_value(True).run()
    assert not at.exception
    restarts = at.slider(key="em_restarts").value
    tables = [df.value for df in at.dataframe if "verdict" in df.value.columns]
    assert len(tables) == 1
    table = tables[0]
    assert len(table) == restarts
    assert sorted(table["seed"]) == list(range(restarts))
    lls = list(table["final log-likelihood per point"])
    assert lls == sorted(lls, reverse=True)
    assert "em_gallery" in chart_keys(at)
    click(at, "em_next", times=2)
    other = int(table["seed"].iloc[-1]) or int(table["seed"].iloc[-2])
    at.selectbox(key="em_gallery_seed").set_value(other).run()
    click(at, "em_gallery_load")
    assert at.number_input(key="seed").value == other
    assert at.session_state[POSITION] == 0
    assert at.query_params["seed"] == str(other)


def test_an_uploaded_csv_is_stepped_through(at: AppTest) -> None:
    rng = np.random.default_rng(1)
    X = np.vstack([rng.normal(0, 1, (40, 2)), rng.normal(6, 1, (40, 2))])
    upload_csv(at, "people.csv", csv_bytes(X, ["height", "weight"]))
    assert "people" in active_data_line(at)
    assert "80 points" in active_data_line(at)
    assert at.selectbox(key="dataset").value == "upload"
    assert at.session_state[POSITION] == 0
    figure = figure_by_key(at, "em_map")
    assert figure["layout"]["xaxis"]["title"]["text"] == "height"
    click(at, "em_next", times=2)
    assert_page_is_clean(at)
    click(at, "em_run_end")
    assert_page_is_clean(at)


def test_four_features_get_a_view_picker(at: AppTest) -> None:
    rng = np.random.default_rng(2)
    X = np.vstack([rng.normal(0, 1, (50, 4)), rng.normal([4, 4, 0, 1], 1, (50, 4))])
    upload_csv(at, "four.csv", csv_bytes(X, ["a", "b", "c", "d"]))
    view = at.selectbox(key="em_view")
    assert view.label.startswith("View (4 features")
    assert view.value == "pca"
    assert len(view.options) == 1 + 6  # PCA and every pair of features
    titles = figure_by_key(at, "em_map")["layout"]
    assert titles["xaxis"]["title"]["text"].startswith("PC 1")
    click(at, "em_next", times=3)
    assert_page_is_clean(at)
    at.selectbox(key="em_view").set_value("0,2").run()
    layout = figure_by_key(at, "em_map")["layout"]
    assert layout["xaxis"]["title"]["text"] == "a"
    assert layout["yaxis"]["title"]["text"] == "c"
    assert at.session_state[POSITION] == 3  # another view is not another fit
    assert_page_is_clean(at)


def test_the_restart_note_is_said_once_and_not_for_placed_hills() -> None:
    """Issue 17: the note shows on the run the settings changed, then goes."""
    at = open_stepper()
    restart = "The settings changed, so EM starts again from its guess."

    def notes() -> list[str]:
        return [i.value for i in at.info if i.value == restart]

    at.number_input(key="n_components").set_value(2).run()
    assert notes() == [restart]
    click(at, "em_next")
    assert notes() == []
    at.selectbox(key="em_init").set_value("given").run()
    for k, row in enumerate([17, 120]):
        click_live_chart(
            at, f"em_place_{k}", {"selection": {"points": [{"customdata": [row]}]}}
        )
        assert not at.exception
        assert notes() == []
    assert narration(at).startswith("**The guess.** 2 hills placed where you clicked")
