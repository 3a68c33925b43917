"""A fog map drawn once: its margins reserved before Plotly lays it out.

Plotly's axis automargin and a legend above the plot grow a figure's margins inside
its first draw, and then draw the whole figure again (43-55% of Plotly's drawing time
on a lesson's first screen, docs/performance.md). A figure sent with the margins
automargin would grow it to is drawn once: a fog map with a legend above it
(:func:`map_margins`, :func:`drawn_once`) and a small map with its own title, whose
margins follow its tick labels, colour bar and legend (:func:`panel_margins`).
Automargin always stays on, so a guess that falls short costs one more draw, never
a label cut off. Plotly only, no Streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import plotly.graph_objects as go

from gmm_app.plotting.builder import TOOLBAR_STRIP, FigureBuilder

# What Plotly's automargin gives a fog map in Fogmap's fonts (measured in Chromium
# at 1440, 1280 and 390 px wide): tick labels and title under the plot,
# two-character tick labels and the title left of it, and 29 px per legend row
# under the toolbar's strip, with about three entries in a row. Sent as the
# margins, they leave automargin nothing to push in the usual case, so Plotly
# draws the map once instead of twice inside its first draw. Automargin stays on:
# longer tick labels, or a legend that wraps to more rows on a narrow screen,
# still push (one more draw, as before), so nothing is ever cut off or covered.
_MAP_LEFT, _MAP_BOTTOM = 70, 68
_LEGEND_ROW = 29
_LEGEND_PER_ROW = 3


def map_margins(entries: int, per_row: int = _LEGEND_PER_ROW) -> dict[str, int]:
    """The margins automargin would grow a fog map to, in Fogmap's fonts.

    Parameters
    ----------
    entries : int
        The legend's entries (shown above the map, ``per_row`` to a row).
    per_row : int
        How many entries fit in a row at the map's usual width.

    Returns
    -------
    dict
        Plotly's ``layout.margin``: ``l``, ``r``, ``b`` and ``t`` in pixels.
    """
    rows = math.ceil(entries / per_row)
    top = TOOLBAR_STRIP + rows * _LEGEND_ROW + 12
    return dict(l=_MAP_LEFT, r=10, b=_MAP_BOTTOM, t=top)


def drawn_once(fig: go.Figure) -> go.Figure:
    """Reserve a fog map's margins, so Plotly need not grow them and draw it again.

    Parameters
    ----------
    fig : go.Figure
        From :func:`gmm_app.plotting.fog.fog_map` (with a height); changed in place.

    Returns
    -------
    go.Figure
        ``fig``, its look unchanged but for where the map sits in its frame.
    """
    entries = sum(1 for t in fig.data if t.showlegend is not False and t.name)
    fig.update_layout(margin=map_margins(entries))
    return fig


# A lesson's small map with its own title (the Fog explorer's panels): the room
# its y tick labels, colour bar and legend need, worked out from the figure.
# What Plotly's automargin gives a small map in Fogmap's fonts (measured in
# Chromium at 1440, 1280 and 390 px wide): the x axis's tick labels and title
# under the plot; left of it the y axis's title and two-character tick labels,
# 7 px more per further character (with no y labels, room for the x axis's first
# label); the colour bar right of it; above it the title strip (82 px), a few
# pixels for a tick label at the top and 30 px per legend row, rows counted at
# the narrowest column (a phone: 338 px) for entries of about 7 px a character
# plus the marker. Sent as the margins, they leave automargin nothing to grow in
# the usual case, so Plotly draws the map once instead of twice inside its first
# draw. Automargin stays on: longer labels, or a legend that wraps to more rows,
# still push (one more draw, as before): nothing is ever cut off or covered.
_PANEL_BOTTOM = 68
_LEFT_TWO_CHARACTERS = 72
_PER_CHARACTER = 7
_BARE_SIDE = 10
_BARE_LEFT = 46  # no y tick labels: the x axis's first label still overhangs
_COLOUR_BAR = 106
_TITLE_STRIP = 98
_PANEL_LEGEND_ROW = 30
_LEGEND_WIDTH = 338
_ENTRY_MARKER = 40


def tick_label_characters(low: float, high: float) -> int:
    """The longest tick label Plotly is likely to write along ``[low, high]``.

    Plotly picks a step of 1, 2 or 5 times a power of ten for about 5 to 10
    ticks and writes each tick with the step's decimals ("−0.5", "1.5"), in
    thousands ("10k") from 10,000 on. Both step sizes are tried and the longer
    labels kept, so the estimate errs long (a few pixels more margin, never a
    label cut off: automargin still has the last word).

    Parameters
    ----------
    low, high : float
        The axis range.

    Returns
    -------
    int
        Characters of the longest label (the minus sign counts one).
    """
    span = float(high) - float(low)
    if not math.isfinite(span) or span <= 0:
        return 2
    longest = 1
    for count in (5, 10):
        raw = span / count
        power = 10.0 ** math.floor(math.log10(raw))
        step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
        decimals = max(0, -math.floor(math.log10(step) + 1e-9))
        first = math.ceil(low / step)
        last = math.floor(high / step)
        for i in range(first, last + 1):
            value = i * step
            if i == 0:
                text = "0"
            elif abs(value) >= 10_000:
                text = f"{value / 1000:.{max(0, decimals - 3)}f}k"
            else:
                text = f"{value:.{decimals}f}"
            longest = max(longest, len(text))
    return longest


def legend_names(traces: Iterable[Mapping]) -> list[str]:
    """The names a figure's legend shows: its named traces not kept out of it.

    Parameters
    ----------
    traces : iterable of mapping
        A figure's ``data`` as dicts (a figure spec, :class:`FigureBuilder`'s).

    Returns
    -------
    list of str
    """
    return [
        str(t["name"])
        for t in traces
        if t.get("name") and t.get("showlegend", True) is not False
    ]


def _legend_rows(fig: FigureBuilder) -> int:
    """Rows a horizontal legend of ``fig``'s named traces takes in a narrow column."""
    names = legend_names(fig.data)
    if not names:
        return 0
    widest = _ENTRY_MARKER + _PER_CHARACTER * max(len(n) for n in names)
    per_row = max(1, _LEGEND_WIDTH // widest)
    return math.ceil(len(names) / per_row)


def _has_colour_bar(fig: FigureBuilder) -> bool:
    return any(
        isinstance(t.get("marker"), dict) and "colorbar" in t["marker"]
        for t in fig.data
    )


def panel_margins(
    fig: FigureBuilder,
    y_range: tuple[float, float],
    *,
    y_labels: bool = True,
    legend: bool = True,
) -> dict[str, int]:
    """The margins Plotly's automargin would give a small map, reserved up front.

    Parameters
    ----------
    fig : FigureBuilder
        Its named traces (legend rows) and colour bars (right margin).
    y_range : (float, float)
        The y axis's range (its tick labels' width).
    y_labels : bool
        Whether the y axis has tick labels and a title.
    legend : bool
        Whether the legend shows (above the plot, under the title strip).

    Returns
    -------
    dict
        ``l``, ``r``, ``t``, ``b`` in pixels.
    """
    left = _BARE_LEFT
    if y_labels:
        extra = max(0, tick_label_characters(*y_range) - 2)
        left = _LEFT_TWO_CHARACTERS + _PER_CHARACTER * extra
    rows = _legend_rows(fig) if legend else 0
    top = _TITLE_STRIP + _PANEL_LEGEND_ROW * rows if rows else 82
    right = _COLOUR_BAR if _has_colour_bar(fig) else _BARE_SIDE
    return dict(l=left, r=right, t=top, b=_PANEL_BOTTOM)
