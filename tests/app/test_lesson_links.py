"""A shared link reopens exactly what was prepared (issue 17, item 1).

For the Fog explorer, Covariance shapes and Choosing K: one session sets every
control that changes what is drawn away from its default, its URL (query
parameters) is copied into a fresh session, and the fresh session must show the
same widget values, the same words and numbers, and the same figures.
"""

from __future__ import annotations

import json

import pandas as pd
from apptest_helpers import ok, open_lesson, plotly_figures, upload_csv
from sklearn.datasets import load_wine
from streamlit.testing.v1 import AppTest

EXPLORER = "pages/1_Fog_explorer.py"
SHAPES = "pages/3_Covariance_shapes.py"
CHOOSING_K = "pages/4_Choosing_K.py"


def link(at: AppTest, *sections: str) -> dict[str, str]:
    """The URL's query parameters, as a student would copy them.

    ``sections``: the sections the student opened. Each is bound to the URL
    (``st.expander(..., bind="query-params")``), which the browser writes and
    AppTest, without one, does not: they are added here as the browser would.
    """
    query = {name: str(value) for name, value in at.query_params.items()}
    return query | {section: "true" for section in sections}


def widget(at: AppTest, kind: str, key: str) -> object:
    return getattr(at, kind)(key=key).value


def shown(at: AppTest) -> tuple[list[str], list[str], list[str], list[dict]]:
    """What a student reads and sees: words, notes, tables and figures."""
    words = [m.value for m in at.markdown] + [c.value for c in at.caption]
    notes = [n.value for n in [*at.error, *at.warning, *at.info]]
    tables = [
        df.value.to_json() for df in at.dataframe if isinstance(df.value, pd.DataFrame)
    ]
    figures = [json.loads(json.dumps(f, sort_keys=True)) for f in plotly_figures(at)]
    return words, notes, tables, figures


def assert_same(first: AppTest, second: AppTest, controls: dict[str, str]) -> None:
    for key, kind in controls.items():
        assert widget(second, kind, key) == widget(first, kind, key), key
    a, b = shown(first), shown(second)
    for what, x, y in zip(("words", "notes", "tables", "figures"), a, b, strict=True):
        assert x == y, what


def test_a_choosing_k_link_reopens_the_same_sweep_and_fit() -> None:
    at = open_lesson(CHOOSING_K)
    at.selectbox(key="dataset").set_value("overlapping").run()
    at.multiselect(key="ck_types").set_value(["full", "diag"]).run()
    at.slider(key="ck_k_max").set_value(6).run()
    at.number_input(key="ck_restarts").set_value(2).run()
    at.number_input(key="seed").set_value(3).run()
    at.toggle(key="ck_icl").set_value(True).run()
    at.toggle(key="ck_heldout").set_value(True).run()
    at.selectbox(key="ck_pick_type").set_value("diag").run()
    at.selectbox(key="ck_pick_k").set_value(5).run()
    at.session_state["ck_show_razor"] = True  # Occam's razor opens on demand
    at.run()
    at.radio(key="ck_razor_type").set_value("full").run()
    ok(at)
    assert link(at)["ck_pick"] == "diag,5"
    again = open_lesson(CHOOSING_K, link(at, "ck_show_razor"))
    controls = {
        "dataset": "selectbox",
        "ck_types": "multiselect",
        "ck_k_max": "slider",
        "ck_restarts": "number_input",
        "seed": "number_input",
        "ck_icl": "toggle",
        "ck_heldout": "toggle",
        "ck_pick_type": "selectbox",
        "ck_pick_k": "selectbox",
        "ck_razor_type": "radio",
    }
    assert_same(at, again, controls)
    assert widget(again, "selectbox", "ck_pick_k") == 5


