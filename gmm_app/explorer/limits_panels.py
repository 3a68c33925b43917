"""When to use which, and where Gaussian hills go wrong (Streamlit).

A K-Means against GMM table with this data's numbers, and the limits of GMMs,
each with a button that loads a preset showing it.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from gmm_app.explorer.model import Analysis
from gmm_app.explorer.settings import Settings
from gmm_app.shell import state
from gmm_app.words import milliseconds, plural
from gmm_core import PRESETS, Dataset, n_parameters
from gmm_core.mixture import covariance_parameter_count


def comparison_table(data: Dataset, an: Analysis | None, settings: Settings) -> None:
    """A plain K-Means against GMM table, with this data's numbers."""
    k, d = settings.n_components, data.n_features
    ctype = settings.covariance_type
    cov_count = covariance_parameter_count(k, d, ctype)  # type: ignore[arg-type]
    formula = {
        "full": "K·D(D+1)/2",
        "tied": "D(D+1)/2",
        "diag": "K·D",
        "spherical": "K",
    }
    cov_formula = f"{formula[ctype]} = {cov_count}"
    gmm_count = n_parameters(an.params) if an is not None else cov_count + k * d + k - 1
    speed_km = "fast; scales to millions of points"
    speed_gmm = "slower: every iteration weighs every point against every hill"
    if an is not None:
        speed_km += f" (here {milliseconds(an.kmeans_seconds)} for 10 starts)"
        speed_gmm += (
            f" (here {milliseconds(an.gmm_seconds)} for "
            f"{plural(len(an.restarts), 'restart')})"
        )
    rows = [
        (
            "Assignment",
            "hard: each point on exactly one island",
            "soft: a probability for every hill (take the likeliest for a label)",
        ),
        (
            "Cluster shape",
            "round and of similar size; straight borders halfway between centres",
            "ellipses of any size, stretch and tilt (full covariance); curved borders",
        ),
        (
            "Model",
            "none: the nearest centre wins (least squared distance)",
            "a probability model: the data as a blend of K Gaussian hills",
        ),
        (
            f"Parameters (K = {k}, D = {d})",
            f"{k * d}: K centres of D numbers",
            f"{gmm_count}: K−1 weights + K·D means + {ctype} covariances {cov_formula}",
        ),
        (
            "Output",
            "a label per point",
            "probabilities per point, a density for any point (outliers), new samples",
        ),
        ("Speed", speed_km, speed_gmm),
    ]
    lines = [
        "| | K-Means: clear day | Gaussian mixture: fog |",
        "| --- | --- | --- |",
    ]
    lines += [f"| **{a}** | {b} | {c} |" for a, b, c in rows]
    st.markdown("\n".join(lines))


@dataclass(frozen=True)
class _Limit:
    """A limit of GMMs and the preset that shows it."""

    key: str
    title: str
    text: str
    look: str
    dataset: str
    n_samples: int | None
    remember: tuple[tuple[str, object], ...]
    button: str


_LIMITS = (
    _Limit(
        "init",
        "Initialisation",
        "EM climbs to the nearest top of the likelihood, so where it starts decides "
        "where it ends. Restarts help, and so do K-Means starts.",
        "Look for the blue note on restarts that ended on different maps.",
        "old_faithful",
        None,
        (("n_components", 3), ("fx_n_init", 6), ("covariance_type", "full")),
        "Old Faithful, K = 3, 6 restarts",
    ),
    _Limit(
        "few",
        "Few samples",
        "A full covariance takes D(D+1)/2 numbers per hill. With a handful of "
        "points per hill, those numbers are guesses.",
        "Look at the wobbly ellipses, and the warning under the panels.",
        "blobs",
        50,
        (("n_components", 6), ("covariance_type", "full")),
        "50 blob points, K = 6",
    ),
    _Limit(
        "singular",
        "Singular covariance",
        "A hill on points that repeat or lie on a line has no width across: its "
        "density shoots up without bound. Only reg_covar keeps it finite.",
        "Look for a needle-thin hill (and the warning).",
        "iris",
        None,
        (
            ("n_components", 10),
            ("covariance_type", "full"),
            ("seed", 0),
            ("fx_n_init", 3),
        ),
        "Iris, K = 10",
    ),
    _Limit(
        "shapes",
        "Non-Gaussian shapes",
        "A GMM can only blend ellipses. Crescents and rings need several hills "
        "each, and the hills do not know they belong together.",
        "Compare with DBSCAN, which follows any shape.",
        "moons",
        None,
        (("n_components", 2), ("covariance_type", "full"), ("fx_dbscan", True)),
        "Two moons, K = 2",
    ),
)


def _show_limit(limit: _Limit) -> None:
    """Switch the sidebar's data (and the settings) to a limit's preset."""
    preset = PRESETS[limit.dataset]
    state.remember("dataset", limit.dataset)
    if preset.default_n is not None:
        state.remember("n_samples", limit.n_samples or preset.default_n)
    for key, value in limit.remember:
        state.remember(key, value)
    st.session_state["fx_note"] = limit.key


def limit_note() -> None:
    """After a limit's button: which example is loaded and what to look for."""
    note = st.session_state.pop("fx_note", None)
    shown = next((limit for limit in _LIMITS if limit.key == note), None)
    if shown is not None:
        st.info(
            f"**{shown.title}:** loaded {shown.button}. {shown.look}",
            icon=":material/school:",
        )


def limits_section() -> None:
    """The limits of GMMs, each with a button that loads a preset showing it."""
    cols = st.columns(len(_LIMITS), gap="small")
    for col, limit in zip(cols, _LIMITS, strict=True):
        with col.container(border=True, height="stretch"):
            st.markdown(f"**{limit.title}**")
            st.markdown(limit.text)
            st.caption(limit.look)
            st.button(
                f"Show me: {limit.button}",
                key=f"fx_limit_{limit.key}",
                on_click=_show_limit,
                args=(limit,),
                icon=":material/play_arrow:",
                width="stretch",
            )
    st.caption(
        "Circles are the same story as the moons: try the Circles preset in the "
        "sidebar with K = 2."
    )
