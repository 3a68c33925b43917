"""The Covariance shapes page, driven through Streamlit's AppTest.

What a student would notice: four panels (one per covariance type) for every
preset and upload, parameter counts, BIC and AIC that equal scikit-learn's, a
sandbox that follows its sliders, and a singular covariance that is explained,
not a traceback.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import plotly.graph_objects as go
import pytest
from apptest_helpers import (
    ROOT,
    assert_finite_figure,
    chart_keys,
    figure_by_key,
    latex_lines,
    plotly_figures,
    sklearn_from_the_same_starts,
    upload_csv,
)
from streamlit.testing.v1 import AppTest

from gmm_app.shapes import figures as shapes_figures
from gmm_app.shapes.model import clone_centres
from gmm_app.shapes.panels import ALL_TYPES, FIRST_TYPES, MORE_TYPES
from gmm_app.shapes.sandbox import SECTION as SANDBOX_SECTION
from gmm_app.shapes.singular import SECTION as DEMO_SECTION
from gmm_core import PRESETS, fit, load_preset
from gmm_core.shapes import (
    closest_covariance,
    covariance_from_spreads,
    few_points,
    sample_hill,
    standardise,
    with_constant_feature,
)

PAGE = "pages/3_Covariance_shapes.py"
# The panels in page order: the first screen's two, then the section's two.
PAGE_TYPES = (*FIRST_TYPES, *MORE_TYPES)
PANELS = [f"cs_panel_{t}" for t in PAGE_TYPES]
COLLAPSE_EXPLANATION = "EM stopped at iteration"


def open_shapes() -> AppTest:
    """A fresh session on the Covariance shapes page, reached from Home, with all
    four panels, the sandbox and the "What goes wrong" demo opened (they open on
    demand)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.session_state[ALL_TYPES] = True
    at.session_state[SANDBOX_SECTION] = True
    at.session_state[DEMO_SECTION] = True
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture(scope="module")
def session() -> AppTest:
    """One session shared by the tests that only change the data."""
    return open_shapes()


def csv_bytes(X: np.ndarray, names: list[str]) -> bytes:
    rows = [",".join(names)] + [",".join(f"{v:.6f}" for v in row) for row in X]
    return "\n".join(rows).encode()


def two_groups(d: int, n: int = 120, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 4, size=(2, d))
    labels = rng.integers(0, 2, size=n)
    return centres[labels] + rng.normal(size=(n, d)) * rng.uniform(0.5, 2, size=d)


def assert_page_is_sound(at: AppTest) -> list[dict]:
    """No exception; only the collapse demo's own error box; finite figures."""
    assert not at.exception, [e.value for e in at.exception]
    unexpected = [e.value for e in at.error if COLLAPSE_EXPLANATION not in e.value]
    assert not unexpected, unexpected
    figures = plotly_figures(at)
    for figure in figures:
        assert_finite_figure(figure)
    keys = chart_keys(at)
    assert all(key in keys for key in PANELS), keys
    return figures


def comparison_table(at: AppTest):
    tables = [t.value for t in at.table if "BIC" in t.value.columns]
    assert len(tables) == 1
    return tables[0]


def shown_counts(at: AppTest) -> list[int]:
    """The parameter totals the four panels' counts end with, in panel order."""
    found = []
    for m in at.markdown:
        match = re.search(
            r"= \*\*(\d+)\*\* free parameters \(K = \d+, D = \d+\)", m.value
        )
        if match:
            found.append(int(match.group(1)))
    return found


def panel_scores(at: AppTest) -> list[dict[str, float]]:
    """ln L, BIC and AIC as each panel prints them (one decimal)."""
    out = []
    for m in at.markdown:
        match = re.search(
            r"^ln L = \*\*(.+?)\*\* · BIC = \*\*(.+?)\*\* · AIC = \*\*(.+?)\*\*",
            m.value,
            re.MULTILINE,
        )
        if match:
            lnl, bic, aic = (float(g.replace(",", "")) for g in match.groups())
            out.append({"lnL": lnl, "BIC": bic, "AIC": aic})
    return out


