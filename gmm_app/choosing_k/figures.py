"""Choosing K's charts: arrays per covariance type in, ``go.Figure`` out, no Streamlit.

They draw :class:`gmm_app.choosing_k.model.TypeSweep`: the criteria against K
(:func:`criteria_chart`), the fit/penalty split of Occam's razor
(:func:`razor_chart`) and the held-out check (:func:`heldout_chart`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from gmm_app.choosing_k.figures_marks import fall_rings, unsupported_area
from gmm_app.choosing_k.model import Band, TypeSweep
from gmm_app.plotting.builder import (
    AXIS_GRID,
    FigureBuilder,
    colour,
    finish_figure,
    plot_text,
    rgba,
    unit_span,
)
from gmm_app.words import type_label

_CRITERION_COLOURS = {"BIC": "#0072B2", "AIC": "#D55E00", "ICL": "#009E73"}
_CRITERION_DASH = {"BIC": "solid", "AIC": "solid", "ICL": "dot"}
_FIT_COLOUR = "#9AA5B1"
_TRUE_K_COLOUR = "#3E4C59"
# The legend in one row along the top of the chart.
_TOP_LEGEND = dict(
    orientation="h", yref="container", y=1.0, yanchor="top", xanchor="left", x=0
)


###############################################################################
# Helpers


def _panel_grid(n: int) -> tuple[int, int]:
    """Columns and rows for ``n`` panels: a row of up to 3, else two columns."""
    columns = n if n <= 3 else 2
    return columns, max(1, math.ceil(n / columns))


def _domains(
    n: int, gap_x: float = 0.06, gap_y: float = 0.16
) -> list[tuple[list[float], list[float]]]:
    """x and y domains (paper fractions) of ``n`` panels, row by row."""
    columns, rows = _panel_grid(n)
    gap_y = gap_y if rows > 1 else 0.0
    width = (1 - gap_x * (columns - 1)) / columns
    height = (1 - gap_y * (rows - 1)) / rows
    out = []
    for idx in range(n):
        r, c = divmod(idx, columns)
        x0 = c * (width + gap_x)
        y1 = 1 - r * (height + gap_y)
        out.append((unit_span(x0, x0 + width), unit_span(y1 - height, y1)))
    return out


def _star(hex_colour: str, size: int) -> dict:
    """A criterion's minimum: a star in its colour, outlined in white."""
    return dict(
        color=hex_colour, symbol="star", size=size, line=dict(color="white", width=1.5)
    )


def _padded(values: Sequence[np.ndarray], pad: float = 0.08) -> tuple[float, float]:
    """A range around every value, with some room above and below."""
    flat = np.concatenate([np.ravel(v) for v in values])
    low, high = float(flat.min()), float(flat.max())
    span = high - low if high > low else max(1.0, abs(high))
    return low - pad * span, high + pad * span


def _band_traces(
    fig: FigureBuilder,
    ks: np.ndarray,
    band: Band,
    hex_colour: str,
    group: str,
    axes: dict[str, str],
) -> None:
    """The spread over restarts: a filled area from ``low`` to ``high``."""
    common = dict(
        type="scatter",
        x=ks,
        mode="lines",
        line=dict(width=0, color=hex_colour),
        legendgroup=group,
        showlegend=False,
        hoverinfo="skip",
        **axes,
    )
    fig.add_trace(dict(common, y=band.low, name=f"{group} lowest restart"))
    fig.add_trace(
        dict(
            common,
            y=band.high,
            name=f"{group} spread over restarts",
            fill="tonexty",
            fillcolor=rgba(hex_colour, 0.18),
        )
    )


def _true_k_trace(
    fig: FigureBuilder,
    true_k: int,
    y_range: tuple[float, float],
    axes: dict[str, str],
    *,
    showlegend: bool,
) -> None:
    """A dashed vertical line at the number of groups the data was drawn from."""
    fig.add_trace(
        dict(
            type="scatter",
            x=[true_k, true_k],
            y=list(y_range),
            mode="lines",
            name="true K",
            legendgroup="true K",
            showlegend=showlegend,
            line=dict(color=_TRUE_K_COLOUR, width=2, dash="dash"),
            hovertemplate=f"the data was drawn from {true_k} groups<extra></extra>",
            **axes,
        )
    )


def _k_axis(ks_all: np.ndarray, **more: object) -> dict:
    return dict(
        range=[float(ks_all.min()) - 0.5, float(ks_all.max()) + 0.5],
        dtick=1,
        **AXIS_GRID,
        **more,
    )


###############################################################################
# Builders


