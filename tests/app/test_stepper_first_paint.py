"""The EM stepper's first paint (issue 15): what a fresh page sends, and the
sections that open on demand.

A fresh stepper draws the loop, the map and the side charts, the hills'
parameters and every part's heading. "Every number, worked
out", the scikit-learn script and the collapse lab sit in sections the student
opens (or a link reopens); closed, neither formulas nor code are sent, so the
browser loads no formula renderer or code highlighter. A click on a point of the
map opens the numbers at that point (closing them keeps the point chosen); a
collapse lab link opens the lab.
"""

from __future__ import annotations

from apptest_helpers import (
    chart_keys,
    click,
    click_live_chart,
    close_section,
    ok,
    open_stepper,
    sections,
)
from streamlit.testing.v1 import AppTest

from gmm_app.stepper.experiments import COLLAPSE_SECTION
from gmm_app.stepper.panels import NUMBERS_SECTION
from gmm_app.stepper.takeaway import CODE_SECTION


def scripts(at: AppTest) -> list[str]:
    return [c.proto.code_text for c in at.get("code")]


def point_inputs(at: AppTest) -> list:
    return [n for n in at.number_input if n.key == "em_point"]


def test_a_fresh_stepper_sends_no_formula_grid_or_code() -> None:
    at = open_stepper()
    assert chart_keys(at) == ["em_loop", "em_map", "em_loglik"]
    # The hills' parameters are on the page (a static table): one row per hill.
    (table,) = at.table
    assert list(table.value.index) == ["hill A", "hill B", "hill C"]
    assert not at.latex and not at.dataframe and not scripts(at)
    assert not point_inputs(at)
    assert sections(at)["Open the numbers"] == 0
    assert sections(at)["Open the script"] == 0
    assert sections(at)["Open the collapse lab"] == 0
    assert not [b for b in at.button if b.key == "em_collapse"]
    # The headings still name every part of the lesson, in order.
    headings = [s.value for s in at.subheader]
    assert headings.index("The hills' parameters") < headings.index(
        "Every number, worked out"
    )
    assert "Take it with you" in headings


def test_opening_the_numbers_works_them_out_and_a_link_reopens_them() -> None:
    at = open_stepper()
    click(at, "em_next")  # E-step 1
    at.session_state[NUMBERS_SECTION] = True
    ok(at.run())
    assert any("about point #0:" in c.value for c in at.caption)
    assert at.latex
    # A link with the section's parameter (the browser writes it on opening).
    again = ok(open_stepper({**dict(at.query_params), NUMBERS_SECTION: "true"}))
    assert again.latex and point_inputs(again)
    close_section(again, NUMBERS_SECTION)
    assert not again.latex and not point_inputs(again)


def test_a_click_on_the_map_opens_the_numbers_and_closing_keeps_the_point() -> None:
    at = open_stepper()
    click(at, "em_next")
    click_live_chart(at, "em_map", {"row": 42})
    ok(at)
    assert at.session_state[NUMBERS_SECTION]
    assert any("about point #42:" in c.value for c in at.caption)
    close_section(at, NUMBERS_SECTION)
    click(at, "em_next", times=2)  # steps while closed
    at.session_state[NUMBERS_SECTION] = True
    ok(at.run())
    assert point_inputs(at)[0].value == 42
    assert any("E-step 2 asks" in c.value and "#42:" in c.value for c in at.caption)


def test_opening_the_script_shows_this_run_in_scikit_learn() -> None:
    at = open_stepper()
    at.session_state[CODE_SECTION] = True
    ok(at.run())
    (code,) = [s for s in scripts(at) if "GaussianMixture" in s]
    assert "covariance_type='full'" in code
    close_section(at, CODE_SECTION)
    assert not scripts(at)
    # The download stays on the first screen of the take-away, open or closed.
    assert [b.proto.label for b in at.get("download_button")] == ["Download this run"]


def test_a_collapse_lab_link_opens_the_lab() -> None:
    at = ok(open_stepper({"em_collapse_seed": "0"}))
    assert at.session_state[COLLAPSE_SECTION]
    assert at.button(key="em_collapse")
    assert any(c.value.startswith("It puts a narrow hill A") for c in at.caption)
    assert at.query_params["em_collapse_seed"] == "0"
    # Closed again, the link still carries the lab's start.
    close_section(at, COLLAPSE_SECTION)
    assert not [b for b in at.button if b.key == "em_collapse"]
    assert at.query_params["em_collapse_seed"] == "0"
