"""The Fog explorer's numbers (gmm_app.explorer.model*), without Streamlit or Plotly.

The fog slider tempers the mixture's log-scores: at T = 0 every point is wholly on
its likeliest hill, at T = 1 it holds the core's own responsibilities, and more
fog only ever spreads the shares. Islands are named after the hill they overlap
most, outliers are the lowest percentile of the log-density, and DBSCAN runs on
standardised features.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import DBSCAN, KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler

from gmm_app.explorer.model import (
    dbscan_labels,
    fit_analysis,
    match_islands,
    needle_hills,
    outlier_cut,
    temper,
)
from gmm_app.explorer.model_maps import border_margins, map_grids
from gmm_app.explorer.model_tables import (
    export_csv,
    recipe_sentence,
    selected_points,
    soft_table,
    whole_percents,
)
from gmm_app.words import fog_sentence, fog_sentences, island_name
from gmm_core import (
    GMMParams,
    fit,
    load_preset,
    n_parameters,
    responsibilities,
    score_samples,
)
from gmm_core.mixture import weighted_log_prob
from gmm_core.selection import few_sample_hills, numbers_per_hill

ROOT = Path(__file__).resolve().parents[2]
FOG_LEVELS = (0.05, 0.1, 0.2, 0.35, 0.5, 0.7, 1.0, 1.4, 2.0, 3.0, 5.0)


@pytest.fixture(scope="module")
def fitted() -> tuple[np.ndarray, GMMParams]:
    X = load_preset("overlapping", 300, 0).X
    return X, fit(X, 3, init="kmeans", n_init=2, seed=0).params


def entropy(p: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.where(p > 0, p * np.log(p), 0.0).sum(axis=-1)


# --- temper ---------------------------------------------------------------------


def test_no_fog_puts_every_point_wholly_on_its_likeliest_hill(fitted) -> None:
    X, params = fitted
    log_prob = weighted_log_prob(X, params)
    hard = temper(log_prob, 0.0)
    assert set(np.unique(hard)) == {0.0, 1.0}
    np.testing.assert_array_equal(hard.sum(axis=1), 1.0)
    np.testing.assert_array_equal(hard.argmax(axis=1), log_prob.argmax(axis=1))


def test_no_fog_breaks_a_tie_for_the_first_hill() -> None:
    hard = temper(np.array([[-1.0, -1.0, -3.0], [-np.inf, -2.0, -2.0]]), 0.0)
    np.testing.assert_array_equal(hard, [[1, 0, 0], [0, 1, 0]])


def test_fog_one_is_the_cores_own_responsibilities(fitted) -> None:
    X, params = fitted
    np.testing.assert_array_equal(
        temper(weighted_log_prob(X, params), 1.0), responsibilities(X, params)
    )


def test_more_fog_only_ever_spreads_the_shares(fitted) -> None:
    X, params = fitted
    log_prob = weighted_log_prob(X, params)
    likeliest = log_prob.argmax(axis=1)
    previous = entropy(temper(log_prob, 0.0))
    for level in FOG_LEVELS:
        probs = temper(log_prob, level)
        np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=0, atol=1e-12)
        # The likeliest hill (the GMM's labels) is the same at every fog.
        np.testing.assert_array_equal(probs.argmax(axis=1), likeliest)
        now = entropy(probs)
        assert np.all(now >= previous - 1e-12), level
        assert now.mean() > previous.mean(), level
        previous = now
    thick = temper(log_prob, 1e6)
    np.testing.assert_allclose(thick, 1 / 3, atol=1e-4)


def test_temper_survives_impossible_and_huge_scores() -> None:
    log_prob = np.array(
        [
            [-np.inf, -1.0, -2.0],  # a hill of weight 0
            [1e300, -1e300, 0.0],  # scores far beyond exp's range
            [-1e308, -1e308, 1e308],
            [-np.inf, -np.inf, -np.inf],  # no hill at all: equal shares
            [np.inf, 0.0, np.inf],  # infinite densities share the point
            [-800.0, -801.0, -5000.0],  # exp underflows to 0 everywhere
        ]
    )
    for level in (0.0, 0.05, 1.0, 5.0):
        probs = temper(log_prob, level)
        assert np.all(np.isfinite(probs)), level
        np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-12)
        assert probs[0, 0] == 0.0
        np.testing.assert_array_equal(probs[1], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(temper(log_prob, 1.0)[3], 1 / 3)
    np.testing.assert_allclose(temper(log_prob, 1.0)[4], [0.5, 0.0, 0.5])
    np.testing.assert_allclose(
        temper(log_prob, 1.0)[5, :2],
        [1 / (1 + np.exp(-1)), np.exp(-1) / (1 + np.exp(-1))],
    )


def test_temper_takes_a_grid_of_any_shape(fitted) -> None:
    X, params = fitted
    grid = weighted_log_prob(X[:24], params).reshape(4, 6, 3)
    for level in (0.0, 0.5, 2.0):
        np.testing.assert_array_equal(
            temper(grid, level), temper(grid.reshape(-1, 3), level).reshape(4, 6, 3)
        )


# --- islands, outliers, margins --------------------------------------------------


def agreement(kmeans: np.ndarray, hills: np.ndarray, island: np.ndarray) -> int:
    return int((island[kmeans] == hills).sum())


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5])
def test_islands_are_named_to_agree_with_the_hills_most(k: int) -> None:
    rng = np.random.default_rng(k)
    for _ in range(20):
        hills = rng.integers(0, k, 60)
        noisy = np.where(rng.random(60) < 0.3, rng.integers(0, k, 60), hills)
        kmeans = rng.permutation(k)[noisy]
        island = match_islands(kmeans, hills, k)
        assert sorted(island) == list(range(k))  # a renaming, nothing merged
        best = max(
            agreement(kmeans, hills, np.array(p))
            for p in itertools.permutations(range(k))
        )
        assert agreement(kmeans, hills, island) == best
        table = np.zeros((k, k))
        np.add.at(table, (kmeans, hills), 1)
        rows, cols = linear_sum_assignment(table, maximize=True)
        assert best == table[rows, cols].sum()


def test_islands_that_are_the_hills_renamed_get_the_hills_names() -> None:
    hills = np.repeat(np.arange(4), 10)
    renaming = np.array([2, 0, 3, 1])
    island = match_islands(renaming[hills], hills, 4)
    np.testing.assert_array_equal(island[renaming[hills]], hills)


@pytest.mark.parametrize("percent", [0.5, 2.0, 5.0, 10.0, 20.0])
def test_the_outlier_cut_flags_the_percent_asked(fitted, percent: float) -> None:
    X, params = fitted
    log_density = score_samples(X, params)
    threshold, flagged = outlier_cut(log_density, percent)
    assert threshold == np.percentile(log_density, percent)
    assert np.all(log_density[flagged] < threshold)
    assert np.all(np.delete(log_density, flagged) >= threshold)
    assert abs(len(flagged) - percent / 100 * len(X)) <= 1


def test_margins_are_positive_exactly_where_a_cluster_wins() -> None:
    scores = np.random.default_rng(0).normal(size=(5, 7, 3))
    margins = border_margins(scores)
    assert margins.shape == (3, 5, 7)
    winner = scores.argmax(axis=-1)
    for k in range(3):
        np.testing.assert_array_equal(margins[k] > 0, winner == k)
    # The winner's margin is how far ahead of the runner-up it is.
    ordered = np.sort(scores, axis=-1)
    np.testing.assert_allclose(
        margins.max(axis=0), ordered[..., -1] - ordered[..., -2], atol=1e-12
    )
    assert not border_margins(scores[..., :1]).any()


# --- both fits and the maps -------------------------------------------------------


def test_the_analysis_matches_the_core_and_scikit_learn() -> None:
    X = load_preset("blobs", 200, 1).X
    an = fit_analysis(X, 3, "full", 0, 2)
    params = fit(X, 3, init="kmeans", n_init=2, seed=0).params
    np.testing.assert_allclose(an.params.means, params.means)
    np.testing.assert_allclose(an.log_density, score_samples(X, params), rtol=1e-12)
    np.testing.assert_array_equal(an.labels, responsibilities(X, params).argmax(1))
    km = KMeans(3, n_init=10, random_state=0).fit(X)
    np.testing.assert_array_equal(an.kmeans_raw_labels, km.labels_)
    assert adjusted_rand_score(an.kmeans_labels, km.labels_) == 1.0
    for j in range(3):  # island j's centre is the mean of island j's points
        np.testing.assert_allclose(
            an.kmeans_centres[j], X[an.kmeans_labels == j].mean(axis=0), atol=1e-9
        )
    assert (an.kmeans_labels == an.labels).mean() > 0.95


def test_the_maps_grid_scores_the_plane_the_points_are_drawn_in() -> None:
    X = load_preset("blobs", 200, 1).X
    an = fit_analysis(X, 3, "full", 0, 1)
    maps = map_grids(X, ("x", "y"), an, "xy")
    np.testing.assert_array_equal(maps.xy, X)
    assert maps.titles == ("x", "y")
    gx, gy = np.meshgrid(maps.xs, maps.ys)
    plane = np.column_stack([gx.ravel(), gy.ravel()])
    np.testing.assert_allclose(
        maps.grid_log_prob.reshape(-1, 3), weighted_log_prob(plane, an.params)
    )
    np.testing.assert_array_equal(maps.gmm_labels_grid, maps.grid_log_prob.argmax(-1))
    assert maps.xs.min() < X[:, 0].min() and maps.xs.max() > X[:, 0].max()
    np.testing.assert_allclose(maps.point_heights, np.exp(score_samples(X, an.params)))
    assert maps.surface is not None and np.all(maps.surface >= 0)


def test_one_feature_is_drawn_as_a_strip() -> None:
    X = load_preset("heights").X
    an = fit_analysis(X, 2, "full", 0, 1)
    maps = map_grids(X, ("height",), an, "xy")
    assert maps.strip and maps.surface is None
    np.testing.assert_array_equal(maps.xy[:, 0], X[:, 0])
    assert np.all((maps.xy[:, 1] > 0) & (maps.xy[:, 1] < 1))
    np.testing.assert_array_equal(maps.grid_log_prob[0], maps.grid_log_prob[1])


@pytest.mark.parametrize(("eps", "min_samples"), [(0.3, 5), (0.15, 3), (0.6, 12)])
def test_dbscan_is_scikit_learns_on_standardised_features(
    eps: float, min_samples: int
) -> None:
    X = load_preset("moons", 300, 0).X * [10.0, 0.1]  # features far apart in scale
    labels, core = dbscan_labels(X, eps, min_samples)
    model = DBSCAN(eps=eps, min_samples=min_samples).fit(
        StandardScaler().fit_transform(X)
    )
    np.testing.assert_array_equal(labels, model.labels_)
    np.testing.assert_array_equal(np.flatnonzero(core), model.core_sample_indices_)


# --- what can go wrong with a fit ---------------------------------------------------


@pytest.mark.parametrize("ctype", ["full", "tied", "diag", "spherical"])
def test_numbers_per_hill_add_up_to_the_cores_parameter_count(ctype: str) -> None:
    X = load_preset("blobs", 200, 0).X
    params = fit(X, 3, covariance_type=ctype, init="kmeans", seed=0).params
    k, d = 3, 2
    shared = d * (d + 1) // 2 if ctype == "tied" else 0
    assert k * numbers_per_hill(d, ctype) + shared + k - 1 == n_parameters(params)


def test_hills_on_few_points_and_needles_are_found() -> None:
    cov = np.array([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1e-9]]])
    params = GMMParams(
        np.array([0.97, 0.03]), np.zeros((2, 2)), cov, covariance_type="full"
    )
    assert few_sample_hills(params, 100) == [(1, pytest.approx(3.0))]
    assert few_sample_hills(params, 1000) == []
    X = np.random.default_rng(0).normal(size=(500, 2))
    needles = needle_hills(params, X)
    assert [k for k, _, _ in needles] == [1]
    _, width, spread = needles[0]
    assert width == pytest.approx(np.sqrt(1e-9))
    assert spread == pytest.approx(X[:, 1].std(ddof=1), rel=1e-6)


# --- words, tables, the selection ---------------------------------------------------


def test_fog_sentences_say_what_fog_sentence_says(fitted) -> None:
    X, params = fitted
    probs = temper(weighted_log_prob(X, params), 2.0)
    assert fog_sentences(probs) == [fog_sentence(row) for row in probs]


@pytest.mark.parametrize(
    "shares", [[1, 1, 1], [0.5, 0.25, 0.25], [0.333, 0.333, 0.334], [7, 0, 2, 1]]
)
def test_whole_percents_add_up_to_exactly_100(shares: list[float]) -> None:
    percents = whole_percents(np.array(shares, dtype=float))
    exact = 100 * np.array(shares) / np.sum(shares)
    assert percents.sum() == 100
    assert np.all(np.abs(percents - exact) < 1)
    assert not whole_percents(np.zeros(3)).any()


def test_the_recipe_lists_the_largest_hill_first() -> None:
    assert recipe_sentence(np.array([0.25, 0.4, 0.35])) == (
        "40% hill B, 35% hill C, 25% hill A"
    )
    assert island_name(2) == "island C"


def test_a_selection_is_read_whatever_shape_plotly_gives_it() -> None:
    points = [
        {"customdata": {"0": 4, "1": 0.5}},
        {"customdata": [2, 0.1]},
        {"customdata": 7},
        {"customdata": 4},  # repeated
        {"customdata": 99},  # from other data
        {"x": 1.0},  # a hill top: no customdata
    ]
    event = {"selection": {"points": points}}
    np.testing.assert_array_equal(selected_points(event, 10), [2, 4, 7])
    assert len(selected_points(None, 10)) == 0


def test_the_soft_table_and_the_export_list_every_hill() -> None:
    data = load_preset("overlapping", 300, 0)
    an = fit_analysis(data.X, 3, "full", 0, 2)
    probs = temper(an.log_prob, 1.0)
    table = soft_table(data, an, probs, np.array([3]), np.array([3, 5]))
    assert list(table["point"]) == [3, 5]
    assert list(table["outlier"]) == [True, False]
    np.testing.assert_allclose(table["P(hill B)"], probs[[3, 5], 1])
    csv = export_csv(data, an.params, float(np.percentile(an.log_density, 10)))
    header = csv.decode("utf-8-sig").splitlines()[0]
    assert all(f"P(hill {c})" in header for c in "ABC")
    assert len(csv.decode("utf-8-sig").splitlines()) == 301


def test_the_model_modules_load_neither_streamlit_nor_plotly() -> None:
    check = (
        "import sys\n"
        "import gmm_app.explorer.model, gmm_app.explorer.model_maps\n"
        "import gmm_app.explorer.model_tables\n"
        "loaded = [m for m in ('streamlit', 'plotly') if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
