"""The EM stepper's widgets and panels (Streamlit), so the page reads as a list.

The trace is computed once per settings (cached); buttons, the scrubber and play
only move a position kept in session state.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from gmm_app.plotting.fog import fog_curves, fog_map, responsibility_bands
from gmm_app.plotting.geometry import Projection
from gmm_app.plotting.loop import surveyor_loop
from gmm_app.shell import state
from gmm_app.shell.live_chart import live_chart
from gmm_app.shell.widgets import k_input, seed_input
from gmm_app.stepper.equations import m_step_steps, responsibility_steps
from gmm_app.stepper.figures import (
    kmeans_map,
    log_likelihood_chart,
    responsibility_heatmap,
    restart_gallery,
)
from gmm_app.stepper.model import (
    View,
    clamp,
    n_positions,
    narrate,
    phase_of,
    stop_message,
)
from gmm_app.stepper.traces import em_trace, kmeans_trace, restarts
from gmm_app.words import aligned, hill_name, hill_title, md_escape, tiny, type_label
from gmm_core import (
    COVARIANCE_TYPES,
    Dataset,
    EMStep,
    FogmapError,
    GMMParams,
    responsibilities,
)
from gmm_core.init import from_means, initialize, loneliest_point

POSITION = "fog.em_position"
PLAYING = "fog.em_playing"
SIGNATURE = "fog.em_signature"
CHOSEN = "fog.em_chosen_means"
WIDTHS = "fog.em_chosen_widths"
NOTE = "fog.em_note"

INIT_LABELS = {
    "k-means++": "k-means++",
    "kmeans": "k-means",
    "random": "random",
    "random_from_data": "random points from the data",
    "given": "I'll choose (click the chart)",
}
GUESS_WORDS = {
    "k-means++": "by k-means++ (spread-out data points)",
    "kmeans": "where k-means puts its centres",
    "random": "from random shares (they all start near the middle)",
    "random_from_data": "at random points of the data",
    "given": "where you clicked",
}
REG_OPTIONS = (0.0, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1)
TOL_OPTIONS = (1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1)
SPEEDS = {"slow": 1.5, "normal": 0.8, "fast": 0.35}
URL_KEYS = ("n_components", "covariance_type", "em_init", "seed", "em_step")


@dataclass(frozen=True)
class Settings:
    """What EM runs with; changing any of it restarts the trace."""

    n_components: int
    covariance_type: str
    init: str
    seed: int
    reg_covar: float
    tol: float
    max_iter: int


def read_url() -> None:
    """Take K, type, initialisation, seed and position from a shared link."""
    state.read_url_once(
        "em_stepper",
        {
            "n_components": state.int_param(1, 10),
            "covariance_type": state.choice_param(COVARIANCE_TYPES),
            "em_init": state.choice_param([k for k in INIT_LABELS if k != "given"]),
            "seed": state.int_param(0, 9999),
            "em_step": state.int_param(0, 100_000),
        },
    )
    step = state.remembered("em_step")
    if step is not None:
        st.session_state[POSITION] = step
        state.forget("em_step")


def settings_panel(data: Dataset) -> Settings:
    """The settings row; returns the settings chosen."""
    with st.container(border=True):
        cols = st.columns([1, 1.6, 1.6, 0.9, 1.2, 1.2, 1])
        k = k_input(cols[0], data, help="How many Gaussian hills EM looks for.")
        ctype = state.shared_widget(
            cols[1].selectbox,
            "Covariance type",
            COVARIANCE_TYPES,
            format_func=type_label,
            key="covariance_type",
            help="What shapes a hill may take.",
        )
        init = state.shared_widget(
            cols[2].selectbox,
            "Initialisation",
            list(INIT_LABELS),
            format_func=INIT_LABELS.__getitem__,
            key="em_init",
            help="How the first guess places the hills.",
        )
        seed = seed_input(cols[3], help="Another seed, another first guess.")
        reg = state.shared_widget(
            cols[4].select_slider,
            "reg_covar",
            REG_OPTIONS,
            value=1e-6,
            format_func=tiny,
            key="em_reg_covar",
            help="Added to every covariance's diagonal in each M-step, so no hill "
            "can shrink to nothing. 0 allows a collapse.",
        )
        tol = state.shared_widget(
            cols[5].select_slider,
            "tol",
            TOL_OPTIONS,
            value=1e-3,
            format_func=tiny,
            key="em_tol",
            help="EM stops when a step raises the log-likelihood per point by less.",
        )
        max_iter = state.shared_widget(
            cols[6].number_input,
            "Max iterations",
            min_value=1,
            max_value=500,
            value=100,
            step=10,
            key="em_max_iter",
        )
    return Settings(
        int(min(k, data.n_samples)),
        ctype,
        init,
        int(seed),
        float(reg),
        float(tol),
        int(max_iter),
    )


def _data_signature(data: Dataset) -> tuple:
    return (data.name, data.X.shape, float(data.X.sum()), float((data.X**2).sum()))


def track_settings(data: Dataset, settings: Settings, start: Start | None) -> None:
    """Back to iteration 0, with a note, whenever the data or settings change."""
    signature = (_data_signature(data), settings, start)
    previous = st.session_state.get(SIGNATURE)
    if previous is not None and previous != signature:
        st.session_state[POSITION] = 0
        st.session_state[PLAYING] = False
        st.session_state[NOTE] = (
            "The settings changed, so EM starts again from its guess."
        )
    st.session_state[SIGNATURE] = signature


Start = tuple[tuple[tuple[float, ...], ...], tuple[float, ...] | None]


def chosen_means(
    data: Dataset, settings: Settings, projection: Projection | None
) -> Start | None:
    """For "I'll choose": let the student click K points; None until all are placed.

    Returns the means and, when the collapse lab set them, the hills' starting
    widths.
    """
    if settings.init != "given":
        st.session_state.pop(CHOSEN, None)
        st.session_state.pop(WIDTHS, None)
        return None
    placed: list[tuple[float, ...]] = st.session_state.setdefault(CHOSEN, [])
    del placed[settings.n_components :]
    if len(placed) >= settings.n_components:
        left, right = st.columns([4, 1])
        left.caption(
            "Your starting means: "
            + ", ".join(
                f"{hill_name(k)} at point {p}"
                for k, p in enumerate(_placed_names(data, placed))
            )
        )
        if right.button("Place them again", key="em_clear_means"):
            placed.clear()
            st.session_state.pop(WIDTHS, None)
            st.rerun()
        widths = st.session_state.get(WIDTHS)
        if widths is not None and len(widths) != settings.n_components:
            widths = None
        return tuple(placed), None if widths is None else tuple(widths)
    k = len(placed)
    st.info(
        f"Click a point on the chart to put the top of **{hill_name(k)}** there "
        f"({k + 1} of {settings.n_components}).",
        icon=":material/touch_app:",
    )
    if data.n_features == 1:
        index = st.number_input(
            "Point # for this hill", 0, data.n_samples - 1, 0, key="em_pick_point"
        )
        if st.button("Put the hill here", key="em_pick"):
            placed.append(tuple(float(v) for v in data.X[int(index)]))
            st.rerun()
        return None
    params = from_means(
        data.X, data.X[:1].repeat(max(k, 1), 0) if not placed else np.asarray(placed)
    )
    fig = fog_map(data.X, params, None, data.feature_names, projection, height=460)
    if not placed:  # nothing placed yet: only the points
        fig.data = fig.data[:1]
    event = st.plotly_chart(
        fig, key=f"em_place_{k}", on_select="rerun", selection_mode="points"
    )
    index = clicked_point(event)
    if index is not None:
        placed.append(tuple(float(v) for v in data.X[index]))
        st.rerun()
    return None


def clicked_point(event: object) -> int | None:
    """The row number of the point a student clicked on a map, if any.

    Point traces carry the row number first in ``customdata``; Plotly hands back a
    single-column ``customdata`` as a bare number, and a row of a typed array
    (numpy ``customdata``) as a dict keyed by column number.
    """
    points = event.selection.points if event else []  # type: ignore[attr-defined]
    if not points:
        return None
    data = points[0].get("customdata")
    if data is None:
        return None
    if isinstance(data, dict):  # a typed-array row comes back as {"0": ..., "1": ...}
        first = data.get("0", next(iter(data.values()), None))
    elif isinstance(data, list | tuple):
        first = data[0] if data else None
    else:
        first = data
    if first is None:
        return None
    return int(first)


def _placed_names(data: Dataset, placed: list[tuple[float, ...]]) -> list[str]:
    return ["(" + ", ".join(f"{v:.3g}" for v in p) + ")" for p in placed]


def compute_trace(
    data: Dataset, settings: Settings, start: Start | None
) -> tuple[EMStep, ...] | None:
    """The cached trace, or a student-worded error and None."""
    try:
        return em_trace(
            data.X,
            settings.n_components,
            settings.covariance_type,
            settings.init,
            settings.seed,
            settings.reg_covar,
            settings.tol,
            settings.max_iter,
            None if start is None else start[0],
            None if start is None else start[1],
        )
    except FogmapError as exc:
        st.error(md_escape(str(exc)), icon=":material/error:")
        return None


###############################################################################
# Moving the position


def _move(delta: int, n: int) -> None:
    st.session_state[POSITION] = int(
        min(max(st.session_state.get(POSITION, 0) + delta, 0), n - 1)
    )
    st.session_state[PLAYING] = False


def _go(position: int) -> None:
    st.session_state[POSITION] = position
    st.session_state[PLAYING] = False


def _next_iteration(n: int) -> None:
    """To the end of the next M-step."""
    position = st.session_state.get(POSITION, 0)
    target = position + 2 if position % 2 == 0 else position + 1
    _go(min(target, n - 1))


def _scrubbed() -> None:
    # While playing the scrubber is disabled and follows the timer; a value it
    # sends back then is only the browser catching up, not the student's choice.
    if st.session_state.get(PLAYING, False):
        return
    _go(int(st.session_state["em_scrub"]))


def _toggle_play(n: int) -> None:
    playing = not st.session_state.get(PLAYING, False)
    if playing and st.session_state.get(POSITION, 0) >= n - 1:
        st.session_state[POSITION] = 0
    st.session_state[PLAYING] = playing


def _position_label(position: int) -> str:
    phase, t = phase_of(position)
    return {"guess": "guess", "e": f"E-step {t}", "m": f"M-step {t}"}[phase]


def controls(trace: tuple[EMStep, ...]) -> int:
    """The stepping buttons and the scrubber; returns the current position."""
    n = n_positions(trace)
    position = clamp(st.session_state.get(POSITION, 0), trace)
    st.session_state[POSITION] = position
    at_start, at_end = position == 0, position == n - 1
    playing = st.session_state.get(PLAYING, False)
    cols = st.columns([1, 1, 1.3, 1.3, 1.3, 1, 1.2])
    cols[0].button(
        "Reset",
        key="em_reset",
        on_click=_go,
        args=(0,),
        icon=":material/restart_alt:",
        width="stretch",
        disabled=at_start,
    )
    cols[1].button(
        "Back",
        key="em_back",
        on_click=_move,
        args=(-1, n),
        icon=":material/arrow_back:",
        width="stretch",
        disabled=at_start,
        help="One half-step back",
    )
    phase, _ = phase_of(position + 1)
    next_label = "Next: E-step" if phase == "e" else "Next: M-step"
    cols[2].button(
        next_label,
        key="em_next",
        on_click=_move,
        args=(1, n),
        icon=":material/arrow_forward:",
        type="primary",
        width="stretch",
        disabled=at_end,
        help="One half-step forward: E, then M, then E...",
    )
    cols[3].button(
        "Next iteration",
        key="em_next_iteration",
        on_click=_next_iteration,
        args=(n,),
        icon=":material/fast_forward:",
        width="stretch",
        disabled=at_end,
    )
    cols[4].button(
        "Run to the end",
        key="em_run_end",
        on_click=_go,
        args=(n - 1,),
        icon=":material/skip_next:",
        width="stretch",
        disabled=at_end,
    )
    cols[5].button(
        "Pause" if playing else "Play",
        key="em_play",
        on_click=_toggle_play,
        args=(n,),
        icon=":material/pause:" if playing else ":material/play_arrow:",
        width="stretch",
    )
    cols[6].select_slider(
        "Speed",
        list(SPEEDS),
        value="normal",
        key="em_speed",
        label_visibility="collapsed",
    )
    st.session_state["em_scrub"] = position
    st.select_slider(
        "Scrub through every half-step",
        options=list(range(n)),
        format_func=_position_label,
        key="em_scrub",
        on_change=_scrubbed,
        disabled=n == 1 or playing,
    )
    return position


def advance_if_playing(trace: tuple[EMStep, ...]) -> None:
    """One half-step forward per tick while playing; stop at the end."""
    if not st.session_state.get(PLAYING, False):
        return
    n = n_positions(trace)
    position = st.session_state.get(POSITION, 0)
    if position >= n - 1:
        st.session_state[PLAYING] = False
        return
    st.session_state[POSITION] = position + 1


###############################################################################
# What a position shows


def loop_and_narration(
    view: View, trace: tuple[EMStep, ...], settings: Settings
) -> None:
    """The surveyor's loop with the current phase lit, and what just happened."""
    active = "check" if view.is_last and view.position > 0 else view.phase
    live_chart(
        surveyor_loop(active, height=150), key="em_loop", config={"staticPlot": True}
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
        names = ", ".join(hill_name(k) for k in view.step.emptied)
        st.warning(
            f"Almost no point belongs to {names}: no point gives it any "
            "responsibility, so it cannot move. Try fewer hills or another seed."
        )


def data_spread(view: View) -> float:
    """A typical length in the data: the widest hill's largest standard deviation."""
    return float(np.sqrt(np.max(view.step.params.full_covariances(), initial=0.0)))


def hills_stacked(params: GMMParams, spread: float) -> bool:
    """True when every hill top is (almost) at the same place."""
    if params.n_components < 2:
        return False
    means = params.means
    gaps = np.linalg.norm(means[:, None, :] - means[None, :, :], axis=2)
    return bool(gaps.max() < 0.02 * max(spread, 1e-12))


def main_chart(data: Dataset, view: View, projection: Projection | None) -> int | None:
    """The map (or bell curves for 1-D data); returns a clicked point, if any."""
    if projection is None:
        fig = fog_curves(data.X, view.params, data.feature_names[0])
        live_chart(fig, key="em_curves")
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
    )
    clicked = live_chart(fig, key="em_map", clickable=True)
    st.caption(
        "Colour and shape: a point's likeliest hill; faded: unsure. Ringed: its "
        "likeliest hill just changed. Solid and dashed ellipses: 1 and 2 standard "
        "deviations. Arrows: how each hill top just moved; faint paths: where it has "
        "been. Click a point to see its E-step worked out below."
    )
    return clicked