def assert_numbers_equal_sklearns(at: AppTest, X: np.ndarray, k: int = 3) -> None:
    """Table, formulas and panel lines against scikit-learn's fits from the same
    starts (:func:`sklearn_from_the_same_starts`)."""
    table = comparison_table(at)
    assert len(table) == 4
    counts = shown_counts(at)
    scores = panel_scores(at)
    assert len(counts) == len(scores) == 4
    for i, ctype in enumerate(PAGE_TYPES):
        row = table[table["covariance type"].str.startswith(ctype + ":")].iloc[0]
        gm = sklearn_from_the_same_starts(X, k, ctype)
        n_params = gm._n_parameters()
        lnl = float(gm.score(X)) * X.shape[0]
        assert row["free parameters"] == n_params == counts[i]
        assert math.isclose(row["BIC"], gm.bic(X), rel_tol=1e-9)
        assert math.isclose(row["AIC"], gm.aic(X), rel_tol=1e-9)
        assert math.isclose(row["log-likelihood ln L"], lnl, rel_tol=1e-9)
        assert scores[i]["BIC"] == pytest.approx(gm.bic(X), abs=0.051)
        assert scores[i]["AIC"] == pytest.approx(gm.aic(X), abs=0.051)
        assert scores[i]["lnL"] == pytest.approx(lnl, abs=0.051)
        assert row["fit time (ms)"] > 0


###############################################################################
# Every data set draws four panels


@pytest.mark.parametrize("key", list(PRESETS))
def test_every_preset_draws_four_covariance_panels(session: AppTest, key: str) -> None:
    session.selectbox(key="dataset").set_value(key).run()
    assert_page_is_sound(session)
    assert len(comparison_table(session)) == 4
    if key == "heights":
        # One feature: bell curves, and the page says three types coincide.
        panel = figure_by_key(session, "cs_panel_full")
        assert any(t["type"] == "histogram" for t in panel["data"])
        assert any("same model" in m.value for m in session.info)


def test_the_default_numbers_equal_scikit_learns() -> None:
    at = open_shapes()
    assert_page_is_sound(at)
    assert_numbers_equal_sklearns(at, load_preset("blobs").X)


def test_an_uploaded_two_column_csv_matches_scikit_learn() -> None:
    at = open_shapes()
    X = two_groups(2)
    upload_csv(at, "two.csv", csv_bytes(X, ["x", "y"]))
    assert_page_is_sound(at)
    assert_numbers_equal_sklearns(at, np.round(X, 6))


def test_an_uploaded_three_column_csv_fits_in_3d_and_offers_views() -> None:
    at = open_shapes()
    X = two_groups(3)
    content = csv_bytes(X, ["a", "b", "c"])
    upload_csv(at, "three.csv", content)
    assert_page_is_sound(at)
    assert_numbers_equal_sklearns(at, np.round(X, 6))
    # D = 3 in every count: full has K*D(D+1)/2 = 18 covariance parameters
    # (page order: spherical, full, then diag, tied).
    assert shown_counts(at) == [3 + 9 + 2, 18 + 9 + 2, 9 + 9 + 2, 6 + 9 + 2]
    view = at.selectbox(key="cs_view")
    assert view.value == "pca"
    view.set_value("0,2").run()
    assert_page_is_sound(at)
    panel = figure_by_key(at, "cs_panel_full")
    assert panel["layout"]["xaxis"]["title"]["text"] == "a"
    assert panel["layout"]["yaxis"]["title"]["text"] == "c"


