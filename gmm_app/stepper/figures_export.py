"""The EM run as one animated figure and one self-contained HTML file (Plotly, no
Streamlit): every half-step a frame of the page's map (or bell curves), the
log-likelihood growing beside it, play and pause buttons and a slider.

The file carries plotly.js inside, so it opens offline in any browser and drops
into a slide deck or a course page. To keep it small, numbers travel as base64
float32 arrays (Plotly's typed-array form) and the 1-D histogram, which never
changes, is left out of the frames.
"""

from __future__ import annotations

import base64
import json

import numpy as np
import plotly.io as pio

from gmm_app.plotting.builder import AXIS_GRID, unit_span
from gmm_app.plotting.fog import fog_curves, fog_map
from gmm_app.plotting.geometry import AxesView, Projection
from gmm_app.stepper.model import n_positions, phase_of, view_at
from gmm_app.words import type_label
from gmm_core import Dataset, EMStep

# Milliseconds each half-step stays on screen while the animation plays.
FRAME_MS = 700
_HEIGHT = 600
_MAP_DOMAIN = (0.0, 0.62)
_LOGLIK_DOMAIN = (0.72, 1.0)
_LOGLIK_COLOUR = "#1F2933"


def _typed(values: object) -> object:
    """A float array as Plotly's typed-array spec (base64 float32), else as is.

    float32 keeps about 7 significant digits: far finer than a pixel.
    """
    if isinstance(values, np.ndarray) and values.dtype.kind in "fiu" and values.size:
        small = np.ascontiguousarray(values, dtype=np.float32)
        return {
            "dtype": "f4",
            "bdata": base64.b64encode(small.tobytes()).decode("ascii"),
            "shape": ",".join(str(n) for n in small.shape),
        }
    if isinstance(values, dict):
        return {key: _typed(value) for key, value in values.items()}
    if isinstance(values, list | tuple) and values and isinstance(values[0], dict):
        return [_typed(value) for value in values]
    return values


def _compact(trace: dict) -> dict:
    """A trace for the file: arrays as float32, per-point hover shares left out
    (the file's hover names the hill; the page's names every share)."""
    trace = {key: _typed(value) for key, value in trace.items()}
    if "customdata" in trace:
        trace.pop("customdata")
        trace["hovertemplate"] = f"{trace.get('name', '')}<extra></extra>"
    return trace


def step_label(position: int) -> str:
    """A half-step's short name on the slider: "start", "E1", "M1", ..."""
    phase, t = phase_of(position)
    return "start" if phase == "guess" else f"{phase.upper()}{t}"


def _step_title(position: int, trace: tuple[EMStep, ...]) -> str:
    """What a frame shows, above the map."""
    phase, t = phase_of(position)
    shown = t - 1 if phase == "e" else t
    ll = trace[shown].mean_log_likelihood
    what = {
        "guess": "the starting guess",
        "e": f"E-step {t}: each point shares itself among the hills",
        "m": f"M-step {t}: the hills move to their points",
    }[phase]
    return f"{what} · log-likelihood per point {ll:.4f}"


def run_title(
    data: Dataset,
    covariance_type: str,
    n_components: int,
    start: str,
    *,
    reg_covar: float,
    tol: float,
    max_iter: int,
) -> str:
    """The file's title: the data and every setting of the run.

    Parameters
    ----------
    data : Dataset
    covariance_type : str
    n_components : int
    start : str
        How the first guess was made, in words.
    reg_covar, tol : float
    max_iter : int

    Returns
    -------
    str
    """
    return (
        f"EM on {data.name} ({data.n_samples:,} points) · K = {n_components}, "
        f"{type_label(covariance_type)} · {start} · reg_covar {reg_covar:g}, "
        f"tol {tol:g}, at most {max_iter} iterations"
    )


def _frame_traces(
    data: Dataset,
    trace: tuple[EMStep, ...],
    position: int,
    projection: Projection | None,
    axes: AxesView | None,
) -> list[dict]:
    """The map's (or curves') traces at one half-step, as the page draws them."""
    view = view_at(data.X, trace, position)
    if projection is None:
        figure = fog_curves(data.X, view.params, data.feature_names[0])
        return [_compact(t.to_plotly_json()) for t in figure.data]
    figure = fog_map(
        data.X, view.params, view.resp, data.feature_names, projection, view=axes
    )
    traces = [_compact(t.to_plotly_json()) for t in figure.data]
    n_points = 1 if view.resp is None else view.params.n_components
    for points in traces[:n_points]:
        points["showlegend"] = True  # a frame's settings stay until changed
    if view.resp is None:  # one grey trace where later frames have one per hill
        empty = {**traces[0], "x": [], "y": [], "showlegend": False}
        traces[1:1] = [empty] * (view.params.n_components - 1)
    return traces