def side_charts(view: View, settings: Settings) -> None:
    """The log-likelihood so far and the responsibility heatmap."""
    live_chart(
        log_likelihood_chart(
            view.log_likelihoods,
            view.shown_iteration,
            settings.tol,
            view.step.stop_reason if view.is_last else None,
        ),
        key="em_loglik",
    )
    lls = view.log_likelihoods[: view.shown_iteration + 1]
    dips = np.flatnonzero(np.diff(lls) < -1e-9)
    if len(dips):
        st.caption(
            f"The log-likelihood dipped at iteration {dips[0] + 1}. Pure EM never "
            "lowers it; `reg_covar`, which keeps every hill a little wide, makes "
            "the M-step slightly different from pure EM when a hill is very narrow."
        )
    if view.resp is None:
        st.caption("The responsibility heatmap appears after the first E-step.")
    else:
        live_chart(responsibility_heatmap(view.resp), key="em_heatmap")


def _format_vector(v: np.ndarray) -> str:
    return "(" + ", ".join(f"{a:.3g}" for a in np.atleast_1d(v)) + ")"


def _covariance_text(params: GMMParams, k: int) -> str:
    c = params.covariances
    if params.covariance_type == "full":
        return "[" + "; ".join(" ".join(f"{a:.3g}" for a in row) for row in c[k]) + "]"
    if params.covariance_type == "tied":
        return (
            "shared [" + "; ".join(" ".join(f"{a:.3g}" for a in row) for row in c) + "]"
        )
    if params.covariance_type == "diag":
        return "variances " + _format_vector(c[k])
    return f"variance {c[k]:.3g}"


