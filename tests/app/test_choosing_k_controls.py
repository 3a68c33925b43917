"""Choosing K's controls through AppTest: what a student sees change.

Restarts (``ck_restarts``) never lower a K's best log-likelihood; the ICL toggle
(``ck_icl``) draws BIC plus twice the points' assignment entropy; the held-out
check (``ck_heldout``) scores the held-out rows as scikit-learn's
``GaussianMixture.score`` does; a click on the criteria chart, the type and K
pickers (``ck_pick_type``, ``ck_pick_k``) choose the fit drawn; ``ck_use`` hands
that K and type to the other pages; the razor's radio (``ck_razor_type``) shows
that type's penalties; the view picker (``ck_view``) redraws the fit in the plane
chosen. Every expected number comes from scikit-learn, from ``gmm_core`` called
here, or from a closed form.
"""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from apptest_helpers import (
    ROOT,
    chart_keys,
    click_live_chart,
    decoded,
    figure_by_key,
    upload_csv,
)
from sklearn.mixture import GaussianMixture
from streamlit.testing.v1 import AppTest

from gmm_app.choosing_k.panels import NUMBERS_SECTION, RAZOR_SECTION
from gmm_core import GMMParams, fit, load_preset, read_table
from gmm_core.selection import SweepFit, best_per_setting, sweep

PAGE = "pages/4_Choosing_K.py"
STEPPER = "pages/2_EM_stepper.py"
EXPLORER = "pages/1_Fog_explorer.py"
KS = range(1, 10)  # the page's default: K = 1 to 9
HEADING = re.compile(r"\*\*(\d+) hills?, (\w+) covariance: (\d+) free parameters\*\*")


def open_k(dataset: str = "blobs", types: list[str] | None = None) -> AppTest:
    """A fresh session on Choosing K, reached from Home, on ``dataset``, with
    Occam's razor opened (it opens on demand)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.session_state[RAZOR_SECTION] = True
    at.session_state[NUMBERS_SECTION] = True
    at.switch_page(PAGE).run()
    if dataset != "blobs":
        at.selectbox(key="dataset").set_value(dataset).run()
    if types is not None:
        at.multiselect(key="ck_types").set_value(types).run()
    return ok(at)


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def run(at: AppTest) -> AppTest:
    return ok(at.run())


def table(at: AppTest) -> pd.DataFrame:
    found = [df.value for df in at.dataframe if "BIC" in df.value.columns]
    assert len(found) == 1
    return found[0]


def best_fits(
    X: np.ndarray, types: list[str], n_init: int = 3
) -> dict[tuple[str, int], SweepFit]:
    """The best restart of every (type, K), from ``gmm_core`` called here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return best_per_setting(sweep(X, KS, types, n_init=n_init, seed=0))


def sklearn_model(params: GMMParams) -> GaussianMixture:
    """A scikit-learn mixture holding exactly these fitted parameters."""
    gm = GaussianMixture(params.n_components, covariance_type=params.covariance_type)
    gm.weights_ = params.weights
    gm.means_ = params.means
    gm.covariances_ = params.covariances
    gm.precisions_cholesky_ = params.precisions_cholesky
    return gm


def trace(figure: dict, name: str, axis: str | None = None) -> dict:
    found = [
        t
        for t in figure["data"]
        if t.get("name") == name and (axis is None or t.get("xaxis", "x") == axis)
    ]
    assert len(found) == 1, f"{len(found)} traces named {name!r}"
    return found[0]


def xy(t: dict) -> tuple[np.ndarray, np.ndarray]:
    return np.array(decoded(t["x"])), np.array(decoded(t["y"]))


def heading(at: AppTest) -> tuple[int, str, int]:
    """(K, type, free parameters) of the fit drawn, as its heading says."""
    found = [m.group(1, 2, 3) for m in map(HEADING.match, at.markdown.values) if m]
    assert len(found) == 1, found
    k, ctype, p = found[0]
    return int(k), ctype, int(p)


def drawn_tops(at: AppTest) -> np.ndarray:
    """The hill tops of the fit drawn beside the chart, shape (K, 2)."""
    x, y = xy(trace(figure_by_key(at, "ck_fit"), "hill tops (means)"))
    return np.column_stack([x, y])


def sorted_rows(a: np.ndarray) -> np.ndarray:
    return a[np.lexsort(a.T[::-1])]


###############################################################################
# The settings row


def test_more_restarts_never_lower_a_ks_best_log_likelihood() -> None:
    at = open_k()
    X = load_preset("blobs").X
    seen = {}
    for n_init in (1, 3, 6):
        at.number_input(key="ck_restarts").set_value(n_init)
        run(at)
        seen[n_init] = table(at)["ln L"].to_numpy()
        best = best_fits(X, ["full"], n_init)
        expected = [best[("full", k)].params for k in KS]
        lnl = [float(sklearn_model(p).score(X)) * len(X) for p in expected]
        np.testing.assert_allclose(seen[n_init], lnl, rtol=1e-9)
        assert (table(at)["restarts kept"] <= n_init).all()
    words = " ".join(at.caption.values)
    assert "the band spans the 6 restarts" in words
    assert np.all(seen[3] >= seen[1] - 1e-9)
    assert np.all(seen[6] >= seen[3] - 1e-9)
    assert np.any(seen[3] > seen[1] + 0.1)  # restarts do find better fits here
    at.number_input(key="ck_restarts").set_value(1)
    run(at)
    assert "one restart each, so no band" in " ".join(at.caption.values)
    chart = figure_by_key(at, "ck_chart")
    low = decoded(trace(chart, "BIC lowest restart")["y"])
    high = decoded(trace(chart, "BIC spread over restarts")["y"])
    assert low == high  # one restart: the band has no width


