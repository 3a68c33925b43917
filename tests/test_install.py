"""Installing Fogmap without a clone, and installing it the same way twice.

- The locks (``requirements.txt``, ``requirements-test.txt``, written by
  ``python3 dev.py lock``) pin every package, with hashes, to versions that satisfy
  ``pyproject.toml``, and the tests run on exactly those versions.
- The wheel carries the whole app, and its ``fogmap`` command serves Home and the
  lessons from any folder (checked in Chromium, like tests/browser).
"""

from __future__ import annotations

import ast
import concurrent.futures
import contextlib
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from gmm_app import cli
from tests.browser.conftest import CHROMIUM_ARGS, find_chromium, serving

ROOT = Path(__file__).resolve().parents[1]
APP_LOCK = ROOT / "requirements.txt"
TEST_LOCK = ROOT / "requirements-test.txt"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# What a clone has that the wheel must not carry, nor the build copy need.
NOT_SHIPPED = (".git", ".venv", "tests", "bench", "tools", "docs", ".ci")


def locked(path: Path) -> dict[str, Requirement]:
    """The pins of a lock file, by canonical package name.

    Parameters
    ----------
    path : Path
        A requirements file written by ``uv pip compile --generate-hashes``.

    Returns
    -------
    dict of str to Requirement
        ``name==version`` (with its environment marker, if any) per package.
    """
    pins: dict[str, Requirement] = {}
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        spec, _, hashes = line.partition(" --hash=")
        assert hashes, f"{path.name}: no hash for {spec.strip()}"
        requirement = Requirement(spec.strip())
        assert str(requirement.specifier).startswith("=="), line
        pins[canonicalize_name(requirement.name)] = requirement
    return pins


def pinned_version(requirement: Requirement) -> str:
    """The version of an ``==`` pin."""
    return str(requirement.specifier).removeprefix("==")


def direct(group: list[str]) -> list[Requirement]:
    """pyproject.toml's requirements, parsed."""
    return [Requirement(r) for r in group]


def test_the_locks_pin_every_requirement_of_pyproject_within_its_range() -> None:
    app, test = locked(APP_LOCK), locked(TEST_LOCK)
    project = PYPROJECT["project"]
    wanted = [
        (APP_LOCK.name, app, direct(project["dependencies"])),
        (TEST_LOCK.name, test, direct(project["dependencies"])),
        (TEST_LOCK.name, test, direct(project["optional-dependencies"]["test"])),
    ]
    stale = [
        f"{lock_name}: {req} (pinned: {pins.get(canonicalize_name(req.name))})"
        for lock_name, pins, reqs in wanted
        for req in reqs
        if canonicalize_name(req.name) not in pins
        or not req.specifier.contains(pinned_version(pins[canonicalize_name(req.name)]))
    ]
    assert stale == [], "pyproject.toml changed: run `python3 dev.py lock`"
    # The app runs on the same versions in the tests as in a deployment.
    differ = {
        n: (str(app[n]), str(test[n])) for n in app if str(app[n]) != str(test[n])
    }
    assert differ == {}
    assert len(app) >= 30 and set(app) < set(test)


def test_the_tests_run_on_the_pinned_versions() -> None:
    """What passes here is what a fresh clone, CI and the Docker image install."""
    mismatched = {}
    for name, requirement in locked(TEST_LOCK).items():
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "missing"
        if installed != pinned_version(requirement):
            mismatched[name] = (installed, pinned_version(requirement))
    assert mismatched == {}, (
        "the environment is not the locked one (installed, pinned): run "
        "`python3 dev.py test`, which reinstalls .venv when the lock changes"
    )