def parameter_table(view: View, trace: tuple[EMStep, ...]) -> None:
    """Weight, mean and covariance of each hill, with changes since the last step."""
    params = view.params
    before = (
        trace[view.shown_iteration - 1].params if view.shown_iteration > 0 else params
    )
    rows = []
    for k in range(params.n_components):
        rows.append(
            {
                "hill": hill_name(k),
                "weight": f"{params.weights[k]:.1%}",
                "Δ weight": f"{params.weights[k] - before.weights[k]:+.1%}",
                "mean": _format_vector(params.means[k]),
                "Δ mean": _format_vector(params.means[k] - before.means[k]),
                "covariance": _covariance_text(params, k),
            }
        )
    st.table(pd.DataFrame(rows).set_index("hill"))
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
    """The E-step for a point and the M-step for a hill, with the real numbers."""
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


def kmeans_lockstep(
    data: Dataset, view: View, trace: tuple[EMStep, ...], projection: Projection | None
) -> None:
    """K-Means from the same starting means, its steps paired with EM's."""
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
    phase, t = view.phase, view.iteration
    if phase == "guess":
        centers, labels, what = km[0].centers, None, "the same starting centres"
    elif phase == "e":
        s = min(t - 1, len(km) - 1)
        centers, labels, what = (
            km[s].centers,
            km[s].labels,
            f"assign step {s}: every point to its nearest centre, 100% sure",
        )
    else:
        s = min(t, len(km) - 1)
        centers, labels, what = (
            km[s].centers,
            km[max(s - 1, 0)].labels,
            f"update step {s}: each centre to the mean of its points",
        )
    done = (
        f" K-Means converged at step {len(km) - 1}."
        if km[-1].converged and t >= len(km) - 1 and phase != "guess"
        else ""
    )
    live_chart(
        kmeans_map(
            projection.points(data.X),
            projection.points(centers),
            labels,
            projection.titles,
        ),
        key="em_kmeans_map",
    )
    st.caption(f"K-Means, {what}.{done} Clear day: hard borders, round islands.")


