"""Sections that open on demand (issue 15: the first paint draws less).

Below each lesson's first screen, the Fog explorer's big map, recipe and hills,
Covariance shapes' sandbox and "What goes wrong" demo, and Choosing K's Occam's
razor and its table of every fit sit in expanders that track their state
(``bind="query-params"``). Closed, nothing in them is computed or sent: no chart,
no widget, no table. Opened (by the student, by a link, or by the "Check yourself"
questions that need them) they show their charts as before.
"""

from __future__ import annotations

from apptest_helpers import (
    chart_keys,
    close_section,
    figure_by_key,
    ok,
    open_lesson,
    sections,
)
from streamlit.testing.v1 import AppTest

from gmm_app.choosing_k.panels import NUMBERS_SECTION, RAZOR_SECTION
from gmm_app.explorer.hills_panels import HILLS_SECTION, RECIPE_SECTION
from gmm_app.explorer.map_panels import SECTION as MAP_SECTION
from gmm_app.explorer.panels import MORE_MAPS
from gmm_app.shapes.panels import ALL_TYPES
from gmm_app.shapes.sandbox import SECTION as SANDBOX_SECTION
from gmm_app.shapes.singular import SECTION as DEMO_SECTION

EXPLORER = "pages/1_Fog_explorer.py"
SHAPES = "pages/3_Covariance_shapes.py"
CHOOSING_K = "pages/4_Choosing_K.py"


def widget_keys(at: AppTest) -> set[str]:
    kinds = ("slider", "radio", "button_group", "selectbox", "toggle")
    return {w.key for kind in kinds for w in at.get(kind) if w.key}


###############################################################################
# Fog explorer


def test_the_explorer_first_paints_two_small_maps_alone() -> None:
    at = open_lesson(EXPLORER, {"dataset": "overlapping"})
    # K-Means' islands beside how sure the GMM is, with its hills drawn over.
    assert chart_keys(at) == ["fx_kmeans", "fx_confidence"]
    names = [t.get("name", "") for t in figure_by_key(at, "fx_confidence")["data"]]
    assert "hill tops (means)" in names and "hill A 1σ" in names
    assert sections(at) == {
        "Open two more maps": 0,
        "Open the big map": 0,
        "Open the recipe": 0,
        "Open the hills": 0,
    }
    assert not widget_keys(at) & {"fx_outlier_pct", "fx_background", "fx_hills_view"}
    assert not at.dataframe  # the selection table is in the big map's section
    # The headings still name every part of the lesson, in order.
    headings = [s.value for s in at.subheader]
    assert headings.index("The map behind the points") < headings.index("The hills")


def test_opening_each_explorer_section_draws_its_charts() -> None:
    at = open_lesson(EXPLORER, {"dataset": "overlapping"})
    at.session_state[MORE_MAPS] = True
    ok(at.run())
    assert chart_keys(at) == ["fx_kmeans", "fx_confidence", "fx_gmm", "fx_soft"]
    at.session_state[MAP_SECTION] = True
    ok(at.run())
    assert chart_keys(at)[4:] == ["fx_map", "fx_outlier_hist"]
    assert sections(at)["Open the big map"] > 0 and at.dataframe
    at.session_state[RECIPE_SECTION] = True
    at.session_state[HILLS_SECTION] = True
    ok(at.run())
    assert chart_keys(at)[6:] == ["fx_recipe", "fx_hills_contour"]
    close_section(at, MAP_SECTION)
    assert "fx_map" not in chart_keys(at)


def test_picking_the_soft_panels_hill_opens_it() -> None:
    at = open_lesson(EXPLORER, {"dataset": "overlapping"})
    at.selectbox(key="fx_hill").set_value(1).run()
    soft = figure_by_key(ok(at), "fx_soft")
    assert "Fog: how much hill B?" in soft["layout"]["title"]["text"]


def test_an_explorer_link_opens_the_sections_it_names() -> None:
    at = open_lesson(EXPLORER, {"dataset": "overlapping", "fx_show_hills": "true"})
    assert chart_keys(at)[2:] == ["fx_hills_contour"]
    assert sections(at)["Open the big map"] == 0


def test_the_explorer_questions_open_the_map_they_mark() -> None:
    at = open_lesson(EXPLORER, {"dataset": "overlapping"})
    at.toggle(key="check_fx").set_value(True).run()
    names = [t.get("name", "") for t in figure_by_key(ok(at), "fx_map")["data"]]
    assert any(n.startswith("points asked") for n in names)
    # Closed again, the questions say where their points are.
    close_section(at, MAP_SECTION)
    assert "fx_map" not in chart_keys(at)
    assert any("open it above" in c.value for c in at.caption)


