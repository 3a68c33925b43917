"""The first screen in real Chromium: a chart a student sees without scrolling.

Every page but the stepper (tests/browser/test_em_stepper_browser.py covers it)
opens at 1440 x 1000 with a chart drawn inside the first screen, no error and no
"NaN" anywhere; the Fog explorer's backgrounds, sent as one picture each instead
of a grid of numbers (gmm_app/plotting/raster.py), still show the pale colour of
a cluster in every corner of the maps. Below the first screen, sections open on
demand: the explorer's big map is drawn only once its section is opened, and the
URL then reopens it. No test here looks at a clock:
bench/page_load.py measures the times.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import BytesIO

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect
from streamlit_page import open_page, plotly_chart, real_errors, recording_errors

from gmm_app.plotting.builder import colour

FIRST_SCREEN = {"width": 1440, "height": 1000}
# (URL path, the chart a student sees first on that page)
FIRST_CHARTS = (
    ("", "home_map"),
    ("Fog_explorer", "fx_kmeans"),
    ("Covariance_shapes", "cs_panel_spherical"),
    ("Choosing_K", "ck_chart"),
)
DRAWN = """(gd) => Boolean(gd._fullLayout && gd.querySelector('.main-svg'))"""


@pytest.fixture
def wide_page(browser: Browser) -> Iterator[Page]:
    """A fresh 1440 x 1000 page that records console errors."""
    context = browser.new_context(viewport=FIRST_SCREEN)
    page = context.new_page()
    recording_errors(page)
    yield page
    context.close()


@pytest.mark.parametrize(("path", "key"), FIRST_CHARTS)
def test_the_first_chart_is_in_the_first_screen(
    wide_page: Page, app_url: str, path: str, key: str
) -> None:
    page = wide_page
    open_page(page, f"{app_url}/{path}")
    chart = plotly_chart(page, key)
    expect(chart).to_have_count(1)
    assert chart.evaluate(DRAWN)
    box = chart.bounding_box()
    assert box is not None and box["height"] > 200
    # Its top, with its title, is on the screen the page opens on.
    assert 0 <= box["y"] < FIRST_SCREEN["height"] - 200
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert "NaN" not in text and "Traceback" not in text
    assert real_errors(page.console_errors) == []  # type: ignore[attr-defined]


def _plot_corners(page: Page, key: str) -> list[np.ndarray]:
    """The colours just inside the four corners of a chart's plot area."""
    chart = plotly_chart(page, key)
    chart.scroll_into_view_if_needed()
    # The axes' own extent: equal scales shrink the plot inside its domain.
    size = chart.evaluate(
        """(gd) => { const x = gd._fullLayout.xaxis, y = gd._fullLayout.yaxis;
            return [x._offset, y._offset, x._length, y._length]; }"""
    )
    left, top, width, height = size
    picture = np.asarray(Image.open(BytesIO(chart.screenshot())).convert("RGB"))
    inset = 4
    xs = (round(left + inset), round(left + width - inset))
    ys = (round(top + inset), round(top + height - inset))
    return [picture[y, x].astype(int) for y in ys for x in xs]


@pytest.mark.parametrize("key", ["fx_kmeans", "fx_gmm"])
def test_the_explorer_backgrounds_show_a_cluster_colour(
    wide_page: Page, app_url: str, key: str
) -> None:
    page = wide_page
    # The GMM's own labels are in a section the link opens.
    open_page(page, f"{app_url}/Fog_explorer?fx_show_more_maps=true")
    chart = plotly_chart(page, key)
    # The background is one picture under the traces, not a heatmap.
    image = chart.locator("image")
    expect(image).to_have_count(1)
    assert (image.get_attribute("href") or "").startswith("data:image/png;base64,")
    expect(chart.locator(".heatmaplayer .hm")).to_have_count(0)
    # The default data has three clusters; each corner of the map is tinted with
    # the pale colour of one of them (the cluster's colour at 0.17 on white).
    alpha = 0.17
    tints = [
        np.array(
            [255 - (255 - int(colour(k)[i : i + 2], 16)) * alpha for i in (1, 3, 5)]
        )
        for k in range(3)
    ]
    for pixel in _plot_corners(page, key):
        assert min(np.abs(pixel - tint).max() for tint in tints) <= 8, pixel


def test_a_section_opens_on_a_click_and_its_link_reopens_it(
    wide_page: Page, app_url: str
) -> None:
    """The explorer's big map is not drawn until its section is opened; opening it
    draws the map, puts the section in the URL, and that URL reopens it."""
    page = wide_page
    open_page(page, f"{app_url}/Fog_explorer")
    # The first screen's two small maps: K-Means' islands and how sure the GMM is.
    expect(page.locator(".js-plotly-plot")).to_have_count(2)
    expect(plotly_chart(page, "fx_map")).to_have_count(0)
    summary = page.locator('[data-testid="stExpander"] summary').filter(
        has_text="Open the big map"
    )
    summary.click()
    chart = plotly_chart(page, "fx_map")
    chart.scroll_into_view_if_needed()
    expect(chart).to_have_count(1)
    expect(page).to_have_url(re.compile(r"[?&]fx_show_map=true"))
    open_page(page, page.url)
    expect(plotly_chart(page, "fx_map")).to_have_count(1)
    expect(plotly_chart(page, "fx_recipe")).to_have_count(0)
    assert real_errors(page.console_errors) == []  # type: ignore[attr-defined]
