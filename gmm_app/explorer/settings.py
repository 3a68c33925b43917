"""What the explorer fits with: K, covariance type, seed, restarts, view (Streamlit).

The settings panel, the view picker for more than two features, the shared link
(URL) and the cached fits for those settings (or the student-worded reason there
are none).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import streamlit as st

from gmm_app.explorer.caches import analyse, view_maps
from gmm_app.explorer.model import Analysis
from gmm_app.explorer.model_maps import ViewMaps
from gmm_app.shell import state
from gmm_app.shell.widgets import k_input, seed_input
from gmm_app.words import md_escape, type_label
from gmm_core import COVARIANCE_TYPES, Dataset, FogmapError

# Fog levels T on the slider: 0 is the clear day (hard labels), 1 the GMM's own.
FOG_LEVELS = (0.0, 0.05, 0.1, 0.2, 0.35, 0.5, 0.7, 1.0, 1.4, 2.0, 3.0, 5.0)
# What the big map can draw behind the points.
BACKGROUNDS = {
    "gmm": "the GMM's regions (curved borders)",
    "kmeans": "K-Means's regions (straight borders)",
    "both": "both sets of borders",
}
# How the hills section draws the mixture density.
HILL_STYLES = {"surface": "3-D landscape", "contour": "contour map"}


def slider_steps(low: float, high: float, step: float) -> tuple[float, ...]:
    """Every value a slider from ``low`` to ``high`` in ``step`` can take."""
    n = round((high - low) / step)
    return tuple(round(low + i * step, 10) for i in range(n + 1))


# The slider ranges, each (low, high, step), so the URL reads what they can show.
VALLEY_RANGE = (0.35, 0.95, 0.05)
EPS_RANGE = (0.05, 1.5, 0.05)
OUTLIER_RANGE = (0.5, 20.0, 0.5)


# Every control that changes what the explorer draws, and how a link reads it.
_READERS = {
    "n_components": state.int_param(1, 10),
    "covariance_type": state.choice_param(COVARIANCE_TYPES),
    "seed": state.int_param(0, 9999),
    "fx_n_init": state.int_param(1, 10),
    "fx_view": lambda text: text if text == "pca" or "," in text else None,
    "fx_valley": state.float_choice_param(slider_steps(*VALLEY_RANGE)),
    "fx_hill": state.int_param(0, 9),
    "fx_dbscan": state.switch_param,
    "fx_eps": state.float_choice_param(slider_steps(*EPS_RANGE)),
    "fx_min_samples": state.int_param(2, 30),
    "fx_outlier_pct": state.float_choice_param(slider_steps(*OUTLIER_RANGE)),
    "fx_background": state.choice_param(BACKGROUNDS),
    "fx_hills_view": state.choice_param(HILL_STYLES),
}
_URL_KEYS = (*_READERS, "fx_fog")


@dataclass(frozen=True)
class Settings:
    """What the fits run with; the fog does not refit.

    Attributes
    ----------
    n_components : int
        K, at most the number of points.
    covariance_type : {"full", "tied", "diag", "spherical"}
    seed : int
    n_init : int
        GMM restarts.
    view : str
        "xy", "pca" or "i,j": the plane the maps show.
    """

    n_components: int
    covariance_type: str
    seed: int
    n_init: int
    view: str


def _fog_param(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return min(FOG_LEVELS, key=lambda level: abs(level - value))


def read_url() -> None:
    """Take every control that changes what is drawn from a shared link (once)."""
    state.read_url_once("fog_explorer", {**_READERS, "fx_fog": _fog_param})


def _url_text(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def write_url(settings: Settings, fog: float) -> None:
    """Keep this view in the URL so it can be shared.

    K, the covariance type, the seed, the restarts, the view and the fog come
    from this run; every other control from the value it last showed
    (:func:`gmm_app.shell.state.remembered`), once the student has seen it.
    """
    values: dict[str, object] = {
        "n_components": settings.n_components,
        "covariance_type": settings.covariance_type,
        "seed": settings.seed,
        "fx_n_init": settings.n_init,
        "fx_fog": f"{fog:g}",
    }
    if settings.view != "xy":
        values["fx_view"] = settings.view
    for key in _READERS:
        if key not in values and key != "fx_view":
            value = state.remembered(key)
            if value is not None:
                values[key] = _url_text(value)
    state.write_url(values, _URL_KEYS)


def settings_panel(data: Dataset) -> Settings:
    """K, covariance type, seed, restarts and (for D > 2) the view; returns them."""
    with st.container(border=True):
        cols = st.columns([1, 1.6, 0.9, 1.3, 2.4 if data.n_features > 2 else 0.01])
        k = k_input(
            cols[0],
            data,
            "K (hills and islands)",
            help="How many clusters both methods look for.",
        )
        ctype = state.shared_widget(
            cols[1].selectbox,
            "Covariance type (GMM)",
            COVARIANCE_TYPES,
            format_func=type_label,
            key="covariance_type",
            help="What shapes a hill may take. K-Means has no such choice: its "
            "islands are always round.",
        )
        seed = seed_input(cols[2], help="Seeds K-Means and the GMM's first restart.")
        n_init = state.shared_widget(
            cols[3].slider,
            "GMM restarts",
            min_value=1,
            max_value=10,
            value=3,
            key="fx_n_init",
            help="EM from this many K-Means starts (seeds seed, seed + 1, ...); "
            "the best map is kept. K-Means itself always tries 10 starts.",
        )
        view = "xy"
        if data.n_features > 2:
            with cols[4]:
                view = _view_picker(data)
    return Settings(int(min(k, data.n_samples)), ctype, int(seed), int(n_init), view)


def _view_picker(data: Dataset) -> str:
    """Which plane of D > 2 features the maps show (the fits use every feature)."""
    pairs = list(itertools.combinations(range(data.n_features), 2))
    options = ["pca", *[f"{i},{j}" for i, j in pairs]]
    if state.remembered("fx_view") not in options:
        state.forget("fx_view")

    def label(option: str) -> str:
        if option == "pca":
            return "PCA view (the two directions of widest spread)"
        i, j = (int(a) for a in option.split(","))
        return f"{data.feature_names[i]} vs {data.feature_names[j]}"

    return state.shared_widget(
        st.selectbox,
        f"View ({data.n_features} features; the fits use them all)",
        options,
        format_func=label,
        key="fx_view",
        help="The maps show one plane. Backgrounds are a slice through the middle "
        "of the data (the other features at their mean).",
    )


def fit_or_explain(data: Dataset, settings: Settings) -> Analysis | None:
    """The cached fits, or a student-worded error and None."""
    try:
        return analyse(
            data.X,
            settings.n_components,
            settings.covariance_type,
            settings.seed,
            settings.n_init,
        )
    except FogmapError as exc:
        st.error(md_escape(str(exc)), icon=":material/error:")
    except ValueError as exc:  # scikit-learn refusing the data
        st.error(
            "K-Means could not cluster this data: "
            + md_escape(str(exc))
            + " Try a smaller K or other data.",
            icon=":material/error:",
        )
    return None


def maps_for(data: Dataset, settings: Settings) -> ViewMaps:
    """The cached grids behind the maps for the chosen view."""
    return view_maps(
        data.X,
        data.feature_names,
        settings.n_components,
        settings.covariance_type,
        settings.seed,
        settings.n_init,
        settings.view,
    )