def test_icl_is_bic_plus_twice_the_assignment_entropy() -> None:
    at = open_k()
    assert "ICL" not in {t.get("name") for t in figure_by_key(at, "ck_chart")["data"]}
    assert "ICL" not in table(at).columns
    at.toggle(key="ck_icl").set_value(True)
    run(at)
    X = load_preset("blobs").X
    best = best_fits(X, ["full"])
    expected = []
    for k in KS:
        gm = sklearn_model(best[("full", k)].params)
        resp = gm.predict_proba(X)
        # R's mclust: each point pays -ln of its likeliest hill's share, twice.
        entropy = float(-np.log(resp.max(axis=1)).sum())
        expected.append(gm.bic(X) + 2 * entropy)
    np.testing.assert_allclose(table(at)["ICL"], expected, rtol=1e-9)
    icl = trace(figure_by_key(at, "ck_chart"), "ICL")
    np.testing.assert_allclose(decoded(icl["y"]), expected, rtol=1e-9)
    assert any(
        v.startswith("K = 3: BIC") and "| ICL = " in v for v in at.markdown.values
    )


def test_the_held_out_check_scores_held_out_rows_like_scikit_learn() -> None:
    at = open_k()
    assert "ck_heldout_chart" not in chart_keys(at)
    at.toggle(key="ck_heldout").set_value(True)
    run(at)
    X = load_preset("blobs").X
    order = np.random.default_rng(0).permutation(len(X))  # seed 0, a quarter out
    out, kept = X[order[:75]], X[order[75:]]
    held, fitting = [], []
    for k in KS:
        restarts = [
            fit(kept, k, covariance_type="full", init="kmeans", seed=s).params
            for s in range(3)
        ]
        gm = max(map(sklearn_model, restarts), key=lambda g: g.score(kept))
        held.append(gm.score(out))
        fitting.append(gm.score(kept))
    chart = figure_by_key(at, "ck_heldout_chart")
    np.testing.assert_allclose(
        decoded(trace(chart, "full: held-out points")["y"]), held, rtol=1e-9
    )
    np.testing.assert_allclose(
        decoded(trace(chart, "full: fitting points")["y"]), fitting, rtol=1e-9
    )
    words = " ".join(at.markdown.values)
    assert "Fitted on 225 points and scored on the other 75" in words
    assert f"full at {int(np.argmax(held)) + 1} hills" in words


###############################################################################
# Choosing the fit drawn

TYPES = ["full", "spherical"]  # on elongated blobs BIC picks 3 and 8 hills


@pytest.fixture(scope="module")
def elongated_fits() -> dict[tuple[str, int], SweepFit]:
    return best_fits(load_preset("elongated").X, TYPES)


def bic_pick(fits: dict[tuple[str, int], SweepFit], ctype: str) -> int:
    X = load_preset("elongated").X
    bics = [sklearn_model(fits[(ctype, k)].params).bic(X) for k in KS]
    return int(np.argmin(bics)) + 1


def assert_drawn(at: AppTest, fits: dict, ctype: str, k: int) -> None:
    """The page draws ``ctype`` with ``k`` hills: pickers, heading, map, ring."""
    params = fits[(ctype, k)].params
    assert at.selectbox(key="ck_pick_k").value == k
    assert at.selectbox(key="ck_pick_type").value == ctype
    assert heading(at) == (k, ctype, sklearn_model(params)._n_parameters())
    np.testing.assert_allclose(
        sorted_rows(drawn_tops(at)), sorted_rows(params.means), rtol=1e-9
    )
    ring = trace(figure_by_key(at, "ck_chart"), "the fit drawn")
    assert ring["xaxis"] == ("x" if ctype == TYPES[0] else "x2")
    assert decoded(ring["x"]) == [k, k]


def test_a_click_on_the_criteria_chart_draws_that_fit(elongated_fits) -> None:
    at = open_k("elongated", TYPES)
    assert_drawn(at, elongated_fits, "full", bic_pick(elongated_fits, "full"))
    # As the live chart reports a click: the point's row, customdata = [K, panel].
    run(click_live_chart(at, "ck_chart", {"row": 4, "customdata": [4, 1]}))
    assert_drawn(at, elongated_fits, "spherical", 4)
    run(click_live_chart(at, "ck_chart", {"row": 6, "customdata": [6, 0]}))
    assert_drawn(at, elongated_fits, "full", 6)
    run(at.selectbox(key="ck_pick_k").set_value(2))
    assert_drawn(at, elongated_fits, "full", 2)
    run(click_live_chart(at, "ck_chart", {"row": 6, "customdata": [6, 0]}))
    assert_drawn(at, elongated_fits, "full", 6)  # the same point again, after a pick


