"""What one half-step shows (Streamlit): the surveyor's loop and what just
happened, the map or the bell curves, the log-likelihood and the heatmap, the
hills' parameters and every number of the E- and M-step worked out.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from gmm_app.plotting.fog import fog_curves, fog_map_spec, responsibility_bands
from gmm_app.plotting.geometry import AxesView, Projection
from gmm_app.plotting.loop import surveyor_loop
from gmm_app.plotting.margins import legend_names, map_margins
from gmm_app.shell import state
from gmm_app.shell.live_chart import GLIDE_MS, figure_spec, live_chart
from gmm_app.shell.present import chart_scale
from gmm_app.stepper.controls import clock_ms, playing_fast, tick
from gmm_app.stepper.equations import m_step_steps, responsibility_steps
from gmm_app.stepper.figures import (
    log_likelihood_spec,
    responsibility_heatmap_spec,
)
from gmm_app.stepper.model import View, data_spread, first_dip, hills_stacked
from gmm_app.stepper.narration import (
    narrate,
    parameter_rows,
    stop_message,
)
from gmm_app.stepper.settings import GUESS_WORDS, Settings
from gmm_app.words import aligned, hill_name, hill_names, hill_title
from gmm_core import Dataset, EMStep

# Under a map whose axes have their own scales (AxesView.same_scale is False).
STRETCHED = "The two axes have different scales, so ellipses look stretched."
# Shown instead of the parameter table and the worked-out numbers while playing at
# the fastest speed: they change too fast to read, and drawing them (LaTeX, a
# table) took a sixth of each half-step's time in the browser.
WHILE_PLAYING = "Playing fast: pause to see {what} for the half-step shown."
# The chart a student looks at first: the map (or the bell curves, one feature).
# On a fresh page the loop and the side charts draw after it (live_chart's after).
FIRST_CHARTS = ("em_map", "em_curves")
# "Every number, worked out" opens on demand (its URL parameter and widget key):
# closed, neither its formulas nor its widgets are sent, and the page loads no
# formula renderer (KaTeX, a 259 KB script and about half a second of a first
# visit's main thread). A click on a point of the map opens it.
NUMBERS_SECTION = "em_show_numbers"
# On a phone the worked-out lines (about 470 px wide at KaTeX's size) shrink to fit
# the section (a 390 px screen leaves it ~325 px); what is still wider scrolls
# sideways in its own box (Streamlit's overflow), never the page.
_NARROW_MATH_CSS = f"""<style>
@media (max-width: 640px) {{
  .st-key-{NUMBERS_SECTION} .katex-display > .katex {{ font-size: 0.82em; }}
}}
</style>"""
NUMBERS_LABEL = (
    "Open the numbers: the E-step for one point and the M-step for one hill, "
    "with this half-step's values"
)
# The point and the hill chosen in it, kept while it is closed.
_NUMBERS_KEYS = ("em_point", "em_component")


# Charts as sent, kept for every session of this server process (Streamlit's
# cache_resource: one object, not copied): a chart is keyed on everything it shows
# (digests of the data and of the run's steps, the half-step, the settings drawn),
# never on a session, so the students of a class stepping through the same run
# send each half-step's charts without building them again, and so does a student
# who goes back. ``_build`` (not hashed) makes the chart the first time. About
# 130 kB a map at 2,000 points (at most about 35 MB), and 20 kB a side chart.
@st.cache_resource(max_entries=256, show_spinner=False)
def _kept_map(key: tuple, _build: Callable[[], dict]) -> dict:
    return _build()


@st.cache_resource(max_entries=512, show_spinner=False)
def _kept_side_chart(key: tuple, _build: Callable[[], dict]) -> dict:
    return _build()


@functools.lru_cache(maxsize=16)
def _loop_spec(active: str, height: int) -> dict:
    """The surveyor's loop with ``active`` lit: a handful of figures, built once."""
    return figure_spec(surveyor_loop(active, height=height))


