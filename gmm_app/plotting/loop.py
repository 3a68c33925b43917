"""The surveyor's loop: guess, E-step, M-step, repeat, as a small diagram."""

from __future__ import annotations

import plotly.graph_objects as go

from gmm_app.plotting.builder import FigureBuilder, finish_figure

LOOP_STAGES = (
    ("guess", "Guess", "put some hills\non the map"),
    ("e", "E-step", "who belongs\nwhere?"),
    ("m", "M-step", "move and reshape\nthe hills"),
    ("check", "Converged?", "has the map\nstopped changing?"),
)
_BOX_HALF = 0.42  # half a box's width, in the diagram's units (one per stage)
_X_RANGE = (-0.5, 3.5)
_SUB_SIZE = 13
# Roughly how wide a character of Source Sans is, in ems (wide letters included).
_EM_PER_CHARACTER = 0.56


def fit_width() -> float:
    """The chart width, in pixels, at which the longest line fills its box.

    On a narrower chart (a phone) the live chart shrinks the diagram's words by
    the ratio (``layout.meta.fit_width``), so they stay inside their boxes.
    """
    longest = max(len(line) for *_, sub in LOOP_STAGES for line in sub.split("\n"))
    box_share = 2 * _BOX_HALF / (_X_RANGE[1] - _X_RANGE[0])
    return round(longest * _EM_PER_CHARACTER * _SUB_SIZE / box_share)


def surveyor_loop(active: str | None = None, height: int = 230) -> go.Figure:
    """The surveyor's loop as a diagram: guess, E-step, M-step, converged?

    Parameters
    ----------
    active : {"guess", "e", "m", "check"} or None
        The stage to light up.
    height : int

    Returns
    -------
    go.Figure
    """
    xs = [0.0, 1.0, 2.0, 3.0]
    fig = FigureBuilder()
    for idx, (key, title, sub) in enumerate(LOOP_STAGES):
        lit = key == active
        fig.add_shape(
            type="rect",
            x0=xs[idx] - _BOX_HALF,
            x1=xs[idx] + _BOX_HALF,
            y0=-0.5,
            y1=0.5,
            line=dict(color="#1F4E79" if lit else "#8FA3B5", width=3 if lit else 1.5),
            fillcolor="#DCEBF7" if lit else "#F5F7FA",
        )
        fig.add_annotation(
            x=xs[idx],
            y=0.16,
            text=f"<b>{title}</b>",
            showarrow=False,
            font=dict(size=17, color="#1F2933"),
        )
        fig.add_annotation(
            x=xs[idx],
            y=-0.2,
            text=sub.replace("\n", "<br>"),
            showarrow=False,
            font=dict(size=_SUB_SIZE, color="#3E4C59"),
        )
    for a, b in ((0, 1), (1, 2), (2, 3)):
        fig.add_annotation(
            x=xs[b] - 0.44,
            y=0,
            ax=xs[a] + 0.44,
            ay=0,
            xref="x",
            yref="y",
            axref="x",
            ayref="y",
            showarrow=True,
            arrowhead=3,
            arrowsize=1.3,
            arrowwidth=2,
            arrowcolor="#52606D",
            text="",
        )
    # "not yet": back from the check to the E-step, under the boxes.
    fig.add_shape(
        type="path",
        path=f"M {xs[3]},-0.5 C {xs[3]},-1.05 {xs[1]},-1.05 {xs[1]},-0.56",
        line=dict(color="#52606D", width=2),
    )
    fig.add_annotation(
        x=xs[1],
        y=-0.52,
        ax=xs[1],
        ay=-0.7,
        xref="x",
        yref="y",
        axref="x",
        ayref="y",
        showarrow=True,
        arrowhead=3,
        arrowsize=1.3,
        arrowwidth=2,
        arrowcolor="#52606D",
        text="",
    )
    fig.add_annotation(
        x=2.0,
        y=-0.98,
        text="not yet: repeat",
        showarrow=False,
        font=dict(size=13, color="#3E4C59"),
    )
    fig.update_xaxes(visible=False, range=list(_X_RANGE))
    fig.update_yaxes(visible=False, range=[-1.1, 0.6])
    return finish_figure(
        fig,
        height=height,
        showlegend=False,
        margin=dict(l=0, r=0, t=0, b=0),
        # keep_height: presenter mode enlarges its words, not its height
        # (plotting.builder.scaled_layout).
        meta={"fit_width": fit_width(), "keep_height": True},
    )
