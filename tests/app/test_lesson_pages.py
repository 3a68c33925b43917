"""Fog explorer, Covariance shapes and Choosing K through AppTest.

Every preset and uploaded CSVs render without an exception and with their charts;
every chart passes Plotly's validation and holds only finite numbers; the numbers
shown equal scikit-learn's for the same fits.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go
import pytest
from apptest_helpers import (
    ROOT,
    assert_finite_figure,
    decoded,
    figure_by_key,
    plotly_figures,
    sklearn_from_the_same_starts,
)
from streamlit.testing.v1 import AppTest

from gmm_app.choosing_k.panels import NUMBERS_SECTION
from gmm_core import PRESETS, load_preset

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


def test_fog_explorer_shows_kmeans_and_gmm_side_by_side() -> None:
    at = open_page("fog")
    figures = assert_clean(at)
    names = trace_names(figures)
    assert any(n.startswith("island A") for n in names)  # K-Means, hard
    assert any(n.startswith("hill A") for n in names)  # the GMM


def test_covariance_shapes_numbers_equal_scikit_learns() -> None:
    at = open_page("shapes")
    assert_clean(at)
    table = next(t.value for t in at.table if "BIC" in t.value.columns)
    X = load_preset("blobs").X
    assert len(table) == 4
    for ctype in ("spherical", "diag", "full", "tied"):
        row = table[table["covariance type"].str.startswith(ctype)].iloc[0]
        gm = sklearn_from_the_same_starts(X, 3, ctype)
        assert row["free parameters"] == gm._n_parameters()
        assert math.isclose(row["BIC"], gm.bic(X), rel_tol=1e-9)
        assert math.isclose(row["AIC"], gm.aic(X), rel_tol=1e-9)


def test_choosing_k_plots_bic_and_aic_that_equal_scikit_learns() -> None:
    at = open_page("k")
    figures = assert_clean(at)
    assert {"BIC", "AIC"} <= trace_names(figures)
    assert not at.dataframe  # every fit in numbers opens on demand
    at.session_state[NUMBERS_SECTION] = True
    at.run()
    table = next(df.value for df in at.dataframe if "BIC" in df.value.columns)
    X = load_preset("blobs").X
    assert list(table["K"]) == list(range(1, 10))  # K = 1 to 9, 3 restarts each
    for _, row in table.iterrows():
        gm = sklearn_from_the_same_starts(X, int(row["K"]), "full")
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
    at.slider(key="ck_k_max").set_value(10)
    at.session_state[NUMBERS_SECTION] = True
    at.run()
    figures = assert_clean(at)
    table = next(df.value for df in at.dataframe if "BIC" in df.value.columns)
    assert set(table["covariance type"]) == {"full", "tied", "diag", "spherical"}
    assert {"BIC", "AIC"} <= trace_names(figures)
    # The sweep now goes to K = 10 for every type, in the table and on the chart.
    for ctype, rows in table.groupby("covariance type"):
        assert sorted(rows["K"]) == list(range(1, 11)), ctype
    chart = figure_by_key(at, "ck_chart")
    for trace in chart["data"]:
        if trace.get("name") in ("BIC", "AIC"):
            assert decoded(trace["x"]) == list(range(1, 11)), trace["name"]
    axes = [v for name, v in chart["layout"].items() if name.startswith("xaxis")]
    assert len(axes) == 4  # a panel per type
    assert all(axis["range"] == [0.5, 10.5] for axis in axes)


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
    names = trace_names(plotly_figures(at))
    assert any(n.startswith("hill D") for n in names)  # four hills drawn
    assert not any(n.startswith("hill E") for n in names)
    at.switch_page("pages/2_EM_stepper.py").run()
    assert at.number_input(key="n_components").value == 4