def _loglik_traces(trace: tuple[EMStep, ...], position: int) -> list[dict]:
    """The log-likelihood up to the iteration drawn, and a dot on it."""
    phase, t = phase_of(position)
    shown = t - 1 if phase == "e" else t
    lls = np.array([s.mean_log_likelihood for s in trace[: shown + 1]])
    its = np.arange(shown + 1, dtype=np.float64)
    common = dict(type="scatter", xaxis="x2", yaxis="y2", showlegend=False)
    return [
        dict(
            common,
            x=its.tolist(),
            y=np.round(lls, 6).tolist(),
            mode="lines+markers",
            line=dict(color=_LOGLIK_COLOUR, width=2),
            marker=dict(size=5, color=_LOGLIK_COLOUR),
            name="log-likelihood per point",
            hovertemplate="iteration %{x}: %{y:.4f}<extra></extra>",
        ),
        dict(
            common,
            x=[float(shown)],
            y=[round(float(lls[-1]), 6)],
            mode="markers",
            marker=dict(size=13, color="#E12D39", line=dict(width=2, color="white")),
            name="drawn now",
            hoverinfo="skip",
        ),
    ]


def animated_run(
    data: Dataset,
    trace: tuple[EMStep, ...],
    projection: Projection | None,
    title: str,
) -> dict:
    """The whole run as an animated Plotly figure (a plain dict).

    Parameters
    ----------
    data : Dataset
        The data of the trace, X of shape (N, D).
    trace : tuple of EMStep
        T + 1 steps: the animation has 2T + 1 frames, one per half-step.
    projection : Projection or None
        The map's plane; None draws bell curves (one feature).
    title : str
        The data and settings (:func:`run_title`).

    Returns
    -------
    dict
        ``data`` (frame 0's traces), ``layout`` (a map on the left, the
        log-likelihood on the right, play and pause buttons, a slider) and
        ``frames``, each named by :func:`step_label`.
    """
    axes = None if projection is None else AxesView.of(projection.points(data.X))
    lead = (
        fog_curves(data.X, trace[0].params, data.feature_names[0])
        if projection is None
        else fog_map(
            data.X, trace[0].params, None, data.feature_names, projection, view=axes
        )
    )
    # Each frame carries only what its half-step changes: an E-step recolours the
    # points (the hills stay), an M-step moves the hills (the points keep their
    # colours), and the log-likelihood. The slider shows a half-step by playing
    # the one before it and then it at once (:func:`_slider`), so every trace is
    # right whichever half-step a student jumps to. The 1-D histogram never
    # changes: no frame carries it.
    n_points = 0 if projection is None else trace[0].params.n_components
    frames = []
    first_data: list[dict] = []
    for position in range(n_positions(trace)):
        shapes = _frame_traces(data, trace, position, projection, axes)
        loglik = _loglik_traces(trace, position)
        phase, _ = phase_of(position)
        if phase == "guess":
            first_data = shapes + loglik
            chosen = list(range(1 if projection is None else 0, len(shapes)))
        elif phase == "e":
            chosen = list(range(n_points))
        else:
            chosen = list(
                range(max(n_points, 1 if projection is None else 0), len(shapes))
            )
        chosen += [len(shapes), len(shapes) + 1]
        everything = shapes + loglik
        updates = [everything[i] for i in chosen]
        if phase == "m":  # the points' legend names each hill's new weight
            chosen = list(range(n_points)) + chosen
            updates = [{"name": shapes[i]["name"]} for i in range(n_points)] + updates
        frames.append(
            dict(
                name=step_label(position),
                data=updates,
                traces=chosen,
                layout=dict(
                    title=dict(subtitle=dict(text=_step_title(position, trace)))
                ),
            )
        )
    layout = dict(lead.layout.to_plotly_json())
    lls = np.array([s.mean_log_likelihood for s in trace])
    low, high = float(lls.min()), float(lls.max())
    pad = max((high - low) * 0.08, 1e-3)
    layout.update(
        height=_HEIGHT,
        margin=dict(l=60, r=20, t=110, b=150),
        title=dict(
            text=title,
            x=0.01,
            xanchor="left",
            font=dict(size=15),
            subtitle=dict(text=_step_title(0, trace)),
        ),
        legend=dict(
            orientation="h",
            traceorder="normal",  # one row: grouped legends put each group on its own
            x=0,
            xanchor="left",
            y=-0.19,
            yanchor="top",
        ),
        xaxis={**layout.get("xaxis", {}), "domain": unit_span(*_MAP_DOMAIN)},
        xaxis2=dict(
            AXIS_GRID,
            domain=unit_span(*_LOGLIK_DOMAIN),
            anchor="y2",
            range=[-0.5, len(trace) - 0.5],
            title=dict(text="iteration"),
        ),
        yaxis2=dict(
            AXIS_GRID,
            anchor="x2",
            range=[low - pad, high + pad],
            title=dict(text="log-likelihood per point"),
        ),
        updatemenus=[_play_pause()],
        sliders=[_slider([str(f["name"]) for f in frames])],
    )
    layout.pop("uirevision", None)
    return dict(data=first_data, layout=layout, frames=frames)


