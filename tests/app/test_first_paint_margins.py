"""The first screen's charts come with their margins (issue 15: drawn once).

Covariance shapes' two maps, Choosing K's criteria chart and its chosen fit are
sent with the margins Plotly's automargin would grow them to (room for the legend
rows above a map, the tick labels and axis titles beside it), so Plotly draws each
once. Automargin is never switched off, so a longer label still gets its room and
nothing is cut off.
"""

from __future__ import annotations

import math

import pytest
from apptest_helpers import figure_by_key, open_lesson

SHAPES = "pages/3_Covariance_shapes.py"
CHOOSING_K = "pages/4_Choosing_K.py"


def legend_rows(figure: dict) -> int:
    entries = [
        t for t in figure["data"] if t.get("showlegend") is not False and t.get("name")
    ]
    return math.ceil(len(entries) / 3)


@pytest.mark.parametrize(
    ("page", "query", "key"),
    [
        (SHAPES, {}, "cs_panel_spherical"),
        (SHAPES, {"n_components": "6"}, "cs_panel_full"),
        (CHOOSING_K, {}, "ck_fit"),
    ],
)
def test_a_map_leaves_room_for_its_legend_and_labels(
    page: str, query: dict[str, str], key: str
) -> None:
    figure = figure_by_key(open_lesson(page, query), key)
    margin = figure["layout"]["margin"]
    assert margin["t"] >= 30 + 29 * legend_rows(figure)  # under the toolbar strip
    assert margin["l"] >= 66 and margin["b"] >= 66  # tick labels and axis title
    for axis in ("xaxis", "yaxis"):
        assert figure["layout"][axis].get("automargin") is not False
    assert figure["layout"]["margin"].get("autoexpand") is not False


def test_the_criteria_chart_leaves_room_for_its_labels() -> None:
    figure = figure_by_key(open_lesson(CHOOSING_K), "ck_chart")
    margin = figure["layout"]["margin"]
    assert margin["l"] >= 80 and margin["b"] >= 66
    assert figure["layout"]["yaxis"].get("automargin") is not False
