"""The Covariance shapes page's widgets and panels (Streamlit), and its cached fits.

Four fits of the same data, one per covariance type, are computed once per data,
K and seed (``st.cache_data``), each with the time it took; every rerun only draws.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import streamlit as st

from gmm_app.plotting.fog import fog_curves, fog_map
from gmm_app.plotting.geometry import Projection
from gmm_app.shapes.figures import collapse_curves, demo_map, sandbox_panel
from gmm_app.shell import state
from gmm_app.shell.widgets import k_input, projection_picker, seed_input
from gmm_app.words import (
    COVARIANCE_PICTURES,
    hill_names,
    matrix,
    md_escape,
    milliseconds,
    plural,
    type_label,
)
from gmm_core import (
    COVARIANCE_TYPES,
    Dataset,
    FogmapError,
    GMMParams,
    fit,
    responsibilities,
)
from gmm_core.selection import Criteria, criteria
from gmm_core.shapes import (
    closest_covariance,
    covariance_from_spreads,
    feature_spreads,
    few_points,
    kl_divergence,
    narrowest_variance,
    parameter_count,
    sample_hill,
    spread_ratio,
    standardise,
    with_constant_feature,
)

# Simplest first: the order of the panels, the table and the sandbox.
TYPES = ("spherical", "diag", "full", "tied")
ALLOWS = {
    "spherical": "One variance per hill: round in every direction, any size.",
    "diag": "One variance per feature per hill: stretched along the axes, "
    "never tilted.",
    "full": "A whole covariance matrix per hill: any width, stretch and tilt.",
    "tied": "Any width, stretch and tilt, but one shape shared by every hill.",
}
COVARIANCE_PART = {
    "spherical": (r"K", "variances"),
    "diag": (r"K\,D", "variances"),
    "full": (r"K\,\tfrac{D(D+1)}{2}", "covariances"),
    "tied": (r"\tfrac{D(D+1)}{2}", "shared covariance"),
}
N_INIT = 3
REG_COVAR = 1e-6
URL_KEYS = ("n_components", "covariance_type", "seed")
# Above this ratio of the widest to the narrowest feature, suggest standardising.
UNEVEN_SPREADS = 4.0


@dataclass(frozen=True)
class Settings:
    """What the four fits run with."""

    n_components: int
    covariance_type: str
    seed: int


###############################################################################
# Cached fits


@dataclass(frozen=True, eq=False)
class TypeFit:
    """One covariance type fitted to the data, and what it cost.

    Attributes
    ----------
    covariance_type : str
    params : GMMParams
        The best restart's parameters.
    resp : ndarray of shape (N, K)
        Their responsibilities on the data.
    criteria : Criteria
        Log-likelihood, parameter count, BIC and AIC on the data.
    seconds : float
        Wall time of the fit (all restarts), measured when it ran.
    n_init : int
    n_iter : int
        Iterations of the best restart.
    stop_reason : str
    collapsed : tuple of int
        Hills whose covariance lost a dimension (the fit stopped there).
    emptied : tuple of int
        Hills holding (almost) no point.
    """

    covariance_type: str
    params: GMMParams
    resp: np.ndarray
    criteria: Criteria
    seconds: float
    n_init: int
    n_iter: int
    stop_reason: str
    collapsed: tuple[int, ...]
    emptied: tuple[int, ...]

    @property
    def did_collapse(self) -> bool:
        """True when EM stopped because a hill collapsed."""
        return self.stop_reason == "collapsed"


@st.cache_data(show_spinner=False, max_entries=96)
def timed_fit(
    X: np.ndarray,
    n_components: int,
    covariance_type: str,
    seed: int,
    reg_covar: float = REG_COVAR,
    n_init: int = N_INIT,
) -> TypeFit:
    """Fit one covariance type by EM from k-means starts, timing the fit.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    n_components : int
    covariance_type : {"full", "tied", "diag", "spherical"}
    seed : int
        Restart i uses seed ``seed + i``.
    reg_covar : float
    n_init : int

    Returns
    -------
    TypeFit
        The time is stored with the result, so a cached rerun shows how long the
        fit took when it ran.
    """
    _warm_up()
    start = time.perf_counter()
    result = fit(
        X,
        n_components,
        covariance_type=covariance_type,  # type: ignore[arg-type]
        init="kmeans",
        n_init=n_init,
        seed=seed,
        reg_covar=reg_covar,
    )
    seconds = time.perf_counter() - start
    best = result.best
    return TypeFit(
        covariance_type,
        result.params,
        responsibilities(X, result.params),
        criteria(X, result.params),
        seconds,
        n_init,
        best.iteration,
        best.stop_reason or "max_iter",
        best.collapsed,
        best.emptied,
    )


_WARM = {"done": False}


def _warm_up() -> None:
    """Pay the one-off costs (lazy imports, thread pools) before the first timing.

    Otherwise the first type fitted in a fresh server would look a hundred times
    slower than the others.
    """
    if not _WARM["done"]:
        fit(np.arange(12.0).reshape(6, 2) ** 1.5, 2, n_init=1)
        _WARM["done"] = True


def fit_all_types(data: Dataset, settings: Settings) -> dict[str, TypeFit | str]:
    """The four fits (cached); a student-worded message where one failed."""
    fits: dict[str, TypeFit | str] = {}
    with st.spinner("Fitting four covariance types…"):
        for ctype in TYPES:
            try:
                fits[ctype] = timed_fit(
                    data.X, settings.n_components, ctype, settings.seed
                )
            except FogmapError as exc:
                fits[ctype] = str(exc)
    return fits


###############################################################################
# Settings


def read_url() -> None:
    """Take K, the covariance type and the seed from a shared link."""
    state.read_url_once(
        "covariance_shapes",
        {
            "n_components": state.int_param(1, 10),
            "covariance_type": state.choice_param(COVARIANCE_TYPES),
            "seed": state.int_param(0, 9999),
        },
    )


def write_url(settings: Settings) -> None:
    """Keep K, the covariance type and the seed in the URL."""
    state.write_url(
        {
            "n_components": settings.n_components,
            "covariance_type": settings.covariance_type,
            "seed": settings.seed,
        },
        URL_KEYS,
    )


def settings_row(data: Dataset) -> tuple[Settings, Dataset, Projection | None]:
    """K, the covariance type, the seed, standardising and (D > 2) the view.

    Returns
    -------
    settings : Settings
    shown : Dataset
        The data the page fits: ``data`` itself, or standardised.
    projection : Projection or None
        The plane the panels show (None for one feature).
    """
    with st.container(border=True):
        cols = st.columns([1, 1.6, 0.9, 2.4])
        k = k_input(
            cols[0],
            data,
            help="How many Gaussian hills each of the four fits looks for.",
        )
        ctype = state.shared_widget(
            cols[1].selectbox,
            "Your covariance type",
            COVARIANCE_TYPES,
            format_func=type_label,
            key="covariance_type",
            help="The type the other pages use. All four are fitted here; yours "
            "is marked.",
        )
        seed = seed_input(
            cols[2], help="Seed of the k-means starts (3 restarts per type)."
        )
        with cols[3]:
            scaled = data.n_features > 1 and st.toggle(
                "Standardise the features",
                key="cs_standardise",
                help="Rescale every feature to mean 0 and spread 1 before fitting. "
                "Spherical and diag hills are round or upright in the data's own "
                "units, so the units change what they can fit.",
            )
            shown = standardised(data) if scaled else data
            projection = projection_picker(shown, "cs_view", "every fit")
            st.caption(
                f"Each type is fitted with {N_INIT} k-means starts and "
                f"reg_covar = {REG_COVAR:g}; the best start is drawn."
            )
    settings = Settings(int(min(k, data.n_samples)), str(ctype), int(seed))
    ratio = spread_ratio(data.X)
    if not scaled and ratio > UNEVEN_SPREADS:
        spreads = feature_spreads(data.X)
        wide, narrow = int(spreads.argmax()), int(spreads.argmin())
        st.info(
            f"Your features' spreads differ **{ratio:.0f}-fold** "
            f"(*{md_escape(data.feature_names[wide])}* against "
            f"*{md_escape(data.feature_names[narrow])}*). A spherical hill is "
            "round in these units, so it must be as wide as the widest feature in "
            "every direction. Switch on **Standardise the features** to compare "
            "the types on equal footing.",
            icon=":material/straighten:",
        )
    return settings, shown, projection


def standardised(data: Dataset) -> Dataset:
    """``data`` with every feature rescaled to mean 0 and spread 1."""
    return replace(
        data,
        name=f"{data.name} (standardised)",
        X=standardise(data.X),
        feature_names=tuple(f"{n} (standardised)" for n in data.feature_names),
    )


###############################################################################
# The four panels


def parameter_latex(n_components: int, n_features: int, covariance_type: str) -> str:
    """The free-parameter formula of a type, filled in with K and D (LaTeX)."""
    count = parameter_count(n_components, n_features, covariance_type)  # type: ignore[arg-type]
    formula, words = COVARIANCE_PART[covariance_type]
    return (
        r"\begin{aligned} p &= "
        rf"\underbrace{{{formula}}}_{{\text{{{words}}}}}"
        r" + \underbrace{K\,D}_{\text{means}}"
        r" + \underbrace{K-1}_{\text{weights}} \\"
        rf" &= {count.covariance} + {count.means} + {count.weights} = {count.total}"
        r" \quad" + rf"(K = {n_components},\ D = {n_features})"
        r"\end{aligned}"
    )


def type_panels(
    data: Dataset,
    fits: dict[str, TypeFit | str],
    settings: Settings,
    projection: Projection | None,
) -> None:
    """Four panels, two by two: each type's fit, its cost and its scores."""
    if data.n_features == 1:
        st.info(
            "With one feature, **spherical, diag and full are the same model**: a "
            "hill has a single variance and nothing to tilt, so the three fits and "
            "their parameter counts agree. Only **tied** differs: every hill gets "
            "the same width.",
            icon=":material/info:",
        )
    if projection is not None and np.count_nonzero(projection.matrix) > 2:
        st.caption(
            "In the PCA view even diag and spherical hills can look tilted or "
            "stretched: each ellipse is the hill as seen from that plane, and the "
            "fits are upright and round in the features themselves."
        )
    rows = (TYPES[:2], TYPES[2:])
    for row in rows:
        cols = st.columns(2, gap="medium")
        for col, ctype in zip(cols, row, strict=True):
            with col, st.container(border=True):
                _panel(data, fits[ctype], ctype, settings, projection)


