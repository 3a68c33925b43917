"""Every figure builder's output passes Plotly's own validation.

The builders skip validation on the hot path
(gmm_app.plotting.builder.FigureBuilder); this is where a misspelt property would
be caught: the shared plotting and the stepper's figures, the Fog explorer's
(``gmm_app/explorer/figures*.py``), Choosing K's and Covariance shapes'.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from gmm_app.choosing_k import figures as ck_figures
from gmm_app.choosing_k.model import summarise
from gmm_app.explorer.figures import MapView
from gmm_app.explorer.figures_charts import (
    hills_contour,
    hills_surface,
    log_density_histogram,
    recipe_bar,
)
from gmm_app.explorer.figures_map import explorer_map
from gmm_app.explorer.figures_panels import (
    confidence_panel,
    dbscan_panel,
    hills_panel,
    islands_panel,
    soft_panel,
)
from gmm_app.explorer.model import dbscan_labels, fit_analysis, outlier_cut, temper
from gmm_app.explorer.model_maps import map_grids
from gmm_app.plotting import fog, geometry, loop
from gmm_app.plotting.builder import plot_text
from gmm_app.shapes import figures as shapes_figures
from gmm_app.stepper import figures as stepper_figures
from gmm_app.words import fog_sentences
from gmm_core import em_steps, fit, initialize, load_preset, responsibilities
from gmm_core.selection import sweep
from gmm_core.shapes import (
    closest_covariance,
    covariance_from_spreads,
    few_points,
    sample_hill,
    with_constant_feature,
)


@pytest.fixture(scope="module")
def fitted() -> tuple[np.ndarray, list]:
    X = load_preset("overlapping", 300, 0).X
    steps = list(em_steps(X, initialize(X, 3, seed=0), tol=1e-4, max_iter=30))
    return X, steps


def built_figures(fitted: tuple[np.ndarray, list]) -> dict[str, go.Figure]:
    X, steps = fitted
    params = steps[-1].params
    resp = responsibilities(X, params)
    trail = np.stack([s.params.means for s in steps])
    proj = geometry.Projection.features(("x", "y"))
    heights = load_preset("heights", 200, 0).X
    h_params = initialize(heights, 3, seed=0)
    lls = np.array([s.mean_log_likelihood for s in steps])
    labels = resp.argmax(axis=1)
    return {
        "fog_map": fog.fog_map(
            X,
            params,
            resp,
            ("x", "y"),
            trail=trail,
            changed=np.arange(5),
            moved_from=steps[-2].params.means,
        ),
        "fog_map_guess": fog.fog_map(X, params, None, ("x", "y")),
        "fog_curves": fog.fog_curves(heights, h_params, "height"),
        "bands": fog.responsibility_bands(heights, h_params),
        "loop": loop.surveyor_loop("m"),
        "loglik": stepper_figures.log_likelihood_chart(lls, 3, 1e-3, None),
        "heatmap": stepper_figures.responsibility_heatmap(resp),
        "heatmap_binned": stepper_figures.responsibility_heatmap(resp, max_rows=50),
        "kmeans": stepper_figures.kmeans_map(X, params.means, labels, ("x", "y")),
        "gallery": stepper_figures.restart_gallery(
            X, [("a", params, labels), ("b", params, labels)], proj
        ),
    }


def explorer_data(dims: int) -> tuple[np.ndarray, tuple[str, ...]]:
    """Data in 1, 2 or 3 features (the third a noisy copy of the first)."""
    if dims == 1:
        return load_preset("heights", 300, 0).X, ("height",)
    X = load_preset("overlapping", 300, 0).X
    if dims == 2:
        return X, ("x", "y")
    noise = np.random.default_rng(0).normal(0, 0.5, len(X))
    return np.column_stack([X, X[:, 0] + noise]), ("x", "y", "z")


def explorer_figures(X: np.ndarray, names: tuple[str, ...]) -> dict[str, go.Figure]:
    """Every Fog explorer builder, fed as its page feeds it (fog T = 1)."""
    an = fit_analysis(X, 3, "full", 0, 2)
    maps = map_grids(X, names, an, "pca")
    probs = temper(an.log_prob, 1.0)
    grid = temper(maps.grid_log_prob, 1.0)
    view = MapView(
        maps.xy,
        (plot_text(maps.titles[0]), plot_text(maps.titles[1])),
        maps.xs,
        maps.ys,
        probs,
        fog_sentences(probs),
        maps.strip,
        maps.equal_aspect,
    )
    threshold, outliers = outlier_cut(an.log_density, 2.0)
    dbscan, core = dbscan_labels(X, 0.3, 5)
    islands = np.bincount(an.kmeans_labels, minlength=3) / len(X)
    figures = {
        "recipe_bar": recipe_bar(an.params.weights, islands),
        "recipe_bar_no_islands": recipe_bar(an.params.weights, None),
        "log_density_histogram": log_density_histogram(an.log_density, threshold, 2),
        "islands_panel": islands_panel(
            view,
            an.kmeans_labels,
            maps.centres_xy,
            labels_grid=maps.kmeans_labels_grid,
            margins=maps.kmeans_margins,
        ),
        "islands_panel_bare": islands_panel(view, an.kmeans_labels, maps.centres_xy),
        "hills_panel": hills_panel(
            view,
            an.labels,
            maps.means_xy,
            maps.covs_xy,
            labels_grid=maps.gmm_labels_grid,
            margins=maps.gmm_margins,
        ),
        "soft_panel": soft_panel(view, 1, an.labels, grid_probability=grid[..., 1]),
        "confidence_panel": confidence_panel(
            view, an.labels, 0.6, confidence_grid=grid.max(axis=-1)
        ),
        "dbscan_panel": dbscan_panel(view, dbscan, core, 0.3, 5),
    }
    for background in ("gmm", "kmeans", "both"):
        figures[f"explorer_map_{background}"] = explorer_map(
            view,
            an.labels,
            maps.means_xy,
            maps.covs_xy,
            background=background,
            gmm_labels_grid=maps.gmm_labels_grid,
            gmm_margins=maps.gmm_margins,
            kmeans_labels_grid=maps.kmeans_labels_grid,
            kmeans_margins=maps.kmeans_margins,
            confidence_grid=grid.max(axis=-1),
            threshold=0.6,
            outliers=outliers,
            outlier_percent=2.0,
            log_density=an.log_density,
        )
    if maps.surface is not None:  # two features or more: the hills as a landscape
        assert maps.surface_xs is not None and maps.surface_ys is not None
        assert maps.top_heights is not None
        figures["hills_surface"] = hills_surface(
            maps.surface_xs,
            maps.surface_ys,
            maps.surface,
            view.titles,
            maps.means_xy,
            maps.top_heights,
            points_xy=maps.xy if maps.point_heights is not None else None,
            point_heights=maps.point_heights,
            point_labels=an.labels,
        )
        figures["hills_contour"] = hills_contour(
            maps.surface_xs,
            maps.surface_ys,
            maps.surface,
            view,
            an.labels,
            maps.means_xy,
        )
    return figures


def choosing_k_figures() -> dict[str, go.Figure]:
    """Choosing K's charts of a small sweep (two types, K = 1 to 5, two restarts)."""
    X = load_preset("overlapping", 200, 0).X
    sweeps = summarise(sweep(X, range(1, 6), ["full", "diag"], n_init=2, seed=0))
    heldout = summarise(
        sweep(X, range(1, 6), ["full"], n_init=2, seed=0, heldout_fraction=0.25)
    )
    return {
        "criteria_chart": ck_figures.criteria_chart(
            sweeps, names=("BIC", "AIC", "ICL"), true_k=3, selected=("diag", 2)
        ),
        "criteria_chart_one_type": ck_figures.criteria_chart(sweeps[:1]),
        "razor_chart": ck_figures.razor_chart(sweeps[0]),
        "heldout_chart": ck_figures.heldout_chart(heldout, true_k=3),
    }


