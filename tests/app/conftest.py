"""Fixtures for driving Fogmap's pages with Streamlit's AppTest."""

from __future__ import annotations

import pytest
from apptest_helpers import ROOT
from streamlit.testing.v1 import AppTest


@pytest.fixture
def home() -> AppTest:
    """Home, run once."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    return at
