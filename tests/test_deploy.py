"""The deployment recipe: the doc shows the nginx files as they are, and they run.

docs/deployment.md shows ``deploy/nginx/fogmap.conf`` and its two included files;
each block is marked ``<!-- file: <path> -->`` and must be the file's exact text.
Then ``deploy/serve.py`` runs the real nginx (Debian's package) in front of two
Streamlit replicas with that same ``fogmap.conf``. Without nginx those tests skip,
unless FOGMAP_REQUIRE_BROWSER=1 (CI, which installs it): then they fail.
"""

from __future__ import annotations

import os
import re
import urllib.request
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from deploy.serve import ROUTE_COOKIE, Deployment, find_nginx, serve

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "deployment.md"
SHOWN = re.compile(r"<!-- file: (?P<path>\S+) -->\n```\w*\n(?P<text>.*?)```", re.S)
CONFIG_FILES = (
    "deploy/nginx/fogmap.conf",
    "deploy/nginx/fogmap/replicas.conf",
    "deploy/nginx/fogmap/listen.conf",
)


def test_the_doc_shows_every_nginx_file_exactly() -> None:
    shown = {m["path"]: m["text"] for m in SHOWN.finditer(DOC.read_text())}
    assert sorted(shown) == sorted(CONFIG_FILES)
    for path, text in shown.items():
        assert text == (ROOT / path).read_text(), f"{path} differs from the doc"


def test_the_config_has_what_the_doc_promises() -> None:
    conf = (ROOT / CONFIG_FILES[0]).read_text()
    for line in (
        "hash $fogmap_route consistent;",
        "proxy_set_header Upgrade $http_upgrade;",
        "proxy_set_header Host $host;",
        "client_max_body_size 50m;",
        "proxy_read_timeout 3600s;",
        'add_header Set-Cookie "fogmap_route=$fogmap_route;',
    ):
        assert line in conf


@pytest.fixture(scope="module")
def fogmap() -> Iterator[Deployment]:
    """nginx in front of two replicas (skips without nginx, outside CI)."""
    if find_nginx() is None:
        if os.environ.get("FOGMAP_REQUIRE_BROWSER") == "1":
            pytest.fail("FOGMAP_REQUIRE_BROWSER=1 but nginx is not installed")
        pytest.skip("no nginx (apt-get install nginx); CI installs it")
    with serve(replicas=2) as deployment:
        yield deployment


def get(url: str, route: str | None = None) -> tuple[int, str, SimpleCookie]:
    """GET ``url`` (with a route cookie): status, body, cookies set."""
    headers = {"Cookie": f"{ROUTE_COOKIE}={route}"} if route else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as r:
        cookies = SimpleCookie()
        for header in r.headers.get_all("Set-Cookie") or []:
            cookies.load(header)
        return r.status, r.read().decode(), cookies


def test_a_new_visitor_gets_a_route_that_keeps_its_replica(
    fogmap: Deployment,
) -> None:
    status, body, cookies = get(f"{fogmap.url}/EM_stepper")
    assert status == 200 and "<noscript>" in body  # Streamlit's page, via nginx
    route = cookies[ROUTE_COOKIE].value
    assert cookies[ROUTE_COOKIE]["httponly"] and cookies[ROUTE_COOKIE]["path"] == "/"
    for _ in range(5):
        status, _, again = get(f"{fogmap.url}/_stcore/health", route)
        assert status == 200 and again[ROUTE_COOKIE].value == route
    answered = {a for r, _, a, _ in fogmap.requests() if r == route}
    assert len(answered) == 1  # every request of this student: one replica


def test_streamlits_javascript_comes_compressed_through_nginx(
    fogmap: Deployment,
) -> None:
    """Streamlit leaves compressing its static files to the proxy: through nginx a
    student's browser downloads plotly.js gzipped (1.4 MB, not 4.7 MB)."""
    _, page, _ = get(f"{fogmap.url}/")
    script = re.search(r'src="\./(static/js/index\.[\w-]+\.js)"', page)
    assert script, "Streamlit's index.html names no main script"
    request = urllib.request.Request(
        f"{fogmap.url}/{script[1]}", headers={"Accept-Encoding": "gzip"}
    )
    with urllib.request.urlopen(request) as r:
        assert r.headers.get("Content-Encoding") == "gzip"
        assert "immutable" in r.headers.get("Cache-Control", "")  # still cached


def test_a_stopped_replica_moves_only_its_own_students(fogmap: Deployment) -> None:
    with serve(replicas=2) as own:  # its own pair: this test stops one
        check_a_replica_stops(own)


def check_a_replica_stops(fogmap: Deployment) -> None:
    first, second = fogmap.replicas
    to_first, to_second = fogmap.route_to(first, "a"), fogmap.route_to(second, "b")
    assert fogmap.replica_of(to_first) is first
    assert fogmap.replica_of(to_second) is second
    first.stop()
    for route in (to_first, to_second, to_first):
        status, body, _ = get(f"{fogmap.url}/_stcore/health", route)
        assert (status, body) == (200, "ok")
        assert fogmap.replica_of(route) is second
