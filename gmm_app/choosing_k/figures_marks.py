"""What Choosing K's charts mark beside the curves (Plotly, no Streamlit).

The K whose parameters the points cannot support (a grey area,
:func:`gmm_core.selection.points_needed`) and the K where this run's fit got
worse than at a smaller K (open rings, :meth:`TypeSweep.falls`): a worse local
optimum, which the words name too.
"""

from __future__ import annotations

import numpy as np

from gmm_app.choosing_k.model import TypeSweep
from gmm_app.plotting.builder import FigureBuilder

_FALL_COLOUR = "#1F2933"
# The name of the traces that ring a K where this run's fit got worse.
FALL_TRACE = "fit got worse (local optimum)"
# The name of the grey area over the K the data cannot support.
UNSUPPORTED_TRACE = "beyond what the data supports"


def unsupported_area(
    fig: FigureBuilder,
    sweep: TypeSweep,
    y_range: tuple[float, float],
    axes: dict[str, str],
    *,
    showlegend: bool,
) -> None:
    """A grey area over the K whose parameters the points cannot support.

    Parameters
    ----------
    fig : FigureBuilder
    sweep : TypeSweep
    y_range : (float, float)
        The panel's y range, which the area fills.
    axes : dict
        The panel's ``xaxis`` and ``yaxis`` names.
    showlegend : bool
    """
    beyond = sweep.ks[~sweep.supported]
    if not len(beyond):
        return
    x0, x1 = float(beyond.min()) - 0.5, float(beyond.max()) + 0.5
    y0, y1 = y_range
    fig.add_trace(
        dict(
            type="scatter",
            x=[x0, x1, x1, x0, x0],
            y=[y0, y0, y1, y1, y0],
            mode="lines",
            fill="toself",
            fillcolor="rgba(123,135,148,0.16)",
            line=dict(width=0),
            name=UNSUPPORTED_TRACE,
            legendgroup="unsupported",
            showlegend=showlegend,
            hoverinfo="skip",
            customdata=[[int(k)] for k in beyond],
            **axes,
        )
    )


def fall_rings(
    fig: FigureBuilder,
    sweep: TypeSweep,
    ys: np.ndarray,
    axes: dict[str, str],
    *,
    showlegend: bool,
    label: bool,
) -> None:
    """Open rings at the K where this run's fit got worse than at a smaller K.

    Parameters
    ----------
    fig : FigureBuilder
    sweep : TypeSweep
    ys : ndarray of shape (M,)
        The values the rings sit on, one per K of ``sweep``.
    axes : dict
        The panel's ``xaxis`` and ``yaxis`` names.
    showlegend : bool
    label : bool
        Also point at the first one with an arrow and words.
    """
    falls = sweep.falls()
    if not falls:
        return
    ks = [k for k, _ in falls]
    y = [float(ys[sweep.index(k)]) for k in ks]
    fig.add_trace(
        dict(
            type="scatter",
            x=ks,
            y=y,
            mode="markers",
            name=FALL_TRACE,
            legendgroup="falls",
            showlegend=showlegend,
            marker=dict(
                symbol="circle-open", size=22, color=_FALL_COLOUR, line=dict(width=2)
            ),
            customdata=[[k, before] for k, before in falls],
            hovertemplate=(
                "K = %{customdata[0]}: ln L fell below K = %{customdata[1]}'s"
                "<br>a worse local optimum<extra></extra>"
            ),
            **axes,
        )
    )
    if label:
        fig.add_annotation(
            text=f"fit got worse at K = {ks[0]}<br>(a worse local optimum)",
            x=ks[0],
            y=y[0],
            xref=axes["xaxis"],
            yref=axes["yaxis"],
            ax=0,
            ay=-46,
            showarrow=True,
            arrowhead=2,
            arrowcolor=_FALL_COLOUR,
            font=dict(size=12, color=_FALL_COLOUR),
            bgcolor="rgba(255,255,255,0.85)",
        )