def _panel(
    data: Dataset,
    result: TypeFit | str,
    ctype: str,
    settings: Settings,
    projection: Projection | None,
) -> None:
    mine = " · *your choice*" if ctype == settings.covariance_type else ""
    st.markdown(f"#### {ctype}: {COVARIANCE_PICTURES[ctype]}{mine}")
    st.caption(ALLOWS[ctype])
    if isinstance(result, str):
        st.error(md_escape(result), icon=":material/error:")
        return
    params = result.params
    if projection is None:
        fig = fog_curves(data.X, params, data.feature_names[0])
    else:
        fig = fog_map(
            data.X, params, result.resp, data.feature_names, projection, height=430
        )
    st.plotly_chart(fig, key=f"cs_panel_{ctype}")
    st.latex(parameter_latex(settings.n_components, data.n_features, ctype))
    c = result.criteria
    st.markdown(
        f"ln L = **{c.log_likelihood:,.1f}** · BIC = **{c.bic:,.1f}** · "
        f"AIC = **{c.aic:,.1f}** · fitted in **{milliseconds(result.seconds)}** "
        f"({result.n_init} starts, best in {plural(result.n_iter, 'iteration')})"
    )
    if result.did_collapse:
        st.warning(
            f"{hill_names(result.collapsed).capitalize()} "
            "collapsed onto too few points "
            "even with reg_covar: these scores are not meaningful. Try fewer hills.",
            icon=":material/warning:",
        )
    elif result.emptied:
        st.caption(f"{hill_names(result.emptied).capitalize()} holds almost no point.")