def criteria_chart(
    sweeps: Sequence[TypeSweep],
    *,
    names: Sequence[str] = ("BIC", "AIC"),
    true_k: int | None = None,
    selected: tuple[str, int] | None = None,
    height: int | None = None,
    hide_best: bool = False,
) -> go.Figure:
    """Information criteria against K, one panel per covariance type.

    Each criterion is a line through the best restart at each K, over a band
    spanning all restarts; its minimum is starred and named, in its colour, under
    the panel's title. Each panel has its own y range (a poor type's K = 1 would
    flatten the others); the lowest BIC of each type is in the hover text.

    Parameters
    ----------
    sweeps : sequence of TypeSweep
        One per panel.
    names : sequence of {"BIC", "AIC", "ICL"}
        The criteria to draw; traces are named exactly so.
    true_k : int, optional
        The number of groups the data was drawn from: a dashed vertical line.
    selected : (covariance type, K), optional
        The fit drawn elsewhere on the page: ringed.
    height : int, optional
    hide_best : bool
        Leave out the stars, the picks under the titles and the true K (a
        question asks which K BIC picks).

    Returns
    -------
    go.Figure
        Line traces carry ``customdata`` = [K, panel index] for click selection.
    """
    fig = FigureBuilder()
    domains = _domains(len(sweeps), gap_x=0.07, gap_y=0.2)
    columns, rows = _panel_grid(len(sweeps))
    ks_all = np.concatenate([s.ks for s in sweeps])
    k_range = (int(ks_all.min()), int(ks_all.max()))
    layout: dict[str, object] = {}
    for idx, sweep in enumerate(sweeps):
        suffix = "" if idx == 0 else str(idx + 1)
        axes = {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}
        x_dom, y_dom = domains[idx]
        r, c = divmod(idx, columns)
        y_range = _padded(
            [sweep.criteria[n].low for n in names]
            + [sweep.criteria[n].high for n in names],
            pad=0.12,
        )
        x_axis = _k_axis(ks_all, domain=x_dom, anchor=f"y{suffix}")
        y_axis = dict(
            domain=y_dom, anchor=f"x{suffix}", range=list(y_range), **AXIS_GRID
        )
        if r == rows - 1:
            x_axis["title"] = dict(text="K (number of hills)")
        if c == 0:
            y_axis["title"] = dict(text="criterion (lower is better)")
        layout[f"xaxis{suffix}"] = x_axis
        layout[f"yaxis{suffix}"] = y_axis
        label = type_label(sweep.covariance_type)
        picks = (
            "hidden until you answer"
            if hide_best
            else " · ".join(
                f"<span style='color:{_CRITERION_COLOURS[n]}'>"
                f"★ {n} {sweep.best_k(n)}</span>"
                for n in names
            )
        )
        fig.add_annotation(
            text=f"<b>{plot_text(label)}</b><br><span style='font-size:13px'>best K: "
            f"{picks}</span>",
            x=(x_dom[0] + x_dom[1]) / 2,
            y=y_dom[1],
            xref="paper",
            yref="paper",
            xanchor="center",
            yanchor="bottom",
            showarrow=False,
            font=dict(size=14),
        )
        if (
            selected is not None
            and selected[0] == sweep.covariance_type
            and selected[1] in sweep.ks
        ):
            fig.add_trace(
                dict(
                    type="scatter",
                    x=[selected[1], selected[1]],
                    y=list(y_range),
                    mode="lines",
                    name="the fit drawn",
                    line=dict(color="rgba(31,41,51,0.13)", width=18),
                    hoverinfo="skip",
                    **axes,
                )
            )
        unsupported_area(
            fig,
            sweep,
            y_range,
            axes,
            showlegend=not any(not t.supported.all() for t in sweeps[:idx]),
        )
        custom = [[int(k), idx] for k in sweep.ks]
        symbols = ["circle" if ok else "circle-open" for ok in sweep.supported]
        for name in names:
            band = sweep.criteria[name]
            hex_colour = _CRITERION_COLOURS[name]
            _band_traces(fig, sweep.ks, band, hex_colour, name, axes)
            fig.add_trace(
                dict(
                    type="scatter",
                    x=sweep.ks,
                    y=band.best,
                    mode="lines+markers",
                    name=name,
                    legendgroup=name,
                    showlegend=idx == 0,
                    line=dict(color=hex_colour, width=2.5, dash=_CRITERION_DASH[name]),
                    marker=dict(
                        color=hex_colour, size=8, symbol=symbols, line=dict(width=2)
                    ),
                    customdata=custom,
                    hovertemplate=(
                        f"K = %{{x}}: {name} = %{{y:,.1f}}<br>"
                        "click to draw this fit"
                        f"<extra>{plot_text(sweep.covariance_type)}</extra>"
                    ),
                    **axes,
                )
            )
            if hide_best:
                continue
            k_min = sweep.best_k(name)
            fig.add_trace(
                dict(
                    type="scatter",
                    x=[k_min],
                    y=[float(band.best[sweep.index(k_min)])],
                    mode="markers",
                    name=f"{name} minimum",
                    legendgroup=name,
                    showlegend=False,
                    marker=_star(hex_colour, 20),
                    customdata=[[k_min, idx]],
                    hovertemplate=(
                        f"lowest {name}: K = %{{x}} (%{{y:,.1f}})"
                        f"<extra>{plot_text(sweep.covariance_type)}</extra>"
                    ),
                    **axes,
                )
            )
        fall_rings(
            fig,
            sweep,
            sweep.criteria[names[0]].best,
            axes,
            showlegend=not any(t.falls() for t in sweeps[:idx]),
            label=True,
        )
        shows_true_k = true_k is not None and not hide_best  # a hint, hidden too
        if shows_true_k and k_range[0] <= true_k <= k_range[1]:
            _true_k_trace(fig, true_k, y_range, axes, showlegend=idx == 0)
    return finish_figure(
        fig,
        height=height or (460 if rows == 1 else 360 * rows),
        # l and b: what axis automargin gives four-digit tick labels and the
        # axis titles, so the chart is drawn once (see plotting.margins.drawn_once).
        margin=dict(l=82, r=10, t=110, b=66),
        legend=_TOP_LEGEND,
        hovermode="closest",
        **layout,
    )


