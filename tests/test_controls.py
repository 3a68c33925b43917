"""Every control a student can touch is changed by some test (issue 16).

The check is ``tools/untested_controls.py``: it reads the keys of every input
widget and clickable chart in the app's source and looks for each in the tests.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from untested_controls import app_controls, untested  # noqa: E402


def test_the_checker_finds_the_controls_it_should() -> None:
    keys = {c.key for c in app_controls()}
    # One of each kind: a shared slider, a plain button, a live chart, a key built
    # at run time (by its fixed part).
    assert {"n_components", "em_next", "em_map", "em_place_"} <= keys
    assert len(keys) >= 60


def test_every_control_is_mentioned_by_a_test() -> None:
    missing = [f"{c.key} ({c.where})" for c in untested()]
    assert missing == [], "controls no test changes: " + ", ".join(missing)