###############################################################################
# The comparison table


def _winners(scores: dict[str, float], *, lower: bool = True) -> list[str]:
    """The types with the best score, ties (within rounding) too, simplest first."""
    if not scores:
        return []
    sign = 1.0 if lower else -1.0
    best = min(sign * v for v in scores.values())
    slack = 1e-6 * max(1.0, abs(best))
    return [t for t in TYPES if t in scores and sign * scores[t] <= best + slack]


def _bold_list(types: list[str]) -> str:
    words = [f"**{t}**" for t in types]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def comparison_table(data: Dataset, fits: dict[str, TypeFit | str]) -> None:
    """The four fits in one table, the best by BIC and by AIC marked."""
    ok = {t: f for t, f in fits.items() if isinstance(f, TypeFit)}
    usable = {t: f for t, f in ok.items() if not f.did_collapse}
    if not ok:
        st.caption("No type could be fitted to this data; see the messages above.")
        return
    by_bic = _winners({t: f.criteria.bic for t, f in usable.items()})
    by_aic = _winners({t: f.criteria.aic for t, f in usable.items()})
    rows = []
    for ctype in TYPES:
        f = ok.get(ctype)
        if f is None:
            continue
        c = f.criteria
        rows.append(
            {
                "covariance type": type_label(ctype),
                "free parameters": c.n_parameters,
                "log-likelihood ln L": c.log_likelihood,
                "BIC": c.bic,
                "AIC": c.aic,
                "fit time (ms)": f.seconds * 1000,
                "best by BIC": "★ best" if ctype in by_bic else "",
                "best by AIC": "★ best" if ctype in by_aic else "",
            }
        )
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        width="stretch",
        key="cs_table",
        column_config={
            "log-likelihood ln L": st.column_config.NumberColumn(format="%.2f"),
            "BIC": st.column_config.NumberColumn(format="%.2f"),
            "AIC": st.column_config.NumberColumn(format="%.2f"),
            "fit time (ms)": st.column_config.NumberColumn(format="%.1f"),
        },
    )
    n = data.n_samples
    st.caption(
        "ln L is the log-likelihood summed over all "
        f"{n:,} points (higher fits better). BIC = −2 ln L + p ln N and AIC = "
        "−2 ln L + 2p: lower is better. Each extra parameter costs "
        f"ln N = {math.log(n):.2f} under BIC and 2 under AIC. Fit time covers "
        f"{N_INIT} k-means starts and EM, measured when the fit ran (it varies "
        "with how busy the computer is)."
    )
    if not by_bic:
        return
    best_bic = by_bic[0]
    same = (
        " (equal scores: the same model here)"
        if len(by_bic) > 1
        else f" ({COVARIANCE_PICTURES[best_bic]})"
    )
    words = f"BIC prefers {_bold_list(by_bic)}{same}"
    if by_aic != by_bic:
        words += (
            f"; AIC, which charges less per parameter, prefers {_bold_list(by_aic)}"
        )
    highest = _winners(
        {t: f.criteria.log_likelihood for t, f in usable.items()}, lower=False
    )
    if best_bic not in highest:
        top = highest[0]
        extra = (
            usable[top].criteria.n_parameters - usable[best_bic].criteria.n_parameters
        )
        gain = (
            usable[top].criteria.log_likelihood
            - usable[best_bic].criteria.log_likelihood
        )
        words += (
            f". **{top}** fits best (highest ln L), but its {extra} extra "
            f"parameters buy only {gain:.1f} in ln L, and BIC charges "
            f"ln N / 2 = {math.log(n) / 2:.2f} of ln L for each"
        )
    st.markdown(words + ".")
    if state.remembered("covariance_type", "full") not in by_bic and st.button(
        f"Use {best_bic} on every page",
        key="cs_use_best",
        icon=":material/check_circle:",
        help="Make BIC's choice your covariance type here and on the other pages.",
    ):
        state.remember("covariance_type", best_bic)
        st.rerun()


