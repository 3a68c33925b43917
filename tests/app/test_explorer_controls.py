"""The Fog explorer's controls through AppTest: what a student sees change.

The fog slider (``fx_fog``) sharpens or blurs every point's shares without moving
any point to another hill; the outlier slider (``fx_outlier_pct``) rings the
lowest-density percent of the points; the background picker (``fx_background``)
swaps what is drawn behind the points; the DBSCAN toggle (``fx_dbscan``) adds a
panel whose clusters follow ``fx_eps`` and ``fx_min_samples`` exactly as
scikit-learn's DBSCAN on standardised features.

The fit's settings: more restarts (``fx_n_init``) never give a worse fit; K
(``n_components``) hills are drawn; each covariance type (``covariance_type``)
draws its own shape of ellipse; another seed (``seed``) relabels well-separated
hills without moving a point. What the maps show: the plane (``fx_view``), the
foggy valleys (``fx_valley``, counted as scikit-learn's responsibilities say), the
soft panel's hill (``fx_hill``) and the hills as a landscape or contours
(``fx_hills_view``). The "Show me" buttons of the limits load what they promise,
and points selected on the big map fill the table with their shares.
"""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pandas as pd
import pytest
from apptest_helpers import ROOT, chart_keys, figure_by_key, upload_csv
from sklearn.cluster import DBSCAN
from sklearn.datasets import load_iris
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score
from sklearn.mixture import GaussianMixture
from sklearn.preprocessing import StandardScaler
from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.testing.v1 import AppTest

from gmm_app.explorer.hills_panels import HILLS_SECTION, RECIPE_SECTION
from gmm_app.explorer.map_panels import SECTION as MAP_SECTION
from gmm_app.explorer.panels import MORE_MAPS
from gmm_app.plotting.builder import colour
from gmm_core import (
    Dataset,
    GMMParams,
    fit,
    load_preset,
    responsibilities,
    score_samples,
)

EXPLORER = "pages/1_Fog_explorer.py"
DATASET = "overlapping"  # hills that overlap: plenty of fog to see


@pytest.fixture
def explorer() -> AppTest:
    """The Fog explorer on overlapping hills, reached from Home, with every
    section opened (the two further small maps, the big map, the recipe and the
    hills open on demand)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    for section in (MORE_MAPS, MAP_SECTION, RECIPE_SECTION, HILLS_SECTION):
        at.session_state[section] = True
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


def page_preset(at: AppTest) -> Dataset:
    """The preset the page fits, as the sidebar loads it.

    Fixed data (Iris, Old Faithful) has no size slider and no data seed.
    """
    size = [s.value for s in at.slider if s.key == "n_samples"]
    seed = [int(n.value) for n in at.number_input if n.key == "data_seed"]
    return load_preset(
        at.selectbox(key="dataset").value,
        size[0] if size else None,
        seed[0] if seed else 0,
    )


def page_data(at: AppTest) -> np.ndarray:
    """The points the page fits."""
    return page_preset(at).X


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


def image_names(figure: dict) -> list[str]:
    """Names of a figure's layout images (its pictured backgrounds)."""
    return [image.get("name", "") for image in figure["layout"].get("images", [])]


def background_picture(figure: dict, name: str) -> tuple[np.ndarray, np.ndarray]:
    """A pictured background's pixels and the (x, y) of each pixel's centre.

    Decoded with Pillow (not Fogmap's own encoder), row 0 at the bottom like a
    heatmap's z, so a pixel's colour can be checked against the model there.

    Returns
    -------
    rgba : ndarray of int, shape (H, G, 4)
    cells : ndarray of shape (H * G, 2)
        Row by row, as :func:`grid_of` gives a heatmap's cells.
    """
    from io import BytesIO

    from PIL import Image

    (image,) = [i for i in figure["layout"]["images"] if i.get("name") == name]
    assert image["xref"] == "x" and image["yref"] == "y"
    assert image["sizing"] == "stretch" and image["layer"] == "below"
    head, data = image["source"].split(",", 1)
    assert head == "data:image/png;base64"
    with Image.open(BytesIO(base64.b64decode(data))) as picture:
        rgba = np.asarray(picture.convert("RGBA"), dtype=int)[::-1]
    height, width = rgba.shape[:2]
    xs = image["x"] + (np.arange(width) + 0.5) * image["sizex"] / width
    ys = (
        image["y"]
        - image["sizey"]
        + (np.arange(height) + 0.5) * image["sizey"] / height
    )
    gx, gy = np.meshgrid(xs, ys)
    return rgba, np.column_stack([gx.ravel(), gy.ravel()])


def hex_rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])


