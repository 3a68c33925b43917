"""Fogmap in real Chromium: a Streamlit server per session and a Playwright page.

Playwright drives the system Chromium (``executable_path``); it never downloads a
browser. Without Chromium the tests skip with the reason, unless
FOGMAP_REQUIRE_BROWSER=1 (set by .ci/run in CI), where they fail instead.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.serve import stop_process
from gmm_app.cli import free_loopback_port, loopback_command

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def find_chromium() -> str | None:
    """Path of the system Chromium, or None."""
    candidates = [os.environ.get("FOGMAP_CHROMIUM", "")]
    candidates += [shutil.which(n) or "" for n in ("chromium", "chromium-browser")]
    candidates += ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test here as a browser test; skip them all without Chromium."""
    chromium = find_chromium()
    required = os.environ.get("FOGMAP_REQUIRE_BROWSER") == "1"
    for item in items:
        if "tests/browser" not in str(item.path).replace(os.sep, "/"):
            continue
        item.add_marker(pytest.mark.browser)
        if chromium is None and not required:
            item.add_marker(
                pytest.mark.skip(
                    reason="no Chromium found (install Debian's `chromium` or set "
                    "FOGMAP_CHROMIUM); CI installs it and runs these tests"
                )
            )


def start_streamlit(port: int) -> subprocess.Popen[bytes]:
    """Start Fogmap on a loopback port (``streamlit run app.py`` via gmm_app.cli)."""
    return subprocess.Popen(
        loopback_command(port),  # streamlit run app.py, scikit-learn loaded first
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def wait_healthy(
    url: str, process: subprocess.Popen[bytes], timeout: float = 60
) -> None:
    """Wait until Streamlit answers ``/_stcore/health``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            raise RuntimeError(f"streamlit exited early:\n{output}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("streamlit did not become healthy in time")


@contextlib.contextmanager
def streamlit_server() -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A Fogmap server on a free loopback port: its base URL and its process.

    Waits until the server is healthy; stops it (killing it if it hangs) on exit.
    The tests and the scripts in bench/ and tools/ all start Fogmap this way.
    """
    port = free_loopback_port()
    process = start_streamlit(port)
    with serving(process, f"http://127.0.0.1:{port}") as url:
        yield url, process


@contextlib.contextmanager
def serving(process: subprocess.Popen[bytes], url: str) -> Iterator[str]:
    """``url`` once ``process`` answers its health check; on exit the process is
    stopped (SIGTERM, killed if still there after 10 s, ``deploy.serve.stop_process``).
    """
    try:
        wait_healthy(url, process)
        yield url
    finally:
        stop_process(process)


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """Base URL of a Fogmap server started for this test session."""
    with streamlit_server() as (url, _process):
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """The system Chromium, headless, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    chromium = find_chromium()
    if chromium is None:
        pytest.fail("FOGMAP_REQUIRE_BROWSER=1 but no Chromium was found")
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=chromium, headless=True, args=CHROMIUM_ARGS
        )
        yield b
        b.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A fresh page that records console errors in ``page.console_errors``."""
    from streamlit_page import recording_errors  # beside this file

    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    pg = context.new_page()
    recording_errors(pg)
    yield pg
    context.close()