def loop_and_narration(
    view: View, trace: tuple[EMStep, ...], settings: Settings
) -> None:
    """The surveyor's loop with the current phase lit, and what just happened.

    Parameters
    ----------
    view : View
        The half-step shown.
    trace : tuple of EMStep
        Its last step says why the trace ended (shown at the last position).
    settings : Settings
    """
    active = "check" if view.is_last and view.position > 0 else view.phase
    # Taller in presenter mode, where its words are larger.
    height = round(150 * chart_scale())
    live_chart(
        _loop_spec(active, height),
        key="em_loop",
        config={"staticPlot": True},
        after=FIRST_CHARTS,
    )
    st.markdown(narrate(view, GUESS_WORDS.get(settings.init, settings.init)))
    if view.is_last:
        message = stop_message(trace[-1], settings.tol, settings.max_iter)
        if trace[-1].stop_reason == "converged" and hills_stacked(
            trace[-1].params, data_spread(view)
        ):
            message += (
                " But look: the hills sit on top of each other. They started "
                "identical, so every point gave each the same share and nothing "
                "could pull them apart (a *saddle point*, not the best map). Try "
                "another initialisation or seed."
            )
        {"converged": st.success, "collapsed": st.error}.get(
            trace[-1].stop_reason or "", st.warning
        )(message)
    if view.step.emptied:
        names = hill_names(view.step.emptied)
        st.warning(
            f"Almost no point belongs to {names}: no point gives it any "
            "responsibility, so it cannot move. Try fewer hills or another seed."
        )


def main_chart(
    data: Dataset,
    view: View,
    trace: tuple[EMStep, ...],
    projection: Projection | None,
    marks: list[dict] | None = None,
    glide: bool = True,
) -> int | None:
    """The map (or bell curves for 1-D data); returns a clicked point, if any.

    Parameters
    ----------
    data : Dataset
    view : View
    trace : tuple of EMStep
        The trace ``view`` is from (a map already drawn for the same run and
        half-step, by any student, is sent again, not rebuilt).
    projection : Projection or None
        The map's view; None draws bell curves (one feature).
    marks : list of dict, optional
        Traces drawn over everything (what a prediction question is about).
    glide : bool
        The hills glide to their new places (False: they jump, as when playing
        fast).

    Returns
    -------
    int or None
        The row of the point clicked on this rerun.
    """
    if projection is None:
        fig = fog_curves(data.X, view.params, data.feature_names[0])
        _add_marks(fig, marks)
        live_chart(
            fig,
            key="em_curves",
            tag=str(view.position),
            clock_ms=clock_ms(),
            on_tick=tick,
        )
        live_chart(responsibility_bands(data.X, view.params), key="em_bands")
        st.caption(
            "Dashed: each hill's bell curve, scaled by its weight. Black: their sum, "
            "the mixture. Below: the share of each hill at every height."
        )
        return None
    clicked = live_chart(
        # A map that jumps draws its hills' rings as shapes above the WebGL points:
        # a half-step then redraws a WebGL canvas of a handful of traces, not 17.
        _map_spec(data, view, trace, projection, marks, lines_above=not glide),
        key="em_map",
        clickable=True,
        tag=str(view.position),
        glide_ms=GLIDE_MS if glide else 0,
        clock_ms=clock_ms(),  # while playing, the map asks for the next half-step
        on_tick=tick,
    )
    st.caption(
        "Colour and shape: a point's likeliest hill; faded: unsure. Ringed: its "
        "likeliest hill just changed. Solid and dashed ellipses: 1 and 2 standard "
        "deviations. Arrows: how each hill top just moved; faint paths: where it has "
        "been. Click a point to see its E-step worked out below."
    )
    if not AxesView.of(projection.points(data.X)).same_scale:
        st.caption(STRETCHED)
    return clicked


def _run_key(X: np.ndarray, trace: tuple[EMStep, ...], upto: int) -> bytes:
    """A digest of the data and of every step of ``trace`` up to ``upto``.

    Everything a half-step's map shows comes from these (the hills, the
    responsibilities, the trail, the moves), so two runs with the same digest
    draw the same maps: the same default run that a whole class opens, or one
    student stepping through their run again.
    """
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr((X.shape, str(X.dtype))).encode())
    digest.update(np.ascontiguousarray(X).data)
    for step in trace[: upto + 1]:
        params = step.params
        digest.update(params.covariance_type.encode())
        for values in (params.weights, params.means, params.covariances):
            digest.update(np.ascontiguousarray(values).data)
    return digest.digest()