def test_the_background_picker_swaps_what_is_behind_the_points(
    explorer: AppTest,
) -> None:
    at = explorer
    X = page_data(at)
    gm = sklearn_model(page_fit(at, X))
    gmm = figure_by_key(at, "fx_map")
    assert "regions" in image_names(gmm)
    assert "heatmap" not in {t["type"] for t in gmm["data"]}  # one picture instead
    # Every cell is tinted with the colour of the hill scikit-learn's model
    # says is likeliest there, at the page's pale alpha (no NaN, no hole).
    rgba, cells = background_picture(gmm, "regions")
    likeliest = gm.predict(cells).reshape(rgba.shape[:2])
    palette = np.array([hex_rgb(colour(k)) for k in range(gm.n_components)])
    agree = (np.abs(rgba[..., :3] - palette[likeliest]).max(axis=-1) <= 1).mean()
    assert agree > 0.97  # cells on a border may go either way
    assert set(np.unique(rgba[..., 3])) == {round(255 * 0.2)}
    # The borders run where the two likeliest hills are equally likely.
    borders = [t for t in gmm["data"] if t["name"] == "GMM borders (curved)"]
    assert borders and all(t["type"] == "scatter" for t in borders)
    xy = np.vstack([np.column_stack([array(t["x"]), array(t["y"])]) for t in borders])
    assert len(xy) > 50 and np.isfinite(xy).all()
    two = np.sort(gm.predict_proba(xy), axis=1)[:, -2:]
    assert np.abs(two[:, 1] - two[:, 0]).max() < 0.1
    assert "GMM borders (curved)" in trace_names(gmm)
    assert "K-Means borders (straight)" not in trace_names(gmm)

    at.button_group(key="fx_background").set_value("kmeans")
    run(at)
    kmeans = figure_by_key(at, "fx_map")
    assert "regions" in image_names(kmeans)
    assert "K-Means borders (straight)" in trace_names(kmeans)
    assert "GMM borders (curved)" not in trace_names(kmeans)
    tint = {
        name: background_picture(fig, "regions")[0]
        for name, fig in (("gmm", gmm), ("kmeans", kmeans))
    }
    assert not np.array_equal(tint["gmm"], tint["kmeans"])
    dashed = [t for t in kmeans["data"] if t["name"] == "K-Means borders (straight)"]
    assert all(t["line"]["dash"] == "dash" for t in dashed)

    at.button_group(key="fx_background").set_value("both")
    run(at)
    both = trace_names(figure_by_key(at, "fx_map"))
    assert "regions" not in image_names(figure_by_key(at, "fx_map"))
    assert {"GMM borders (curved)", "K-Means borders (straight)"} <= set(both)

    # The points, hills and valleys stay whatever is behind them.
    for figure in (gmm, kmeans):
        names = trace_names(figure)
        assert {"hill A", "hill tops (means)", "hill A 1σ"} <= set(names)
        shapes = [shape.get("name", "") for shape in figure["layout"]["shapes"]]
        assert any(name.startswith("foggy valley") for name in shapes)


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


# --- the fit's settings: restarts, K, covariance type, seed ----------------------


def sklearn_model(params: GMMParams) -> GaussianMixture:
    """scikit-learn's GaussianMixture holding ``params``: its own E-step, no refit."""
    gm = GaussianMixture(params.n_components, covariance_type=params.covariance_type)
    gm.weights_ = params.weights
    gm.means_ = params.means
    gm.covariances_ = params.covariances
    gm.precisions_cholesky_ = params.precisions_cholesky
    return gm


def points_of(figure: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, xy (N, 2), customdata) of a map's hill point traces, in row order."""
    rows, xy, custom = [], [], []
    for trace in figure["data"]:
        name = trace.get("name", "")
        if not re.fullmatch(r"hill [A-Z]", name) or "customdata" not in trace:
            continue
        data = array(trace["customdata"])
        rows.append(data[:, 0].astype(int))
        xy.append(np.column_stack([array(trace["x"]), array(trace["y"])]))
        custom.append(data)
    row = np.concatenate(rows)
    order = np.argsort(row)
    return row[order], np.concatenate(xy)[order], np.concatenate(custom)[order]


def map_log_density(at: AppTest) -> np.ndarray:
    """Every point's log p(x) as the big map's hover reads it, in row order."""
    rows, _, custom = points_of(figure_by_key(at, "fx_map"))
    np.testing.assert_array_equal(rows, np.arange(len(rows)))
    return custom[:, -1]  # customdata = [row, P(hill A), ..., log-density]


def hill_tops(figure: dict) -> np.ndarray:
    """The hill tops (means) a 2-D map draws, shape (K, 2)."""
    tops = [t for t in figure["data"] if t.get("name") == "hill tops (means)"]
    assert len(tops) == 1
    return np.column_stack([array(tops[0]["x"]), array(tops[0]["y"])])


