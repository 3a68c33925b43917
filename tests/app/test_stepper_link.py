"""Issue 17, item 1: a shared EM stepper link reopens exactly the run it was copied
from: every setting that changes what is drawn (tol, max iterations and reg_covar
included), the hill tops placed by hand, the view and the half-step.

Each test sets a run up as an instructor would, reads the URL the page wrote, opens
that URL in a fresh session and compares what a student would see: the widgets, the
narration, the hill tops on the map, and where EM stops.
"""

from __future__ import annotations

import numpy as np
from apptest_helpers import (
    POSITION,
    click,
    click_live_chart,
    decoded,
    figure_by_key,
    narration,
    open_stepper,
    upload_csv,
)
from streamlit.testing.v1 import AppTest

from gmm_app.stepper.settings import means_param, means_text
from gmm_core import load_preset

# The widgets a reopened link must show as they were.
_NUMBERS = ("n_components", "seed", "em_max_iter")
_CHOICES = ("covariance_type", "em_init", "dataset")
_SLIDERS = ("em_tol", "em_reg_covar")


def hill_tops(at: AppTest) -> np.ndarray:
    """Where the map draws the hill tops (the means), shape (K, 2)."""
    figure = figure_by_key(at, "em_map")
    (tops,) = [t for t in figure["data"] if t.get("name") == "hill tops (means)"]
    return np.column_stack([decoded(tops["x"]), decoded(tops["y"])])


def link_of(at: AppTest) -> dict[str, str]:
    """The query parameters of the page's URL: what a copied link carries."""
    return {name: at.query_params[name] for name in at.query_params}


def widgets(at: AppTest) -> dict[str, object]:
    """The values a student reads in the settings row and the sidebar."""
    values: dict[str, object] = {}
    values.update({k: at.number_input(key=k).value for k in _NUMBERS})
    values.update({k: at.selectbox(key=k).value for k in _CHOICES})
    values.update({k: at.select_slider(key=k).value for k in _SLIDERS})
    return values


def assert_same_run(original: AppTest, reopened: AppTest) -> None:
    """Same widgets, same half-step and map, and EM stops at the same step."""
    assert widgets(reopened) == widgets(original)
    assert reopened.session_state[POSITION] == original.session_state[POSITION]
    assert narration(reopened) == narration(original)
    np.testing.assert_allclose(hill_tops(reopened), hill_tops(original), atol=1e-12)
    for at in (original, reopened):
        click(at, "em_run_end")
    assert reopened.session_state[POSITION] == original.session_state[POSITION]
    assert narration(reopened) == narration(original)
    np.testing.assert_allclose(hill_tops(reopened), hill_tops(original), atol=1e-12)


def test_a_copied_link_reopens_the_same_run_with_tol_and_max_iterations() -> None:
    at = open_stepper()
    at.selectbox(key="dataset").set_value("old_faithful").run()
    at.number_input(key="n_components").set_value(4).run()
    at.selectbox(key="covariance_type").set_value("diag").run()
    at.number_input(key="seed").set_value(7).run()
    at.select_slider(key="em_tol").set_value(1e-2).run()
    at.number_input(key="em_max_iter").set_value(40).run()
    click(at, "em_next", times=5)
    assert not at.exception
    link = link_of(at)
    assert link["em_tol"] == "0.01" and link["em_max_iter"] == "40"
    assert link["em_step"] == "5"

    reopened = open_stepper(link)
    assert widgets(reopened)["em_tol"] == 1e-2
    assert widgets(reopened)["em_max_iter"] == 40
    assert narration(reopened).startswith("**E-step 3")
    assert_same_run(at, reopened)
    assert link_of(reopened) == link_of(at)  # the reopened page writes the same link


