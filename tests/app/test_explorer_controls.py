"""The Fog explorer's controls through AppTest: what a student sees change.

The fog slider (``fx_fog``) sharpens or blurs every point's shares without moving
any point to another hill; the outlier slider (``fx_outlier_pct``) rings the
lowest-density percent of the points; the background picker (``fx_background``)
swaps what is drawn behind the points; the DBSCAN toggle (``fx_dbscan``) adds a
panel whose clusters follow ``fx_eps`` and ``fx_min_samples`` exactly as
scikit-learn's DBSCAN on standardised features.
"""

from __future__ import annotations

import base64
import re

import numpy as np
import pytest
from apptest_helpers import ROOT, chart_keys, figure_by_key
from sklearn.cluster import DBSCAN
from sklearn.preprocessing import StandardScaler
from streamlit.testing.v1 import AppTest

from gmm_core import fit, load_preset, responsibilities, score_samples

EXPLORER = "pages/1_Fog_explorer.py"
DATASET = "overlapping"  # hills that overlap: plenty of fog to see


@pytest.fixture
def explorer() -> AppTest:
    """The Fog explorer on overlapping hills, reached from Home."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page(EXPLORER).run()
    at.selectbox(key="dataset").set_value(DATASET).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def array(values: object) -> np.ndarray:
    """A trace's array as numpy, binary-encoded (with its shape) or a plain list."""
    if isinstance(values, dict) and "bdata" in values:
        flat = np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
        shape = values.get("shape")
        if shape is None:
            return flat
        return flat.reshape([int(n) for n in str(shape).split(",")])
    return np.asarray(values, dtype=np.float64)


def page_data(at: AppTest) -> np.ndarray:
    """The points the page fits, as the sidebar loads them."""
    return load_preset(
        at.selectbox(key="dataset").value,
        at.slider(key="n_samples").value,
        int(at.number_input(key="data_seed").value),
    ).X


def page_fit(at: AppTest, X: np.ndarray):
    """The mixture the page fits, with the page's settings."""
    return fit(
        X,
        int(at.number_input(key="n_components").value),
        covariance_type=at.selectbox(key="covariance_type").value,
        init="kmeans",
        n_init=int(at.slider(key="fx_n_init").value),
        seed=int(at.number_input(key="seed").value),
    ).params


def map_points(at: AppTest) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The big map's points: (row, hill, shares (N, K), opacity), in row order."""
    figure = figure_by_key(at, "fx_map")
    rows, hills, shares, opacity = [], [], [], []
    for trace in figure["data"]:
        match = re.fullmatch(r"hill ([A-Z])", trace.get("name", ""))
        if trace["type"] != "scatter" or "customdata" not in trace or not match:
            continue
        custom = array(trace["customdata"])
        k = ord(match.group(1)) - ord("A")
        rows.append(custom[:, 0].astype(int))
        hills.append(np.full(len(custom), k))
        # customdata = [row, P(hill A), ..., P(hill K), log-density]
        shares.append(custom[:, 1:-1])
        opacity.append(array(trace["marker"]["opacity"]))
    row = np.concatenate(rows)
    order = np.argsort(row)
    return (
        row[order],
        np.concatenate(hills)[order],
        np.concatenate(shares)[order],
        np.concatenate(opacity)[order],
    )


def metric(at: AppTest, starts: str) -> str:
    found = [m.value for m in at.get("metric") if m.label.startswith(starts)]
    assert len(found) == 1, found
    return found[0]


def entropy(p: np.ndarray) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(-np.where(p > 0, p * np.log(p), 0.0).sum(axis=1).mean())


def trace_names(figure: dict) -> list[str]:
    return [t.get("name", "") for t in figure["data"]]