def ring_shapes(figure: dict) -> tuple[np.ndarray, np.ndarray]:
    """Centres (K, 2) and covariances (K, 2, 2) read back from the hills' 1σ rings.

    A ring is centre + L (cos t, sin t) at equally spaced t (its last point
    repeats the first), so its points average to the centre and their second
    moment is half the covariance L L^T.
    """
    centres, covs = [], []
    rings = [t for t in figure["data"] if re.fullmatch(r"hill [A-Z] 1σ", t["name"])]
    for ring in sorted(rings, key=lambda t: t["name"]):
        points = np.column_stack([array(ring["x"]), array(ring["y"])])[:-1]
        centre = points.mean(axis=0)
        offsets = points - centre
        centres.append(centre)
        covs.append(2.0 * offsets.T @ offsets / len(offsets))
    return np.array(centres), np.array(covs)


def grid_of(trace: dict) -> np.ndarray:
    """The (x, y) of every cell of a heatmap, contour or surface, row by row."""
    gx, gy = np.meshgrid(array(trace["x"]), array(trace["y"]))
    return np.column_stack([gx.ravel(), gy.ravel()])


def markdown_with(at: AppTest, text: str) -> str:
    found = [m.value for m in at.markdown if text in m.value]
    assert len(found) == 1, found
    return found[0]


def test_more_restarts_never_give_a_worse_fit(explorer: AppTest) -> None:
    at = explorer
    at.selectbox(key="dataset").set_value("old_faithful")  # restarts matter here
    run(at)
    X = page_data(at)
    assert at.number_input(key="n_components").value == 3
    # The best scikit-learn finds, run to a tight tolerance: no fit beats it.
    optimum = max(
        GaussianMixture(3, random_state=s, tol=1e-8, max_iter=2000).fit(X).score(X)
        for s in range(3)
    )
    seen = []
    for n_init in (1, 2, 4, 6, 10):
        at.slider(key="fx_n_init").set_value(n_init)
        run(at)
        log_density = map_log_density(at)
        # The map's densities are the fit's, as scikit-learn scores them.
        expected = sklearn_model(page_fit(at, X)).score_samples(X)
        np.testing.assert_allclose(log_density, expected, rtol=1e-9)
        mean = float(log_density.mean())
        assert mean <= optimum + 1e-9
        seen.append(mean)
        restarts = f"{n_init} restart{'s' if n_init > 1 else ''}"
        assert f"for {restarts})" in markdown_with(at, "**Speed**")
        notes = [n.value for n in at.info if "Initialisation matters" in n.value]
        if n_init >= 4:  # restarts 0-3 end on different maps
            assert len(notes) == 1
            assert f"Your {n_init} restarts ended on" in notes[0]
            span = re.search(r"per point from (-?[\d.]+) to (-?[\d.]+);", notes[0])
            assert span and float(span[1]) < float(span[2]) == round(mean, 3)
        else:
            assert notes == []
    assert np.all(np.diff(seen) >= -1e-12)
    # Known-good: one start ends on a worse map; the fourth start finds the best.
    assert seen[0] == pytest.approx(-4.1433, abs=1e-4)
    assert seen[2] == pytest.approx(-4.1173, abs=1e-4)
    assert seen[-1] == pytest.approx(-4.1172, abs=1e-4)


def test_k_hills_are_drawn_on_every_map(explorer: AppTest) -> None:
    at = explorer
    X = page_data(at)
    for k in (2, 5, 1):
        at.number_input(key="n_components").set_value(k)
        run(at)
        params = page_fit(at, X)
        names = [f"hill {chr(ord('A') + j)}" for j in range(k)]
        hard = sklearn_model(params).predict(X)
        for key in ("fx_map", "fx_gmm"):
            figure = figure_by_key(at, key)
            rings = [n for n in trace_names(figure) if n.endswith("σ")]
            assert rings == [f"{name} {s}σ" for name in names for s in (1, 2)]
            np.testing.assert_allclose(hill_tops(figure), params.means, rtol=1e-9)
        _, _, shares, _ = map_points(at)
        assert shares.shape == (len(X), k)
        # The GMM panel's legend counts each hill's points, as scikit-learn's
        # predict on the page's mixture does.
        counts = np.bincount(hard, minlength=k)
        gmm = [
            n
            for n in trace_names(figure_by_key(at, "fx_gmm"))
            if re.fullmatch(r"hill [A-Z] \(\d+\)", n)
        ]
        assert gmm == [f"{name} ({counts[j]})" for j, name in enumerate(names)]
        islands = [
            n
            for n in trace_names(figure_by_key(at, "fx_kmeans"))
            if re.fullmatch(r"island [A-Z] \(\d+\)", n)
        ]
        assert len(islands) == k
        assert sum(int(n.split("(")[1][:-1]) for n in islands) == len(X)
        at.button_group(key="fx_hills_view").set_value("surface")
        run(at)
        tops = figure_by_key(at, "fx_hills_3d")["data"][-1]
        assert tops["name"] == "hill tops" and tops["text"] == names
        assert at.selectbox(key="fx_hill").options == [f"P({n})" for n in names]
        assert at.query_params["n_components"] == str(k)


