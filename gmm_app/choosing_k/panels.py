"""Choosing K's panels (Streamlit), so the page reads as a list.

Clicking a point on the criteria chart (or the selectboxes beside it) only
chooses which stored fit is drawn: nothing refits.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import streamlit as st

from gmm_app.choosing_k.figures import (
    criteria_chart,
    heldout_chart,
    razor_chart,
)
from gmm_app.choosing_k.model import (
    HELDOUT_FRACTION,
    SweepSettings,
    TypeSweep,
    parameter_breakdown,
    summarise,
    table_rows,
)
from gmm_app.choosing_k.sweeps import run_sweep
from gmm_app.choosing_k.verdict import (
    collapsed_words,
    heldout_words,
    razor_words,
    support_words,
    verdict,
)
from gmm_app.plotting.events import as_int
from gmm_app.plotting.fog import fog_curves, fog_map
from gmm_app.plotting.margins import drawn_once
from gmm_app.shell import present, state
from gmm_app.shell.live_chart import live_chart
from gmm_app.shell.widgets import projection_picker, restore_view
from gmm_app.words import plural, score, type_label
from gmm_core import Dataset, responsibilities
from gmm_core.selection import SweepFit, best_per_setting

_PICK = "fog.ck_pick"  # (covariance type, K) the student chose to draw
_CLICK = "fog.ck_click"  # a click on the criteria chart, not yet drawn
_CHART = "ck_chart"


def verdict_panel(
    sweeps: Sequence[TypeSweep],
    data: Dataset,
    settings: SweepSettings,
    *,
    hide: bool = False,
) -> None:
    """The best K by each criterion, in words, and the K left off.

    Parameters
    ----------
    sweeps : sequence of TypeSweep
    data : Dataset
        Its ``true_k``, when known, is named.
    settings : SweepSettings
    hide : bool
        Say instead that the verdict waits for the "Check yourself" question.
    """
    if hide:
        st.info(
            "Which K does BIC pick? The verdict and the stars wait until you answer "
            "under the chart (**Check yourself**).",
            icon=":material/quiz:",
        )
        return
    st.markdown(
        verdict(
            sweeps,
            true_k=data.true_k,
            show_icl=settings.show_icl,
            k_max=settings.k_max,
        )
    )
    left_off = collapsed_words(sweeps)
    if left_off:
        st.caption(left_off)


###############################################################################
# The criteria chart and the fit it points at


def _clicked(value: dict) -> None:
    """A click on the criteria chart (a callback, before the script): remember the
    (K, panel) of the point clicked, for :func:`current_pick` to draw that fit.

    Line traces carry ``customdata`` = [K, panel index]; the live chart hands the
    point's whole row back.
    """
    row = value.get("customdata")
    if not isinstance(row, list) or len(row) < 2:
        return
    k, panel = as_int(row[0]), as_int(row[1])
    if k is not None and panel is not None:
        st.session_state[_CLICK] = (k, panel)


def _valid(sweeps: Sequence[TypeSweep], pick: object) -> bool:
    if not isinstance(pick, tuple) or len(pick) != 2:
        return False
    return any(s.covariance_type == pick[0] and pick[1] in s.ks for s in sweeps)


def _default_pick(
    sweeps: Sequence[TypeSweep], ctype: str | None = None
) -> tuple[str, int]:
    """BIC's pick: for ``ctype``, or the best over all types."""
    candidates = [s for s in sweeps if ctype in (None, s.covariance_type)] or sweeps
    best = min(candidates, key=lambda s: float(s.criteria["BIC"].best.min()))
    return best.covariance_type, best.best_k("BIC")


def current_pick(sweeps: Sequence[TypeSweep], *, hide: bool = False) -> tuple[str, int]:
    """The (type, K) to draw: the last clicked or chosen, else BIC's pick.

    A click on the criteria chart is remembered by its callback before the
    script runs, so the ring and the fit follow in the same run.

    Parameters
    ----------
    sweeps : sequence of TypeSweep
    hide : bool
        BIC's pick is hidden (a question asks for it): draw the first type's
        smallest K instead, unless the student chose a fit.

    Returns
    -------
    (covariance type, K)
        Always one of the sweeps' settings.
    """
    clicked = st.session_state.pop(_CLICK, None)  # applied once
    if clicked is not None and clicked[1] < len(sweeps):
        st.session_state[_PICK] = (sweeps[clicked[1]].covariance_type, clicked[0])
    pick = st.session_state.get(_PICK)
    if _valid(sweeps, pick):
        return pick  # type: ignore[return-value]
    if hide:
        wanted = pick[0] if isinstance(pick, tuple) and pick else None
        first = next((s for s in sweeps if s.covariance_type == wanted), sweeps[0])
        return first.covariance_type, int(first.ks[0])
    if isinstance(pick, tuple) and pick:
        return _default_pick(sweeps, pick[0])
    return _default_pick(sweeps)


