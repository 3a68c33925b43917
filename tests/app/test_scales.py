"""Columns on very different scales, and the PCA view's shares (issue 17, item 4).

Old Faithful (eruptions 1.6-5 min, waiting 43-96 min) was drawn as a thin line and
penguins' PCA view was labelled "PC 2 (0%)". Every page that draws a map now says,
right above it, when the columns spread very differently, and standardises them
in one click (the sidebar's ``standardise``, which every page and the link follow);
data whose columns are alike is left alone; the PCA view's shares are those of the
data drawn, with the digits that keep them honest.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pytest
from apptest_helpers import ROOT, decoded, figure_by_key, open_stepper, upload_csv
from sklearn.datasets import load_wine
from sklearn.decomposition import PCA
from streamlit.testing.v1 import AppTest

from gmm_app.plotting.geometry import Projection
from gmm_app.words import share_percent
from gmm_core import load_preset, read_table
from gmm_core.shapes import standardise

STEPPER = "pages/2_EM_stepper.py"
SHAPES = "pages/3_Covariance_shapes.py"
CHOOSING_K = "pages/4_Choosing_K.py"
# Each page that draws a map: its view key (which names the one-click button) and
# the key of a chart whose axes are the data's columns.
MAP_PAGES = {
    STEPPER: ("em_view", "em_map"),
    SHAPES: ("cs_view", "cs_panel_full"),
    CHOOSING_K: ("ck_view", "ck_fit"),
}
NOTE = "spreads 12× wider than"
STANDARDISED_NOTE = "Every column is standardised"


def on_page(page: str, dataset: str) -> AppTest:
    """A fresh session: Home, ``dataset`` picked in the sidebar, then ``page``."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.selectbox(key="dataset").set_value(dataset).run()
    at.switch_page(page).run()
    assert not at.exception
    return at


def main_captions(at: AppTest) -> list[str]:
    return [c.value for c in at.main.caption]


def axis_titles(figure: dict) -> tuple[str, str]:
    layout = figure["layout"]
    return layout["xaxis"]["title"]["text"], layout["yaxis"]["title"]["text"]


def xs_of_points(figure: dict) -> np.ndarray:
    """The x of the data's points (marker traces other than the hill tops)."""
    xs = [
        v
        for t in figure["data"]
        if t.get("mode") == "markers" and "tops" not in str(t.get("name"))
        for v in decoded(t["x"])
        if v is not None
    ]
    return np.array(xs, dtype=float)


###############################################################################
# Old Faithful: offered where the map is, one click, every page follows


@pytest.mark.parametrize("page", list(MAP_PAGES))
def test_old_faithful_offers_standardising_above_the_map_in_one_click(
    page: str,
) -> None:
    view, chart = MAP_PAGES[page]
    at = on_page(page, "old_faithful")
    # The sidebar offers the switch (a preset, not only a file), off by default.
    assert at.toggle(key="standardise").value is False
    assert any("consider standardising" in c.value for c in at.sidebar.caption)
    # Where the student is: a sentence naming the two columns, and a button.
    note = [c for c in main_captions(at) if NOTE in c]
    assert len(note) == 1, main_captions(at)
    assert "wait until next" in note[0] and "eruption length" in note[0]
    before = figure_by_key(at, chart)
    assert not any("standardised" in t for t in axis_titles(before))
    spread_before = np.ptp(xs_of_points(before))
    assert spread_before > 2.5  # eruptions in minutes: 1.6 to 5.1

    at.button(key=f"standardise_{view}").click().run()
    assert not at.exception
    # Every page follows the sidebar's switch, and the link carries it.
    assert at.toggle(key="standardise").value is True
    assert at.query_params["standardise"] == "1"
    assert not any(NOTE in c for c in main_captions(at))
    assert any(STANDARDISED_NOTE in c for c in main_captions(at))
    caption = at.get("caption")
    assert any("each standardised (mean 0, spread 1)" in c.value for c in caption)
    # The feature names say so, and the numbers changed: eruptions in spreads.
    after = figure_by_key(at, chart)
    x_title, y_title = axis_titles(after)
    assert x_title == "eruption length (min), standardised"
    assert y_title == "wait until next (min), standardised"
    expected = standardise(load_preset("old_faithful").X)[:, 0]
    xs = xs_of_points(after)
    assert len(xs) == len(expected)
    np.testing.assert_allclose(np.sort(xs), np.sort(expected), rtol=1e-9)


def test_the_switch_follows_the_student_and_the_link_reopens_it() -> None:
    at = on_page(STEPPER, "old_faithful")
    at.button(key="standardise_em_view").click().run()
    at.switch_page(CHOOSING_K).run()
    assert not at.exception
    assert at.toggle(key="standardise").value is True
    assert axis_titles(figure_by_key(at, "ck_fit"))[0].endswith(", standardised")
    # An instructor's link reopens the standardised view.
    shared = open_stepper({"dataset": "old_faithful", "standardise": "1"})
    assert shared.toggle(key="standardise").value is True
    assert axis_titles(figure_by_key(shared, "em_map"))[0].endswith(", standardised")
    # Switching it off in the sidebar goes back to minutes, and the offer returns.
    shared.toggle(key="standardise").set_value(False).run()
    assert "standardise" not in shared.query_params
    assert any(NOTE in c for c in main_captions(shared))
    assert axis_titles(figure_by_key(shared, "em_map"))[0] == "eruption length (min)"