def parameter_count(k: int, d: int, covariance_type: str) -> int:
    """A GMM's free numbers: K - 1 weights, K D means and the covariances."""
    covariances = {
        "full": k * d * (d + 1) // 2,
        "tied": d * (d + 1) // 2,
        "diag": k * d,
        "spherical": k,
    }[covariance_type]
    return k - 1 + k * d + covariances


def test_each_covariance_type_draws_its_own_shape_of_hill(explorer: AppTest) -> None:
    at = explorer
    at.selectbox(key="dataset").set_value("elongated")  # long, tilted stripes
    run(at)
    X = page_data(at)
    for ctype in ("diag", "spherical", "tied", "full"):
        at.selectbox(key="covariance_type").set_value(ctype)
        run(at)
        params = page_fit(at, X)
        assert params.covariance_type == ctype
        for key in ("fx_map", "fx_gmm"):
            centres, covs = ring_shapes(figure_by_key(at, key))
            np.testing.assert_allclose(centres, params.means, rtol=1e-9, atol=1e-12)
            np.testing.assert_allclose(
                covs, params.full_covariances(), rtol=1e-9, atol=1e-12
            )
            tilt = np.abs(covs[:, 0, 1]) / np.sqrt(covs[:, 0, 0] * covs[:, 1, 1])
            if ctype in ("diag", "spherical"):  # axis-aligned ellipses
                assert tilt.max() < 1e-9
            else:
                assert tilt.max() > 0.5  # they lean with the stripes
            if ctype == "spherical":  # circles
                np.testing.assert_allclose(covs[:, 0, 0], covs[:, 1, 1], rtol=1e-9)
            else:
                assert not np.allclose(covs[:, 0, 0], covs[:, 1, 1], rtol=1e-3)
            same = all(np.allclose(c, covs[0], rtol=1e-9) for c in covs)
            assert same == (ctype == "tied")  # one shape shared by every hill
        row = markdown_with(at, "**Parameters (K = 3, D = 2)**")
        assert f"| {parameter_count(3, 2, ctype)}: K−1 weights" in row
        assert at.query_params["covariance_type"] == ctype


def test_another_seed_relabels_well_separated_hills_only(explorer: AppTest) -> None:
    at = explorer
    at.selectbox(key="dataset").set_value("blobs")
    run(at)
    truth = page_preset(at).labels
    _, hills_0, _, _ = map_points(at)
    tops_0 = hill_tops(figure_by_key(at, "fx_map"))
    at.number_input(key="seed").set_value(1)
    run(at)
    assert at.query_params["seed"] == "1"
    _, hills_1, _, _ = map_points(at)
    tops_1 = hill_tops(figure_by_key(at, "fx_map"))
    # Other K-Means starts name the hills in another order ...
    assert not np.array_equal(hills_0, hills_1)
    assert not np.allclose(tops_0, tops_1)
    # ... but cut the points the same way, and find the same hill tops.
    assert adjusted_rand_score(hills_0, hills_1) == 1.0
    assert adjusted_rand_score(truth, hills_1) == 1.0
    np.testing.assert_allclose(
        tops_0[np.lexsort(tops_0.T)], tops_1[np.lexsort(tops_1.T)], atol=1e-6
    )
    assert metric(at, "Known groups, ARI") == "1.00 · 1.00"


# --- what the maps show: the plane, the valleys, the soft panel, the hills -------

PANELS = ("fx_map", "fx_kmeans", "fx_gmm", "fx_soft", "fx_confidence")


def axis_titles(figure: dict) -> tuple[str, str]:
    layout = figure["layout"]
    return layout["xaxis"]["title"]["text"], layout["yaxis"]["title"]["text"]


