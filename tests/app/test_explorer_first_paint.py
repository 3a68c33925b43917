"""The Fog explorer's first two maps come with their margins (issue 15: drawn once).

The clear day's islands and the fog's "how sure?" map are sent with the margins
Plotly's automargin would grow them to: the legend's rows above the islands (as
many as a phone's column needs), the tick labels and axis titles beside and under
each map, the colour bar right of the fog. Plotly then draws each map once instead
of twice inside its first draw. Automargin is never switched off, so a longer
label still gets its room and nothing is cut off.
"""

from __future__ import annotations

import math

import pytest
from apptest_helpers import figure_by_key, open_lesson

from gmm_app.plotting.margins import tick_label_characters

EXPLORER = "pages/1_Fog_explorer.py"


def legend_entries(figure: dict) -> list[str]:
    return [
        t["name"]
        for t in figure["data"]
        if t.get("showlegend") is not False and t.get("name")
    ]


@pytest.mark.parametrize(
    "query",
    [{}, {"n_components": "6"}, {"dataset": "old_faithful"}, {"dataset": "iris"}],
)
def test_the_first_maps_leave_room_for_legend_labels_and_colour_bar(
    query: dict[str, str],
) -> None:
    at = open_lesson(EXPLORER, query)
    islands = figure_by_key(at, "fx_kmeans")
    entries = legend_entries(islands)
    assert len(entries) == int(query.get("n_components", 3))
    # Two entries a row fit a phone's column: every row has its room.
    rows = math.ceil(len(entries) / 2)
    assert islands["layout"]["margin"]["t"] >= 82 + 30 * rows
    sure = figure_by_key(at, "fx_confidence")
    assert sure["layout"]["margin"]["r"] >= 100  # the colour bar "largest P"
    for figure in (islands, sure):
        margin = figure["layout"]["margin"]
        assert margin["l"] >= 69 and margin["b"] >= 66  # tick labels and titles
        for axis in ("xaxis", "yaxis"):
            assert figure["layout"][axis].get("automargin") is not False


def test_three_digit_tick_labels_get_a_wider_left_margin() -> None:
    blobs = figure_by_key(open_lesson(EXPLORER), "fx_kmeans")
    faithful = figure_by_key(
        open_lesson(EXPLORER, {"dataset": "old_faithful"}), "fx_kmeans"
    )
    # Old Faithful's waits run to 100 minutes: "100" is wider than the blobs' "−6".
    assert faithful["layout"]["margin"]["l"] > blobs["layout"]["margin"]["l"]


def test_one_feature_strips_keep_their_margins_and_no_error() -> None:
    at = open_lesson(EXPLORER, {"dataset": "heights"})
    islands = figure_by_key(at, "fx_kmeans")
    sure = figure_by_key(at, "fx_confidence")
    assert islands["layout"]["yaxis"].get("showticklabels") is False
    assert islands["layout"]["margin"]["l"] >= 40  # the x axis's first label
    assert sure["layout"]["margin"]["l"] >= 69  # "largest probability" and 0-100%


@pytest.mark.parametrize(
    ("low", "high", "characters"),
    [
        (-7.5, 7.5, 2),  # −6 ... 6
        (40.0, 100.0, 3),  # 40 ... 100
        (-0.04, 1.04, 3),  # 0.2 ... 1
        (1.5, 5.2, 3),  # 1.5 ... 5
        (0.0, 120_000.0, 4),  # 20k ... 120k
        (3.0, 3.0, 2),  # no span: the default
    ],
)
def test_tick_label_estimate(low: float, high: float, characters: int) -> None:
    assert tick_label_characters(low, high) == characters
