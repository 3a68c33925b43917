"""The "Check yourself" questions of the Fog explorer, Covariance shapes and
Choosing K, through AppTest: answered wrong, then retried and right.

Off by default (``check_fx``, ``check_cs``, ``check_ck``), so a student who only
explores sees one toggle. Switched on, each page asks three to five questions
(radios keyed ``check_fx_*``, ``check_cs_*``, ``check_ck_*``) and answers at once,
in words. The expected answers are read from what the page draws (the marked
points' shares on the big map, the comparison table, the criteria chart's stars
once shown), not written into the test. On Choosing K the stars, the verdict and
the sections below hide until BIC's K is guessed or revealed (``check_ck_reveal``).
"""

from __future__ import annotations

import re

import numpy as np
from apptest_helpers import ROOT, decoded, figure_by_key, ok
from sklearn.mixture import GaussianMixture
from streamlit.testing.v1 import AppTest

from gmm_app.choosing_k.panels import NUMBERS_SECTION

EXPLORER = "pages/1_Fog_explorer.py"
SHAPES = "pages/3_Covariance_shapes.py"
CHOOSING_K = "pages/4_Choosing_K.py"


def open_page(page: str, dataset: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    at.switch_page(page).run()
    at.selectbox(key="dataset").set_value(dataset).run()
    return ok(at)


def feedback(at: AppTest) -> tuple[list[str], list[str]]:
    """The texts of the right (success) and wrong (warning) feedback on screen."""
    right = [s.value for s in at.success if s.value.startswith("**Right")]
    wrong = [w.value for w in at.warning if w.value.startswith("**Not quite")]
    return right, wrong


def answer(at: AppTest, key: str, option: str) -> tuple[list[str], list[str]]:
    radio = at.radio(key=key)
    radio.set_value(radio.options.index(option)).run()
    ok(at)
    return feedback(at)


def wrong_then_right(at: AppTest, key: str, right: str) -> None:
    """Pick a wrong answer (warning naming the right one), then retry right."""
    options = at.radio(key=key).options
    wrong = next(o for o in options if o != right)
    _, before_wrong = feedback(at)
    got_right, got_wrong = answer(at, key, wrong)
    assert len(got_wrong) == len(before_wrong) + 1
    new = [w for w in got_wrong if w not in before_wrong] or got_wrong[-1:]
    assert f"the answer is *{right}*, not *{wrong}*" in new[0]
    assert any("Pick another answer to try again" in c.value for c in at.caption)
    got_right, got_wrong = answer(at, key, right)
    assert len(got_wrong) == len(before_wrong)
    assert any(r.startswith(f"**Right: *{right}*.**") for r in got_right)


###############################################################################
# Fog explorer


def _marks(at: AppTest) -> dict[str, int]:
    fig = figure_by_key(at, "fx_map")
    (trace,) = [t for t in fig["data"] if t.get("name", "").startswith("points asked")]
    return {
        text.split(":")[0]: int(text.rsplit("#", 1)[1]) for text in trace["hovertext"]
    }


def _shares(at: AppTest) -> dict[int, np.ndarray]:
    """Each point's shares (P(hill A), ...) from the big map's hover data."""
    fig = figure_by_key(at, "fx_map")
    k = at.number_input(key="n_components").value
    rows = {}
    for t in fig["data"]:
        if t.get("customdata") is None or not t.get("name", "").startswith("hill "):
            continue
        table = np.array(decoded(t["customdata"]), dtype=float).reshape(-1, k + 2)
        for row in table:
            rows[int(row[0])] = row[1 : k + 1]
    return rows


def test_the_explorer_asks_only_when_switched_on() -> None:
    at = open_page(EXPLORER, "overlapping")
    assert at.toggle(key="check_fx").value is False
    assert not [r for r in at.radio if r.key.startswith("check_")]
    at.session_state["fx_show_map"] = True  # the big map opens on demand
    names = [t.get("name", "") for t in figure_by_key(ok(at.run()), "fx_map")["data"]]
    assert not any(n.startswith("points asked") for n in names)
    at.toggle(key="check_fx").set_value(True).run()
    keys = [r.key for r in ok(at).radio if r.key.startswith("check_")]
    assert keys == ["check_fx_valley", "check_fx_agree", "check_fx_clear"]
    assert set(_marks(at)) == {"P", "Q", "R"}


def test_the_explorer_checks_answer_from_the_map() -> None:
    at = open_page(EXPLORER, "overlapping")
    at.toggle(key="check_fx").set_value(True).run()
    marks, shares = _marks(at), _shares(at)
    threshold = at.slider(key="fx_valley").value
    in_valley = [p for p in ("P", "Q") if shares[marks[p]].max() < threshold]
    assert len(in_valley) == 1
    wrong_then_right(at, "check_fx_valley", in_valley[0])
    (right,) = feedback(at)[0]
    top = shares[marks[in_valley[0]]].max()
    assert f"{round(100 * top)}%" in right

    # K-Means against the GMM on R: right is one of the two, wrong the other.
    got_right, _ = answer(at, "check_fx_agree", "Yes, the same")
    says_same = any("*Yes, the same*" in r for r in got_right)
    expected = "Yes, the same" if says_same else "No, they differ"
    wrong_then_right(at, "check_fx_agree", expected)

    wrong_then_right(at, "check_fx_clear", "None")
    assert any("0 of 400 change hill" in r for r in feedback(at)[0])


def test_another_seed_asks_about_other_points() -> None:
    at = open_page(EXPLORER, "overlapping")
    at.toggle(key="check_fx").set_value(True).run()
    at.radio(key="check_fx_valley").set_value(0).run()
    first = _marks(at)
    at.number_input(key="seed").set_value(5).run()
    ok(at)
    assert _marks(at) != first
    assert at.radio(key="check_fx_valley").value is None  # a new question


###############################################################################
# Covariance shapes


def _sklearn_count(covariance_type: str, k: int, d: int) -> int:
    gm = GaussianMixture(k, covariance_type=covariance_type)
    gm.means_ = np.zeros((k, d))
    return int(gm._n_parameters())


def test_the_shapes_checks_answer_from_the_four_fits() -> None:
    at = open_page(SHAPES, "elongated")
    assert not [r for r in at.radio if r.key.startswith("check_")]
    at.toggle(key="check_cs").set_value(True).run()
    keys = [r.key for r in ok(at).radio if r.key.startswith("check_")]
    assert keys[:4] == [
        "check_cs_params",
        "check_cs_bic",
        "check_cs_tied",
        "check_cs_round",
    ]
    # The demo of a constant feature shows the trap: a collapsed type propped
    # up by reg_covar scores the highest likelihood.
    assert keys[4:] == ["check_cs_collapse"]
    k = at.number_input(key="n_components").value
    wrong_then_right(at, "check_cs_params", str(_sklearn_count("diag", k, 2)))

    table = next(t.value for t in at.table if "best by BIC" in t.value)
    best = table.loc[table["best by BIC"] != "", "covariance type"].iloc[0]
    wrong_then_right(at, "check_cs_bic", best.split(":")[0])
    wrong_then_right(
        at, "check_cs_tied", "No: the same shape, but each its own top and weight"
    )
    got_right, got_wrong = answer(at, "check_cs_round", "Yes, all the same width")
    assert len(got_right) + len(got_wrong) == 4  # every question answered so far
    wrong_then_right(
        at, "check_cs_collapse", "No: its likelihood comes from a hill squeezed flat"
    )
    (line,) = [r for r in feedback(at)[0] if "squeezed flat" in r]
    assert "narrowest variance is 1e-06" in line


def test_more_hills_change_the_parameter_question() -> None:
    at = open_page(SHAPES, "blobs")
    at.toggle(key="check_cs").set_value(True).run()
    before = at.radio(key="check_cs_params").options
    at.number_input(key="n_components").set_value(5).run()
    ok(at)
    options = at.radio(key="check_cs_params").options
    assert options != before
    assert str(_sklearn_count("diag", 5, 2)) in options


###############################################################################
# Choosing K


def _stars(at: AppTest) -> dict[str, int]:
    fig = figure_by_key(at, "ck_chart")
    return {
        t["name"].split()[0]: int(t["x"][0])
        for t in fig["data"]
        if t.get("name", "").endswith("minimum") and t.get("xaxis", "x") == "x"
    }


def _subheaders(at: AppTest) -> list[str]:
    return [s.value for s in at.subheader]


def test_choosing_k_hides_bics_pick_until_it_is_guessed() -> None:
    at = open_page(CHOOSING_K, "blobs")
    stars = _stars(at)
    assert "BIC" in stars
    assert "Every fit in numbers" in _subheaders(at)
    at.toggle(key="check_ck").set_value(True).run()
    ok(at)
    assert _stars(at) == {}
    assert any("verdict and the stars wait" in i.value for i in at.info)
    assert "Every fit in numbers" not in _subheaders(at)
    assert "Occam's razor: fit against penalty" not in _subheaders(at)
    keys = [r.key for r in at.radio if r.key.startswith("check_")]
    assert keys == ["check_ck_bic", "check_ck_fit", "check_ck_cost"]

    bic_k = f"K = {stars['BIC']}"
    wrong = next(o for o in at.radio(key="check_ck_bic").options if o != bic_k)
    _, got_wrong = answer(at, "check_ck_bic", wrong)
    assert f"the answer is *{bic_k}*" in got_wrong[0]
    assert _stars(at) == stars  # answered: the stars are back
    assert "Every fit in numbers" in _subheaders(at)
    got_right, _ = answer(at, "check_ck_bic", bic_k)
    assert any(r.startswith(f"**Right: *{bic_k}*.**") for r in got_right)


def test_choosing_k_reveal_and_the_other_checks() -> None:
    at = open_page(CHOOSING_K, "blobs")
    at.toggle(key="check_ck").set_value(True).run()
    assert _stars(ok(at)) == {}
    at.button(key="check_ck_reveal").click().run()
    assert "BIC" in _stars(ok(at))
    assert not [b for b in at.button if b.key == "check_ck_reveal"]

    at.session_state[NUMBERS_SECTION] = True  # every fit in numbers, on demand
    at.run()
    table = next(df.value for df in at.dataframe if "ln L" in df.value)
    first = table[table["covariance type"] == table["covariance type"].iloc[0]]
    top_k = int(first.loc[first["ln L"].idxmax(), "K"])
    wrong_then_right(at, "check_ck_fit", f"K = {top_k}")

    n = 300  # the blobs' points
    p = first.set_index("K")["free parameters"]
    added = int(p[2] - p[1])
    wrong_then_right(at, "check_ck_cost", f"{added * np.log(n):,.1f}")
    (line,) = [r for r in feedback(at)[0] if "charges ln N" in r]
    assert re.search(rf"ln 300 = {np.log(n):.2f}", line)

    # New data asks afresh, and hides the pick again.
    at.selectbox(key="dataset").set_value("overlapping").run()
    assert _stars(ok(at)) == {}
    assert at.radio(key="check_ck_fit").value is None