def test_the_view_picker_shows_the_plane_asked(explorer: AppTest) -> None:
    at = explorer
    iris = load_iris()
    names = ["sepal length", "sepal width", "petal length", "petal width"]
    X = iris.data
    content = pd.DataFrame(X, columns=names).to_csv(index=False).encode()
    upload_csv(at, "iris4.csv", content)
    view = at.selectbox(key="fx_view")
    assert view.value == "pca"
    assert view.options[1:] == [
        f"{names[i]} vs {names[j]}" for i in range(4) for j in range(i + 1, 4)
    ]

    # PCA: scikit-learn's two principal components (each up to its sign).
    pca = PCA(2).fit(X)
    share = pca.explained_variance_ratio_
    titles = (f"PC 1 ({share[0]:.0%} of the spread)", f"PC 2 ({share[1]:.0%})")
    for key in PANELS:
        assert axis_titles(figure_by_key(at, key)) == titles
    _, xy, _ = points_of(figure_by_key(at, "fx_map"))
    expected = pca.transform(X)
    expected *= np.sign((xy * expected).sum(axis=0))
    np.testing.assert_allclose(xy, expected, atol=1e-9)

    params = page_fit(at, X)
    at.button_group(key="fx_hills_view").set_value("surface")
    for i, j in ((2, 3), (0, 1), (1, 3)):
        at.selectbox(key="fx_view").set_value(f"{i},{j}")
        run(at)
        for key in PANELS:
            assert axis_titles(figure_by_key(at, key)) == (names[i], names[j])
        scene = figure_by_key(at, "fx_hills_3d")["layout"]["scene"]
        assert scene["xaxis"]["title"]["text"] == names[i]
        assert scene["yaxis"]["title"]["text"] == names[j]
        figure = figure_by_key(at, "fx_map")
        rows, xy, _ = points_of(figure)
        np.testing.assert_array_equal(rows, np.arange(len(X)))
        np.testing.assert_allclose(xy, X[:, [i, j]])
        # Each hill as it looks from this plane: its top and its covariance's
        # block for the two features.
        centres, covs = ring_shapes(figure)
        np.testing.assert_allclose(centres, params.means[:, [i, j]], atol=1e-9)
        plane = params.full_covariances()[:, [i, j]][:, :, [i, j]]
        np.testing.assert_allclose(covs, plane, rtol=1e-9, atol=1e-12)


def test_the_valley_threshold_counts_the_points_scikit_learn_finds_unsure(
    explorer: AppTest,
) -> None:
    at = explorer
    X = page_data(at)
    gm = sklearn_model(page_fit(at, X))
    sure = gm.predict_proba(X).max(axis=1)
    counts = []
    for threshold in (None, 0.35, 0.75, 0.95):
        if threshold is not None:
            at.slider(key="fx_valley").set_value(threshold)
            run(at)
        threshold = at.slider(key="fx_valley").value
        expected = int((sure < threshold).sum())
        assert (
            metric(at, f"In foggy valleys (under {threshold:.0%})") == f"{expected:,}"
        )
        counts.append(expected)
        big_map = figure_by_key(at, "fx_map")
        valleys = [
            shape
            for shape in big_map["layout"].get("shapes", [])
            if shape.get("name", "").startswith("foggy valley")
        ]
        # The shade is a picture of the cells where scikit-learn's largest share
        # is under the cut, and nowhere else.
        rgba, cells = background_picture(big_map, "foggy valleys")
        largest = gm.predict_proba(cells).max(axis=1)
        under = largest < threshold
        shaded = rgba[..., 3].ravel() > 0
        near_cut = np.abs(largest - threshold) < 1e-6
        assert (shaded == under)[~near_cut].all()
        # Its edges, dotted lines traced on the server, run where that share
        # equals the cut: one path, in the legend.
        assert len(valleys) == int(under.any())
        for valley in valleys:
            assert valley["name"] == f"foggy valley (under {threshold:.0%} sure)"
            assert valley["showlegend"] and valley["line"]["dash"] == "dot"
            edge = np.array(
                [
                    [float(v) for v in point.split(",")]
                    for piece in valley["path"].split("M")
                    if piece.strip()
                    for point in piece.split("L")
                ]
            )
            on_edge = gm.predict_proba(edge).max(axis=1)
            assert np.abs(on_edge - threshold).max() < 0.05  # up to the grid's step
        subtitle = figure_by_key(at, "fx_confidence")["layout"]["title"]["subtitle"]
        assert subtitle["text"].endswith(f"dotted: under {threshold:.0%} sure")
    assert counts[1] < counts[0] < counts[2] < counts[3]  # 0.35 < 0.6 < 0.75 < 0.95