def test_the_fog_slider_sharpens_and_blurs_the_shares(explorer: AppTest) -> None:
    at = explorer
    X = page_data(at)
    own = responsibilities(X, page_fit(at, X))
    n = len(X)

    # T = 1: the GMM's own responsibilities, points fading with their doubt.
    rows, hills, shares, opacity = map_points(at)
    np.testing.assert_array_equal(rows, np.arange(n))
    np.testing.assert_allclose(shares, own, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(hills, own.argmax(axis=1))
    np.testing.assert_allclose(opacity, 0.25 + 0.75 * own.max(axis=1))
    sure_own = int((own.max(axis=1) > 0.9).sum())
    assert metric(at, "Sure") == f"{sure_own:,} of {n:,}"
    assert sure_own < n  # the overlapping hills leave points unsure
    assert at.query_params["fx_fog"] == "1"

    # T = 0: the clear day, every point wholly on its likeliest hill.
    at.select_slider(key="fx_fog").set_value(0.0)
    run(at)
    _, hills_0, shares_0, opacity_0 = map_points(at)
    np.testing.assert_array_equal(shares_0, np.eye(own.shape[1])[hills])
    np.testing.assert_array_equal(opacity_0, 1.0)
    np.testing.assert_array_equal(hills_0, hills)
    assert metric(at, "Sure") == f"{n:,} of {n:,}"
    assert any(m.value.startswith("**Clear day (T = 0).**") for m in at.markdown)
    assert at.query_params["fx_fog"] == "0"

    # Thicker fog: flatter shares, fainter points, fewer sure; same hills.
    at.select_slider(key="fx_fog").set_value(5.0)
    run(at)
    _, hills_5, shares_5, opacity_5 = map_points(at)
    np.testing.assert_array_equal(hills_5, hills)
    assert entropy(shares_0) < entropy(shares) < entropy(shares_5)
    assert opacity_5.mean() < opacity.mean() < opacity_0.mean()
    assert np.all(opacity_5 <= opacity + 1e-12)
    sure_5 = int(metric(at, "Sure").split(" of ")[0].replace(",", ""))
    assert sure_5 < sure_own
    assert any(m.value.startswith("**Thick fog (T = 5).**") for m in at.markdown)


@pytest.mark.parametrize("percent", [0.5, 10.0])
def test_the_outlier_slider_rings_the_percent_asked(
    explorer: AppTest, percent: float
) -> None:
    at = explorer
    X = page_data(at)
    log_density = score_samples(X, page_fit(at, X))
    at.slider(key="fx_outlier_pct").set_value(percent)
    run(at)
    expected = np.flatnonzero(log_density < np.percentile(log_density, percent))
    assert abs(len(expected) - percent / 100 * len(X)) <= 1

    rings = [
        t
        for t in figure_by_key(at, "fx_map")["data"]
        if t.get("name") == f"outlier (lowest {percent:g}% density)"
    ]
    assert len(rings) == 1
    drawn = np.column_stack([array(rings[0]["x"]), array(rings[0]["y"])])
    np.testing.assert_allclose(drawn, X[expected])
    assert any(
        m.value.startswith(f"**{len(expected)} of {len(X):,} points** are outliers")
        for m in at.markdown
    )
    histogram = figure_by_key(at, "fx_outlier_hist")
    red = [t for t in histogram["data"] if t["name"].startswith("outliers")]
    assert len(array(red[0]["x"])) == len(expected)


def test_the_background_picker_swaps_what_is_behind_the_points(
    explorer: AppTest,
) -> None:
    at = explorer
    gmm = figure_by_key(at, "fx_map")
    assert "regions" in trace_names(gmm)
    assert "GMM borders (curved)" in trace_names(gmm)
    assert "K-Means borders (straight)" not in trace_names(gmm)

    at.button_group(key="fx_background").set_value("kmeans")
    run(at)
    kmeans = figure_by_key(at, "fx_map")
    assert "regions" in trace_names(kmeans)
    assert "K-Means borders (straight)" in trace_names(kmeans)
    assert "GMM borders (curved)" not in trace_names(kmeans)
    tint = {
        name: next(t for t in fig["data"] if t["name"] == "regions")
        for name, fig in (("gmm", gmm), ("kmeans", kmeans))
    }
    assert not np.array_equal(array(tint["gmm"]["z"]), array(tint["kmeans"]["z"]))
    dashed = [t for t in kmeans["data"] if t["name"] == "K-Means borders (straight)"]
    assert all(t["line"]["dash"] == "dash" for t in dashed)

    at.button_group(key="fx_background").set_value("both")
    run(at)
    both = trace_names(figure_by_key(at, "fx_map"))
    assert "regions" not in both
    assert {"GMM borders (curved)", "K-Means borders (straight)"} <= set(both)

    # The points, hills and valleys stay whatever is behind them.
    for figure in (gmm, kmeans):
        names = trace_names(figure)
        assert {"hill A", "hill tops (means)", "hill A 1σ"} <= set(names)
        assert any(name.startswith("foggy valley") for name in names)


def dbscan_counts(at: AppTest) -> tuple[int, int]:
    """(clusters, noise points) as the DBSCAN panel's sentence says them."""
    words = next(m.value for m in at.markdown if m.value.startswith("DBSCAN found"))
    found = re.match(r"DBSCAN found \*\*(\d+) clusters?\*\* and \*\*(\d+) noise", words)
    assert found, words
    return int(found.group(1)), int(found.group(2))


def test_dbscan_follows_eps_and_min_samples_like_scikit_learn(
    explorer: AppTest,
) -> None:
    at = explorer
    assert "fx_dbscan_map" not in chart_keys(at)
    at.toggle(key="fx_dbscan").set_value(True)
    run(at)
    X = page_data(at)
    standard = StandardScaler().fit_transform(X)
    seen = set()
    for eps, min_samples in ((None, None), (0.15, 5), (0.5, 12), (0.15, 2)):
        if eps is not None:
            at.slider(key="fx_eps").set_value(eps)
            at.slider(key="fx_min_samples").set_value(min_samples)
            run(at)
        eps = at.slider(key="fx_eps").value
        min_samples = at.slider(key="fx_min_samples").value
        labels = DBSCAN(eps=eps, min_samples=min_samples).fit(standard).labels_
        n_clusters, n_noise = int(labels.max()) + 1, int((labels < 0).sum())
        assert dbscan_counts(at) == (n_clusters, n_noise)
        names = trace_names(figure_by_key(at, "fx_dbscan_map"))
        expected = [
            f"cluster {c + 1} ({(labels == c).sum()})" for c in range(n_clusters)
        ]
        if n_noise:
            expected.append(f"noise ({n_noise})")
        assert names == expected
        seen.add((n_clusters, n_noise))
    assert len(seen) > 2  # the sliders changed what DBSCAN found
