"""Covariance shapes' first spread, Home's sample downloads and the sidebar's known
groups through AppTest: what a student sees change.

``cs_sigma1`` stretches the sandbox's hill along its tilted long axis: the matrix
shown and the ellipse drawn follow the closed form R diag(σ1², σ2²) Rᵀ. Each sample
download holds its file in ``samples/`` byte for byte, with the rows the page
promises, and uploads back as the data it describes. ``label_column`` takes only a
text column of the upload: anything else (from the URL or stale state) is ignored,
and a real column gives the adjusted Rand index scikit-learn computes.
"""

from __future__ import annotations

import io
import math
import re

import numpy as np
import pandas as pd
import pytest
import streamlit.testing.v1.app_test as app_test_module
from apptest_helpers import (
    ROOT,
    active_data_line,
    decoded,
    figure_by_key,
    latex_lines,
    ok,
    upload_csv,
)
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from gmm_core import fit, read_table, responsibilities

SHAPES = "pages/3_Covariance_shapes.py"
EXPLORER = "pages/1_Fog_explorer.py"
SAMPLES = ROOT / "samples"
CUSTOMERS = (SAMPLES / "customers.csv").read_bytes()


def open_page(page: str | None = None, **query: str) -> AppTest:
    """A fresh session on Home (or ``page``, reached from Home)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for name, value in query.items():
        at.query_params[name] = value
    ok(at.run())
    if page is not None:
        ok(at.switch_page(page).run())
    return at


###############################################################################
# Covariance shapes: the sandbox's first spread


def shown_sigma(at: AppTest) -> np.ndarray:
    """The matrix the sandbox shows as "Your hill's covariance"."""
    found = [x for x in latex_lines(at) if x.startswith(r"\Sigma = ")]
    assert len(found) == 1, found
    numbers = re.findall(r"-?\d+(?:\.\d+)?", found[0].split("pmatrix}", 1)[1])
    return np.array([float(v) for v in numbers]).reshape(2, 2)


def trace(figure: dict, name: str) -> dict:
    found = [t for t in figure["data"] if t.get("name") == name]
    assert len(found) == 1, f"{len(found)} traces named {name!r}"
    return found[0]


def xy(t: dict) -> np.ndarray:
    return np.column_stack([decoded(t["x"]), decoded(t["y"])])


@pytest.mark.parametrize("sigma1", [1.5, 3.0])
def test_sigma1_stretches_the_sandbox_hill_along_its_tilt(sigma1: float) -> None:
    at = open_page(SHAPES, cs_show_sandbox="true")  # a link that opens the sandbox
    sigma2, tilt = at.slider(key="cs_sigma2").value, at.slider(key="cs_tilt").value
    assert (at.slider(key="cs_sigma1").value, sigma2, tilt) == (2.5, 0.8, 30)
    at.slider(key="cs_sigma1").set_value(sigma1)
    ok(at.run())
    c, s = math.cos(math.radians(tilt)), math.sin(math.radians(tilt))
    a, b = sigma1**2, sigma2**2
    expected = np.array(
        [
            [a * c * c + b * s * s, (a - b) * s * c],
            [(a - b) * s * c, a * s * s + b * c * c],
        ]
    )
    # The matrix shown, to the three significant digits it is written with.
    np.testing.assert_allclose(shown_sigma(at), expected, rtol=5e-3)
    yours = figure_by_key(at, "cs_sandbox_yours")
    # The σ1 axis: from the centre, length σ1, along the tilt.
    tip = xy(trace(yours, "σ1"))[1]
    np.testing.assert_allclose(tip, [sigma1 * c, sigma1 * s], atol=1e-9)
    # The 1σ outline: in the hill's own axes, (u / σ1)² + (v / σ2)² = 1.
    ring = xy(trace(yours, "your hill"))
    u = ring[:, 0] * c + ring[:, 1] * s
    v = -ring[:, 0] * s + ring[:, 1] * c
    np.testing.assert_allclose((u / sigma1) ** 2 + (v / sigma2) ** 2, 1, atol=1e-9)
    assert np.max(np.hypot(*ring.T)) == pytest.approx(sigma1, rel=1e-3)
    # Spherical's best circle has radius √((σ1² + σ2²) / 2).
    circle = xy(trace(figure_by_key(at, "cs_sandbox_spherical"), "spherical"))
    np.testing.assert_allclose(np.hypot(*circle.T), math.sqrt((a + b) / 2), rtol=1e-9)


###############################################################################
# Home: the sample downloads

PROMISED_ROWS = {"customers.csv": 400, "heights.csv": 300, "old_faithful.csv": 272}


@pytest.fixture
def media(monkeypatch: pytest.MonkeyPatch) -> list[MemoryMediaFileStorage]:
    """The media stores of AppTest's runs, newest last: download data lives there."""
    stores: list[MemoryMediaFileStorage] = []

    class Recorded(MemoryMediaFileStorage):
        def __init__(self, endpoint: str) -> None:
            super().__init__(endpoint)
            stores.append(self)

    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", Recorded)
    return stores