def test_the_soft_panel_shows_the_hill_picked(explorer: AppTest) -> None:
    at = explorer
    X = page_data(at)
    gm = sklearn_model(page_fit(at, X))
    for hill in (None, 1, 2):
        if hill is not None:
            at.selectbox(key="fx_hill").set_value(hill)
            run(at)
        k = at.selectbox(key="fx_hill").value
        name = f"hill {'ABC'[k]}"
        soft = figure_by_key(at, "fx_soft")
        assert soft["layout"]["title"]["text"] == f"<b>Fog: how much {name}?</b>"
        points = [t for t in soft["data"] if t.get("name") == f"P({name})"]
        assert len(points) == 1
        rows = array(points[0]["customdata"])[:, 0].astype(int)
        np.testing.assert_array_equal(rows, np.arange(len(X)))
        np.testing.assert_allclose(
            array(points[0]["marker"]["color"]),
            gm.predict_proba(X)[:, k],
            rtol=1e-9,
            atol=1e-12,
        )
        # The background: P(hill k) over the plane, pale grey (0%) to the
        # hill's colour (100%), at the panel's opacity.
        rgba, cells = background_picture(soft, f"P({name}) background")
        p = gm.predict_proba(cells)[:, k].reshape(rgba.shape[:2], order="C")
        expected = (1 - p[..., None]) * hex_rgb("#F7F7F7") + p[..., None] * hex_rgb(
            colour(k)
        )
        np.testing.assert_allclose(rgba[..., :3], expected, atol=1.01)
        assert set(np.unique(rgba[..., 3])) == {round(255 * 0.45)}
    assert k == 2

    # Fewer hills than the one picked: the panel goes back to hill A.
    at.number_input(key="n_components").set_value(2)
    run(at)
    assert at.selectbox(key="fx_hill").options == ["P(hill A)", "P(hill B)"]
    assert at.selectbox(key="fx_hill").value == 0
    soft = figure_by_key(at, "fx_soft")
    assert soft["layout"]["title"]["text"] == "<b>Fog: how much hill A?</b>"
    (points,) = [t for t in soft["data"] if t.get("name") == "P(hill A)"]
    two = sklearn_model(page_fit(at, X))
    np.testing.assert_allclose(
        array(points["marker"]["color"]), two.predict_proba(X)[:, 0], atol=1e-12
    )


def density(gm: GaussianMixture, points: np.ndarray) -> np.ndarray:
    return np.exp(gm.score_samples(points))


def test_the_hills_picker_draws_a_landscape_or_a_contour_map(
    explorer: AppTest,
) -> None:
    at = explorer
    X = page_data(at)
    params = page_fit(at, X)
    gm = sklearn_model(params)
    names = ["hill A", "hill B", "hill C"]
    for style in (None, "contour", "surface"):
        if style is not None:
            at.button_group(key="fx_hills_view").set_value(style)
            run(at)
        style = at.button_group(key="fx_hills_view").value
        keys = chart_keys(at)
        if style == "surface":
            assert "fx_hills_3d" in keys and "fx_hills_contour" not in keys
            figure = figure_by_key(at, "fx_hills_3d")
            types = [t["type"] for t in figure["data"]]
            assert types == ["surface", "scatter3d", "scatter3d"]
            hills, points, tops = figure["data"]
            # The points stand on the landscape at their density, the hill
            # tops at theirs.
            np.testing.assert_allclose(
                np.column_stack([array(points["x"]), array(points["y"])]), X
            )
            np.testing.assert_allclose(array(points["z"]), density(gm, X), rtol=1e-9)
            assert tops["text"] == names
            np.testing.assert_allclose(
                array(tops["z"]), density(gm, params.means), rtol=1e-9
            )
        else:
            assert "fx_hills_contour" in keys and "fx_hills_3d" not in keys
            figure = figure_by_key(at, "fx_hills_contour")
            types = [t["type"] for t in figure["data"]]
            assert types == ["contour", "scatter", "scatter", "scatter", "scatter"]
            assert trace_names(figure) == [
                "mixture density",
                *names,
                "hill tops (means)",
            ]
            hills = figure["data"][0]
            np.testing.assert_allclose(hill_tops(figure), params.means, rtol=1e-9)
        # The height of the hills is the mixture's density, as scikit-learn
        # scores the page's mixture.
        z = array(hills["z"])
        expected = density(gm, grid_of(hills)).reshape(z.shape)
        np.testing.assert_allclose(z, expected, rtol=1e-6, atol=1e-12)
    assert style == "surface"


# --- selecting points on the big map ---------------------------------------------