def test_a_link_keeps_the_hill_tops_placed_by_hand() -> None:
    at = open_stepper()
    X = load_preset("blobs").X
    at.selectbox(key="em_init").set_value("given").run()
    # One hill on a point, two on empty space (where the student clicked).
    clicks = [{"row": 17}, {"x": 0.5, "y": 0.25}, {"x": -3.14159, "y": 6.02}]
    for k, where in enumerate(clicks):
        click_live_chart(at, f"em_place_{k}", {**where, "click": f"click {k}"})
        assert not at.exception
    # Kept to a thousandth of each feature's range (a link carries a few digits).
    digits = [3 - int(np.floor(np.log10(np.ptp(x)))) for x in X.T]
    wanted = [X[17], [0.5, 0.25], [-3.14159, 6.02]]
    placed = np.array(
        [[round(v, d) for v, d in zip(m, digits, strict=True)] for m in wanted]
    )
    np.testing.assert_allclose(hill_tops(at), placed, atol=1e-12)
    click(at, "em_next", times=3)
    link = link_of(at)
    assert link["em_init"] == "given"
    assert means_param(link["em_means"]) == tuple(map(tuple, placed))
    assert link["em_means"] == means_text(placed.tolist())
    assert len(link["em_means"]) < 40  # short enough to read

    reopened = open_stepper(link)
    assert reopened.selectbox(key="em_init").value == "given"
    assert not [i for i in reopened.info if "anywhere on the map" in i.value]
    assert_same_run(at, reopened)


def test_the_view_of_data_with_more_features_is_in_the_url() -> None:
    at = open_stepper()
    rng = np.random.default_rng(2)
    X = np.vstack([rng.normal(0, 1, (40, 3)), rng.normal([4, 4, 0], 1, (40, 3))])
    text = "a,b,c\n" + "\n".join(",".join(f"{v:.6f}" for v in row) for row in X)
    upload_csv(at, "three.csv", text.encode())
    assert at.query_params["em_view"] == "pca"
    at.selectbox(key="em_view").set_value("0,2").run()
    assert at.query_params["em_view"] == "0,2"


def test_a_view_the_data_does_not_have_is_named() -> None:
    # Preset data has two features: there is no view to choose.
    at = open_stepper({"em_view": "1,3"})
    assert not at.exception
    assert (
        "The link asked for em_view = 1,3, which Fogmap does not know; "
        "leaving it out." in notes(at)
    )
    assert "em_view" not in at.query_params


def notes(at: AppTest) -> list[str]:
    """The toasts on the page, as a student reads them (Markdown escapes gone)."""
    return [t.value.replace("\\", "") for t in at.toast]


def test_placed_means_that_do_not_fit_are_named_not_used() -> None:
    # Two means for three hills: a note, and the student places them afresh.
    at = open_stepper({"em_init": "given", "em_means": "1,2;3,4"})
    assert not at.exception
    assert (
        "The link asked for em_means = 1,2;3,4, which Fogmap does not know; "
        "leaving it out." in notes(at)
    )
    assert [i.value for i in at.info if "(1 of 3)" in i.value]
    assert "em_means" not in at.query_params
    # Not numbers: the same note, never a traceback.
    at = open_stepper({"em_means": "a,b;c,d;e,f"})
    assert not at.exception
    assert any(
        n.startswith("The link asked for em_means = a,b;c,d;e,f") for n in notes(at)
    )
    assert at.selectbox(key="em_init").value == "k-means++"


def test_a_tol_or_max_iterations_the_page_does_not_offer_is_named() -> None:
    at = open_stepper({"em_tol": "0.5", "em_max_iter": "many"})
    assert not at.exception
    assert at.select_slider(key="em_tol").value == 1e-3
    assert at.number_input(key="em_max_iter").value == 100
    said = " ".join(notes(at))
    assert "em_tol = 0.5" in said and "em_max_iter = many" in said


def test_the_means_text_reads_back_and_rejects_what_is_not_means() -> None:
    assert means_param("1.2,3.4;5.6,7.8") == ((1.2, 3.4), (5.6, 7.8))
    assert means_text([(1.2, 3.4), (5.6, 78.0)]) == "1.2,3.4;5.6,78"
    for bad in ("", "1,2;3", "1,x", "nan,1", "inf,2;3,4", "1;;2"):
        assert means_param(bad) is None, bad