def criteria_panel(
    sweeps: Sequence[TypeSweep],
    data: Dataset,
    settings: SweepSettings,
    pick: tuple[str, int],
    *,
    hide: bool = False,
) -> None:
    """BIC and AIC (and ICL) against K; clicking a point chooses the fit drawn.

    Parameters
    ----------
    sweeps : sequence of TypeSweep
        One panel each.
    data : Dataset
    settings : SweepSettings
    pick : (covariance type, K)
        The fit drawn beside the chart: ringed.
    hide : bool
        Leave out the stars (a question asks for BIC's pick).
    """
    fig = criteria_chart(
        sweeps,
        names=settings.criteria,
        true_k=data.true_k,
        selected=pick,
        hide_best=hide,
    )
    live_chart(fig, key=_CHART, clickable=True, on_click=_clicked)
    if settings.n_init == 1:
        restarts = "one restart each, so no band"
    elif all(int(n) == settings.n_init for s in sweeps for n in s.restarts_kept):
        restarts = f"the band spans the {settings.n_init} restarts"
    else:
        restarts = "the band spans the restarts that did not collapse"
    notes = []
    if any(not s.supported.all() for s in sweeps):
        notes.append(
            "Grey background and open markers: K with more parameters than "
            f"{data.n_samples:,} points can support."
        )
    if any(s.falls() for s in sweeps):
        notes.append(
            "Open rings: K where this run's fit got worse (open Occam's razor "
            "below for why)."
        )
    st.caption(
        "Each line goes through the best of the restarts at each K (highest "
        f"likelihood); {restarts}. "
        + (
            "Stars (each criterion's lowest value) are hidden until you answer below. "
            if hide
            else "Stars: each criterion's lowest value. "
        )
        + " ".join(notes)
        + " Click a point to draw that fit."
    )


def _pick_changed(drawn_type: str) -> None:
    # With one type there is no type picker: K goes with the type drawn.
    ctype = st.session_state.get("ck_pick_type", drawn_type)
    st.session_state[_PICK] = (ctype, st.session_state["ck_pick_k"])


def _pick_type_changed() -> None:
    st.session_state[_PICK] = (st.session_state["ck_pick_type"], -1)  # its BIC pick


def _pickers(
    sweeps: Sequence[TypeSweep],
    settings: SweepSettings,
    pick: tuple[str, int],
    hide: bool,
) -> None:
    """The selectboxes of the fit drawn: its K (and, for several types, its type)."""
    ctype, k = pick
    cols = st.columns(2 if len(sweeps) > 1 else 1)
    if len(sweeps) > 1:
        st.session_state["ck_pick_type"] = ctype
        cols[1].selectbox(
            "Covariance type",
            [s.covariance_type for s in sweeps],
            format_func=type_label,
            key="ck_pick_type",
            on_change=_pick_type_changed,
        )
    this = next(s for s in sweeps if s.covariance_type == ctype)
    marks: dict[int, list[str]] = {}
    for name in () if hide else settings.criteria:
        marks.setdefault(this.best_k(name), []).append(name)
    st.session_state["ck_pick_k"] = k
    cols[0].selectbox(
        "Draw the fit with",
        [int(v) for v in this.ks],
        format_func=lambda v: (
            plural(v, "hill")
            + (f"  ({' & '.join(marks[v])} pick)" if v in marks else "")
        ),
        key="ck_pick_k",
        on_change=_pick_changed,
        args=(ctype,),
        help="Or click a point on the chart.",
    )


