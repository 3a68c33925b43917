"""The lesson path (issue 13): Home's "Start the lesson", step by step through the
four lessons, Back, Leave, and a link that reopens the path at its step."""

from __future__ import annotations

import subprocess
import sys

import pytest
from apptest_helpers import ROOT
from streamlit.testing.v1 import AppTest

from gmm_app.lesson_steps import (
    STEPS,
    arriving_setup,
    lesson_setup,
    step_at,
    step_count,
)
from gmm_app.shell.navigation import available_pages, page_info

N = step_count()

# What each step's instruction names, as the page shows it: a heading, a widget's
# label or a chart's key. The walk checks that each is really on the step's page.
LANDMARKS: dict[int, tuple[str, str]] = {
    1: ("subheader", "Clear day against fog"),
    2: ("widget", "Fog (temperature T)"),
    3: ("subheader", "Check yourself"),
    4: ("widget", "Predict first"),
    5: ("widget", "Predict first"),
    6: ("chart", "em_loglik"),
    7: ("subheader", "Four types, one data set"),
    8: ("subheader", "Side by side in numbers"),
    9: ("chart", "ck_chart"),
    10: ("chart", "ck_chart"),
    11: ("subheader", "Occam's razor: fit against penalty"),
    12: ("chart", "home_loop"),
}


def progress_text(at: AppTest) -> str | None:
    """The path box's "Lesson path · step i of N · page" line, if shown."""
    bars = [p.proto.text for p in at.get("progress") if "Lesson path" in p.proto.text]
    assert len(bars) <= 1
    return bars[0] if bars else None


def title(at: AppTest) -> str:
    return at.title[0].value


def widget_labels(at: AppTest) -> set[str]:
    kinds = ("toggle", "select_slider", "slider", "button", "radio", "selectbox")
    return {w.label for kind in kinds for w in at.get(kind)}


def chart_ids(at: AppTest) -> list[str]:
    ids = [el.proto.id for el in at.get("plotly_chart")]
    return ids + [el.proto.id for el in at.get("bidi_component")]  # live charts


def assert_on_step(at: AppTest, step: int) -> None:
    """The page, the box's text and the URL all say ``step``."""
    assert not at.exception, at.exception
    here = step_at(step)
    lesson = page_info(here.page).title
    assert progress_text(at) == f"**Lesson path** · step {step} of {N} · {lesson}"
    expected_title = "Fogmap" if here.page == "app.py" else lesson
    assert title(at).startswith(expected_title)
    assert here.instruction in [m.value for m in at.markdown]
    assert here.why in [c.value for c in at.caption]
    assert at.query_params["path"] == str(step)
    kind, mark = LANDMARKS[step]
    if kind == "subheader":
        assert mark in [s.value for s in at.subheader]
    elif kind == "widget":
        assert mark in widget_labels(at)
    else:
        assert any(i.endswith(mark) for i in chart_ids(at)), chart_ids(at)


def start_from_home() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.button(key="path_start").click().run()
    return at


###############################################################################
# The steps as data


def test_every_step_is_one_short_instruction_on_a_page_that_exists() -> None:
    pages = {p.path for p in available_pages()}
    assert 10 <= N <= 14
    for step in STEPS:
        assert step.page in pages
        assert len(step.instruction) <= 160 and len(step.why) <= 160
    # The four lessons in order, then the summary back on Home.
    order = [s.page for s in STEPS]
    firsts = sorted(set(order), key=order.index)
    assert [page_info(p).title for p in firsts] == [
        "Fog explorer",
        "EM stepper",
        "Covariance shapes",
        "Choosing K",
        "Home",
    ]
    assert order[-1] == "app.py"
    with pytest.raises(IndexError):
        step_at(N + 1)


