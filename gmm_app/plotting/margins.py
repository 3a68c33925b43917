"""A fog map drawn once: its margins reserved before Plotly lays it out.

Plotly's axis automargin and a legend above the plot grow a figure's margins inside
its first draw, and then draw the whole figure again (43-55% of Plotly's drawing time
on a lesson's first screen, docs/performance.md). A figure sent with the margins
automargin would grow it to is drawn once. Plotly only, no Streamlit.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go

from gmm_app.plotting.builder import TOOLBAR_STRIP

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
    rows = math.ceil(entries / _LEGEND_PER_ROW)
    top = TOOLBAR_STRIP + rows * _LEGEND_ROW + 12
    fig.update_layout(margin=dict(l=_MAP_LEFT, r=10, b=_MAP_BOTTOM, t=top))
    return fig