def test_another_data_set_starts_in_its_own_units() -> None:
    at = on_page(STEPPER, "old_faithful")
    at.button(key="standardise_em_view").click().run()
    at.selectbox(key="dataset").set_value("iris").run()
    at.selectbox(key="dataset").set_value("old_faithful").run()
    assert not at.exception
    assert at.toggle(key="standardise").value is False
    assert any(NOTE in c for c in main_captions(at))


@pytest.mark.parametrize("page", list(MAP_PAGES))
def test_blobs_are_not_offered_standardising(page: str) -> None:
    # Columns that spread alike (every preset but Old Faithful) stay as they are.
    view, chart = MAP_PAGES[page]
    at = on_page(page, "blobs")
    assert not [t for t in at.toggle if t.key == "standardise"]
    assert not [b for b in at.button if b.key == f"standardise_{view}"]
    assert not any("standardis" in c for c in main_captions(at))
    assert not any("standardised" in t for t in axis_titles(figure_by_key(at, chart)))


###############################################################################
# The PCA view's shares: those of the data drawn, with honest digits

SHARE = re.compile(r"\(([<>]?)(\d+(?:\.\d+)?)%")


def shares_in(titles: tuple[str, str]) -> list[tuple[str, float, int]]:
    """(sign, percent, decimals) of "PC 1 (99.99% of the spread)", "PC 2 (0.01%)"."""
    found = []
    for title in titles:
        match = SHARE.search(title)
        assert match, title
        digits = match.group(2)
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        found.append((match.group(1), float(digits), decimals))
    return found


def assert_shares_are_sklearns(titles: tuple[str, str], X: np.ndarray) -> None:
    """The titles' shares equal PCA's explained-variance ratios to the digits shown."""
    ratios = 100 * PCA(n_components=2).fit(X).explained_variance_ratio_
    for (sign, shown, decimals), truth in zip(shares_in(titles), ratios, strict=True):
        assert shown != 0, titles  # a share of the spread is never "0%"
        if sign == "<":
            assert truth < shown
        elif sign == ">":
            assert truth > shown
        else:
            assert abs(truth - shown) <= 0.5 * 10**-decimals + 1e-9, (titles, truth)


def penguins_like_csv(seed: int = 0) -> bytes:
    """333 penguins drawn from Palmer penguins' per-species means and spreads.

    Bills and flippers in millimetres beside body mass in grams (spreads of about
    2, 5, 14 and 800): the file that read "PC 2 (0%)".
    """
    rng = np.random.default_rng(seed)
    species = {  # bill length, bill depth, flipper (mm), body mass (g)
        "Adelie": ([38.8, 18.3, 190.0, 3706.0], [2.7, 1.2, 6.5, 459.0], 146),
        "Chinstrap": ([48.8, 18.4, 195.8, 3733.0], [3.3, 1.1, 7.1, 384.0], 68),
        "Gentoo": ([47.6, 15.0, 217.2, 5092.0], [3.1, 1.0, 6.6, 501.0], 119),
    }
    rows = []
    for name, (mean, sd, n) in species.items():
        values = rng.normal(mean, sd, size=(n, 4))
        rows += [[name, *np.round(v, 1)] for v in values]
    table = pd.DataFrame(
        rows,
        columns=[
            "species",
            "bill_length_mm",
            "bill_depth_mm",
            "flipper_length_mm",
            "body_mass_g",
        ],
    )
    out = io.StringIO()
    table.to_csv(out, index=False)
    return out.getvalue().encode()


def wine_csv() -> bytes:
    """scikit-learn's copy of the UCI wine data: 13 columns, proline in the 1000s."""
    out = io.StringIO()
    load_wine(as_frame=True).data.to_csv(out, index=False)
    return out.getvalue().encode()


@pytest.mark.parametrize(
    ("share", "text"),
    [
        (0.0, "0%"),
        (1.0, "100%"),
        (0.72, "72%"),
        (0.0004, "0.04%"),
        (0.0049, "0.5%"),
        (0.9994, "99.9%"),
        (0.00004, "<0.01%"),
        (0.99996, ">99.99%"),
    ],
)
def test_a_share_keeps_the_digits_that_make_it_honest(share: float, text: str) -> None:
    assert share_percent(share) == text


@pytest.mark.parametrize(
    "make", [penguins_like_csv, wine_csv], ids=["penguins", "wine"]
)
def test_pca_titles_are_sklearns_shares_raw_and_standardised(make) -> None:
    X = read_table(make(), "data.csv").X
    raw = Projection.pca(X).titles
    assert "(0%)" not in raw[1]
    assert_shares_are_sklearns(raw, X)
    assert_shares_are_sklearns(Projection.pca(standardise(X)).titles, standardise(X))


def test_uploaded_penguins_pca_view_names_the_shares_of_the_data_drawn() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    upload_csv(at, "penguins.csv", penguins_like_csv())
    at.switch_page(STEPPER).run()
    assert not at.exception
    assert at.selectbox(key="em_view").value == "pca"
    X = read_table(penguins_like_csv(), "penguins.csv").X
    raw = axis_titles(figure_by_key(at, "em_map"))
    assert raw[1] != "PC 2 (0%)"
    assert_shares_are_sklearns(raw, X)
    note = [c for c in main_captions(at) if "wider than" in c]
    assert len(note) == 1 and "body\\_mass\\_g" in note[0], main_captions(at)

    at.button(key="standardise_em_view").click().run()
    assert not at.exception
    scaled = axis_titles(figure_by_key(at, "em_map"))
    assert scaled != raw
    assert_shares_are_sklearns(scaled, standardise(X))
