"""Helpers for reading what AppTest rendered."""

from __future__ import annotations

import json
import math
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def plotly_figures(at: AppTest) -> list[dict]:
    """The Plotly figures on the page, as the JSON the browser receives."""
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def numbers_in(values: object) -> list[float]:
    """Every number in a (nested) list from a figure's trace."""
    if isinstance(values, list):
        return [n for v in values for n in numbers_in(v)]
    if isinstance(values, (int, float)) and not isinstance(values, bool):
        return [float(values)]
    return []


def assert_no_nan_traces(figure: dict) -> None:
    """No trace coordinate is missing or not finite (a NaN reaches JSON as null)."""
    for trace in figure.get("data", []):
        for axis in ("x", "y"):
            values = trace.get(axis)
            if values is None or isinstance(values, dict):  # dict: binary-encoded
                continue
            assert None not in values, f"{trace.get('name')} has a missing {axis}"
            assert all(math.isfinite(v) for v in numbers_in(values))


def active_data_line(at: AppTest) -> str:
    """The sidebar's "Active data: ..." line."""
    lines = [m.value for m in at.sidebar.markdown if "Active data" in m.value]
    assert len(lines) == 1
    return lines[0]
