"""Fog explorer, Covariance shapes and Choosing K through AppTest.

Every preset and uploaded CSVs render without an exception and with their charts;
every chart passes Plotly's validation and holds only finite numbers; the numbers
shown equal scikit-learn's for the same fits.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import plotly.graph_objects as go
import pytest
from apptest_helpers import ROOT, assert_finite_figure, plotly_figures
from sklearn.mixture import GaussianMixture
from streamlit.testing.v1 import AppTest

from gmm_core import PRESETS, GMMParams, fit, load_preset
from gmm_core.selection import best_per_setting, sweep

PAGES = {
    "fog": "pages/1_Fog_explorer.py",
    "shapes": "pages/3_Covariance_shapes.py",
    "k": "pages/4_Choosing_K.py",
}
THREE_COLUMNS = b"a,b,c\n" + b"\n".join(
    f"{(i * 7) % 10 + (i % 3) * 9},{(i * 3) % 11},{(i * 5) % 13 + (i % 3)}".encode()
    for i in range(90)
)
ONE_COLUMN = b"height\n" + b"\n".join(
    f"{120 + (i * 7) % 15 + 40 * (i % 2)}".encode() for i in range(80)
)


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page(PAGES[page]).run()
    assert not at.exception, at.exception
    return at


def assert_clean(at: AppTest) -> list[dict]:
    """No exception; every figure valid for Plotly and finite. Returns them."""
    assert not at.exception, [e.value for e in at.exception]
    figures = plotly_figures(at)
    assert figures, "the page drew no chart"
    for figure in figures:
        go.Figure(figure)  # Plotly's own validation of every property
        assert_finite_figure(figure)
    return figures


def trace_names(figures: list[dict]) -> set[str]:
    return {t.get("name", "") for f in figures for t in f.get("data", [])}


@pytest.fixture(scope="module", params=list(PAGES))
def page(request: pytest.FixtureRequest) -> AppTest:
    return open_page(request.param)


@pytest.mark.parametrize("key", list(PRESETS))
def test_every_preset_renders(page: AppTest, key: str) -> None:
    page.selectbox(key="dataset").set_value(key).run()
    assert_clean(page)


@pytest.mark.parametrize(
    ("name", "content"), [("three.csv", THREE_COLUMNS), ("one.csv", ONE_COLUMN)]
)
def test_an_uploaded_csv_renders(page: AppTest, name: str, content: bytes) -> None:
    page.file_uploader(key="csv_upload").set_value((name, content, "text/csv")).run()
    assert_clean(page)
    stem = name.split(".")[0]  # the sidebar escapes Markdown (three\\.csv)
    assert any(
        stem in m.value and "Active data" in m.value for m in page.sidebar.markdown
    )
    page.file_uploader(key="csv_upload").set_value(None).run()


def sklearn_model(params: GMMParams) -> GaussianMixture:
    gm = GaussianMixture(params.n_components, covariance_type=params.covariance_type)
    gm.weights_ = params.weights
    gm.means_ = params.means
    gm.covariances_ = params.covariances
    gm.precisions_cholesky_ = params.precisions_cholesky
    return gm


def test_fog_explorer_shows_kmeans_and_gmm_side_by_side() -> None:
    at = open_page("fog")
    figures = assert_clean(at)
    names = trace_names(figures)
    assert any(n.startswith("island A") for n in names)  # K-Means, hard
    assert any(n.startswith("hill A") for n in names)  # the GMM


def test_covariance_shapes_numbers_equal_scikit_learns() -> None:
    at = open_page("shapes")
    assert_clean(at)
    table = next(df.value for df in at.dataframe if "BIC" in df.value.columns)
    X = load_preset("blobs").X
    labels = {
        "spherical": "spherical",
        "diag": "diag",
        "full": "full",
        "tied": "tied",
    }
    assert len(table) == 4
    for ctype, word in labels.items():
        row = table[table["covariance type"].str.startswith(word)].iloc[0]
        params = fit(
            X, 3, covariance_type=ctype, init="kmeans", n_init=3, seed=0
        ).params
        gm = sklearn_model(params)
        assert row["free parameters"] == gm._n_parameters()
        assert math.isclose(row["BIC"], gm.bic(X), rel_tol=1e-9)
        assert math.isclose(row["AIC"], gm.aic(X), rel_tol=1e-9)


def test_choosing_k_plots_bic_and_aic_that_equal_scikit_learns() -> None:
    at = open_page("k")
    figures = assert_clean(at)
    assert {"BIC", "AIC"} <= trace_names(figures)
    table = next(df.value for df in at.dataframe if "BIC" in df.value.columns)
    X = load_preset("blobs").X
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fits = sweep(X, range(1, 10), ["full"], n_init=3, seed=0)
    best = best_per_setting(fits)
    for _, row in table.iterrows():
        gm = sklearn_model(best[("full", int(row["K"]))].params)
        assert row["free parameters"] == gm._n_parameters()
        assert math.isclose(row["BIC"], gm.bic(X), rel_tol=1e-9)
        assert math.isclose(row["AIC"], gm.aic(X), rel_tol=1e-9)
    lowest = table.loc[table["BIC"].idxmin(), "K"]
    words = " ".join(m.value for m in at.markdown)
    assert f"BIC prefers {lowest} hills" in words or (
        f"both prefer {lowest} hills" in words
    )


def test_choosing_k_with_every_covariance_type_draws_a_panel_each() -> None:
    at = open_page("k")
    at.multiselect(key="ck_types").set_value(["full", "tied", "diag", "spherical"])
    at.slider(key="ck_k_max").set_value(10).run()
    figures = assert_clean(at)
    table = next(df.value for df in at.dataframe if "BIC" in df.value.columns)
    assert set(table["covariance type"]) == {"full", "tied", "diag", "spherical"}
    assert {"BIC", "AIC"} <= trace_names(figures)


def test_choosing_k_marks_the_true_k_only_when_known() -> None:
    at = open_page("k")
    assert "true K" in trace_names(plotly_figures(at))
    at.selectbox(key="dataset").set_value("old_faithful").run()
    assert "true K" not in trace_names(assert_clean(at))


def test_k_follows_the_student_between_pages() -> None:
    at = open_page("shapes")
    at.number_input(key="n_components").set_value(4).run()
    at.switch_page(PAGES["fog"]).run()
    assert at.number_input(key="n_components").value == 4
    at.switch_page("pages/2_EM_stepper.py").run()
    assert at.number_input(key="n_components").value == 4
    assert np.isfinite(4)