def test_picking_a_type_draws_its_bic_pick(elongated_fits) -> None:
    at = open_k("elongated", TYPES)
    assert_drawn(at, elongated_fits, "full", 3)
    at.selectbox(key="ck_pick_type").set_value("spherical")
    run(at)
    assert_drawn(at, elongated_fits, "spherical", bic_pick(elongated_fits, "spherical"))
    assert bic_pick(elongated_fits, "spherical") == 8


def test_picking_k_draws_that_fit_with_its_numbers() -> None:
    at = open_k()
    at.selectbox(key="ck_pick_k").set_value(6)
    run(at)
    X = load_preset("blobs").X
    params = best_fits(X, ["full"])[("full", 6)].params
    gm = sklearn_model(params)
    # 6 hills in 2-D, full: 5 free weights + 12 mean coordinates + 6 × 3.
    assert heading(at) == (6, "full", 5 + 12 + 18) == (6, "full", gm._n_parameters())
    weights_note = "The 6 weights sum to 1, so only 5 of them are free."
    assert any(weights_note in c for c in at.caption.values)
    np.testing.assert_allclose(
        sorted_rows(drawn_tops(at)), sorted_rows(params.means), rtol=1e-9
    )
    line = next(v for v in at.markdown.values if v.startswith("K = 6: BIC = "))
    bic, aic = (
        float(re.search(rf"{n} = ([-\d,.]+)", line)[1].replace(",", ""))
        for n in ("BIC", "AIC")
    )
    assert bic == pytest.approx(gm.bic(X), abs=0.051)
    assert aic == pytest.approx(gm.aic(X), abs=0.051)


def test_use_gives_the_other_pages_that_k_and_type() -> None:
    at = open_k("elongated", TYPES)
    at.selectbox(key="ck_pick_type").set_value("spherical")
    run(at)
    at.selectbox(key="ck_pick_k").set_value(5)
    run(at)
    at.button(key="ck_use").click()
    run(at)
    assert any("5 hills and spherical covariances" in s.value for s in at.success)
    for page in (STEPPER, EXPLORER):
        at.switch_page(page)
        run(at)
        assert at.number_input(key="n_components").value == 5
        assert at.selectbox(key="covariance_type").value == "spherical"


def test_the_razor_radio_shows_that_types_penalties(elongated_fits) -> None:
    at = open_k("elongated", TYPES)
    X = load_preset("elongated").X
    n = len(X)
    for ctype, per_k in (("full", 6), ("spherical", 4)):  # p = per_k × K - 1 in 2-D
        if ctype != "full":
            at.radio(key="ck_razor_type").set_value(ctype)
            run(at)
        assert at.radio(key="ck_razor_type").value == ctype
        figure = figure_by_key(at, "ck_razor")
        p = np.array([per_k * k - 1 for k in KS])
        bic = trace(figure, "BIC penalty")
        aic = trace(figure, "AIC penalty")
        np.testing.assert_allclose(decoded(bic["y"]), p * math.log(n), rtol=1e-12)
        np.testing.assert_allclose(decoded(aic["y"]), 2 * p, rtol=1e-12)
        fit_term = np.array(
            [
                -2 * n * sklearn_model(elongated_fits[(ctype, k)].params).score(X)
                for k in KS
            ]
        )
        bars = trace(figure, "fit: −2 ln L (above its best)", axis="x")
        np.testing.assert_allclose(
            decoded(bars["y"]), fit_term - fit_term.min(), atol=1e-6
        )


def test_the_view_picker_redraws_the_fit_in_that_plane() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page(PAGE).run()
    content = (ROOT / "samples" / "customers.csv").read_bytes()
    upload_csv(at, "customers.csv", content)
    ok(at)
    data = read_table(content, "customers.csv")
    assert data.n_features == 3
    view = at.selectbox(key="ck_view")
    assert view.options == [
        "PCA view (the two directions of widest spread)",
        *(
            f"{data.feature_names[i]} vs {data.feature_names[j]}"
            for i, j in ((0, 1), (0, 2), (1, 2))
        ),
    ]
    k, ctype, _ = heading(at)
    params = best_fits(data.X, ["full"])[(ctype, k)].params
    for i, j in ((0, 2), (1, 2)):
        at.selectbox(key="ck_view").set_value(f"{i},{j}")
        run(at)
        assert heading(at)[:2] == (k, ctype)  # another view, the same fit
        layout = figure_by_key(at, "ck_fit")["layout"]
        assert layout["xaxis"]["title"]["text"] == data.feature_names[i]
        assert layout["yaxis"]["title"]["text"] == data.feature_names[j]
        np.testing.assert_allclose(
            sorted_rows(drawn_tops(at)),
            sorted_rows(params.means[:, [i, j]]),
            rtol=1e-9,
        )