def test_an_explorer_link_reopens_every_control() -> None:
    at = open_lesson(EXPLORER)
    at.selectbox(key="dataset").set_value("varied").run()
    at.number_input(key="n_components").set_value(4).run()
    at.selectbox(key="covariance_type").set_value("diag").run()
    at.number_input(key="seed").set_value(2).run()
    at.slider(key="fx_n_init").set_value(2).run()
    at.select_slider(key="fx_fog").set_value(0.5).run()
    at.slider(key="fx_valley").set_value(0.8).run()
    at.selectbox(key="fx_hill").set_value(2).run()
    at.toggle(key="fx_dbscan").set_value(True).run()
    at.slider(key="fx_eps").set_value(0.5).run()
    at.slider(key="fx_min_samples").set_value(8).run()
    for section in ("fx_show_map", "fx_show_hills"):  # they open on demand
        at.session_state[section] = True
    at.run()
    at.slider(key="fx_outlier_pct").set_value(5.0).run()
    at.button_group(key="fx_background").set_value("both").run()
    at.button_group(key="fx_hills_view").set_value("contour").run()
    ok(at)
    assert link(at)["fx_background"] == "both"
    again = open_lesson(EXPLORER, link(at, "fx_show_map", "fx_show_hills"))
    controls = {
        "dataset": "selectbox",
        "n_components": "number_input",
        "covariance_type": "selectbox",
        "seed": "number_input",
        "fx_n_init": "slider",
        "fx_fog": "select_slider",
        "fx_valley": "slider",
        "fx_hill": "selectbox",
        "fx_dbscan": "toggle",
        "fx_eps": "slider",
        "fx_min_samples": "slider",
        "fx_outlier_pct": "slider",
        "fx_background": "button_group",
        "fx_hills_view": "button_group",
    }
    assert_same(at, again, controls)
    assert widget(again, "button_group", "fx_background") == "both"


def test_a_covariance_shapes_link_reopens_every_control() -> None:
    at = open_lesson(SHAPES)
    at.selectbox(key="dataset").set_value("old_faithful").run()
    at.number_input(key="n_components").set_value(2).run()
    at.selectbox(key="covariance_type").set_value("tied").run()
    at.number_input(key="seed").set_value(1).run()
    at.toggle(key="standardise").set_value(True).run()  # the sidebar's, shared
    for section in ("cs_show_sandbox", "cs_show_broken"):  # they open on demand
        at.session_state[section] = True
    at.run()
    at.slider(key="cs_sigma1").set_value(1.5).run()
    at.slider(key="cs_sigma2").set_value(0.5).run()
    at.slider(key="cs_tilt").set_value(-45).run()
    at.radio(key="cs_broken").set_value("few").run()
    ok(at)
    assert link(at)["cs_tilt"] == "-45"
    again = open_lesson(SHAPES, link(at, "cs_show_sandbox", "cs_show_broken"))
    controls = {
        "dataset": "selectbox",
        "n_components": "number_input",
        "covariance_type": "selectbox",
        "seed": "number_input",
        "standardise": "toggle",
        "cs_sigma1": "slider",
        "cs_sigma2": "slider",
        "cs_tilt": "slider",
        "cs_broken": "radio",
    }
    assert_same(at, again, controls)


def _wine_csv() -> bytes:
    wine = load_wine(as_frame=True).frame.drop(columns="target")
    return wine.iloc[:, :4].to_csv(index=False).encode()


def test_the_plane_shown_travels_for_the_same_file() -> None:
    """A file cannot travel in a link; the plane chosen does, for that file."""
    views = {CHOOSING_K: "ck_view", SHAPES: "cs_view", EXPLORER: "fx_view"}
    for page, key in views.items():
        at = open_lesson(page)
        upload_csv(at, "wine.csv", _wine_csv())
        if page == CHOOSING_K:
            at.slider(key="ck_k_max").set_value(3).run()
        at.selectbox(key=key).set_value("0,2").run()
        ok(at)
        assert link(at)[key] == "0,2", page
        again = open_lesson(page, link(at))
        upload_csv(again, "wine.csv", _wine_csv())
        assert ok(again).selectbox(key=key).value == "0,2", page
