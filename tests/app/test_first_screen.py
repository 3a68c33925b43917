"""The EM stepper, the Fog explorer and Covariance shapes send their first screen
alone on a session's first run.

``gmm_app.shell.first_screen``: on the page's first run in a browser's session only
the first screen is sent (the map and what is above it), with a small watcher at
the page's end that asks for the next run once a chart is drawn; from that run on
(or any other rerun) the page is whole. AppTest has no browser to report back, so
it always gets the whole page; here it is told it has one. The browser tests check
the watcher itself (tests/browser: every page they open waits for its rest).
"""

from __future__ import annotations

import pytest
from apptest_helpers import chart_keys, ok, open_lesson, open_stepper
from streamlit.testing.v1 import AppTest

from gmm_app.shell import first_screen

BELOW = {
    "The hills' parameters",
    "Every number, worked out",
    "K-Means in lockstep: the same start on a clear day",
    "Restart gallery: several seeds side by side",
}


def headings(at: AppTest) -> set[str]:
    return {h.value for h in at.subheader}


def watchers(at: AppTest) -> int:
    return sum(
        el.proto.component_name == "fogmap.first_screen"
        for el in at.get("bidi_component")
    )


def test_without_a_browser_the_page_is_whole_at_once() -> None:
    at = ok(open_stepper())
    assert headings(at) >= BELOW
    assert watchers(at) == 0


def test_a_browsers_first_run_sends_the_first_screen_then_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(first_screen, "_browser", lambda: True)
    at = ok(open_stepper())
    assert not BELOW & headings(at)  # nothing below the map yet
    assert {"em_map", "em_loop"} <= {
        el.proto.id.rsplit("-", 1)[-1] for el in at.get("bidi_component")
    }
    assert watchers(at) == 1
    ok(at.run())  # the run the watcher asks for (or any other)
    assert headings(at) >= BELOW
    assert watchers(at) == 0
    ok(at.button(key="em_next").click().run())  # a step keeps the page whole
    assert headings(at) >= BELOW
    assert watchers(at) == 0


@pytest.mark.parametrize(
    ("page", "first", "below"),
    [
        (
            "pages/1_Fog_explorer.py",
            ["fx_kmeans", "fx_confidence"],
            {"The map behind the points", "Check yourself", "When to use which"},
        ),
        (
            "pages/3_Covariance_shapes.py",
            ["cs_panel_spherical", "cs_panel_full"],
            {"Side by side in numbers", "What goes wrong, and how to fix it"},
        ),
    ],
)
def test_the_lessons_first_screens_come_first_too(
    monkeypatch: pytest.MonkeyPatch, page: str, first: list[str], below: set[str]
) -> None:
    monkeypatch.setattr(first_screen, "_browser", lambda: True)
    at = ok(open_lesson(page))
    assert chart_keys(at) == first  # the first screen's charts, drawn
    assert not below & headings(at)
    assert watchers(at) == 1
    ok(at.run())
    assert headings(at) >= below
    assert chart_keys(at) == first
    assert watchers(at) == 0