def chosen_fit_panel(
    fits: tuple[SweepFit, ...],
    sweeps: Sequence[TypeSweep],
    data: Dataset,
    settings: SweepSettings,
    pick: tuple[str, int],
    *,
    hide: bool = False,
) -> str | None:
    """The fit picked on the chart (or here), drawn with its parameter count.

    Parameters
    ----------
    fits : tuple of SweepFit
        Every restart of the sweep.
    sweeps : sequence of TypeSweep
    data : Dataset
        The points the sweep was fitted to, drawn under the fit.
    settings : SweepSettings
    pick : (covariance type, K)
    hide : bool
        Leave out which K each criterion picks (a question asks for it).

    Returns
    -------
    str or None
        The plane the fit is drawn in ("pca" or "i,j"), for more than two
        features; None otherwise.
    """
    ctype, k = pick
    _pickers(sweeps, settings, pick, hide)
    fit = best_per_setting(fits)[(ctype, k)]
    crit = fit.criteria
    count, formula = parameter_breakdown(ctype, k, data.n_features)
    st.markdown(
        f"**{plural(k, 'hill').capitalize()}, {ctype} covariance: "
        f"{crit.n_parameters} free "
        f"parameters** = {plural(count.weights, 'weight')} + "
        f"{plural(count.means, 'mean coordinate')} + "
        f"{plural(count.covariance, 'covariance number')}"
    )
    weights_note = (
        "The single weight is always 1, so it is not free."
        if k == 1
        else f"The {k} weights sum to 1, so only {count.weights} of them are free."
    )
    st.caption(f"Covariance numbers: {formula}. {weights_note}")
    this = next(s for s in sweeps if s.covariance_type == ctype)
    caveat = support_words(this, k, "The fit drawn", advice=False)
    if caveat:
        st.warning(caveat, icon=":material/scatter_plot:")
    view = restore_view(data, "ck_view")
    projection = projection_picker(data, "ck_view", "the fit")
    if view is not None:
        view = st.session_state["ck_view"]
        state.remember("ck_view", view)
    if projection is None:
        fig = fog_curves(data.X, fit.params, data.feature_names[0])
    else:
        resp = responsibilities(data.X, fit.params)
        fig = drawn_once(
            fog_map(
                data.X, fit.params, resp, data.feature_names, projection, height=420
            )
        )
        spans = np.ptp(projection.points(data.X), axis=0)
        if spans.max() > 4 * max(spans.min(), 1e-12):
            # Features in different units (minutes against seconds): equal scales
            # would squash the map into a line, so let each axis fit its data.
            fig.layout.yaxis.scaleanchor = None
    live_chart(fig, key="ck_fit")
    line = f"K = {k}: BIC = {score(crit.bic)} | AIC = {score(crit.aic)}"
    if settings.show_icl:
        line += f" | ICL = {score(crit.icl)}"
    st.markdown(f"{line} | ln L = {score(crit.log_likelihood)}")
    if st.button(
        f"Use K = {k} ({ctype}) on the other pages",
        key="ck_use",
        icon=":material/check:",
        help="The EM stepper and the other pages start from this K and type.",
    ):
        state.remember("n_components", k)
        state.remember("covariance_type", ctype)
        st.success(
            f"The other pages now start with {plural(k, 'hill')} "
            f"and {ctype} covariances.",
            icon=":material/check_circle:",
        )
    return view


###############################################################################
# Occam's razor, the held-out check and the numbers


# The razor's expander: its key is also its URL parameter (``ck_show_razor``).
RAZOR_SECTION = "ck_show_razor"


def razor_section(
    sweeps: Sequence[TypeSweep], pick: tuple[str, int], n_init: int
) -> str | None:
    """Occam's razor (:func:`razor_panel`) in a section the student opens.

    Closed (the default), it computes and draws nothing, so the page's first
    screen paints with the criteria chart and the chosen fit alone.

    Parameters are :func:`razor_panel`'s.

    Returns
    -------
    str or None
        The type the razor shows (or showed last, while closed) when there is a
        choice (several types), else None: what the link keeps.
    """
    box = state.section(
        "Open the razor: each criterion split into fit and penalty",
        RAZOR_SECTION,
    )
    with box:
        if box.open:
            return razor_panel(sweeps, pick, n_init)
    wanted = state.remembered("ck_razor_type")
    options = [s.covariance_type for s in sweeps]
    return wanted if len(sweeps) > 1 and wanted in options else None


def razor_panel(
    sweeps: Sequence[TypeSweep], pick: tuple[str, int], n_init: int
) -> str | None:
    """Each criterion as fit plus penalty, so the student sees the trade-off.

    Parameters
    ----------
    sweeps : sequence of TypeSweep
        With several, a radio chooses the type shown (the pick's, at first).
    pick : (covariance type, K)
    n_init : int
        The restarts at every K (named where the fit got worse).

    Returns
    -------
    str or None
        The type shown when there is a choice (several types), else None.
    """
    ctype = pick[0]
    chosen = None
    if len(sweeps) > 1:
        options = [s.covariance_type for s in sweeps]
        if st.session_state.get("ck_razor_type") not in options:
            wanted = state.remembered("ck_razor_type")
            st.session_state["ck_razor_type"] = wanted if wanted in options else ctype
        ctype = st.radio(
            "Covariance type",
            options,
            format_func=type_label,
            key="ck_razor_type",
            horizontal=True,
        )
        state.remember("ck_razor_type", ctype)
        chosen = ctype
    s = next(s for s in sweeps if s.covariance_type == ctype)
    present.plotly_chart(razor_chart(s), key="ck_razor")
    st.markdown(razor_words(s, n_init))
    return chosen