###############################################################################
# The shape sandbox

SANDBOX_TEXT = {
    "spherical": "**Spherical cannot stretch.** Its one variance is your two "
    "averaged: the best circle.",
    "diag": "**Diag cannot tilt.** It keeps each feature's variance and drops "
    "the tilt.",
    "full": "**Full takes your hill as it is**: any stretch, any tilt.",
    "tied": "**Tied takes your hill too, but forces every hill to share it**: "
    "here, three clones.",
}
SANDBOX_FORMULA = {
    "spherical": r"\tfrac{\operatorname{tr}\Sigma}{D}\,I",
    "diag": r"\operatorname{diag}(\Sigma)",
    "full": r"\Sigma",
    "tied": r"\Sigma \text{ for every hill}",
}
SANDBOX_SAMPLES = 300


@st.fragment
def shape_sandbox() -> None:
    """Sliders for one hill's spreads and tilt; the closest shape of each type."""
    controls, yours, numbers = st.columns([1, 1, 1.3], gap="medium")
    with controls:
        sigma1 = st.slider(
            "σ1: spread along the hill's long axis",
            0.3,
            3.0,
            2.5,
            0.1,
            key="cs_sigma1",
        )
        sigma2 = st.slider("σ2: spread across it", 0.3, 3.0, 0.8, 0.1, key="cs_sigma2")
        tilt = st.slider(
            "Tilt (degrees)",
            -90,
            90,
            30,
            5,
            key="cs_tilt",
            help="Angle of the σ1 axis from the horizontal.",
        )
    true_cov = covariance_from_spreads(sigma1, sigma2, tilt)
    samples = sample_hill(true_cov, SANDBOX_SAMPLES, seed=0)
    with yours:
        st.plotly_chart(
            sandbox_panel(true_cov, None, samples, show_axes=True, height=280),
            key="cs_sandbox_yours",
            config={"displayModeBar": False},
        )
    with numbers:
        st.markdown("**Your hill's covariance**")
        st.latex(rf"\Sigma = {matrix(true_cov)}")
        st.caption(
            "The closest shape each type can take is what that type would fit to "
            "endless data drawn from your hill (its maximum-likelihood fit). "
            "*Lost* is the KL divergence: the log-likelihood per point the type "
            "gives away, on average, by not being your hill."
        )
    cols = st.columns(4, gap="small")
    for col, ctype in zip(cols, TYPES, strict=True):
        closest = closest_covariance(true_cov, ctype)  # type: ignore[arg-type]
        lost = kl_divergence(true_cov, closest)
        with col:
            st.markdown(f"**{type_label(ctype)}**")
            st.plotly_chart(
                sandbox_panel(
                    true_cov,
                    closest,
                    samples,
                    clones=3 if ctype == "tied" else 1,
                    shape_colour="#0072B2",
                    shape_name=ctype,
                    height=260,
                ),
                key=f"cs_sandbox_{ctype}",
                config={"displayModeBar": False},
            )
            st.latex(
                rf"\begin{{aligned}} S &= {SANDBOX_FORMULA[ctype]} \\"
                rf" &= {matrix(closest)} \end{{aligned}}"
            )
            st.markdown(SANDBOX_TEXT[ctype] + " " + _loss_words(ctype, lost))


