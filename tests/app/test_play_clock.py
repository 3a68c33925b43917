"""Play keeps its own time: the map asks for each next half-step once it has drawn
the one it shows (``gmm_app.stepper.controls.tick``, the live chart's clock).

AppTest runs no browser, so these tests send the map's ask as the browser does (the
live chart's trigger value ``tick``, with the half-step it shows) and check what a
student would see: one half-step per ask, never two, none from an old ask, Pause
stops it, and the page while playing fast and once paused.
"""

from __future__ import annotations

import itertools
import json

import pytest
from apptest_helpers import LIVE_CHART, click, live_charts, open_stepper
from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.testing.v1 import AppTest

from gmm_app.stepper.panels import NUMBERS_SECTION, WHILE_PLAYING
from gmm_app.stepper.settings import PLAYING, POSITION

_ASKS = itertools.count(1)


def map_args(at: AppTest) -> dict:
    """The arguments the map's live chart was sent (its clock among them)."""
    found = [args for key, args in live_charts(at) if key == "em_map"]
    assert len(found) == 1, found
    return found[0]


def ask(at: AppTest, shown: int | str) -> AppTest:
    """The map asks for the next half-step, saying it shows ``shown``, as the
    browser sends it (the live chart's trigger ``tick``), then the rerun."""
    found = [
        el
        for el in at.get("bidi_component")
        if el.proto.component_name == LIVE_CHART
        and el.proto.id.rsplit("-", 1)[-1] == "em_map"
    ]
    assert len(found) == 1
    states = at._tree.get_widget_states()
    trigger = states.widgets.add()
    trigger.id = _make_trigger_id(found[0].proto.id, "events")
    value = {"shown": str(shown), "ask": next(_ASKS)}
    trigger.json_trigger_value = json.dumps([{"event": "tick", "value": value}])
    at._run(states)
    assert not at.exception
    return at


@pytest.fixture
def at() -> AppTest:
    """The stepper on 2,000 points with a long run (tolerance 1e-6)."""
    return open_stepper(
        {"dataset": "overlapping", "n_samples": "2000", "em_tol": "1e-06"}
    )


def test_the_map_keeps_plays_time_at_the_speed_chosen(at: AppTest) -> None:
    assert map_args(at)["clock_ms"] == 0  # not playing: no clock
    click(at, "em_play")
    assert map_args(at)["clock_ms"] == 800  # normal: a half-step every 0.8 s
    for speed, ms in (("fast", 350), ("slow", 1500), ("normal", 800)):
        before = at.session_state[POSITION]
        at.select_slider(key="em_speed").set_value(speed).run()
        assert map_args(at)["clock_ms"] == ms
        # A new pace does not step by itself: only the map's ask does.
        assert at.session_state[POSITION] == before
    click(at, "em_play")  # Pause
    assert map_args(at)["clock_ms"] == 0


def test_each_ask_shows_the_next_half_step_and_only_from_the_one_shown(
    at: AppTest,
) -> None:
    click(at, "em_play")  # the first half-step at once
    assert at.session_state[POSITION] == 1
    assert map_args(at)["tag"] == "1"
    ask(at, 1)
    assert at.session_state[POSITION] == 2
    assert map_args(at)["tag"] == "2"
    # The same ask again (sent again when its answer was slow), or one from an
    # older half-step: nothing moves, so the page never gets two half-steps at once.
    ask(at, 1)
    assert at.session_state[POSITION] == 2
    ask(at, 2)
    assert at.session_state[POSITION] == 3
    # A rerun for anything else while playing (a widget) takes no step either.
    at.run()
    assert at.session_state[POSITION] == 3


def test_pause_stops_the_asks(at: AppTest) -> None:
    click(at, "em_play")
    ask(at, 1)
    click(at, "em_play")  # Pause
    assert at.button(key="em_play").label == "Play"
    ask(at, 2)  # an ask already on its way when Pause was pressed
    assert at.session_state[POSITION] == 2


def test_play_stops_at_the_end_of_the_run() -> None:
    at = open_stepper({"dataset": "overlapping", "n_samples": "2000"})
    click(at, "em_run_end")
    last = at.session_state[POSITION]
    click(at, "em_back")
    click(at, "em_play")  # the last half-step at once, and Play stops there
    assert at.session_state[POSITION] == last
    assert not at.session_state[PLAYING]
    assert at.button(key="em_play").label == "Play"
    assert map_args(at)["clock_ms"] == 0


def open_numbers(at: AppTest) -> AppTest:
    """Open "Every number, worked out" (a section that opens on demand)."""
    at.session_state[NUMBERS_SECTION] = True
    return at.run()


def test_playing_fast_leaves_the_numbers_for_pause(at: AppTest) -> None:
    open_numbers(at)
    click(at, "em_next")  # E-step 1: a point's numbers worked out
    at.number_input(key="em_point").set_value(17).run()
    at.select_slider(key="em_speed").set_value("fast").run()
    tables, formulas = len(at.table), len(at.latex)
    assert tables == 1 and formulas >= 1
    click(at, "em_play")
    ask(at, 2)
    captions = [c.value for c in at.caption]
    for what in ("the hills' parameters", "every number worked out"):
        assert WHILE_PLAYING.format(what=what) in captions
    assert len(at.table) == 0 and len(at.latex) == 0
    click(at, "em_play")  # Pause: the numbers back, for point 17 still
    assert len(at.table) == 1 and len(at.latex) >= 1
    assert at.number_input(key="em_point").value == 17
    assert not [c for c in at.caption if c.value.startswith("Playing fast")]


def test_playing_at_a_slower_speed_keeps_the_numbers(at: AppTest) -> None:
    open_numbers(at)
    click(at, "em_play")  # normal speed
    ask(at, 1)
    ask(at, 2)
    assert len(at.table) == 1 and len(at.latex) >= 1