def heldout_panel(data: Dataset, settings: SweepSettings) -> None:
    """Fit on 75% of the points, score the other 25%: the check no formula needs.

    Parameters
    ----------
    data : Dataset
    settings : SweepSettings
    """
    fits = run_sweep(data, settings, heldout=True)
    if fits is None:
        return
    sweeps = [s for s in summarise(fits) if s.heldout is not None]
    if not sweeps:
        st.info("Too few points to hold some out.")
        return
    present.plotly_chart(heldout_chart(sweeps, data.true_k), key="ck_heldout_chart")
    n_out = round(HELDOUT_FRACTION * data.n_samples)
    st.markdown(heldout_words(sweeps, data.n_samples - n_out, n_out))


# The numbers' expander (``ck_show_numbers`` in the URL).
NUMBERS_SECTION = "ck_show_numbers"


def numbers_section(sweeps: Sequence[TypeSweep], settings: SweepSettings) -> None:
    """Every fit in numbers (:func:`numbers_table`), in a section the student opens.

    Closed (the default), nothing is sent: the table is the chart's numbers, and
    its data grid's script (0.5 MB) would load with the page's first screen.

    Parameters are :func:`numbers_table`'s.
    """
    box = state.section(
        "Open the table: every K's ln L, penalties and criteria",
        NUMBERS_SECTION,
    )
    with box:
        if box.open:
            numbers_table(sweeps, settings)


_NUMBERS_FOR_QUESTIONS = "fog.ck_numbers_for_questions"


def open_numbers_for_questions(asking: bool) -> None:
    """Open every fit in numbers when the questions are switched on.

    One question asks for the K with the highest ln L, which the table lists.
    Opened once per switching on, so the student can close it again.

    Parameters
    ----------
    asking : bool
        Whether "Check yourself" asks its questions in this run.
    """
    if asking and not st.session_state.get(_NUMBERS_FOR_QUESTIONS):
        st.session_state[NUMBERS_SECTION] = True
    st.session_state[_NUMBERS_FOR_QUESTIONS] = asking


def numbers_table(sweeps: Sequence[TypeSweep], settings: SweepSettings) -> None:
    """Every K in numbers, with each criterion's pick marked.

    Parameters
    ----------
    sweeps : sequence of TypeSweep
    settings : SweepSettings
    """
    frame = table_rows(sweeps, settings)
    # The picks beside K, where a student looks first (the last columns may
    # need a sideways scroll on a small screen).
    first = ["covariance type", "K", "lowest"]
    frame = frame[first + [c for c in frame.columns if c not in first]]
    number = st.column_config.NumberColumn
    # Narrow columns, so every header is readable at 1280 px beside the sidebar.
    st.dataframe(
        frame,
        key="ck_table",
        hide_index=True,
        column_config={
            "covariance type": st.column_config.TextColumn("type", width="small"),
            "K": number(width="small"),
            "free parameters": number("p", help="Free parameters.", width="small"),
            "ln L": number(format="%.2f", width="small"),
            "fit: −2 ln L": number("−2 ln L", format="%.1f", width="small"),
            "BIC penalty": number("p ln N", format="%.1f", width="small"),
            "BIC": number(format="%.1f", width="small"),
            "AIC penalty": number("2p", format="%.1f", width="small"),
            "AIC": number(format="%.1f", width="small"),
            "ICL": number(format="%.1f", width="small"),
            "restarts kept": number(
                "kept",
                help="Restarts that did not collapse (of those tried).",
                width="small",
            ),
            "lowest": st.column_config.TextColumn(
                "lowest",
                help="The criteria whose lowest value is at this K.",
                width="small",
            ),
        },
    )
    st.caption(
        "BIC = −2 ln L + p ln N and AIC = −2 ln L + 2p, as scikit-learn's "
        "GaussianMixture.bic and .aic compute them. Each row is the best of the "
        "restarts; those that collapsed are not counted."
    )
