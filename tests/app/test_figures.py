"""Every figure builder's output passes Plotly's own validation.

The builders skip validation on the hot path
(gmm_app.plotting.builder.FigureBuilder); this is where a misspelt property would
be caught.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from gmm_app.plotting import fog, geometry, loop
from gmm_app.stepper import figures as stepper_figures
from gmm_core import em_steps, initialize, load_preset, responsibilities


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


def test_every_builder_makes_a_valid_plotly_figure(fitted) -> None:
    for name, fig in built_figures(fitted).items():
        try:
            go.Figure(fig.to_dict())  # validates every property
        except ValueError as exc:  # pragma: no cover - the failure message
            pytest.fail(f"{name}: {exc}")


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
