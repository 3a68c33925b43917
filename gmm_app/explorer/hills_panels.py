"""The smoothie recipe and the hills themselves (Streamlit).

The mixing weights as a bar and in words, then the mixture density as a 3-D
landscape or a contour map (bell curves and bands for one feature). Each sits in
a section the student opens: closed, it computes and sends nothing.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from gmm_app.explorer.figures_charts import hills_contour, hills_surface, recipe_bar
from gmm_app.explorer.model import Analysis, temper
from gmm_app.explorer.model_maps import ViewMaps
from gmm_app.explorer.model_tables import recipe_sentence
from gmm_app.explorer.panels import Fog
from gmm_app.explorer.settings import HILL_STYLES
from gmm_app.plotting.fog import fog_curves, responsibility_bands
from gmm_app.shell import present, state
from gmm_app.words import hill_name
from gmm_core import Dataset

# The sections' expanders: each key is also its URL parameter (``...=true``).
RECIPE_SECTION = "fx_show_recipe"
HILLS_SECTION = "fx_show_hills"


def recipe_section(data: Dataset, an: Analysis) -> None:
    """The smoothie recipe (:func:`recipe`) in a section the student opens."""
    box = state.section(
        "Open the recipe: how much of each hill goes into the blend",
        RECIPE_SECTION,
    )
    with box:
        if box.open:
            recipe(data, an)


def hills_section_box(data: Dataset, an: Analysis, maps: ViewMaps, fog: Fog) -> None:
    """The hills (:func:`hills_section`) in a section the student opens."""
    box = state.section(
        "Open the hills: the mixture's density as a map or a 3-D landscape",
        HILLS_SECTION,
    )
    with box:
        if box.open:
            hills_section(data, an, maps, fog)


def recipe(data: Dataset, an: Analysis) -> None:
    """The smoothie recipe: the mixing weights as a bar and in words."""
    k = an.n_components
    weights = an.params.weights
    islands = np.bincount(an.kmeans_labels, minlength=k) / data.n_samples
    left, right = st.columns([3, 2], gap="medium")
    with left:
        present.plotly_chart(
            recipe_bar(weights, islands),
            key="fx_recipe",
            config={"displayModeBar": False},
        )
    with right:
        st.markdown(f"**The recipe:** {recipe_sentence(weights)}.")
        average = temper(an.log_prob, 1.0).mean(axis=0)
        st.markdown(
            "Blend the hills in these proportions and you get the density of the "
            "data. A mixing weight is a soft count: the average of every point's "
            f"P(hill), e.g. {hill_name(0)}'s average is {average[0]:.1%} against "
            f"a weight of {weights[0]:.1%}. K-Means only counts the points on "
            "each island (second bar)."
        )


def hills_section(data: Dataset, an: Analysis, maps: ViewMaps, fog: Fog) -> None:
    """The mixture density as hills: contours or 3-D; bell curves for 1-D data.

    The contour map comes first and the 3-D landscape is one click away: a
    landscape is a WebGL scene, which took about 1.3 s of the browser's time to
    draw on a machine without a GPU (measured 2026-11-29), more than the other
    seven charts of the page together, for a section far below the first screen.
    """
    params = an.params
    if maps.strip or maps.surface is None:
        present.plotly_chart(
            fog_curves(data.X, params, data.feature_names[0]), key="fx_curves"
        )
        present.plotly_chart(responsibility_bands(data.X, params), key="fx_bands")
        st.caption(
            "Dashed: each hill's bell curve, scaled by its weight. Black: their sum, "
            "the mixture's density. Below: each hill's share P(hill | x) along the "
            "axis, the GMM's own fog."
        )
        return
    style = (
        state.shared_widget(
            st.segmented_control,
            "Draw the hills as",
            list(HILL_STYLES),
            default="contour",
            format_func=HILL_STYLES.get,
            key="fx_hills_view",
        )
        or "contour"
    )
    assert maps.surface_xs is not None and maps.surface_ys is not None
    if style == "surface":
        if maps.equal_aspect:
            wx = float(maps.surface_xs[-1] - maps.surface_xs[0])
            wy = float(maps.surface_ys[-1] - maps.surface_ys[0])
            aspect = (1.0, wy / wx) if wx >= wy else (wx / wy, 1.0)
        else:
            aspect = (1.0, 1.0)
        fig = hills_surface(
            maps.surface_xs,
            maps.surface_ys,
            maps.surface,
            fog.view.titles,
            maps.means_xy,
            maps.top_heights
            if maps.top_heights is not None
            else np.zeros(an.n_components),
            points_xy=maps.xy if maps.point_heights is not None else None,
            point_heights=maps.point_heights,
            point_labels=an.labels,
            aspect=aspect,
        )
        present.plotly_chart(fig, key="fx_hills_3d")
        st.caption(
            "The mixture density p(x) = Σ weight × bell, drawn as a landscape: each "
            "Gaussian is a hill, and the fog of the other panels is what you see "
            "from down in the valleys. Drag to turn it."
            + (
                " The points stand on the surface at their own density."
                if maps.point_heights is not None
                else " This is a slice through the middle of the data."
            )
        )
    else:
        # A map with one scale on both axes is about square: beside its words, as
        # the recipe is, it keeps its colour bar next to it on a wide screen.
        left, right = st.columns([3, 2], gap="medium")
        with left:
            present.plotly_chart(
                hills_contour(
                    maps.surface_xs,
                    maps.surface_ys,
                    maps.surface,
                    fog.view,
                    an.labels,
                    maps.means_xy,
                ),
                key="fx_hills_contour",
            )
        with right:
            st.markdown(
                "The mixture density p(x) = Σ weight × bell, seen from above: each "
                "ring of lines is a Gaussian hill, and the lines are closer where "
                "the hill is steeper. Pick **3-D landscape** above to see the same "
                "hills standing up, and drag to turn them."
            )