def _map_spec(
    data: Dataset,
    view: View,
    trace: tuple[EMStep, ...],
    projection: Projection,
    marks: list[dict] | None,
    *,
    lines_above: bool = False,
) -> dict:
    """The map of ``view`` as sent, built once per run and half-step per process.

    Kept for every session of the server (:func:`_kept_map`): 30 students
    stepping through the same run share each half-step's map. A map with marks
    (a prediction's question) is one student's own, and is not kept.
    ``lines_above``: rings and paths as shapes (``fog_map_spec``), for a map that
    does not glide.
    """

    def build() -> dict:
        return fog_map_spec(
            data.X,
            view.params,
            view.resp,
            data.feature_names,
            projection,
            trail=view.trail,
            changed=view.changed,
            moved_from=None
            if view.previous_params is None
            else view.previous_params.means,
            height=520,
            marks=marks,
            lines_above=lines_above,
        )

    if marks:
        return _drawn_once(build())
    key = (
        _run_key(data.X, trace, view.iteration),
        view.position,
        _digest(projection.matrix, projection.offset),
        projection.titles,
        data.feature_names,
        lines_above,
    )
    return _kept_map(key, lambda: _drawn_once(build()))


# The map's margins as automargin grows them (plotting.margins), with the four
# legend entries a row that fit in its column, and the guess's legend (two long
# entries, one above the other) two rows high: sent as they are, Plotly draws the
# map once on a page's first draw. A legend that wraps to more rows on a narrower
# screen still pushes (one more draw, as before), so nothing is cut off.
_LEGEND_PER_ROW = 4
_GUESS_TOP = 88


def _drawn_once(spec: dict) -> dict:
    """Reserve the map's margins (:func:`gmm_app.plotting.margins.map_margins`).

    Parameters
    ----------
    spec : dict
        A fog map as :func:`gmm_app.plotting.fog.fog_map_spec` makes it; changed
        in place.

    Returns
    -------
    dict
        ``spec``, its look unchanged but for where the map sits in its frame.
    """
    names = legend_names(spec["data"])
    least = map_margins(len(names), per_row=_LEGEND_PER_ROW)
    if any(name.startswith("points (not asked") for name in names):
        least["t"] = _GUESS_TOP
    margin = dict(spec["layout"].get("margin") or {})
    for side in ("l", "b", "t"):
        margin[side] = max(float(margin.get(side, 0)), least[side])
    spec["layout"]["margin"] = margin
    return spec


def _digest(*arrays: np.ndarray) -> bytes:
    """A digest of some arrays' shapes, types and values."""
    digest = hashlib.blake2b(digest_size=16)
    for values in arrays:
        digest.update(repr((values.shape, str(values.dtype))).encode())
        digest.update(np.ascontiguousarray(values).data)
    return digest.digest()


def _add_marks(fig: go.Figure, marks: list[dict] | None) -> None:
    """Draw ``marks`` on top: WebGL when the points are (WebGL covers SVG)."""
    gl = any(trace.type == "scattergl" for trace in fig.data)
    for mark in marks or ():
        fig.add_trace({**mark, "type": "scattergl" if gl else "scatter"})


def side_charts(view: View, settings: Settings, trace: tuple[EMStep, ...]) -> None:
    """The log-likelihood so far and the responsibility heatmap.

    Parameters
    ----------
    view : View
    settings : Settings
        Its ``tol`` is marked on the log-likelihood chart.
    trace : tuple of EMStep
        The trace ``view`` is from.
    """
    stop = view.step.stop_reason if view.is_last else None
    lls = view.log_likelihoods
    live_chart(
        _kept_side_chart(
            ("loglik", _digest(lls), view.shown_iteration, settings.tol, stop),
            lambda: log_likelihood_spec(lls, view.shown_iteration, settings.tol, stop),
        ),
        key="em_loglik",
        after=FIRST_CHARTS,
    )
    dip = first_dip(view.log_likelihoods[: view.shown_iteration + 1])
    if dip is not None:
        st.caption(
            f"The log-likelihood dipped at iteration {dip}. Pure EM never "
            "lowers it; `reg_covar`, which keeps every hill a little wide, makes "
            "the M-step slightly different from pure EM when a hill is very narrow."
        )
    if view.resp is None:
        st.caption("The responsibility heatmap appears after the first E-step.")
    else:
        resp = view.resp
        live_chart(
            _kept_side_chart(
                ("heatmap", _digest(resp)), lambda: responsibility_heatmap_spec(resp)
            ),
            key="em_heatmap",
            after=FIRST_CHARTS,
        )


