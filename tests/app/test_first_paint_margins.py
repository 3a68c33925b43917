"""The first screen's charts come with their margins (issue 15: drawn once).

Home's fog map, Covariance shapes' two maps, Choosing K's criteria chart and its
chosen fit are sent with the margins Plotly's automargin would grow them to (room
for the legend rows above a map, the tick labels and axis titles beside it), so
Plotly draws each once. Automargin is never switched off, so a longer label still
gets its room and nothing is cut off.
"""

from __future__ import annotations

import math

import pytest
from apptest_helpers import ROOT, figure_by_key, open_lesson
from streamlit.testing.v1 import AppTest

HOME = "app.py"
SHAPES = "pages/3_Covariance_shapes.py"
CHOOSING_K = "pages/4_Choosing_K.py"


def opened(page: str, query: dict[str, str]) -> AppTest:
    """``page`` opened as a student would: Home straight from its link."""
    if page != HOME:
        return open_lesson(page, query)
    at = AppTest.from_file(str(ROOT / HOME), default_timeout=180)
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def legend_rows(figure: dict) -> int:
    entries = [
        t for t in figure["data"] if t.get("showlegend") is not False and t.get("name")
    ]
    return math.ceil(len(entries) / 3)


@pytest.mark.parametrize(
    ("page", "query", "key"),
    [
        (HOME, {}, "home_map"),
        (HOME, {"dataset": "customers"}, "home_map"),
        (SHAPES, {}, "cs_panel_spherical"),
        (SHAPES, {"n_components": "6"}, "cs_panel_full"),
        (CHOOSING_K, {}, "ck_fit"),
    ],
)
def test_a_map_leaves_room_for_its_legend_and_labels(
    page: str, query: dict[str, str], key: str
) -> None:
    figure = figure_by_key(opened(page, query), key)
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
