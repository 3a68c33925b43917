"""Home and the shared sidebar, driven through Streamlit's AppTest."""

from __future__ import annotations

import re

import pytest
from apptest_helpers import ROOT, active_data_line, assert_finite_figure, plotly_figures
from streamlit.testing.v1 import AppTest

from gmm_app.shell.navigation import available_pages
from gmm_core import PRESETS, load_preset


def test_home_shows_title_map_and_loop(home: AppTest) -> None:
    assert not home.exception
    assert home.title[0].value.startswith("Fogmap")
    figures = plotly_figures(home)
    assert len(figures) == 2  # the fog map and the surveyor's loop
    loop_text = " ".join(a["text"] for a in figures[1]["layout"]["annotations"])
    for stage in ("Guess", "E-step", "M-step", "Converged?"):
        assert stage in loop_text


def test_sidebar_links_home_and_only_pages_that_exist(home: AppTest) -> None:
    links = home.sidebar.get("page_link")
    labels = [link.proto.label for link in links]
    assert labels[0] == "Home"
    assert labels == [page.title for page in available_pages()]
    for link in links:  # Streamlit resolved each link to a page script
        assert link.proto.page_script_hash


def unescaped(text: str) -> str:
    """Markdown as the student reads it (backslash escapes removed)."""
    return re.sub(r"\\(.)", r"\1", text)


@pytest.mark.parametrize("key", list(PRESETS))
def test_every_preset_draws_a_fog_map_without_nan(home: AppTest, key: str) -> None:
    home.selectbox(key="dataset").set_value(key).run()
    assert not home.exception
    assert not home.error
    data = load_preset(key)
    line = unescaped(active_data_line(home))
    assert PRESETS[key].name.split(" ")[0] in line
    assert f"**Active data:** {data.name} · " in line
    assert f"{data.n_samples:,} points" in line
    fog_map = plotly_figures(home)[0]
    assert_finite_figure(fog_map)
    names = [t.get("name", "") for t in fog_map["data"]]
    if data.n_features == 1:
        assert "mixture (sum)" in names  # bell curves over a histogram
    else:
        assert "hill tops (means)" in names
    caption = " ".join(c.value for c in home.caption)
    assert "hills found by EM" in caption


def test_sample_size_and_seed_change_the_data(home: AppTest) -> None:
    home.selectbox(key="dataset").set_value("overlapping").run()
    assert "400 points" in active_data_line(home)
    home.slider(key="n_samples").set_value(1000).run()
    assert "1,000 points" in active_data_line(home)
    before = plotly_figures(home)[0]["data"][0]["x"]
    home.number_input(key="data_seed").set_value(7).run()
    assert plotly_figures(home)[0]["data"][0]["x"] != before
    # Another preset starts from its own default size.
    home.selectbox(key="dataset").set_value("moons").run()
    assert "300 points" in active_data_line(home)


def test_fixed_size_data_hides_the_size_slider(home: AppTest) -> None:
    home.selectbox(key="dataset").set_value("old_faithful").run()
    assert not [s for s in home.slider if s.key == "n_samples"]
    assert "272 points" in active_data_line(home)
    assert any("faithful" in c.value for c in home.sidebar.caption)


def test_dataset_is_restored_from_the_url() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["dataset"] = "iris"
    at.run()
    assert not at.exception
    assert "Iris" in active_data_line(at)


def test_uploaded_csv_becomes_the_active_data(home: AppTest) -> None:
    csv = b"height,weight,name\n1.5,50,a\n1.7,70,b\n1.6,60,c\n1.8,80,d\n1.55,52,e\n"
    home.file_uploader(key="csv_upload").set_value(("people.csv", csv, "text/csv"))
    home.run()
    assert not home.exception
    assert "people" in active_data_line(home)
    assert "5 points" in active_data_line(home)
    assert home.selectbox(key="dataset").value == "upload"
    assert any("name" in c.value for c in home.sidebar.caption)  # skipped column
    assert_finite_figure(plotly_figures(home)[0])


def test_unusable_upload_explains_and_keeps_the_previous_data(home: AppTest) -> None:
    home.selectbox(key="dataset").set_value("iris").run()
    home.file_uploader(key="csv_upload").set_value(
        ("notes.csv", b"word,other\nhello,there\nfoo,bar\n", "text/csv")
    )
    home.run()
    assert not home.exception
    assert "no column of numbers" in home.sidebar.error[0].value
    assert "Iris" in active_data_line(home)


def test_removing_the_upload_returns_to_a_preset(home: AppTest) -> None:
    uploader = home.file_uploader(key="csv_upload")
    uploader.set_value(("xy.csv", b"x,y\n1,2\n2,3\n3,5\n4,4\n", "text/csv"))
    home.run()
    assert home.selectbox(key="dataset").value == "upload"
    home.file_uploader(key="csv_upload").set_value(None).run()
    assert not home.exception
    assert home.selectbox(key="dataset").value != "upload"


def test_html_in_column_names_is_shown_as_text(home: AppTest) -> None:
    csv = b"<img src=x onerror=alert(1)>,**bold**\n1,2\n2,1\n3,3\n4,5\n"
    home.file_uploader(key="csv_upload").set_value(("<b>evil</b>.csv", csv, "text/csv"))
    home.run()
    assert not home.exception
    line = active_data_line(home)
    assert "<b>" not in line.replace("\\<b\\>", "")
    fog_map = plotly_figures(home)[0]
    # Plotly renders a few HTML tags in titles; ours arrive escaped.
    title = fog_map["layout"]["xaxis"]["title"]["text"]
    assert title == "&lt;img src=x onerror=alert(1)&gt;"
