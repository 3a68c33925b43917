"""Every link of docs/teaching.md opens its page, understood and without a traceback.

An instructor copies these links into a lecture: a link whose parameters Fogmap
does not understand would fall back with a note, a broken page would show a
traceback. Each is opened here as a fresh session, as a student following it would.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from apptest_helpers import ROOT
from streamlit.testing.v1 import AppTest

DOC = ROOT / "docs" / "teaching.md"
PAGES = {
    "": None,
    "Fog_explorer": "pages/1_Fog_explorer.py",
    "EM_stepper": "pages/2_EM_stepper.py",
    "Covariance_shapes": "pages/3_Covariance_shapes.py",
    "Choosing_K": "pages/4_Choosing_K.py",
}
LINKS = sorted(
    set(re.findall(r"\]\((http://localhost:8501/[^)\s]*)\)", DOC.read_text()))
)


def test_the_lecture_plan_has_its_links() -> None:
    assert len(LINKS) >= 8


@pytest.mark.parametrize("url", LINKS)
def test_a_teaching_link_opens_as_written(url: str) -> None:
    parts = urlsplit(url)
    page = PAGES[parts.path.strip("/")]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    for name, value in parse_qsl(parts.query):
        at.query_params[name] = value
    at.run()
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    notes = [t.value for t in at.toast if "does not know" in t.value]
    assert notes == [], notes