def shapes_figures_built() -> dict[str, go.Figure]:
    """Covariance shapes' sandbox panels and singular-covariance demos."""
    true_cov = covariance_from_spreads(2.0, 0.5, 30.0)
    samples = sample_hill(true_cov, 200, seed=0)
    flat = with_constant_feature(load_preset("blobs").X, 1.0)
    flat_fit = fit(flat, 3, reg_covar=1e-6)
    heights = load_preset("heights", 200, 0).X
    few = few_points(heights, 5, 0)
    collapsed = fit(few, 3, reg_covar=0.0).best
    assert collapsed.collapsed, "the demo is meant to collapse a hill"
    return {
        "sandbox_yours": shapes_figures.sandbox_panel(
            true_cov, None, samples, show_axes=True
        ),
        "sandbox_tied": shapes_figures.sandbox_panel(
            true_cov,
            closest_covariance(true_cov, "tied"),
            samples,
            clones=3,
            shape_name="tied",
        ),
        "demo_map": shapes_figures.demo_map(
            flat,
            flat_fit.params,
            responsibilities(flat, flat_fit.params),
            ("x", "y", "constant"),
            geometry.Projection.features(("x", "y", "constant"), 0, 2),
        ),
        "collapse_curves": shapes_figures.collapse_curves(
            few, collapsed.params, "height", collapsed.collapsed
        ),
    }