def _loss_words(covariance_type: str, lost: float) -> str:
    """How much the closest shape loses, in words."""
    if lost >= 5e-4:
        return f"Lost: **{lost:.3f} nats per point**."
    why = {
        "spherical": " (your hill is round)",
        "diag": " (your hill is not tilted)",
    }.get(covariance_type, "")
    return f"Lost: **nothing**{why}."


###############################################################################
# What goes wrong: a singular covariance

SCENARIOS = {
    "constant": "A constant feature",
    "few": "Too few points per hill",
}
FEW_POINTS = 5
FEW_K = 3


@dataclass(frozen=True, eq=False)
class Demo:
    """Data built to make a covariance singular."""

    X: np.ndarray
    feature_names: tuple[str, ...]
    n_components: int
    story: str


def demo_data(data: Dataset, scenario: str, seed: int) -> Demo:
    """The demo data of a scenario, built from the active data."""
    if scenario == "constant":
        name = "constant"
        while name in data.feature_names:
            name += "_"
        k = max(1, min(3, data.n_samples))
        return Demo(
            with_constant_feature(data.X, 1.0),
            (*data.feature_names, name),
            k,
            f"Your data plus a feature *{md_escape(name)}* that is 1.0 for every "
            "point, "
            f"fitted with K = {k}.",
        )
    X = few_points(data.X, FEW_POINTS, seed)
    k = max(1, min(FEW_K, X.shape[0] - 1))
    return Demo(
        X,
        data.feature_names,
        k,
        f"{X.shape[0]} points of your data, fitted with K = {k}: some hill must "
        "own a single point.",
    )