def razor_chart(sweep: TypeSweep) -> go.Figure:
    """Occam's razor: each criterion as fit plus penalty, BIC beside AIC.

    The fit part is -2 ln L above its lowest value in the sweep (taking the same
    number off every K does not move a minimum), so both parts are visible at one
    scale; the penalty is p ln N for BIC and 2p for AIC. Both panels share the y
    axis, so BIC's heavier penalty shows as taller bars.

    Parameters
    ----------
    sweep : TypeSweep

    Returns
    -------
    go.Figure
    """
    fig = FigureBuilder()
    ks = sweep.ks
    fit = sweep.fit_term
    fit_above = fit - fit.min()
    parts = (
        ("BIC", sweep.bic_penalty, f"p × {sweep.bic_per_parameter:.2f}"),
        ("AIC", sweep.aic_penalty, "p × 2"),
    )
    totals = [fit_above + penalty for _, penalty, _ in parts]
    top = float(max(t.max() for t in totals))
    top = top * 1.16 if top > 0 else 1.0
    domains = _domains(2, gap_x=0.06)
    layout: dict[str, object] = {}
    for idx, ((name, penalty, formula), total) in enumerate(
        zip(parts, totals, strict=True)
    ):
        suffix = "" if idx == 0 else "2"
        axes = {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}
        x_dom, y_dom = domains[idx]
        layout[f"xaxis{suffix}"] = _k_axis(
            ks,
            domain=x_dom,
            anchor=f"y{suffix}",
            title=dict(text="K (number of hills)"),
        )
        y_axis = dict(domain=y_dom, anchor=f"x{suffix}", range=[0, top], **AXIS_GRID)
        if idx == 0:
            y_axis["title"] = dict(text="cost above the best fit (lower is better)")
        else:
            y_axis.update(matches="y", showticklabels=False)
        layout[f"yaxis{suffix}"] = y_axis
        fig.add_annotation(
            text=f"<b>{name} = fit + {formula}</b>",
            x=(x_dom[0] + x_dom[1]) / 2,
            y=y_dom[1],
            xref="paper",
            yref="paper",
            xanchor="center",
            yanchor="bottom",
            showarrow=False,
            font=dict(size=14, color=_CRITERION_COLOURS[name]),
        )
        criterion = sweep.criteria[name].best  # fit + penalty
        custom = np.column_stack([fit, penalty, criterion, sweep.n_parameters])
        fig.add_trace(
            dict(
                type="bar",
                x=ks,
                y=fit_above,
                name="fit: −2 ln L (above its best)",
                legendgroup="fit",
                showlegend=idx == 0,
                marker=dict(color=_FIT_COLOUR),
                customdata=custom,
                hovertemplate=(
                    "K = %{x}: −2 ln L = %{customdata[0]:,.1f}<br>"
                    "%{y:,.1f} above the best fit<extra>fit</extra>"
                ),
                **axes,
            )
        )
        fig.add_trace(
            dict(
                type="bar",
                x=ks,
                y=penalty,
                name=f"{name} penalty",
                legendgroup=f"{name} penalty",
                marker=dict(color=_CRITERION_COLOURS[name]),
                customdata=custom,
                hovertemplate=(
                    f"K = %{{x}}: {name} penalty = %{{y:,.1f}} "
                    "for %{customdata[3]} parameters<br>"
                    f"{name} = %{{customdata[2]:,.1f}}<extra></extra>"
                ),
                **axes,
            )
        )
        fall_rings(fig, sweep, fit_above, axes, showlegend=idx == 0, label=False)
        best = int(np.argmin(total))
        fig.add_trace(
            dict(
                type="scatter",
                x=[ks[best]],
                y=[float(total[best])],
                mode="markers+text",
                name=f"{name} minimum",
                showlegend=False,
                marker=_star(_CRITERION_COLOURS[name], 18),
                text=[f"<b>{name} picks {int(ks[best])}</b>"],
                textposition="top center",
                textfont=dict(color=_CRITERION_COLOURS[name], size=13),
                cliponaxis=False,
                hovertemplate=f"lowest {name}: K = %{{x}}<extra></extra>",
                **axes,
            )
        )
    return finish_figure(
        fig,
        height=380,
        barmode="stack",
        bargap=0.25,
        margin=dict(l=10, r=10, t=80, b=10),
        legend=_TOP_LEGEND,
        **layout,
    )


