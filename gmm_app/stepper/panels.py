"""What one half-step shows (Streamlit): the surveyor's loop and what just
happened, the map or the bell curves, the log-likelihood and the heatmap, the
hills' parameters and every number of the E- and M-step worked out.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from gmm_app.plotting.fog import fog_curves, fog_map, responsibility_bands
from gmm_app.plotting.geometry import AxesView, Projection
from gmm_app.plotting.loop import surveyor_loop
from gmm_app.shell.live_chart import GLIDE_MS, figure_spec, live_chart
from gmm_app.shell.present import chart_scale
from gmm_app.stepper.equations import m_step_steps, responsibility_steps
from gmm_app.stepper.figures import (
    LIVE_ONLY,
    log_likelihood_chart,
    responsibility_heatmap,
)
from gmm_app.stepper.model import View, data_spread, first_dip, hills_stacked
from gmm_app.stepper.narration import narrate, parameter_rows, stop_message
from gmm_app.stepper.settings import GUESS_WORDS, Settings
from gmm_app.words import aligned, hill_name, hill_names, hill_title
from gmm_core import Dataset, EMStep

# Under a map whose axes have their own scales (AxesView.same_scale is False).
STRETCHED = "The two axes have different scales, so ellipses look stretched."
# The side charts last drawn in this session, as sent (see _remembered).
_MEMO = "fog.em_chart_memo"
# The chart a student looks at first: the map (or the bell curves, one feature).
# On a fresh page the loop and the side charts draw after it (live_chart's after).
FIRST_CHARTS = ("em_map", "em_curves")


@functools.lru_cache(maxsize=16)
def _loop_spec(active: str, height: int) -> dict:
    """The surveyor's loop with ``active`` lit: a handful of figures, built once."""
    return figure_spec(surveyor_loop(active, height=height))


def _remembered(
    slot: str, trace: tuple[EMStep, ...], key: tuple, build: Callable[[], go.Figure]
) -> dict:
    """The chart ``build`` makes, rebuilt only when ``trace`` or ``key`` changed.

    The responsibility heatmap is the same on an E-step and the M-step after it,
    and the log-likelihood chart on an M-step and the E-step after it; a click
    that moves between them sends the chart it already built.

    Parameters
    ----------
    slot : str
        Which chart.
    trace : tuple of EMStep
        The trace the chart shows (compared by identity: a new trace, new chart).
    key : tuple
        Everything else the chart depends on.
    build : callable
        Makes the figure.

    Returns
    -------
    dict
        The figure as :func:`gmm_app.shell.live_chart.figure_spec` gives it.
    """
    memo = st.session_state.setdefault(_MEMO, {})
    kept = memo.get(slot)
    if kept is not None and kept[0] is trace and kept[1] == key:
        return kept[2]
    spec = figure_spec(build())
    memo[slot] = (trace, key, spec)
    return spec


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
    projection: Projection | None,
    marks: list[dict] | None = None,
    glide: bool = True,
) -> int | None:
    """The map (or bell curves for 1-D data); returns a clicked point, if any.

    Parameters
    ----------
    data : Dataset
    view : View
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
        live_chart(fig, key="em_curves", tag=str(view.position))
        live_chart(responsibility_bands(data.X, view.params), key="em_bands")
        st.caption(
            "Dashed: each hill's bell curve, scaled by its weight. Black: their sum, "
            "the mixture. Below: the share of each hill at every height."
        )
        return None
    fig = fog_map(
        data.X,
        view.params,
        view.resp,
        data.feature_names,
        projection,
        trail=view.trail,
        changed=view.changed,
        moved_from=None if view.previous_params is None else view.previous_params.means,
        height=520,
        template=dict(LIVE_ONLY),
    )
    _add_marks(fig, marks)
    clicked = live_chart(
        fig,
        key="em_map",
        clickable=True,
        tag=str(view.position),
        glide_ms=GLIDE_MS if glide else 0,
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
        The trace ``view`` is from: a chart that did not change since the last
        click is not built again.
    """
    stop = view.step.stop_reason if view.is_last else None
    live_chart(
        _remembered(
            "loglik",
            trace,
            (view.shown_iteration, settings.tol, stop),
            lambda: log_likelihood_chart(
                view.log_likelihoods, view.shown_iteration, settings.tol, stop
            ),
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
            _remembered(
                "heatmap",
                trace,
                (view.iteration,),
                lambda: responsibility_heatmap(resp),
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
    params = view.params
    before = (
        trace[view.shown_iteration - 1].params if view.shown_iteration > 0 else params
    )
    st.table(pd.DataFrame(parameter_rows(params, before)).set_index("hill"))
    st.caption(
        f"Iteration {view.shown_iteration}'s parameters; Δ is the change from "
        f"iteration {max(view.shown_iteration - 1, 0)}."
    )


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
