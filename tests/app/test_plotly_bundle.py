"""Fogmap's own plotly.js bundle draws every live chart the pages send.

The live charts draw with ``gmm_app/shell/frontend/plotly-fogmap.min.js`` (built by
``tools/plotly_bundle``: plotly.js's core and a few trace types, about a quarter of
the full plotly.js's time to evaluate before the map can be drawn). A figure with a
trace type the bundle lacks falls back to the full plotly.js, a second 4.7 MB on
the main thread: a student would wait about a second longer for the map. So every
live chart (the EM stepper's, Home's, the Fog explorer's and Covariance shapes'
panels, Choosing K's chart and fit) must name only the bundle's trace types, at
every size of data (WebGL points above a few hundred), and the bundle must be the
plotly.js that plotly.py writes its figures for.
"""

from __future__ import annotations

import json
import re

import pytest
from apptest_helpers import ROOT, live_charts, ok, open_lesson, open_stepper
from plotly.offline import get_plotlyjs_version
from streamlit.testing.v1 import AppTest

from gmm_app.shell.live_chart import BUNDLE

ENTRY = BUNDLE.parents[3] / "tools" / "plotly_bundle" / "entry.mjs"


def bundle_traces() -> set[str]:
    """The trace types the bundle says it draws (``TRACES`` in its entry)."""
    found = re.search(r"export const TRACES = (\[[^\]]*\]);", ENTRY.read_text())
    assert found, "tools/plotly_bundle/entry.mjs exports no TRACES"
    return set(json.loads(found.group(1)))


def test_the_bundle_is_built_from_its_entry_and_plotly_pys_plotly_js() -> None:
    """A plotly upgrade (or a new trace type in the entry) without a rebuild fails
    here: run ``npm run build`` in tools/plotly_bundle (its README)."""
    text = BUNDLE.read_text(encoding="utf-8")
    version = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", text[:300])
    assert version and version.group(1) == get_plotlyjs_version()
    listed = re.search(r"export const TRACES = (\[[^\]]*\]);", ENTRY.read_text())
    assert listed is not None
    built_in = json.dumps(json.loads(listed.group(1)), separators=(",", ":"))
    assert built_in in text  # the entry's list, as esbuild writes it
    assert "export{" in text.replace(" ", "")  # an ES module: no window.Plotly


@pytest.mark.parametrize(
    "params",
    [
        {},  # 300 points: SVG
        {"dataset": "moons", "n_samples": "2000"},  # WebGL points
        {"dataset": "heights"},  # one feature: curves, a histogram
    ],
)
def test_every_live_chart_names_trace_types_the_bundle_draws(params: dict) -> None:
    at = ok(open_stepper(params))
    charts = live_charts(at)
    assert "em_loop" in {key for key, _ in charts} and len(charts) >= 3
    check(charts)


def check(charts: list[tuple[str, dict]]) -> None:
    """Each chart names its trace types, and the bundle draws them all."""
    for key, args in charts:
        figure = json.loads(args["figure"])
        sent = {trace.get("type", "scatter") for trace in figure["data"]}
        assert set(args["traces"]) == sent, key  # what the frontend decides on
        assert sent <= bundle_traces(), (key, sent - bundle_traces())


def open_home(params: dict[str, str]) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    return ok(at.run())


@pytest.mark.parametrize(
    ("page", "params", "keys"),
    [
        (None, {}, {"home_map", "home_loop"}),
        (None, {"dataset": "heights"}, {"home_map", "home_loop"}),
        (
            "pages/1_Fog_explorer.py",
            {"fx_show_more_maps": "true"},
            {"fx_kmeans", "fx_confidence", "fx_gmm", "fx_soft"},
        ),
        (
            "pages/1_Fog_explorer.py",
            {"dataset": "moons", "n_samples": "2000", "fx_show_more_maps": "true"},
            {"fx_kmeans", "fx_confidence", "fx_gmm", "fx_soft"},
        ),
        ("pages/1_Fog_explorer.py", {"dataset": "heights"}, {"fx_kmeans"}),
        (
            "pages/3_Covariance_shapes.py",
            {"cs_show_all_types": "true"},
            {f"cs_panel_{t}" for t in ("spherical", "diag", "tied", "full")},
        ),
        ("pages/3_Covariance_shapes.py", {"dataset": "heights"}, {"cs_panel_full"}),
        ("pages/4_Choosing_K.py", {}, {"ck_chart", "ck_fit"}),
        (
            "pages/4_Choosing_K.py",
            {"dataset": "heights", "ck_types": "spherical,full"},
            {"ck_chart", "ck_fit"},
        ),
    ],
)
def test_every_pages_live_charts_name_trace_types_the_bundle_draws(
    page: str | None, params: dict[str, str], keys: set[str]
) -> None:
    """Home, the Fog explorer's panels, Covariance shapes' panels and Choosing K's
    criteria chart and fit are live charts too."""
    at = open_home(params) if page is None else ok(open_lesson(page, params))
    charts = live_charts(at)
    assert keys <= {key for key, _ in charts}
    check(charts)
