"""Choosing K in Chromium: a click on a point of the criteria chart draws that fit.

The criteria chart is a live chart (``gmm_app.shell.live_chart``, drawn with
Fogmap's plotly.js bundle): a click comes back with the point's row,
``customdata`` = [K, panel], and the fit beside the chart follows in the same run.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from streamlit_page import open_page, plotly_chart, wait_idle

EXCEPTION = '[data-testid="stException"]'
HEADING = re.compile(r"(\d+) hills?, full covariance")

# Where the BIC line's point at K sits on the page: its trace's own axes.
POINT = """([gd, k]) => {
    const trace = gd._fullData.find((t) => t.name === 'BIC' && t.xaxis === 'x');
    const i = Array.from(trace.x).indexOf(k);
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
    const box = gd.getBoundingClientRect();
    return [box.left + xa._offset + xa.d2p(trace.x[i]),
            box.top + ya._offset + ya.d2p(trace.y[i])];
}"""


def test_a_click_on_a_point_of_the_criteria_chart_draws_that_fit(
    page: Page, app_url: str
) -> None:
    open_page(page, f"{app_url}/Choosing_K")
    chart = plotly_chart(page, "ck_chart")
    expect(chart).to_have_count(1)
    expect(plotly_chart(page, "ck_fit")).to_have_count(1)
    expect(page.get_by_text(HEADING).first).to_contain_text("3 hills")
    chart.scroll_into_view_if_needed()
    x, y = chart.evaluate_handle("(gd) => gd").evaluate(f"(gd) => ({POINT})([gd, 5])")
    page.mouse.click(x, y)
    wait_idle(page)
    expect(page.get_by_text(HEADING).first).to_contain_text("5 hills")
    expect(page.locator(EXCEPTION)).to_have_count(0)
    # Streamlit's full plotly.js never came: both charts drew with the bundle.
    assert page.evaluate("typeof window.Plotly") == "undefined"
