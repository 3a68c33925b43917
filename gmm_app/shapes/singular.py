"""What goes wrong (Streamlit): a covariance made singular on purpose, then fixed.

Two everyday causes (a constant feature, too few points per hill) break a fit
without reg_covar; the page shows it break, then the two fixes: a small reg_covar,
or a simpler covariance type. The data is :func:`gmm_app.shapes.model.demo_data`,
the fits :func:`gmm_app.shapes.caches.demo_fits`. It sits in a section the student
opens (:func:`singular_section`), or the "Check yourself" questions open, since
one asks about it: closed, nothing of it is computed or sent.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from gmm_app.plotting.geometry import Projection
from gmm_app.shapes.caches import demo_fits
from gmm_app.shapes.figures import collapse_curves, demo_map
from gmm_app.shapes.model import (
    REG_COVAR,
    TYPES,
    Demo,
    Settings,
    TypeFit,
    demo_data,
)
from gmm_app.shell import present, state
from gmm_app.words import hill_names, md_escape, plural, type_label
from gmm_core import Dataset, FogmapError
from gmm_core.shapes import narrowest_variance

# The section's expander: its key is also its URL parameter (``cs_show_broken``).
SECTION = "cs_show_broken"

SCENARIOS = {
    "constant": "A constant feature",
    "few": "Too few points per hill",
}


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


def _outcome(f: TypeFit | str) -> str:
    if isinstance(f, str):
        return "could not fit: " + f
    if f.did_collapse:
        return f"collapsed at iteration {f.n_iter}: {hill_names(f.collapsed)}"
    return (
        f"fine: ln L per point {f.mean_log_likelihood:.2f}, narrowest variance "
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
    present.plotly_chart(fig, key=key)


def singular_section(
    data: Dataset, settings: Settings, projection: Projection | None
) -> None:
    """The demo (:func:`singular_demo`) in a section the student opens.

    Parameters are :func:`singular_demo`'s.
    """
    box = state.section(
        "Open the demo: break a covariance on purpose, then fix it two ways",
        SECTION,
    )
    with box:
        if box.open:
            singular_demo(data, settings, projection)


def singular_demo(
    data: Dataset, settings: Settings, projection: Projection | None
) -> None:
    """Break a covariance on purpose, then fix it two ways, with the numbers.

    Parameters
    ----------
    data : Dataset
        The demo data is built from it (:func:`gmm_app.shapes.model.demo_data`).
    settings : Settings
        Its seed and the student's covariance type (shown breaking first).
    projection : Projection or None
        The page's view; the demo shows the constant feature against the first
        feature in it.
    """
    st.markdown(
        "A covariance is *singular* when a hill has no width in some direction. "
        "EM then divides by zero: the hill's density, and the log-likelihood, run "
        "off to infinity. Two everyday causes:"
    )
    scenario = state.shared_widget(
        st.radio,
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
        results = demo_fits(demo, settings.seed)
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
                    f"{fixed.mean_log_likelihood:.2f}.",
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