def parameter_table(view: View, trace: tuple[EMStep, ...]) -> None:
    """Weight, mean and covariance of each hill, with changes since the last step.

    Parameters
    ----------
    view : View
    trace : tuple of EMStep
        Gives the iteration before the one shown.
    """
    if playing_fast():
        st.caption(WHILE_PLAYING.format(what="the hills' parameters"))
        return
    params = view.params
    before = (
        trace[view.shown_iteration - 1].params if view.shown_iteration > 0 else params
    )
    rows = parameter_rows(params, before)
    # Built column by column: half the time of a frame of rows and set_index.
    columns = {name: [row[name] for row in rows] for name in rows[0] if name != "hill"}
    hills = pd.Index([row["hill"] for row in rows], name="hill")
    st.table(pd.DataFrame(columns, index=hills))
    st.caption(
        f"Iteration {view.shown_iteration}'s parameters; Δ is the change from "
        f"iteration {max(view.shown_iteration - 1, 0)}."
    )


def numbers_section(
    data: Dataset,
    view: View,
    trace: tuple[EMStep, ...],
    settings: Settings,
    clicked: int | None,
) -> None:
    """Every number worked out (:func:`equations`), in a section the student opens.

    A click on a point of the map opens it at that point's E-step, so "click a
    point to see its E-step worked out" needs no second click. Closed, the point
    and the hill chosen in it are kept for when it opens again.

    Parameters are :func:`equations`'.
    """
    if clicked is not None:  # the click's point is set by equations, now shown
        st.session_state[NUMBERS_SECTION] = True
    box = state.section(NUMBERS_LABEL, NUMBERS_SECTION)
    with box:
        if box.open:
            st.html(_NARROW_MATH_CSS)
            equations(data, view, trace, settings, clicked)
            return
    _keep_choices()


def _keep_choices() -> None:
    """Keep the point and hill chosen while their widgets are not drawn.

    Streamlit drops a widget's state on a run that does not draw it.
    """
    for key in _NUMBERS_KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def equations(
    data: Dataset,
    view: View,
    trace: tuple[EMStep, ...],
    settings: Settings,
    clicked: int | None,
) -> None:
    """The E-step for a point and the M-step for a hill, with the real numbers.

    Parameters
    ----------
    data : Dataset
    view : View
    trace : tuple of EMStep
        Gives the hills an E-step asks.
    settings : Settings
        Its ``reg_covar`` appears in the M-step's covariance.
    clicked : int or None
        A point clicked on the map (from :func:`main_chart`) becomes the E-step's
        point.
    """
    if clicked is not None:  # only on the rerun the click caused (live_chart)
        st.session_state["em_point"] = clicked
    if playing_fast():
        st.caption(WHILE_PLAYING.format(what="every number worked out"))
        _keep_choices()
        return
    e_tab, m_tab = st.tabs(["E-step for one point", "M-step for one hill"])
    with e_tab:
        index = st.number_input(
            "Point #",
            0,
            data.n_samples - 1,
            value=0,
            key="em_point",
            help="Or click a point on the map.",
        )
        phase, t = view.phase, view.iteration
        if phase == "guess":
            st.caption("Take the first E-step to see this point's responsibilities.")
        else:
            asked = trace[t - 1].params
            st.caption(
                f"E-step {t} asks the hills of iteration {t - 1} about point #{index}:"
            )
            st.latex(
                aligned(responsibility_steps(data.X[int(index)], int(index), asked))
            )
    with m_tab:
        if view.phase != "m":
            st.caption("Move to an M-step to see how the hills were updated.")
            return
        k = st.selectbox(
            "Hill",
            range(view.params.n_components),
            format_func=hill_name,
            key="em_component",
        )
        assert view.resp is not None
        st.caption(
            f"M-step {view.iteration} uses the responsibilities of "
            f"E-step {view.iteration}:"
        )
        st.latex(
            aligned(
                m_step_steps(data.X, view.resp, int(k), view.params, settings.reg_covar)
            )
        )
        if int(k) in view.step.collapsed:
            st.caption(
                f"{hill_title(int(k))} collapsed: the formula gives a covariance "
                "with no width in some direction. Fogmap adds a sliver "
                "(a millionth of the data's spread) so it can still be drawn; "
                "EM stops here."
            )
