"""Save a screenshot of Home and every page to docs/images/ (for the README).

Run with the project's venv: ``.venv/bin/python tools/screenshots.py``. It starts
the app on a free loopback port, opens each page in the system Chromium
(headless) and waits for Streamlit to finish before each shot.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "browser")]

from conftest import (  # noqa: E402  (tests/browser/conftest.py)
    CHROMIUM_ARGS,
    find_chromium,
    streamlit_server,
)
from playwright.sync_api import sync_playwright  # noqa: E402
from streamlit_page import wait_idle, wait_live_charts  # noqa: E402

from gmm_app.shell.navigation import available_pages  # noqa: E402

OUT = ROOT / "docs" / "images"
# A view worth showing on each page (the URL carries it).
VIEWS = {"pages/2_EM_stepper.py": "?dataset=overlapping&em_step=3"}


def url_path(script: str) -> str:
    """URL path of a page script: ``pages/2_EM_stepper.py`` -> ``EM_stepper``."""
    if script == "app.py":
        return ""
    stem = Path(script).stem
    return stem.split("_", 1)[1] if stem[0].isdigit() else stem


def main() -> None:
    """Start the app, visit every page, save PNGs."""
    chromium = find_chromium()
    if chromium is None:
        sys.exit(
            "No Chromium found: install Debian's `chromium` or set FOGMAP_CHROMIUM."
        )
    OUT.mkdir(parents=True, exist_ok=True)
    with streamlit_server() as (base, _server), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1500})
        for info in available_pages():
            page.goto(f"{base}/{url_path(info.path)}{VIEWS.get(info.path, '')}")
            wait_idle(page)
            wait_live_charts(page)
            page.wait_for_timeout(800)  # let Plotly finish its transitions
            name = "home" if info.path == "app.py" else url_path(info.path).lower()
            target = OUT / f"{name}.png"
            page.screenshot(path=str(target))
            print(f"saved {target.relative_to(ROOT)}")
        predict_shots(page, base)
        browser.close()


def predict_shots(page: object, base: str) -> None:
    """Predict first: the question beside its map, then the feedback."""
    page.goto(f"{base}/EM_stepper?dataset=overlapping&em_predict=1")  # type: ignore[attr-defined]
    wait_idle(page)
    page.locator(".st-key-em_next button").first.click()  # type: ignore[attr-defined]
    wait_idle(page)
    wait_live_charts(page)
    page.wait_for_timeout(800)
    question = page.locator(".st-key-em_question")  # type: ignore[attr-defined]
    row = page.locator('[data-testid="stHorizontalBlock"]').filter(has=question)  # type: ignore[attr-defined]
    row.last.screenshot(path=str(OUT / "predict_question.png"))
    print("saved docs/images/predict_question.png")
    question.get_by_text("hill B", exact=True).click()
    wait_idle(page)
    page.locator(".st-key-em_sure").get_by_text("90%", exact=True).click()  # type: ignore[attr-defined]
    wait_idle(page)
    page.locator(".st-key-em_check button").first.click()  # type: ignore[attr-defined]
    wait_idle(page)
    wait_live_charts(page)
    page.wait_for_timeout(800)
    alert = page.locator('[data-testid="stAlert"]').filter(has_text="claims point")  # type: ignore[attr-defined]
    alert.first.screenshot(path=str(OUT / "predict_feedback.png"))
    print("saved docs/images/predict_feedback.png")


if __name__ == "__main__":
    main()