def _play_pause() -> dict:
    """Plotly's play and pause buttons, below the charts on the left."""
    play = dict(
        frame=dict(duration=FRAME_MS, redraw=True),
        transition=dict(duration=0),
        fromcurrent=True,
        mode="immediate",
    )
    pause = dict(frame=dict(duration=0, redraw=False), mode="immediate")
    return dict(
        type="buttons",
        direction="left",
        x=0,
        xanchor="left",
        y=-0.32,
        yanchor="top",
        pad=dict(t=0, r=10),
        showactive=False,
        buttons=[
            dict(label="▶ Play", method="animate", args=[None, play]),
            dict(label="❚❚ Pause", method="animate", args=[[None], pause]),
        ],
    )


def _slider(names: list[str]) -> dict:
    """One stop per half-step; dragging shows that half-step at once.

    A frame holds only what its half-step changed, so each stop plays the
    half-step before it and then its own, with no pause between them.
    """
    go_now = dict(
        frame=dict(duration=0, redraw=True),
        transition=dict(duration=0),
        mode="immediate",
    )
    return dict(
        active=0,
        x=0.2,
        len=0.8,
        y=-0.3,
        yanchor="top",
        pad=dict(t=0),
        currentvalue=dict(prefix="Half-step: ", font=dict(size=14)),
        steps=[
            dict(
                label=name,
                method="animate",
                args=[names[max(i - 1, 0) : i + 1], go_now],
            )
            for i, name in enumerate(names)
        ],
    )


# On a narrow screen (a phone) the log-likelihood goes under the map and the
# title breaks at its dots; back side by side when the window widens.
_NARROW_PX = 760
_NARROW = {
    "height": 980,
    "margin.l": 50,
    "margin.t": 150,
    "xaxis.domain": [0, 1],
    "yaxis.domain": [0.5, 1],
    "xaxis2.domain": [0, 1],
    "yaxis2.domain": [0, 0.28],
    "showlegend": False,  # no room: the map's colours say which hill
    "title.font.size": 12,
    "updatemenus[0].y": -0.1,
    "sliders[0].y": -0.16,
    "sliders[0].x": 0,
    "sliders[0].len": 1,
}
_WIDE = {
    "height": _HEIGHT,
    "margin.l": 60,
    "margin.t": 110,
    "xaxis.domain": list(_MAP_DOMAIN),
    "yaxis.domain": [0, 1],
    "xaxis2.domain": list(_LOGLIK_DOMAIN),
    "yaxis2.domain": [0, 1],
    "showlegend": True,
    "title.font.size": 15,
    "updatemenus[0].y": -0.32,
    "sliders[0].y": -0.3,
    "sliders[0].x": 0.2,
    "sliders[0].len": 0.8,
}

# The slider follows the animation by itself only when each stop shows one frame;
# ours play two (:func:`_slider`), so the page moves the slider as frames show.
_SCRIPT = """
var gd = document.getElementById('{plot_id}');
var names = gd.layout.sliders[0].steps.map(function (s) { return s.label; });
gd.on('plotly_animatingframe', function (event) {
  var at = names.indexOf(event.name);
  if (at >= 0 && gd._fullLayout.sliders[0].active !== at) {
    Plotly.relayout(gd, {'sliders[0].active': at});
  }
});
var title = gd.layout.title.text;
function fit() {
  var narrow = window.innerWidth < NARROW_PX;
  if (narrow === gd.fogNarrow) { return; }
  gd.fogNarrow = narrow;
  var update = Object.assign({}, narrow ? NARROW : WIDE);
  update['title.text'] = narrow ? title.split(' · ').join('<br>') : title;
  gd.style.height = update.height + 'px';
  Plotly.relayout(gd, update);
}
window.addEventListener('resize', fit);
fit();
"""


def run_html(figure: dict) -> str:
    """One self-contained HTML page holding ``figure`` and plotly.js.

    Parameters
    ----------
    figure : dict
        From :func:`animated_run`.

    Returns
    -------
    str
        A complete page: no network needed to open or play it.
    """
    return pio.to_html(
        figure,
        include_plotlyjs=True,
        full_html=True,
        validate=False,
        auto_play=False,
        post_script=_SCRIPT.replace("NARROW_PX", str(_NARROW_PX))
        .replace("NARROW", json.dumps(_NARROW))
        .replace("WIDE", json.dumps(_WIDE)),
        config=dict(displaylogo=False, responsive=True),
        default_width="100%",
        default_height=f"{_HEIGHT}px",
    )