def _why(scenario: str, d: int) -> str:
    if scenario == "constant":
        return (
            "Every point has the same value of the constant feature, so no hill "
            "has any spread along it: its variance is 0, the covariance cannot be "
            "inverted, and the density on that flat slice is infinite."
        )
    line = {1: "", 2: " (and two points lie on a line: a hill of two is flat)"}.get(
        d, f" (and {d} points or fewer lie on a flat plane: such a hill is flat)"
    )
    return (
        "A hill that owns a single point has no spread at all" + line + ": its "
        "variance shrinks to 0 and its density on that point grows without bound."
    )


def _demo_fits(demo: Demo, seed: int) -> dict[tuple[str, float], TypeFit | str]:
    out: dict[tuple[str, float], TypeFit | str] = {}
    for ctype in TYPES:
        for reg in (0.0, REG_COVAR):
            try:
                out[ctype, reg] = timed_fit(
                    demo.X, demo.n_components, ctype, seed, reg, 1
                )
            except FogmapError as exc:
                out[ctype, reg] = str(exc)
    return out


def _outcome(f: TypeFit | str) -> str:
    if isinstance(f, str):
        return "could not fit: " + f
    if f.did_collapse:
        return f"collapsed at iteration {f.n_iter}: {hill_names(f.collapsed)}"
    per_point = f.criteria.log_likelihood / f.criteria.n_samples
    return (
        f"fine: ln L per point {per_point:.2f}, narrowest variance "
        f"{narrowest_variance(f.params):.2g}"
    )


def _demo_figure(
    demo: Demo, f: TypeFit, projection: Projection | None, key: str
) -> None:
    d = demo.X.shape[1]
    if d == 1:
        fig = collapse_curves(demo.X, f.params, demo.feature_names[0], f.collapsed)
    else:
        if projection is None or projection.matrix.shape[0] != d:
            # The constant feature is last: show it against the first one in view.
            first = 0
            if (
                projection is not None
                and np.count_nonzero(projection.matrix[:, 0]) == 1
            ):
                first = int(np.flatnonzero(projection.matrix[:, 0])[0])
            projection = Projection.features(demo.feature_names, first, d - 1)
        fig = demo_map(demo.X, f.params, f.resp, demo.feature_names, projection)
    st.plotly_chart(fig, key=key)


