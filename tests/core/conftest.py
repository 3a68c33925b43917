"""Shared helpers for the tests of gmm_core (numpy only, no Streamlit)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]

# The package is not necessarily installed in the venv: make the checkout importable.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def gaussian_groups(
    n: int, d: int, seed: int, n_groups: int = 3, spread: float = 3.0
) -> np.ndarray:
    """Well-conditioned standardized data: a few round Gaussian groups.

    Parameters
    ----------
    n, d : int
        Number of points and of features.
    seed : int
    n_groups : int
        How many groups the points are drawn from.
    spread : float
        Standard deviation of the group centers (the groups have unit spread).

    Returns
    -------
    ndarray of shape (n, d)
        Every feature has mean 0 and standard deviation 1.
    """
    rng = np.random.default_rng(seed)
    centers = rng.normal(0.0, spread, size=(n_groups, d))
    labels = rng.integers(0, n_groups, size=n)
    X = centers[labels] + rng.normal(size=(n, d))
    return (X - X.mean(axis=0)) / X.std(axis=0)


@pytest.fixture
def make_groups():
    """The :func:`gaussian_groups` generator, for tests that need fresh data."""
    return gaussian_groups