def test_standardising_refits_on_rescaled_features() -> None:
    """One switch: the sidebar's, which the info box points at (no page toggle)."""
    at = open_shapes()
    at.selectbox(key="dataset").set_value("old_faithful").run()
    # 12-fold: the shared note above the view says the gap and offers the button,
    # once; the info box adds what it means for the four shapes, without saying
    # the gap again.
    (note,) = [c.value for c in at.caption if "dominates every distance" in c.value]
    assert "12× wider" in note
    (info,) = [i.value for i in at.info if "round in these units" in i.value]
    assert "fold" not in info and "12" not in info
    assert "Standardise the columns (the button above, or the sidebar" in info
    assert not [t for t in at.toggle if t.key == "cs_standardise"]
    at.toggle(key="standardise").set_value(True).run()
    assert_page_is_sound(at)
    assert not any("round in these units" in i.value for i in at.info)
    assert_numbers_equal_sklearns(at, standardise(load_preset("old_faithful").X))


def test_an_old_link_with_cs_standardise_still_standardises() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["dataset"] = "old_faithful"
    at.query_params["cs_standardise"] = "1"
    at.query_params[ALL_TYPES] = "true"  # and all four panels open
    at.run()
    at.switch_page(PAGE).run()
    assert_page_is_sound(at)
    assert at.toggle(key="standardise").value is True
    assert at.query_params.get("standardise") == "1"
    assert "cs_standardise" not in at.query_params
    assert_numbers_equal_sklearns(at, standardise(load_preset("old_faithful").X))


def test_k_changes_every_count() -> None:
    at = open_shapes()
    at.number_input(key="n_components").set_value(5).run()
    assert_page_is_sound(at)
    # K = 5, D = 2: spherical 5, diag 10, full 15, tied 3; means 10; weights 4
    # (page order: spherical, full, then diag, tied).
    assert shown_counts(at) == [19, 29, 24, 17]


def test_your_covariance_type_is_marked_and_bic_can_choose_it() -> None:
    at = open_shapes()
    marked = [m.value for m in at.markdown if "your choice" in m.value]
    assert marked == ["#### full: any hill · *your choice*"]
    table = comparison_table(at)
    best = table.loc[table["BIC"].idxmin(), "covariance type"].split(":")[0]
    assert table.loc[table["BIC"].idxmin(), "best by BIC"] == "★ best"
    if best != "full":
        at.button(key="cs_use_best").click().run()
        assert at.selectbox(key="covariance_type").value == best


###############################################################################
# The sandbox


def sandbox_words(at: AppTest, start: str) -> str:
    found = [m.value for m in at.markdown if m.value.startswith(start)]
    assert len(found) == 1, found
    return found[0]


def test_the_sandbox_follows_its_sliders() -> None:
    at = open_shapes()
    before = figure_by_key(at, "cs_sandbox_diag")
    assert "Lost: **nothing**" not in sandbox_words(at, "**Diag cannot tilt.**")
    assert "Lost: **nothing**" in sandbox_words(at, "**Full takes")
    # No tilt: diag can take the hill exactly.
    at.slider(key="cs_tilt").set_value(0).run()
    assert not at.exception
    assert "Lost: **nothing**" in sandbox_words(at, "**Diag cannot tilt.**")
    after = figure_by_key(at, "cs_sandbox_diag")
    assert after["data"][1]["x"] != before["data"][1]["x"]
    # Equal spreads: a circle, which even spherical can take.
    at.slider(key="cs_sigma2").set_value(at.slider(key="cs_sigma1").value).run()
    assert "Lost: **nothing**" in sandbox_words(at, "**Spherical cannot stretch.**")
    # Tied draws three clones of one shape.
    tied = figure_by_key(at, "cs_sandbox_tied")
    assert {"hill A", "hill B", "hill C"} <= {t.get("name") for t in tied["data"]}


