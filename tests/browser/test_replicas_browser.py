"""Fogmap through the real nginx in front of two replicas, in real Chromium.

``deploy/serve.py`` starts nginx with ``deploy/nginx/fogmap.conf`` (cookie
affinity on ``fogmap_route``) and two Streamlit processes with XSRF protection on.
nginx's access log names the replica that answered each request, so the tests
see which replica each student is on. Without nginx they skip (with Chromium's
skip rule of conftest.py), unless FOGMAP_REQUIRE_BROWSER=1: then they must run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from streamlit_page import (
    STEPPER,
    click_button,
    narration,
    open_page,
    real_errors,
    recording_errors,
    wait_idle,
)

from deploy.serve import ROUTE_COOKIE, Deployment, Replica, find_nginx, serve

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
EXCEPTION = '[data-testid="stException"]'
MOONS = "?dataset=moons&n_samples=500&data_seed=7&n_components=3"
# Keeps every websocket the page opens in window.__fogmapSockets, so a test can
# close Streamlit's socket as a network drop would.
KEEP_SOCKETS = """
window.__fogmapSockets = [];
const Native = window.WebSocket;
window.WebSocket = class extends Native {
    constructor(...args) { super(...args); window.__fogmapSockets.push(this); }
};
"""


def start_deployment() -> Iterator[Deployment]:
    if find_nginx() is None:
        if os.environ.get("FOGMAP_REQUIRE_BROWSER") == "1":
            pytest.fail("FOGMAP_REQUIRE_BROWSER=1 but nginx is not installed")
        pytest.skip("no nginx (apt-get install nginx); CI installs it")
    with serve(replicas=2) as deployment:
        yield deployment


@pytest.fixture(scope="module")
def fogmap() -> Iterator[Deployment]:
    """nginx in front of two replicas, shared by the tests that stop nothing."""
    yield from start_deployment()


@pytest.fixture
def own_fogmap() -> Iterator[Deployment]:
    """nginx in front of two replicas for a test that stops one."""
    yield from start_deployment()


def student(
    browser: Browser, fogmap: Deployment, replica: Replica | None = None
) -> tuple[BrowserContext, Page]:
    """A fresh browser (a student); with ``replica``, holding a route to it."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    if replica is not None:
        route = fogmap.route_to(replica, prefix=f"to-{replica.number}")
        context.add_cookies([{"name": ROUTE_COOKIE, "value": route, "url": fogmap.url}])
    context.add_init_script(KEEP_SOCKETS)
    page = context.new_page()
    recording_errors(page)
    return context, page


def route_of(context: BrowserContext) -> str:
    """The student's ``fogmap_route`` cookie, as nginx set it."""
    return next(c["value"] for c in context.cookies() if c["name"] == ROUTE_COOKIE)


def replicas_seen(fogmap: Deployment, route: str) -> set[str]:
    """Every replica that answered a request with this route."""
    return {address for r, _, address, _ in fogmap.requests() if r == route}


def expect_step(page: Page, text: str) -> None:
    expect(narration(page)).to_contain_text(text)
    expect(page.locator(EXCEPTION)).to_have_count(0)


def test_each_student_keeps_their_replica_across_reloads(
    browser: Browser, fogmap: Deployment
) -> None:
    first, first_page = student(browser, fogmap)  # a route of nginx's choosing
    open_page(first_page, f"{fogmap.url}{STEPPER}")
    mine = fogmap.replica_of(route_of(first))
    assert mine is not None
    other = next(r for r in fogmap.replicas if r is not mine)
    second, second_page = student(browser, fogmap, other)
    open_page(second_page, f"{fogmap.url}{STEPPER}")
    for page in (first_page, second_page):
        click_button(page, "em_next")  # the stepper's websocket, through nginx
        expect_step(page, "E-step 1")
        for _ in range(2):
            page.reload()
            wait_idle(page)
            expect_step(page, "E-step 1")  # em_step comes back from the URL
    assert replicas_seen(fogmap, route_of(first)) == {mine.address}
    assert replicas_seen(fogmap, route_of(second)) == {other.address}
    for page in (first_page, second_page):
        assert real_errors(page.console_errors) == []  # type: ignore[attr-defined]
    first.close()
    second.close()


def test_an_upload_and_a_dropped_socket_keep_the_session(
    browser: Browser, fogmap: Deployment
) -> None:
    context, page = student(browser, fogmap)
    open_page(page, fogmap.url)
    # An upload is a PUT to the replica holding the session, with the XSRF header.
    page.locator(".st-key-csv_upload input[type=file]").set_input_files(
        SAMPLES / "old_faithful.csv"
    )
    wait_idle(page)
    active = page.locator(".st-key-active_data")
    expect(active).to_contain_text("old_faithful.csv · 272 of 272 rows used")
    uploads = [
        status
        for route, status, _, request in fogmap.requests()
        if route == route_of(context)
        and request.startswith("PUT /_stcore/upload_file/")
    ]
    assert uploads and all(200 <= status < 300 for status in uploads)
    socket = page.streamlit_socket  # type: ignore[attr-defined]
    with page.expect_websocket(lambda ws: "/_stcore/stream" in ws.url):
        page.evaluate("() => window.__fogmapSockets.forEach((s) => s.close())")
    assert socket.is_closed()
    wait_idle(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("link", name="EM stepper", exact=True).click()
    wait_idle(page)
    # The file lives only in the session's memory on its replica: still there.
    expect(active).to_contain_text("old_faithful.csv · 272 of 272 rows used")
    click_button(page, "em_next")
    expect_step(page, "E-step 1")
    assert len(replicas_seen(fogmap, route_of(context))) == 1
    assert real_errors(page.console_errors) == []  # type: ignore[attr-defined]
    context.close()


def test_a_stopped_replica_moves_only_its_students_to_a_fresh_session(
    browser: Browser, own_fogmap: Deployment
) -> None:
    doomed, kept = own_fogmap.replicas
    moved, moved_page = student(browser, own_fogmap, doomed)
    stays, stays_page = student(browser, own_fogmap, kept)
    for page in (moved_page, stays_page):
        open_page(page, f"{own_fogmap.url}{STEPPER}{MOONS}")
        click_button(page, "em_next")
        click_button(page, "em_next")
        expect_step(page, "M-step 1")
    kept_socket = stays_page.streamlit_socket  # type: ignore[attr-defined]
    old_socket = moved_page.streamlit_socket  # type: ignore[attr-defined]

    doomed.stop()

    # On the other replica nothing happens: same socket, steps go on.
    click_button(stays_page, "em_next")
    expect_step(stays_page, "E-step 2")
    assert not kept_socket.is_closed()
    assert stays_page.streamlit_socket is kept_socket  # type: ignore[attr-defined]
    assert real_errors(stays_page.console_errors) == []  # type: ignore[attr-defined]

    # The moved student's page reconnects, through nginx, to the other replica:
    # a fresh session that takes the data and the step back from the URL.
    moved_page.wait_for_function(
        """() => window.__fogmapSockets.length > 1 && window.__fogmapSockets.some(
            (s) => s.readyState === 1 && s.url.includes('/_stcore/stream'))""",
        timeout=30_000,
    )
    assert old_socket.is_closed()
    wait_idle(moved_page)
    expect_step(moved_page, "M-step 1")
    expect(moved_page.locator(".st-key-active_data")).to_contain_text("Two moons")
    assert "dataset=moons" in moved_page.url and "em_step=2" in moved_page.url
    click_button(moved_page, "em_next")
    expect_step(moved_page, "E-step 2")
    assert own_fogmap.replica_of(route_of(moved)) is kept
    moved.close()
    stays.close()