def singular_demo(
    data: Dataset, settings: Settings, projection: Projection | None
) -> None:
    """Break a covariance on purpose, then fix it two ways, with the numbers."""
    st.markdown(
        "A covariance is *singular* when a hill has no width in some direction. "
        "EM then divides by zero: the hill's density, and the log-likelihood, run "
        "off to infinity. Two everyday causes:"
    )
    scenario = st.radio(
        "What breaks the covariance",
        list(SCENARIOS),
        format_func=SCENARIOS.__getitem__,
        horizontal=True,
        key="cs_broken",
        label_visibility="collapsed",
    )
    try:
        demo = demo_data(data, scenario, settings.seed)
    except FogmapError as exc:
        st.error(md_escape(str(exc)), icon=":material/error:")
        return
    if demo.X.shape[0] < 2:
        st.caption("This needs at least two points; your data has fewer.")
        return
    st.caption(demo.story)
    with st.spinner("Breaking and fixing the hills…"):
        results = _demo_fits(demo, settings.seed)
    broken = [
        t
        for t in (settings.covariance_type, "full", "diag", "spherical", "tied")
        if isinstance(results[t, 0.0], TypeFit) and results[t, 0.0].did_collapse
    ]
    if not broken:
        st.info(
            "This time no hill collapsed, even with reg_covar = 0. The table below "
            "shows every type.",
            icon=":material/info:",
        )
    else:
        _break_and_fix(demo, scenario, broken[0], results, projection)
    rows = [
        {
            "covariance type": type_label(t),
            "reg_covar = 0": _outcome(results[t, 0.0]),
            f"reg_covar = {REG_COVAR:g}": _outcome(results[t, REG_COVAR]),
        }
        for t in TYPES
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    if scenario == "constant":
        boost = -0.5 * math.log(2 * math.pi * REG_COVAR)
        st.markdown(
            f"**reg_covar hides the problem, it does not remove it.** The constant "
            f"feature's variance becomes {REG_COVAR:g}, which adds "
            f"ln(1/√(2π·{REG_COVAR:g})) = {boost:.2f} to every point's "
            "log-likelihood: the numbers look great and mean nothing. The honest "
            "fix is to drop the column: it cannot tell hills apart."
        )
    else:
        st.markdown(
            "**reg_covar keeps the numbers finite, but a hill on one point is a "
            "fit to noise.** The real fixes: fewer hills, more data, or a type "
            "with fewer parameters per hill (tied pools every point into one "
            "shape)."
        )


def _break_and_fix(
    demo: Demo,
    scenario: str,
    ctype: str,
    results: dict[tuple[str, float], TypeFit | str],
    projection: Projection | None,
) -> None:
    d = demo.X.shape[1]
    bad = results[ctype, 0.0]
    assert isinstance(bad, TypeFit)
    fixed = results[ctype, REG_COVAR]
    simpler = [
        t
        for t in ("tied", "spherical", "diag")
        if t != ctype
        and isinstance(results[t, 0.0], TypeFit)
        and not results[t, 0.0].did_collapse  # type: ignore[union-attr]
    ]
    cols = st.columns(3, gap="medium")
    with cols[0]:
        st.markdown(f"**1. {ctype}, reg_covar = 0: it breaks**")
        _demo_figure(demo, bad, projection, "cs_broken_map")
        st.error(
            f"EM stopped at iteration {bad.n_iter}: "
            f"{hill_names(bad.collapsed)} collapsed.",
            icon=":material/error:",
        )
        st.caption(
            f"{_why(scenario, d)} The log-likelihood is not getting better, it is "
            "running off to infinity, so Fogmap stops EM there instead of crashing."
        )
    with cols[1]:
        st.markdown(f"**2. Fix: {ctype} with reg_covar = {REG_COVAR:g}**")
        if isinstance(fixed, str):
            st.error(md_escape(fixed))
        else:
            _demo_figure(demo, fixed, projection, "cs_fixed_reg_map")
            if fixed.did_collapse:
                st.warning(
                    f"Still collapsed: {hill_names(fixed.collapsed)}. reg_covar = "
                    f"{REG_COVAR:g} is tiny next to your data's spread; scale the "
                    "data or choose fewer hills.",
                    icon=":material/warning:",
                )
            else:
                st.success(
                    f"Converged in {plural(fixed.n_iter, 'iteration')}. reg_covar adds "
                    f"{REG_COVAR:g} to every variance, so the narrowest hill is "
                    f"now {narrowest_variance(fixed.params):.2g} wide (in "
                    "variance) instead of 0: ln L per point = "
                    f"{fixed.criteria.log_likelihood / fixed.criteria.n_samples:.2f}.",
                    icon=":material/check_circle:",
                )
    with cols[2]:
        if not simpler:
            st.markdown("**3. A simpler type**")
            st.caption(
                "Every simpler type collapses here too: only reg_covar, fewer "
                "hills or more data help."
            )
            return
        other = simpler[0]
        good = results[other, 0.0]
        assert isinstance(good, TypeFit)
        st.markdown(f"**3. Fix: {other}, still reg_covar = 0**")
        _demo_figure(demo, good, projection, "cs_fixed_type_map")
        reason = {
            "tied": "one shape is fitted to all the points together, so a hill "
            "cannot shrink onto its own few points",
            "spherical": "its one variance averages over every feature, so a "
            "feature with no spread cannot flatten it",
            "diag": "a variance per feature, with no tilt to squeeze",
        }[other]
        st.success(
            f"{other.capitalize()} survives: {reason}. Converged in "
            f"{plural(good.n_iter, 'iteration')}, narrowest variance "
            f"{narrowest_variance(good.params):.2g}.",
            icon=":material/check_circle:",
        )