def test_the_sandbox_shows_the_closest_matrices() -> None:
    at = open_shapes()
    cov = covariance_from_spreads(2.5, 0.8, 30)
    spherical = closest_covariance(cov, "spherical")[0, 0]
    lines = latex_lines(at)
    assert any(
        r"\operatorname{tr}\Sigma" in x and f"{spherical:.3g}" in x for x in lines
    )
    assert any(
        r"\operatorname{diag}(\Sigma)" in x and f"{cov[0, 0]:.3g}" in x for x in lines
    )


###############################################################################
# What goes wrong


@pytest.mark.parametrize("scenario", ["constant", "few"])
def test_a_singular_covariance_is_explained_not_raised(scenario: str) -> None:
    at = open_shapes()
    at.radio(key="cs_broken").set_value(scenario).run()
    assert_page_is_sound(at)
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "collapsed" in errors[0]
    assert any("running off to infinity" in c.value for c in at.caption)
    assert at.success, "a fix is shown"
    demo = next(df.value for df in at.dataframe if "reg_covar = 0" in df.value.columns)
    assert demo["reg_covar = 0"].str.startswith("collapsed").any()
    assert demo["reg_covar = 1e-06"].str.startswith("fine").all()
    # The same collapse, straight from the core.
    X = load_preset("blobs").X
    broken = with_constant_feature(X) if scenario == "constant" else few_points(X)
    run = fit(broken, 3, covariance_type="full", n_init=1, reg_covar=0.0)
    assert run.best.stop_reason == "collapsed" and run.best.collapsed
    row = demo[demo["covariance type"].str.startswith("full:")].iloc[0]
    assert row["reg_covar = 0"].startswith(
        f"collapsed at iteration {run.best.iteration}"
    )


def test_one_dimensional_collapse_draws_a_spike() -> None:
    at = open_shapes()
    at.selectbox(key="dataset").set_value("heights").run()
    at.radio(key="cs_broken").set_value("few").run()
    assert_page_is_sound(at)
    broken = figure_by_key(at, "cs_broken_map")
    assert any(
        "height → ∞" in a.get("text", "") for a in broken["layout"]["annotations"]
    )


###############################################################################
# Builders


def test_every_builder_makes_a_valid_plotly_figure() -> None:
    cov = covariance_from_spreads(2.0, 0.6, 40)
    samples = sample_hill(cov, 100, 0)
    X = few_points(load_preset("heights").X, 5, 0)
    params = fit(X, 3, covariance_type="full", n_init=1, reg_covar=0.0)
    blobs = load_preset("blobs").X
    fitted = fit(blobs, 3, n_init=1).best
    figures = {
        "yours": shapes_figures.sandbox_panel(cov, None, samples, show_axes=True),
        "closest": shapes_figures.sandbox_panel(
            cov, closest_covariance(cov, "diag"), samples
        ),
        "clones": shapes_figures.sandbox_panel(cov, cov, samples, clones=3),
        "spike": shapes_figures.collapse_curves(
            X, params.params, "height", params.best.collapsed
        ),
        "demo_map": shapes_figures.demo_map(
            blobs,
            fitted.params,
            np.full((len(blobs), 3), 1 / 3),
            ("x", "y"),
            shapes_figures.Projection.features(("x", "y")),
        ),
    }
    for name, fig in figures.items():
        try:
            go.Figure(fig.to_dict())
        except ValueError as exc:  # pragma: no cover - the message is the point
            pytest.fail(f"{name}: {exc}")
        assert_finite_figure(json.loads(fig.to_json()))


def test_clones_sit_side_by_side_inside_the_panel() -> None:
    cov = covariance_from_spreads(3.0, 0.4, 60)
    centres = clone_centres(cov, 3, shapes_figures.SANDBOX_EXTENT)
    assert np.allclose(centres[0], 0)
    gaps = np.linalg.norm(centres[1:] - centres[0], axis=1)
    assert np.all(gaps > 4 * 0.4 * 0.99)  # their 2-sigma outlines clear each other
    assert np.all(np.abs(centres) < shapes_figures.SANDBOX_EXTENT)