def heldout_chart(sweeps: Sequence[TypeSweep], true_k: int | None = None) -> go.Figure:
    """Log-likelihood per point on the fitting part and on the held-out part.

    The fitting part's curve rises with K unless a restart stopped on a worse
    local optimum (ringed); the held-out curve (with the spread over restarts)
    levels off or falls once extra hills fit noise.

    Parameters
    ----------
    sweeps : sequence of TypeSweep
        From a held-out sweep (``heldout`` set).
    true_k : int, optional

    Returns
    -------
    go.Figure
    """
    fig = FigureBuilder()
    ks_all = np.concatenate([s.ks for s in sweeps])
    values = []
    for s in sweeps:
        assert s.heldout is not None
        values += [s.heldout.low, s.heldout.high, s.mean_log_likelihood]
    y_range = _padded(values)
    for idx, s in enumerate(sweeps):
        assert s.heldout is not None
        hex_colour = colour(idx)
        label = plot_text(s.covariance_type)
        _band_traces(fig, s.ks, s.heldout, hex_colour, f"{label} held-out", {})
        fig.add_trace(
            dict(
                type="scatter",
                x=s.ks,
                y=s.heldout.best,
                mode="lines+markers",
                name=f"{label}: held-out points",
                legendgroup=f"{label} held-out",
                line=dict(color=hex_colour, width=2.5),
                marker=dict(color=hex_colour, size=8),
                hovertemplate=(
                    f"K = %{{x}}: %{{y:.3f}} per held-out point<extra>{label}</extra>"
                ),
            )
        )
        fig.add_trace(
            dict(
                type="scatter",
                x=s.ks,
                y=s.mean_log_likelihood,
                mode="lines",
                name=f"{label}: fitting points",
                legendgroup=f"{label} fitted",
                line=dict(color=hex_colour, width=1.5, dash="dot"),
                hovertemplate=(
                    f"K = %{{x}}: %{{y:.3f}} per fitting point<extra>{label}</extra>"
                ),
            )
        )
        fall_rings(
            fig,
            s,
            s.mean_log_likelihood,
            {"xaxis": "x", "yaxis": "y"},
            showlegend=not any(t.falls() for t in sweeps[:idx]),
            label=False,
        )
        k_best = s.best_heldout_k()
        fig.add_trace(
            dict(
                type="scatter",
                x=[k_best],
                y=[float(s.heldout.best[s.index(k_best)])],
                mode="markers",
                name=f"{label}: best on held-out points",
                legendgroup=f"{label} held-out",
                showlegend=False,
                marker=_star(hex_colour, 20),
                hovertemplate=(
                    f"highest on held-out points: K = %{{x}}<extra>{label}</extra>"
                ),
            )
        )
    if true_k is not None and ks_all.min() <= true_k <= ks_all.max():
        _true_k_trace(fig, true_k, y_range, {}, showlegend=True)
    fig.update_xaxes(**_k_axis(ks_all, title="K (number of hills)"))
    fig.update_yaxes(
        title="log-likelihood per point (higher is better)", range=list(y_range)
    )
    return finish_figure(
        fig,
        height=400,
        margin=dict(l=10, r=10, t=60, b=10),
        legend=_TOP_LEGEND,
    )
