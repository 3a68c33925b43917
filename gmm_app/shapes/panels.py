"""The Covariance shapes page's settings and panels (Streamlit).

The settings row (K, the covariance type, the seed, the view) and
the URL; the four fitted types side by side; the table that compares them. The
fits come from :mod:`gmm_app.shapes.caches`, the sandbox and the singular demo
from :mod:`gmm_app.shapes.sandbox` and :mod:`gmm_app.shapes.singular`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from gmm_app.plotting.fog import fog_curves, fog_map
from gmm_app.plotting.geometry import Projection
from gmm_app.plotting.margins import drawn_once
from gmm_app.shapes.model import (
    N_INIT,
    REG_COVAR,
    TYPES,
    Settings,
    TypeFit,
    parameter_words,
)
from gmm_app.shapes.sandbox import SPREAD_RANGE, TILT_RANGE
from gmm_app.shapes.singular import SCENARIOS
from gmm_app.shell import state
from gmm_app.shell.live_chart import live_chart
from gmm_app.shell.widgets import (
    SCALE_WARNING,
    k_input,
    projection_picker,
    restore_view,
    seed_input,
)
from gmm_app.words import (
    COVARIANCE_PICTURES,
    and_list,
    hill_names,
    md_escape,
    milliseconds,
    plural,
    score,
    type_label,
)
from gmm_core import COVARIANCE_TYPES, Dataset, bic_penalty
from gmm_core.shapes import feature_spreads, spread_ratio

# The four panels: the first screen's two, then the section that adds the others
# (its key is also its URL parameter).
FIRST_TYPES = ("spherical", "full")
MORE_TYPES = ("diag", "tied")
ALL_TYPES = "cs_show_all_types"

_ALLOWS = {
    "spherical": "One variance per hill: round in every direction, any size.",
    "diag": "One variance per feature per hill: stretched along the axes, "
    "never tilted.",
    "full": "A whole covariance matrix per hill: any width, stretch and tilt.",
    "tied": "Any width, stretch and tilt, but one shape shared by every hill.",
}
_URL_KEYS = (
    "n_components",
    "covariance_type",
    "seed",
    "cs_standardise",  # an old link's, dropped: see follow_old_link
    "cs_view",
    "cs_broken",
)
# Above this ratio of the widest to the narrowest feature, suggest standardising.
_UNEVEN_SPREADS = 4.0


###############################################################################
# Settings


def follow_old_link() -> None:
    """Read an old link's ``cs_standardise`` as the shared ``standardise``.

    Covariance shapes once had its own "Standardise the features" switch; it now
    follows the sidebar's, which every page shares. Call before the sidebar is
    drawn, so ``cs_standardise=1`` still opens the page standardised (where the
    sidebar offers the switch: a file, or columns on very different scales). A
    link's own ``standardise`` wins.
    """
    old = st.query_params.get("cs_standardise")
    if old is None:
        return
    del st.query_params["cs_standardise"]
    value = state.switch_param(old)
    if value is not None and "standardise" not in st.query_params:
        state.remember("standardise", value)  # the sidebar's switch draws it


def read_url() -> None:
    """Take every control that changes what is drawn from a shared link (once)."""
    spreads = state.float_choice_param(_steps(*SPREAD_RANGE))
    state.read_url_once(
        "covariance_shapes",
        {
            "n_components": state.int_param(1, 10),
            "covariance_type": state.choice_param(COVARIANCE_TYPES),
            "seed": state.int_param(0, 9999),
            "cs_view": _view_param,
            "cs_broken": state.choice_param(SCENARIOS),
            "cs_sigma1": spreads,
            "cs_sigma2": spreads,
            "cs_tilt": state.choice_param(
                [str(t) for t in range(TILT_RANGE[0], TILT_RANGE[1] + 1, TILT_RANGE[2])]
            ),
        },
    )
    tilt = state.remembered("cs_tilt")
    if isinstance(tilt, str):
        state.remember("cs_tilt", int(tilt))


def _steps(low: float, high: float, step: float) -> list[float]:
    n = round((high - low) / step)
    return [round(low + i * step, 10) for i in range(n + 1)]


def _view_param(text: str) -> str | None:
    """ "pca" or "i,j" (feature numbers, i < j); checked against the data later."""
    i, _, j = text.partition(",")
    ok = text == "pca" or (i.isdigit() and j.isdigit() and int(i) < int(j))
    return text if ok else None


def write_url(settings: Settings, shown: Dataset) -> None:
    """Keep the settings row and the singular demo's choice in the URL.

    Parameters
    ----------
    settings : Settings
    shown : Dataset
        The data the page fits; with more than two features the plane shown
        goes in the link too.
    """
    view = state.remembered("cs_view") if shown.n_features > 2 else None
    values: dict[str, object] = {
        "n_components": settings.n_components,
        "covariance_type": settings.covariance_type,
        "seed": settings.seed,
    }
    if view is not None:
        values["cs_view"] = view
    broken = state.remembered("cs_broken")
    if broken is not None:
        values["cs_broken"] = broken
    state.write_url(values, _URL_KEYS)


def settings_row(data: Dataset) -> tuple[Settings, Dataset, Projection | None]:
    """K, the covariance type, the seed and (D > 2) the view.

    Parameters
    ----------
    data : Dataset
        The page's data.

    Returns
    -------
    settings : Settings
    shown : Dataset
        The data the page fits (standardised when the sidebar's switch is on).
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
            # Standardising is the sidebar's shared switch (every page follows);
            # the note above the view offers it in one click.
            restore_view(data, "cs_view")
            projection = projection_picker(data, "cs_view", "every fit")
            if data.n_features > 2:
                state.remember("cs_view", st.session_state["cs_view"])
            st.caption(
                f"Each type is fitted with {N_INIT} k-means starts and "
                f"reg_covar = {REG_COVAR:g}; the best start is drawn."
            )
    settings = Settings(int(min(k, data.n_samples)), str(ctype), int(seed))
    ratio = spread_ratio(data.X)
    if not data.is_standardised and ratio > _UNEVEN_SPREADS:
        spreads = feature_spreads(data.X)
        wide = md_escape(data.feature_names[int(spreads.argmax())])
        narrow = md_escape(data.feature_names[int(spreads.argmin())])
        lesson = (
            "A spherical hill is round in these units, so it must be as wide as "
            f"*{wide}* in every direction."
        )
        if ratio >= SCALE_WARNING:  # the note above gave the gap and the button
            st.info(
                f"{lesson} Standardise the columns (the button above, or the "
                "sidebar's switch) to compare the four types on equal footing.",
                icon=":material/straighten:",
            )
        else:
            st.info(
                f"Your features' spreads differ **{ratio:.0f}-fold** (*{wide}* "
                f"against *{narrow}*). {lesson} Switch on **Standardise the "
                "columns** in the sidebar to compare the four types on equal "
                "footing (every page follows).",
                icon=":material/straighten:",
            )
    return settings, data, projection


###############################################################################
# The four panels


def type_panels(
    data: Dataset,
    fits: dict[str, TypeFit | str],
    settings: Settings,
    projection: Projection | None,
) -> None:
    """Four panels, two by two: each type's fit, its cost and its scores.

    The first two (spherical and full: the least and the most freedom) are the
    page's first screen; diag and tied sit in a section the student opens (or a
    link with ``cs_show_all_types=true``, or the "Check yourself" questions):
    closed, they are neither drawn nor sent.

    Parameters
    ----------
    data : Dataset
        The data fitted (standardised or not).
    fits : dict of str to TypeFit or str
        From :func:`gmm_app.shapes.caches.fit_all_types`.
    settings : Settings
    projection : Projection or None
        The plane shown; None for one feature (bell curves).
    """
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
    _row(data, fits, FIRST_TYPES, settings, projection)
    box = state.section(
        "Compare all four shapes: open diag and tied too",
        ALL_TYPES,
    )
    with box:
        if box.open:
            _row(data, fits, MORE_TYPES, settings, projection)


def _row(
    data: Dataset,
    fits: dict[str, TypeFit | str],
    types: tuple[str, str],
    settings: Settings,
    projection: Projection | None,
) -> None:
    cols = st.columns(2, gap="medium")
    for col, ctype in zip(cols, types, strict=True):
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
    st.caption(_ALLOWS[ctype])
    if isinstance(result, str):
        st.error(md_escape(result), icon=":material/error:")
        return
    params = result.params
    if projection is None:
        fig = fog_curves(data.X, params, data.feature_names[0])
    else:
        fig = drawn_once(
            fog_map(
                data.X, params, result.resp, data.feature_names, projection, height=430
            )
        )
    live_chart(fig, key=f"cs_panel_{ctype}")
    c = result.criteria
    # The count and the scores in one Markdown block, in plain text: no formula
    # renderer (KaTeX) on the first screen.
    st.markdown(
        parameter_words(settings.n_components, data.n_features, ctype)
        + "\n\n"
        + f"ln L = **{score(c.log_likelihood)}** · BIC = **{score(c.bic)}** · "
        f"AIC = **{score(c.aic)}** · fitted in **{milliseconds(result.seconds)}** "
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


def _bold(types: list[str]) -> list[str]:
    return [f"**{t}**" for t in types]


def comparison_table(data: Dataset, fits: dict[str, TypeFit | str]) -> None:
    """The four fits in one table, the best by BIC and by AIC marked.

    Parameters
    ----------
    data : Dataset
        The data fitted (its N sets BIC's price per parameter).
    fits : dict of str to TypeFit or str
    """
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
    # A static table: it draws with the page's Markdown, without the data grid's
    # 0.5 MB script (four rows need no sorting or scrolling).
    st.table(
        pd.DataFrame(rows).style.format(
            {
                "log-likelihood ln L": "{:.2f}",
                "BIC": "{:.2f}",
                "AIC": "{:.2f}",
                "fit time (ms)": "{:.1f}",
            }
        ),
        hide_index=True,
    )
    n = data.n_samples
    per_parameter = bic_penalty(1, n)  # ln N
    st.caption(
        "ln L is the log-likelihood summed over all "
        f"{n:,} points (higher fits better). BIC = −2 ln L + p ln N and AIC = "
        "−2 ln L + 2p: lower is better. Each extra parameter costs "
        f"ln N = {per_parameter:.2f} under BIC and 2 under AIC. Fit time covers "
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
    words = f"BIC prefers {and_list(_bold(by_bic))}{same}"
    if by_aic != by_bic:
        words += (
            f"; AIC, which charges less per parameter, prefers "
            f"{and_list(_bold(by_aic))}"
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
            f"ln N / 2 = {per_parameter / 2:.2f} of ln L for each"
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