def test_each_sample_download_is_the_file_and_uploads_back(media) -> None:
    at = open_page()
    buttons = {b.proto.label: b for b in at.get("download_button")}
    assert set(buttons) == set(PROMISED_ROWS)
    captions = at.caption.values
    for name, rows in PROMISED_ROWS.items():
        url = buttons[name].proto.url
        stored = media[-1].get_file(url.rsplit("/", 1)[1])
        assert stored.filename == name
        assert stored.mimetype == "text/csv"
        assert stored.content == (SAMPLES / name).read_bytes()
        table = pd.read_csv(io.BytesIO(stored.content))
        assert len(table) == rows
        assert any(c.startswith(f"{rows} ") for c in captions)  # what Home says
        # Upload the download: the numeric columns become the features.
        numeric = table.select_dtypes("number").shape[1]
        upload_csv(at, name, stored.content)
        assert not at.sidebar.error
        features = "1 feature" if numeric == 1 else f"{numeric} features"
        assert f"{rows:,} points · {features}" in active_data_line(at)
        texts = list(table.select_dtypes(exclude="number").columns)
        assert len(texts) == (0 if name == "old_faithful.csv" else 1)
        if texts:  # the text column is offered as known groups
            assert at.selectbox(key="label_column").options == ["(none)", *texts]


###############################################################################
# The sidebar: known groups

ARI_LABEL = "Known groups, ARI: GMM · K-Means"


def metric_labels(at: AppTest) -> list[str]:
    return [m.label for m in at.metric]


@pytest.mark.parametrize(
    "stale", ["no such column", "annual income (k$)"], ids=["unknown", "numeric"]
)
def test_a_label_column_that_is_not_a_text_column_is_ignored(stale: str) -> None:
    at = open_page(EXPLORER, label_column=stale)
    upload_csv(at, "customers.csv", CUSTOMERS)
    assert at.selectbox(key="label_column").value == "(none)"  # the URL is not read
    at.session_state["fog.label_column"] = stale
    ok(at.run())
    assert at.selectbox(key="label_column").value == "(none)"
    assert not at.error
    assert "400 points · 3 features" in active_data_line(at)
    assert ARI_LABEL not in metric_labels(at)
    assert "EM iterations" in metric_labels(at)


def test_a_text_column_gives_scikit_learns_adjusted_rand_index() -> None:
    at = open_page(EXPLORER)
    upload_csv(at, "customers.csv", CUSTOMERS)
    assert ARI_LABEL not in metric_labels(at)
    at.selectbox(key="label_column").set_value("segment")
    ok(at.run())
    truth = pd.read_csv(io.BytesIO(CUSTOMERS))["segment"].to_numpy()
    X = read_table(CUSTOMERS, "customers.csv").X
    k = int(at.number_input(key="n_components").value)
    seed = int(at.number_input(key="seed").value)
    params = fit(
        X,
        k,
        covariance_type=at.selectbox(key="covariance_type").value,
        init="kmeans",
        n_init=int(at.slider(key="fx_n_init").value),
        seed=seed,
    ).params
    gmm = responsibilities(X, params).argmax(axis=1)
    kmeans = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(X).labels_
    gmm_ari, kmeans_ari = (adjusted_rand_score(truth, lab) for lab in (gmm, kmeans))
    shown = next(m for m in at.metric if m.label == ARI_LABEL)
    assert shown.value == f"{gmm_ari:.2f} · {kmeans_ari:.2f}"
    assert "(5 here)" in shown.proto.help  # five segments in the file