def box_points(figure: dict, x: tuple[float, float], y: tuple[float, float]) -> list:
    """The points a box over ``x`` by ``y`` selects, as Plotly reports them.

    Every marker trace counts, those without ``customdata`` too (hill tops,
    outlier rings); a row of a typed-array ``customdata`` comes as a dict keyed
    "0", "1", ...
    """
    points = []
    for curve, trace in enumerate(figure["data"]):
        if trace.get("type") != "scatter" or "markers" not in trace.get("mode", ""):
            continue
        xs, ys = array(trace["x"]), array(trace["y"])
        inside = (x[0] <= xs) & (xs <= x[1]) & (y[0] <= ys) & (ys <= y[1])
        custom = array(trace["customdata"]) if "customdata" in trace else None
        for i in np.flatnonzero(inside):
            point = {
                "curve_number": curve,
                "point_number": int(i),
                "point_index": int(i),
                "x": float(xs[i]),
                "y": float(ys[i]),
            }
            if custom is not None:
                point["customdata"] = {
                    str(j): float(v) for j, v in enumerate(custom[i])
                }
            points.append(point)
    return points


def select_on_map(at: AppTest, points: list, box: dict | None = None) -> AppTest:
    """Rerun as the browser does after a box, a lasso or a click on the big map.

    AppTest has no driver for a Plotly selection, and Streamlit refuses to set a
    chart's selection through ``st.session_state``; so it goes in as the browser
    sends it: the chart's widget state, the selection as JSON, with every other
    widget's state as it stands.
    """
    (chart,) = [c for c in at.get("plotly_chart") if c.proto.id.endswith("-fx_map")]
    states = WidgetStates()
    states.CopyFrom(at._tree.get_widget_states())
    state = states.widgets.add()
    state.id = chart.proto.id
    selection = {
        "points": points,
        "point_indices": [p["point_index"] for p in points if "point_index" in p],
        "box": [box] if box else [],
        "lasso": [],
    }
    state.string_value = json.dumps({"selection": selection})
    at._run(states)
    assert not at.exception, [e.value for e in at.exception]
    return at


def selection_table(at: AppTest) -> pd.DataFrame:
    (table,) = at.dataframe
    return table.value


def test_points_selected_on_the_map_fill_the_table(explorer: AppTest) -> None:
    at = explorer
    X = page_data(at)
    proba = sklearn_model(page_fit(at, X)).predict_proba(X)
    hills = ["P(hill A)", "P(hill B)", "P(hill C)"]

    # Nothing selected: the 8 points least sure of their hill.
    assert markdown_with(at, "**Nothing selected yet.**")
    foggiest = np.argsort(proba.max(axis=1), kind="stable")[:8]
    np.testing.assert_array_equal(selection_table(at)["point"], foggiest)

    # A box in the middle of the data, where the hills meet.
    x = tuple(np.percentile(X[:, 0], [35, 60]))
    y = tuple(np.percentile(X[:, 1], [35, 60]))
    inside = np.flatnonzero(
        (x[0] <= X[:, 0]) & (X[:, 0] <= x[1]) & (y[0] <= X[:, 1]) & (X[:, 1] <= y[1])
    )
    assert 5 <= len(inside) <= 60
    figure = figure_by_key(at, "fx_map")
    points = box_points(figure, x, y)
    assert len(points) == len(inside)
    # A hill top caught too: it has no customdata, so it is no row.
    top = hill_tops(figure)[0]
    curve = trace_names(figure).index("hill tops (means)")
    points.append({"curve_number": curve, "point_number": 0, "x": top[0], "y": top[1]})
    box = {"x": list(x), "y": list(y), "xref": "x", "yref": "y"}
    select_on_map(at, points, box)
    table = selection_table(at)
    np.testing.assert_array_equal(table["point"], inside)
    np.testing.assert_allclose(table[["x", "y"]], X[inside])
    np.testing.assert_allclose(table[hills], proba[inside], rtol=1e-9, atol=1e-12)
    likeliest = [hills[j][2:-1] for j in proba[inside].argmax(axis=1)]
    assert list(table["likeliest hill"]) == likeliest
    words = markdown_with(at, "selected.**")
    assert words.startswith(f"**{len(inside)} points selected.**")
    soft = proba[inside].sum(axis=0)
    counts = ", ".join(f"{soft[j]:.1f} {hills[j][2:-1]}" for j in range(3))
    assert f"(soft counts: {counts})" in words
    unsure = int((proba[inside].max(axis=1) < 0.6).sum())
    assert f"). {unsure} in a foggy valley" in words

    # A click on one point: Plotly gives a plain list for its customdata.
    (row,) = np.flatnonzero(proba.max(axis=1) == proba.max(axis=1).min())
    select_on_map(at, [{"customdata": [float(row), *proba[row], 0.0]}])
    table = selection_table(at)
    np.testing.assert_array_equal(table["point"], [row])
    np.testing.assert_allclose(table[hills].to_numpy()[0], proba[row], rtol=1e-9)
    assert markdown_with(at, "selected.**").startswith("**1 point selected.**")

    # An empty selection lists the foggiest points again.
    select_on_map(at, [])
    assert markdown_with(at, "**Nothing selected yet.**")
    np.testing.assert_array_equal(selection_table(at)["point"], foggiest)