def assert_valid(figures: dict[str, go.Figure]) -> None:
    assert figures
    for name, fig in figures.items():
        try:
            go.Figure(fig.to_dict())  # validates every property
        except ValueError as exc:  # pragma: no cover - the failure message
            pytest.fail(f"{name}: {exc}")


def test_every_builder_makes_a_valid_plotly_figure(fitted) -> None:
    assert_valid(built_figures(fitted))


@pytest.mark.parametrize("dims", [1, 2, 3], ids=["1-D strip", "2-D", "3-D in a plane"])
def test_every_fog_explorer_builder_makes_a_valid_plotly_figure(dims: int) -> None:
    figures = explorer_figures(*explorer_data(dims))
    assert ("hills_surface" in figures) == (dims > 1)
    assert_valid(figures)


def test_every_choosing_k_builder_makes_a_valid_plotly_figure() -> None:
    assert_valid(choosing_k_figures())


def test_every_covariance_shapes_builder_makes_a_valid_plotly_figure() -> None:
    assert_valid(shapes_figures_built())


def test_projection_of_ellipses_matches_the_marginal_covariance(fitted) -> None:
    _, steps = fitted
    params = steps[-1].params
    proj = geometry.Projection.features(("x", "y"), 1, 0)
    expected = params.full_covariances()[:, [1, 0]][:, :, [1, 0]]
    assert np.allclose(proj.covariances(params), expected)


def test_ellipse_is_at_one_mahalanobis_distance() -> None:
    cov = np.array([[2.0, 0.6], [0.6, 0.5]])
    x, y = geometry.ellipse_xy(np.array([1.0, -1.0]), cov, 1.0)
    d = np.column_stack([x - 1.0, y + 1.0])
    m = np.einsum("ni,ij,nj->n", d, np.linalg.inv(cov), d)
    assert np.allclose(m, 1.0)


def test_the_fog_map_keeps_one_view_for_the_whole_run(fitted) -> None:
    """The guess (wide ellipses) and the last step draw on the same axes."""
    X, steps = fitted
    first = fog.fog_map(X, steps[0].params, None, ("x", "y")).layout
    last_params = steps[-1].params
    resp = responsibilities(X, last_params)
    last = fog.fog_map(X, last_params, resp, ("x", "y")).layout
    assert first.xaxis.range == last.xaxis.range
    assert first.yaxis.range == last.yaxis.range
    assert (
        first.xaxis.range[0] <= X[:, 0].min() and X[:, 0].max() <= first.xaxis.range[1]
    )
    assert first.yaxis.scaleanchor == "x"


def test_old_faithful_is_not_squashed_onto_one_scale() -> None:
    """Eruptions (minutes) against waiting (minutes, 15x wider) get their own scales."""
    data = load_preset("old_faithful", 272, 0)
    params = initialize(data.X, 2, seed=0)
    layout = fog.fog_map(data.X, params, None, data.feature_names).layout
    assert layout.yaxis.scaleanchor is None
    low, high = layout.xaxis.range
    assert high - low < 5  # eruptions 1.6-5.1 min, not -30..35
    standardised = data.standardised()
    layout = fog.fog_map(
        standardised.X, params, None, standardised.feature_names
    ).layout
    assert layout.yaxis.scaleanchor == "x"
