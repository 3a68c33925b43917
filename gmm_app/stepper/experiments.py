"""Three experiments beside the stepper (Streamlit): K-Means in lockstep with EM,
the restart gallery (several seeds side by side) and the collapse lab.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from gmm_app.plotting.geometry import AxesView, Projection
from gmm_app.shell import present, state
from gmm_app.shell.live_chart import live_chart
from gmm_app.stepper.caches import kmeans_trace, restarts
from gmm_app.stepper.figures import collapse_rise_chart, kmeans_map, restart_gallery
from gmm_app.stepper.model import (
    View,
    collapse_rise,
    collapse_start,
    kmeans_beside,
    restart_verdicts,
    stuck_runs,
    top_gap,
)
from gmm_app.stepper.narration import collapse_rise_words
from gmm_app.stepper.settings import CHOSEN, POSITION, WIDTHS, Settings, run_trace
from gmm_app.words import and_list, hill_name, md_escape, plural
from gmm_core import Dataset, EMStep, FogmapError, Restart, responsibilities


def kmeans_lockstep(
    data: Dataset, view: View, trace: tuple[EMStep, ...], projection: Projection | None
) -> None:
    """K-Means from the same starting means, its steps paired with EM's.

    Drawn on the EM map's axes (:meth:`AxesView.of` the data), as wide as the EM
    map, so the two maps line up.

    Parameters
    ----------
    data : Dataset
    view : View
        EM's half-step, which the K-Means step follows.
    trace : tuple of EMStep
        Its first step gives K-Means its starting centres.
    projection : Projection or None
        The map's view; None (one feature) shows a note instead.
    """
    if not st.toggle(
        "Run K-Means beside EM from the same starting means", key="em_kmeans"
    ):
        st.caption(
            "K-Means is EM on a clear day: its assign step is a hard E-step (every "
            "point 100% on its nearest centre), its update step an M-step that only "
            "moves the centres."
        )
        return
    if projection is None:
        st.caption(
            "The K-Means panel draws two-dimensional views; this data has one feature."
        )
        return
    km = kmeans_trace(data.X, trace[0].params.means)
    paired = kmeans_beside(km, view)
    xy = projection.points(data.X)
    left, right = st.columns([3, 2], gap="medium")  # the EM map's width
    with left:
        live_chart(
            kmeans_map(
                xy,
                projection.points(paired.centers),
                paired.labels,
                projection.titles,
                moved_from=None
                if paired.moved_from is None
                else projection.points(paired.moved_from),
                trail=np.stack([projection.points(c) for c in paired.trail]),
                em_tops=projection.points(view.params.means),
                view=AxesView.of(xy),
            ),
            key="em_kmeans_map",
        )
    right.caption(paired.caption)
    right.caption(
        "Crosses with a white edge: K-Means' centres. Open circles: EM's hill tops "
        "at the same step. Arrows: how each centre just moved; faint paths: where "
        "it has been."
    )


def restart_panel(
    data: Dataset, settings: Settings, projection: Projection | None
) -> None:
    """Several seeds side by side, ranked by final log-likelihood.

    Parameters
    ----------
    data : Dataset
    settings : Settings
        Every restart runs with these, from seed, seed + 1, ...
    projection : Projection or None
        The map's view; None (one feature) shows only the table.
    """
    if settings.init == "given":
        st.caption("The gallery compares random starts; choose another initialisation.")
        return
    if not st.toggle(
        "Fit several seeds and compare them", key="em_gallery_show", value=False
    ):
        st.caption(
            "EM only climbs to the nearest hilltop of the likelihood. Different "
            "starting guesses can end on different maps: fit several and compare."
        )
        return
    n_init = st.slider("Restarts", 2, 9, 6, key="em_restarts")
    try:
        result = restarts(
            data.X,
            settings.n_components,
            settings.covariance_type,
            settings.init,
            settings.seed,
            settings.reg_covar,
            settings.tol,
            settings.max_iter,
            n_init,
        )
    except FogmapError as exc:
        st.error(md_escape(str(exc)))
        return
    ranked = restart_verdicts(result.restarts, settings.tol)
    runs, table = [], []
    for rank, (r, flag) in enumerate(ranked, 1):
        labels = responsibilities(data.X, r.params).argmax(axis=1)
        runs.append(
            (
                f"#{rank} seed {r.seed}: {r.final_log_likelihood:.4f} ({flag})",
                r.params,
                labels,
            )
        )
        table.append(
            {
                "rank": rank,
                "seed": r.seed,
                "final log-likelihood per point": round(r.final_log_likelihood, 5),
                "iterations": r.n_iter,
                "verdict": flag,
            }
        )
    if projection is not None:
        present.plotly_chart(
            restart_gallery(projection.points(data.X), runs, projection),
            key="em_gallery",
        )
    st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch")
    for sentence in gallery_notes(ranked, settings.tol):
        st.caption(sentence)
    choice = st.selectbox(
        "Load a seed into the stepper",
        [r.seed for r, _ in ranked],
        key="em_gallery_seed",
    )
    if st.button("Load this seed", key="em_gallery_load"):
        state.remember("seed", int(choice))
        st.rerun()


def gallery_notes(ranked: list[tuple[Restart, str]], tol: float) -> list[str]:
    """What the gallery's verdicts mean, with the gallery's own numbers.

    Parameters
    ----------
    ranked : list of (Restart, str)
        What :func:`restart_verdicts` returned.
    tol : float

    Returns
    -------
    list of str
        Markdown sentences (none when one run is simply best).
    """
    notes = []
    top = [r for r, flag in ranked if flag in ("all tied", "tied for best")]
    if top:
        lls = [r.final_log_likelihood for r in top]
        notes.append(
            f"{plural(len(top), 'run')} ended within `tol` = {tol:g} of each other "
            f"({min(lls):.5f} to {max(lls):.5f} per point): EM stops when a step "
            "gains less than that, so it cannot tell them apart. A tie, not a best."
        )
    stuck = stuck_runs([r for r, _ in ranked])
    if stuck:
        gaps = [top_gap(r.params.means) for r in stuck]
        iters = sorted({r.n_iter for r in stuck})
        notes.append(
            f"In {'all ' if len(stuck) == len(ranked) > 1 else ''}"
            f"{plural(len(stuck), 'run')} the hills are stacked (every top within "
            f"{max(gaps):.2g} of the others) after "
            f"{and_list([str(i) for i in iters])} "
            f"{'iteration' if iters == [1] else 'iterations'}: they started as "
            "nearly one hill, every point gave each the same share, and EM stopped "
            "on a saddle, not on a hilltop. Try another initialisation or a smaller "
            "`tol`."
        )
    return notes


# The collapse lab's start in effect: (data name, seed, means). While the
# stepper runs from it, the link carries em_collapse_seed=<seed>, which rebuilds it.
_LAB = "fog.em_collapse_lab"
# A position a link asked for, restored once the lab's start is in place.
_GOTO = "fog.em_collapse_goto"
_LAB_URL = ("em_collapse_seed",)
# The collapse lab opens on demand (its URL parameter and widget key), and when a
# link sets it up: closed, its words, button and chart are not sent.
COLLAPSE_SECTION = "em_show_collapse"
COLLAPSE_LABEL = "Open the collapse lab: what reg_covar protects you from"


# What the lab sets, and the settings row's defaults (a link written by a page
# run carries those whatever the student chose).
_LAB_SETTINGS = {"em_reg_covar": (0.0, 1e-6), "em_tol": (1e-6, 1e-3)}


def _set_up_collapse(
    data: Dataset, n_components: int, seed: int, link: str | None = None
) -> None:
    """Put the lab's start into session state (the stepper's settings follow).

    Parameters
    ----------
    data : Dataset
    n_components, seed : int
    link : {"first", "late"} or None
        Set up from a link: read before the page wrote its URL ("first": a
        setting the link carries is kept as read) or after ("late": only a
        setting that differs from the row's default counts as carried).
    """
    means, widths = collapse_start(data.X, n_components, seed)
    st.session_state[CHOSEN] = list(means)
    st.session_state[WIDTHS] = widths
    st.session_state[_LAB] = (data.name, seed, tuple(means))
    state.remember("n_components", len(means))
    state.remember("em_init", "given")
    for key, (value, default) in _LAB_SETTINGS.items():
        text = st.query_params.get(key)
        carried = text is not None and (link == "first" or text != str(default))
        if link is None or not carried:
            state.remember(key, value)
    if link is None and state.remembered("covariance_type") == "tied":
        state.remember("covariance_type", "full")


def read_collapse_url(data: Dataset, *, late: bool = False) -> bool:
    """Rebuild the collapse lab's start from a shared link, once per session.

    Best called before the settings row is drawn (then no rerun is needed, and
    the link's own settings are known exactly); :func:`collapse_lab` calls it
    too (``late``), after the page has written its URL.

    Parameters
    ----------
    data : Dataset
    late : bool
        True when called after the page wrote its URL.

    Returns
    -------
    bool
        True when the link set the lab up on this run.
    """
    if not state.read_url_once(
        "em_collapse", {"em_collapse_seed": state.int_param(0, 9999)}
    ):
        return False
    seed = state.remembered("em_collapse_seed")
    state.forget("em_collapse_seed")
    if seed is None:
        return False
    st.session_state[COLLAPSE_SECTION] = True  # the link is about the lab: show it
    k = state.remembered("n_components", 3)
    try:
        _set_up_collapse(data, k, seed, link="late" if late else "first")
    except FogmapError as exc:
        st.session_state[_LAB] = str(exc)
        return False
    return True


def _lab_in_effect(data: Dataset, settings: Settings) -> int | None:
    """The seed of the lab's start when the stepper runs from it, else None."""
    lab = st.session_state.get(_LAB)
    if not isinstance(lab, tuple) or settings.init != "given":
        return None
    name, seed, means = lab
    placed = st.session_state.get(CHOSEN)
    if name != data.name or placed is None or tuple(placed) != means:
        return None
    return seed


def _lab_trace(data: Dataset, settings: Settings) -> tuple[EMStep, ...] | None:
    """The stepper's trace (cached) when it runs from the student's own start."""
    placed = st.session_state.get(CHOSEN)
    widths = st.session_state.get(WIDTHS)
    if settings.init != "given" or not placed:
        return None
    if len(placed) != settings.n_components:
        return None
    if widths is not None and len(widths) != settings.n_components:
        widths = None
    start = (tuple(placed), None if widths is None else tuple(widths))
    try:
        return run_trace(data, settings, start)
    except FogmapError:  # the page has already said why, once
        return None


def collapse_section(data: Dataset, settings: Settings) -> None:
    """The collapse lab (:func:`collapse_lab`) in a section the student opens.

    Closed, the link still says whether the stepper runs from the lab's start.

    Parameters are :func:`collapse_lab`'s.
    """
    box = state.section(COLLAPSE_LABEL, COLLAPSE_SECTION)
    with box:
        if box.open:
            collapse_lab(data, settings)
            return
    _write_lab_url(data, settings)


def _write_lab_url(data: Dataset, settings: Settings) -> None:
    """``em_collapse_seed`` in the link while the stepper runs from the lab."""
    seed = _lab_in_effect(data, settings)
    state.write_url({} if seed is None else {"em_collapse_seed": seed}, _LAB_URL)


def collapse_lab(data: Dataset, settings: Settings) -> None:
    """Set up a collapse: reg_covar 0 and a hill seeded on the loneliest point.

    Parameters
    ----------
    data : Dataset
    settings : Settings
        Its K (at least 2) and seed place the other hills.
    """
    if read_collapse_url(data, late=True):  # the page did not read it first
        text = st.query_params.get("em_step")
        st.session_state[_GOTO] = (
            None if text is None else state.int_param(0, 10**5)(text)
        )
        st.rerun()
    goto = st.session_state.pop(_GOTO, None)
    if goto is not None:  # the new start sent the stepper back to its guess
        st.session_state[POSITION] = goto
        st.rerun()
    st.markdown(
        "With `reg_covar` at 0, nothing stops a hill from shrinking onto a single "
        "point. The narrower it gets, the higher its density on that point, and "
        "the likelihood rises with it, without limit: EM is not finding a better "
        "map, it is falling into a *singularity*."
    )
    failed = st.session_state.get(_LAB)
    if isinstance(failed, str):
        st.error(md_escape(f"The link's collapse lab could not be set up: {failed}"))
        st.session_state.pop(_LAB)
    if st.button("Set up a collapse", key="em_collapse", icon=":material/science:"):
        try:
            _set_up_collapse(data, settings.n_components, settings.seed)
        except FogmapError as exc:
            st.error(md_escape(str(exc)))
            return
        st.rerun()
    _write_lab_url(data, settings)
    st.caption(
        f"It puts a narrow {hill_name(0)} on the loneliest point (the one farthest "
        "from its nearest neighbour) and sets `reg_covar` to 0. Then press Next and "
        "watch the hill shrink. Fixes: `reg_covar` ≥ 1e-6, a tied covariance "
        "(hills share one shape, so one cannot shrink alone), fewer hills, or "
        "more data."
    )
    trace = _lab_trace(data, settings)
    rise = None if trace is None else collapse_rise(data.X, trace)
    if rise is None:
        return
    present.plotly_chart(collapse_rise_chart(rise), key="em_collapse_rise")
    st.caption(collapse_rise_words(rise))