# --- the limits' "Show me" buttons -----------------------------------------------

LIMITS = {
    # key: (title, what the button says, the settings it promises)
    "init": (
        "Initialisation",
        "Old Faithful, K = 3, 6 restarts",
        {"dataset": "old_faithful", "n_components": 3, "fx_n_init": 6},
    ),
    "few": (
        "Few samples",
        "50 blob points, K = 6",
        {"dataset": "blobs", "n_samples": 50, "n_components": 6},
    ),
    "singular": (
        "Singular covariance",
        "Iris, K = 10",
        {"dataset": "iris", "n_components": 10, "seed": 0, "fx_n_init": 3},
    ),
    "shapes": (
        "Non-Gaussian shapes",
        "Two moons, K = 2",
        {"dataset": "moons", "n_samples": 300, "n_components": 2, "fx_dbscan": True},
    ),
}


def widget_value(at: AppTest, key: str) -> object:
    found = [
        w.value
        for kind in ("selectbox", "slider", "number_input", "toggle")
        for w in at.get(kind)
        if w.key == key
    ]
    assert len(found) == 1, (key, found)
    return found[0]


@pytest.mark.parametrize("limit", list(LIMITS))
def test_each_show_me_button_loads_what_it_promises(
    explorer: AppTest, limit: str
) -> None:
    at = explorer
    title, label, settings = LIMITS[limit]
    # A student who changed everything first.
    at.number_input(key="n_components").set_value(4)
    at.selectbox(key="covariance_type").set_value("diag")
    at.slider(key="fx_n_init").set_value(1)
    at.number_input(key="seed").set_value(7)
    run(at)
    button = at.button(key=f"fx_limit_{limit}")
    assert button.label == f"Show me: {label}"
    button.click()
    run(at)

    assert any(n.value.startswith(f"**{title}:** loaded {label}.") for n in at.info), [
        n.value for n in at.info
    ]
    for key, value in {"covariance_type": "full", **settings}.items():
        assert widget_value(at, key) == value, key
    X = page_data(at)
    rows, xy, _ = points_of(figure_by_key(at, "fx_map"))
    np.testing.assert_array_equal(rows, np.arange(len(X)))
    np.testing.assert_allclose(xy, X)  # the promised data is on the map
    params = page_fit(at, X)

    if limit == "init":  # "the blue note on restarts that ended on different maps"
        notes = [n.value for n in at.info if "Initialisation matters" in n.value]
        assert len(notes) == 1 and "Your 6 restarts ended on" in notes[0]
    elif limit == "few":  # "the warning under the panels"
        (warning,) = [w.value for w in at.warning if w.value.startswith("**Few")]
        # A full 2-D hill takes 2 + 3 numbers: under 10 points is too few.
        thin = [
            f"hill {'ABCDEF'[k]} ({w * len(X):.1f} points)"
            for k, w in enumerate(params.weights)
            if w * len(X) < 10
        ]
        assert thin and f"very few points: {', '.join(thin[:4])}." in warning
    elif limit == "singular":  # "a needle-thin hill (and the warning)"
        assert any(w.value.startswith("**Singular covariance.**") for w in at.warning)
        _, covs = ring_shapes(figure_by_key(at, "fx_map"))
        spread = np.cov(X, rowvar=False)
        thinnest = []
        for cov in covs:
            values, vectors = np.linalg.eigh(cov)
            thinnest.append(values[0] / (vectors[:, 0] @ spread @ vectors[:, 0]))
        assert min(thinnest) < 1e-4  # drawn with almost no width across
    else:  # "Compare with DBSCAN"
        assert "fx_dbscan_map" in chart_keys(at)
        labels = DBSCAN(eps=0.3, min_samples=5).fit_predict(
            StandardScaler().fit_transform(X)
        )
        assert dbscan_counts(at) == (labels.max() + 1, int((labels < 0).sum()))
        # DBSCAN follows the moons; the two hills cannot.
        truth = page_preset(at).labels
        _, hills, _, _ = map_points(at)
        gmm = adjusted_rand_score(truth, hills)
        assert metric(at, "Known groups, ARI").startswith(f"{gmm:.2f} · ")
        assert adjusted_rand_score(truth, labels) > 0.95 > gmm + 0.2

    # The note is said once; the example stays loaded.
    run(at)
    assert not any(n.value.startswith(f"**{title}:**") for n in at.info)
    assert widget_value(at, "dataset") == settings["dataset"]
