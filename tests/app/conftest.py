"""Fixtures for driving Fogmap's pages with Streamlit's AppTest."""

from __future__ import annotations

import numpy as np
import pytest
from apptest_helpers import ROOT
from streamlit.testing.v1 import AppTest

from gmm_core import EMStep, em_steps, initialize, load_preset


@pytest.fixture
def home() -> AppTest:
    """Home, run once."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    return at


@pytest.fixture(scope="module")
def blobs_trace() -> tuple[np.ndarray, tuple[EMStep, ...]]:
    """200 blobs and 8 iterations of EM from a k-means++ guess with K=3, seed 0."""
    X = load_preset("blobs", 200, 0).X
    return X, tuple(em_steps(X, initialize(X, 3, seed=0), max_iter=8))