###############################################################################
# Covariance shapes


def test_covariance_shapes_first_paints_two_types_alone() -> None:
    at = open_lesson(SHAPES)
    # The least and the most freedom; all four are in the table beneath.
    assert chart_keys(at) == ["cs_panel_spherical", "cs_panel_full"]
    assert sections(at) == {
        "Compare all four shapes": 0,
        "Open the sandbox": 0,
        "Open the demo": 0,
    }
    assert not widget_keys(at) & {"cs_sigma1", "cs_sigma2", "cs_tilt", "cs_broken"}
    # The four types' numbers in a static table, the counts in plain words: the
    # first screen loads neither the data grid nor the formula renderer.
    (table,) = at.table
    assert len(table.value) == 4
    assert not at.dataframe and not at.latex
    counts = [
        m.value for m in at.markdown if "free parameters (K = 3, D = 2)" in m.value
    ]
    assert [c.split(" = ")[0] for c in counts] == ["p", "p"]


def test_opening_the_sections_draws_them() -> None:
    at = open_lesson(SHAPES, {"cs_show_all_types": "true"})
    assert chart_keys(at) == [
        "cs_panel_spherical",
        "cs_panel_full",
        "cs_panel_diag",
        "cs_panel_tied",
    ]
    at.session_state[SANDBOX_SECTION] = True
    ok(at.run())
    assert chart_keys(at)[4:] == [
        "cs_sandbox_yours",
        "cs_sandbox_spherical",
        "cs_sandbox_diag",
        "cs_sandbox_full",
        "cs_sandbox_tied",
    ]
    at.session_state[DEMO_SECTION] = True
    ok(at.run())
    assert "cs_broken_map" in chart_keys(at)
    assert "cs_broken" in widget_keys(at)


def test_the_shapes_questions_open_what_they_ask_about() -> None:
    at = open_lesson(SHAPES)
    at.toggle(key="check_cs").set_value(True).run()
    ok(at)
    assert at.session_state[ALL_TYPES] is True
    assert at.session_state[DEMO_SECTION] is True
    assert {"cs_panel_tied", "cs_broken_map"} <= set(chart_keys(at))
    assert at.session_state[SANDBOX_SECTION] is False
    # Closed again, the questions say where to look.
    close_section(at, ALL_TYPES)
    assert "cs_panel_tied" not in chart_keys(at)
    assert any("Compare all four shapes" in c.value for c in at.caption)


###############################################################################
# Choosing K


def test_choosing_k_first_paints_the_chart_and_the_fit_alone() -> None:
    at = open_lesson(CHOOSING_K, {"ck_types": "full,diag"})
    assert chart_keys(at) == ["ck_chart", "ck_fit"]
    assert sections(at) == {"Open the razor": 0, "Open the table": 0}
    assert "ck_razor_type" not in widget_keys(at)
    assert not at.dataframe  # every fit in numbers opens on demand
    # The chart's note sends the student to the razor by name.
    assert not any("(see below)" in c.value for c in at.caption)


def test_opening_the_numbers_shows_every_fit() -> None:
    at = open_lesson(CHOOSING_K, {"ck_types": "full,diag", "ck_show_numbers": "true"})
    (table,) = at.dataframe
    assert sorted(set(table.value["covariance type"])) == ["diag", "full"]
    assert sections(at)["Open the table"] > 0
    close_section(at, NUMBERS_SECTION)
    assert not at.dataframe


def test_the_k_questions_open_the_numbers_they_ask_about() -> None:
    at = open_lesson(CHOOSING_K)
    at.toggle(key="check_ck").set_value(True).run()
    ok(at)
    assert not at.dataframe  # hidden with BIC's pick until question 1 is answered
    at.button(key="check_ck_reveal").click().run()
    (table,) = ok(at).dataframe
    assert "ln L" in table.value  # question 2 asks for the highest ln L
    close_section(at, NUMBERS_SECTION)  # the student may close it again
    assert not at.dataframe


def test_opening_the_razor_draws_it_with_its_type_picker() -> None:
    at = open_lesson(CHOOSING_K, {"ck_types": "full,diag", "ck_show_razor": "true"})
    assert chart_keys(at) == ["ck_chart", "ck_fit", "ck_razor"]
    at.radio(key="ck_razor_type").set_value("diag").run()
    ok(at)
    close_section(at, RAZOR_SECTION)
    assert chart_keys(at) == ["ck_chart", "ck_fit"]
    assert at.query_params["ck_razor_type"] == "diag"  # kept while closed