def test_fogmap_runs_streamlit_on_the_shipped_home_page(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = cli.streamlit_argv(["--server.port", "8600"])
    assert argv == ["streamlit", "run", str(ROOT / "app.py"), "--server.port", "8600"]
    assert Path(argv[2]).is_absolute()
    cli.main(["--help"])
    assert "usage: fogmap" in capsys.readouterr().out


def test_no_page_or_lesson_imports_the_command() -> None:
    sources = [ROOT / "app.py", *ROOT.glob("pages/*.py")]
    sources += [*ROOT.glob("gmm_app/**/*.py"), *ROOT.glob("gmm_core/**/*.py")]
    importers = []
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            if "gmm_app.cli" in names:
                importers.append(str(path.relative_to(ROOT)))
    assert importers == []


# --- the wheel ---------------------------------------------------------------


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Fogmap's wheel, built offline from a copy of the source (the clone stays
    clean of build/ and *.egg-info)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            *NOT_SHIPPED, "__pycache__", "*.pyc", ".*_cache", ".hypothesis", "build"
        ),
    )
    done = subprocess.run(
        [
            *(sys.executable, "-m", "pip", "wheel", str(source), "--no-deps"),
            *("--no-build-isolation", "--no-index", "-q", "-w", str(work / "dist")),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    (built,) = (work / "dist").glob("fogmap-*.whl")
    return built


def shipped(root: Path) -> set[str]:
    """What the wheel must carry: the app as the repository lays it out."""
    files = [root / "app.py", root / ".streamlit" / "config.toml"]
    files += [*root.glob("pages/*.py"), *root.glob("samples/*.csv")]
    for package in ("gmm_app", "gmm_core"):
        files += [
            f
            for f in (root / package).rglob("*")
            if f.is_file() and "__pycache__" not in f.parts and f.suffix != ".pyc"
        ]
    return {f"fogmap/{f.relative_to(root).as_posix()}" for f in files}


def test_the_wheel_carries_home_the_pages_the_data_and_the_config(
    wheel: Path,
) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(
            archive.read(n).decode() for n in names if n.endswith("entry_points.txt")
        )
    missing = shipped(ROOT) - names
    assert missing == set(), "add the new package to pyproject.toml's list"
    assert "fogmap = fogmap.gmm_app.cli:main" in entry_points
    # the MIT licence travels with every copy, as its text asks
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert not [
        n for n in names if n.split("/")[1:2] and n.split("/")[1] in NOT_SHIPPED
    ]


def venv_with_the_projects_packages(where: Path) -> Path:
    """A new virtual environment that sees this one's packages; its Python.

    No pip inside and nothing downloaded: a ``.pth`` file puts the running
    environment's site-packages after the new one's own, so the wheel installed
    there comes first and its dependencies come from here.
    """
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(where)], check=True
    )
    python = where / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    own = subprocess.run(
        [
            str(python),
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(own, "fogmap-test-deps.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    return python


def files_under(folder: Path) -> set[str]:
    """Every file below ``folder``, relative to it."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@contextlib.contextmanager
def fogmap_command(
    python: Path, cwd: Path, home: Path
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """The installed ``fogmap`` serving on a free loopback port; its URL."""
    command = python.parent / ("fogmap.exe" if os.name == "nt" else "fogmap")
    port = cli.free_loopback_port()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PWD")}
    process = subprocess.Popen(
        [
            *(str(command), "--server.port", str(port), "--server.headless", "true"),
            *("--server.address", "127.0.0.1"),
        ],
        cwd=cwd,
        env={**env, "HOME": str(home), "USERPROFILE": str(home)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    with serving(process, f"http://127.0.0.1:{port}") as url:
        yield url, process


NO_CHROMIUM = (
    find_chromium() is None and os.environ.get("FOGMAP_REQUIRE_BROWSER") != "1"
)


@pytest.mark.browser
@pytest.mark.skipif(NO_CHROMIUM, reason="no Chromium found (Debian's `chromium`)")
def test_the_installed_fogmap_command_serves_home_and_a_lesson(
    wheel: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    from tests.browser.streamlit_page import (
        expect_a_chart,
        open_page,
        real_errors,
        wait_idle,
        wait_live_charts,
    )

    python = venv_with_the_projects_packages(tmp_path / "venv")
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "--python", str(python), "install"),
            *("--no-deps", "--no-index", "-q", str(wheel)),
        ],
        check=True,
        timeout=120,
    )
    installed = Path(
        subprocess.run(
            [
                str(python),
                "-c",
                "import fogmap.gmm_app; print(list(fogmap.__path__)[0])",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    assert installed.is_relative_to(tmp_path / "venv")
    before = files_under(installed)
    cwd, home = tmp_path / "somewhere", tmp_path / "home"
    cwd.mkdir()
    home.mkdir()

    errors: list[str] = []

    def drive_chromium(url: str) -> None:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=find_chromium(), headless=True, args=CHROMIUM_ARGS
            )
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on(
                "console", lambda m: errors.append(m.text) if m.type == "error" else 0
            )
            page.on("pageerror", lambda e: errors.append(str(e)))

            open_page(page, url)
            expect(page).to_have_title("Fogmap")
            expect(
                page.get_by_role("heading", name="Fogmap: finding hills")
            ).to_be_visible()
            expect_a_chart(page)
            sidebar = page.locator('[data-testid="stSidebar"]')
            # .streamlit/config.toml applies: Fogmap's own page links, not
            # Streamlit's list, and its 50 MB upload limit.
            expect(sidebar.locator('[data-testid="stSidebarNav"]')).to_have_count(0)
            expect(sidebar).to_contain_text("50MB")

            sidebar.get_by_role("link", name="EM stepper", exact=True).click()
            expect(page).to_have_title("EM stepper · Fogmap")
            expect(
                page.get_by_role("heading", name="EM stepper", exact=True)
            ).to_be_visible()
            wait_idle(page)
            wait_live_charts(page)
            expect(page.locator('[data-testid="stException"]')).to_have_count(0)
            browser.close()

    # Chromium is driven from its own thread: Playwright's sync API refuses to
    # start inside another Playwright's event loop, which the browser tests'
    # shared Chromium runs in this thread when the whole suite runs.
    with (
        fogmap_command(python, cwd, home) as (url, _process),
        concurrent.futures.ThreadPoolExecutor(1) as pool,
    ):
        pool.submit(drive_chromium, url).result()

    assert real_errors(errors) == []
    # It wrote nothing: not where it was started, not in HOME, not in the install.
    assert files_under(cwd) == set()
    assert files_under(home) == set()
    assert files_under(installed) == before


def test_the_command_loads_the_slow_imports_before_serving_and_no_streamlit() -> None:
    """gmm_app.cli.preload: scikit-learn, SciPy and gmm_core are in the server
    process before the first student, and Streamlit is not touched (its caches
    need its runtime, which does not exist yet)."""
    probe = (
        "import sys; from gmm_app import cli; cli.preload(); "
        "wanted = [*cli.PRELOAD, 'sklearn.cluster']; "
        "print([m for m in wanted if m not in sys.modules], 'streamlit' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[]", "False"]