def restart_panel(
    data: Dataset, settings: Settings, projection: Projection | None
) -> None:
    """Several seeds side by side, ranked by final log-likelihood."""
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
    ranked = sorted(
        result.restarts,
        key=lambda r: (not r.collapsed, r.final_log_likelihood),
        reverse=True,
    )
    best = max(
        (r.final_log_likelihood for r in ranked if not r.collapsed), default=None
    )
    runs, table = [], []
    for rank, r in enumerate(ranked, 1):
        if r.collapsed:
            flag = "collapsed"
        elif best is not None and r.final_log_likelihood < best - 1e-3:
            flag = "local optimum"
        else:
            flag = "best"
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
        st.plotly_chart(
            restart_gallery(projection.points(data.X), runs, projection),
            key="em_gallery",
        )
    st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch")
    choice = st.selectbox(
        "Load a seed into the stepper", [r.seed for r in ranked], key="em_gallery_seed"
    )
    if st.button("Load this seed", key="em_gallery_load"):
        state.remember("seed", int(choice))
        st.rerun()


def collapse_lab(data: Dataset, settings: Settings) -> None:
    """Set up a collapse: reg_covar 0 and a hill seeded on the loneliest point."""
    st.markdown(
        "With `reg_covar` at 0, nothing stops a hill from shrinking onto a single "
        "point. Its density there grows without bound, and so does the likelihood: "
        "EM is not finding a better map, it is falling into a *singularity*."
    )
    if st.button("Set up a collapse", key="em_collapse", icon=":material/science:"):
        X = data.X
        k = max(2, min(settings.n_components, data.n_samples - 1))
        try:
            lonely, gap = loneliest_point(X)
            others = initialize(
                np.delete(X, lonely, axis=0),
                k - 1,
                method="k-means++",
                seed=settings.seed,
            ).means
        except FogmapError as exc:
            st.error(md_escape(str(exc)))
            return
        spread = float(
            np.sqrt(np.trace(np.atleast_2d(np.cov(X, rowvar=False))) / X.shape[1])
        )
        st.session_state[CHOSEN] = [tuple(map(float, X[lonely]))] + [
            tuple(map(float, p)) for p in others
        ]
        # Narrow enough that its nearest neighbour is 6 standard deviations away.
        st.session_state[WIDTHS] = [gap / (6 * spread)] + [0.5] * (k - 1)
        state.remember("n_components", k)
        state.remember("em_init", "given")
        state.remember("em_reg_covar", 0.0)
        state.remember("em_tol", 1e-6)
        if settings.covariance_type == "tied":
            state.remember("covariance_type", "full")
        st.rerun()
    st.caption(
        f"It puts a narrow {hill_name(0)} on the loneliest point (the one farthest "
        "from its nearest neighbour) and sets `reg_covar` to 0. Then press Next and "
        "watch the hill shrink. Fixes: `reg_covar` ≥ 1e-6, a tied covariance "
        "(hills share one shape, so one cannot shrink alone), fewer hills, or "
        "more data."
    )


def write_url(settings: Settings, position: int) -> None:
    """Keep this view in the URL so it can be shared."""
    values: dict[str, object] = {
        "n_components": settings.n_components,
        "covariance_type": settings.covariance_type,
        "seed": settings.seed,
        "em_step": position,
    }
    if settings.init != "given":
        values["em_init"] = settings.init
    state.write_url(values, URL_KEYS)