def test_the_steps_load_without_streamlit() -> None:
    """The path is data: it can be read (and tested) without a page."""
    code = (
        "import sys, gmm_app.lesson_steps; "
        "assert not {'streamlit', 'plotly'} & set(sys.modules), sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_a_lesson_is_set_up_on_arriving_and_left_alone_inside_it() -> None:
    stepper = next(i for i, s in enumerate(STEPS, 1) if "em_predict" in dict(s.setup))
    assert arriving_setup(stepper, stepper - 1) == {
        "dataset": "overlapping",
        "em_predict": True,
    }
    # The stepper's later steps keep what the student changed...
    assert arriving_setup(stepper + 1, stepper) == {}
    # ...and coming back into the stepper from the next lesson sets it up again.
    assert arriving_setup(stepper + 2, stepper + 3) == lesson_setup(stepper)
    assert arriving_setup(1, None) == {"dataset": "overlapping"}


###############################################################################
# Walking it


def test_the_path_walked_end_to_end() -> None:
    at = start_from_home()
    assert_on_step(at, 1)
    assert at.selectbox(key="dataset").value == "overlapping"
    assert at.button(key="path_back").disabled
    for step in range(2, N + 1):
        label = at.button(key="path_next").label
        assert label == f"On to step {step}"
        at.button(key="path_next").click().run()
        assert_on_step(at, step)
        if step == 4:  # the stepper step turns Predict first on...
            assert at.toggle(key="em_predict").value is True
            at.button(key="em_next").click().run()  # ...so Next asks first
            assert "em_guess" in [r.key for r in at.radio]
            assert at.button(key="em_check").label == "Check"
        if step == 7:
            assert at.selectbox(key="dataset").value == "elongated"
        if step == 9:
            assert at.selectbox(key="dataset").value == "varied"
    # The last step sums up on Home and offers to start again.
    assert at.button(key="path_next").label == "Start again"
    assert at.button(key="path_exit").label == "Finish"
    at.button(key="path_next").click().run()
    assert_on_step(at, 1)
    assert at.selectbox(key="dataset").value == "overlapping"


def test_back_goes_to_the_step_before_on_its_own_page() -> None:
    at = start_from_home()
    for _ in range(3):
        at.button(key="path_next").click().run()
    assert_on_step(at, 4)
    assert at.button(key="path_back").label == "Back"
    at.button(key="path_back").click().run()
    assert_on_step(at, 3)
    at.button(key="path_back").click().run()
    assert_on_step(at, 2)


def test_a_change_inside_a_lesson_survives_its_steps() -> None:
    at = start_from_home()
    for _ in range(3):
        at.button(key="path_next").click().run()
    at.toggle(key="em_predict").set_value(False).run()
    at.button(key="path_next").click().run()
    assert_on_step(at, 5)
    assert at.toggle(key="em_predict").value is False


def test_a_link_reopens_the_path_at_its_step_in_a_fresh_session() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["path"] = "5"
    at.run()
    # Opened on another page than the step's: the box says where the step is.
    assert progress_text(at) == f"**Lesson path** · step 5 of {N} · EM stepper"
    links = [link.proto.label for link in at.get("page_link")]
    assert "This step is on EM stepper: go there" in links
    assert "path_start" not in [b.key for b in at.button]
    at.switch_page("pages/2_EM_stepper.py").run()
    assert_on_step(at, 5)
    assert "This step is on EM stepper: go there" not in [
        link.proto.label for link in at.get("page_link")
    ]
    at.button(key="path_back").click().run()
    assert_on_step(at, 4)


def test_a_link_with_a_step_fogmap_cannot_read_says_so() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["path"] = "three"
    at.run()
    assert not at.exception
    assert progress_text(at) is None
    toasts = [t.value for t in at.toast]
    assert any("path = three" in t and "leaving it out" in t for t in toasts)
    far = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    far.query_params["path"] = "99"
    far.run()
    assert progress_text(far) == f"**Lesson path** · step {N} of {N} · Home"


def test_leaving_the_path_keeps_the_page_and_drops_the_box() -> None:
    at = start_from_home()
    at.button(key="path_next").click().run()
    assert_on_step(at, 2)
    at.button(key="path_exit").click().run()
    assert not at.exception
    assert title(at) == "Fog explorer"
    assert progress_text(at) is None
    assert "path" not in at.query_params
    assert at.selectbox(key="dataset").value == "overlapping"  # nothing undone


###############################################################################
# Ignoring it


def test_ignoring_the_path_changes_nothing(home: AppTest) -> None:
    assert progress_text(home) is None
    assert "path" not in home.query_params
    assert home.button(key="path_start").label == "Start the lesson"
    assert [s.value for s in home.subheader] == [
        "Islands on a clear day, hills in the fog",
        "The surveyor's loop",
        "Where to start",
        "Your own data",
    ]
    assert home.selectbox(key="dataset").value == "blobs"
    for page in ("pages/2_EM_stepper.py", "pages/4_Choosing_K.py"):
        home.switch_page(page).run()
        assert not home.exception
        assert progress_text(home) is None
        assert not [b for b in home.button if b.key.startswith("path_")]
        assert "path" not in home.query_params
