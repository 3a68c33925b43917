#!/usr/bin/env python3
"""Fogmap's developer commands; needs only Python 3.

    python3 dev.py app     set up .venv (first time) and run the app
    python3 dev.py test    set up .venv (first time) and run lint + the whole test suite
    python3 dev.py lock    re-pin requirements*.txt after editing pyproject.toml
                           (add --upgrade, or --upgrade-package NAME, to move pins)

The virtual environment lives in ``.venv``. It is installed from
``requirements-test.txt``: every package pinned to the version the tests passed
on, with its hashes (``requirements.txt`` holds the app's share, for the
Dockerfile and Streamlit Community Cloud). Both are compiled from
``pyproject.toml`` by ``dev.py lock``; ``.venv`` is refreshed whenever the lock
changes. The installer is uv (pinned below, fetched into ``.venv`` by pip), or
pip itself if uv cannot be had.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".fogmap-deps"
# The locks: the app's pins, and the app's with the test tools' (dev.py lock).
APP_LOCK = ROOT / "requirements.txt"
TEST_LOCK = ROOT / "requirements-test.txt"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
UV = BIN / ("uv.exe" if os.name == "nt" else "uv")
# uv fetches and unpacks the ~55 locked packages in parallel: a fresh clone's
# .venv took 1 min 40 s with it and 3 min 14 s with pip alone (2 busy cores,
# 2026-11-28). It also writes the locks (dev.py lock); move it by hand.
UV_VERSION = "0.13.9"
PIP = [str(PY), "-m", "pip", "--disable-pip-version-check", "install", "-q"]


def ensure_venv() -> None:
    """Create ``.venv`` and install the locked dependencies when the lock changed."""
    if not PY.exists():
        print("Creating .venv ...", flush=True)
        try:
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        except subprocess.CalledProcessError:
            sys.exit(
                "Could not create a virtual environment. On Debian or Ubuntu, "
                "install it with: apt-get install python3-venv"
            )
    digest = hashlib.sha256(TEST_LOCK.read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return
    print(f"Installing the pinned dependencies ({TEST_LOCK.name}) ...", flush=True)
    # The lock has a hash for every file: the installer checks each download. The
    # bytecode is compiled now, as pip does, not by the first server a browser test
    # starts (against a clock).
    lock = ["-r", str(TEST_LOCK)]
    uv = [str(UV), "pip", "install", "-q", "--python", str(PY)]
    uv += ["--require-hashes", "--compile-bytecode"]
    if not (ensure_uv() and subprocess.run([*uv, *lock]).returncode == 0):
        print("Installing with pip instead ...", flush=True)
        subprocess.run([*PIP, *lock], check=True)
    STAMP.write_text(digest)


def ensure_uv() -> bool:
    """Install the pinned uv into ``.venv``; False if that failed."""
    probe = [str(UV), "--version"]
    if (
        UV.exists()
        and UV_VERSION in subprocess.run(probe, capture_output=True, text=True).stdout
    ):
        return True
    return subprocess.run([*PIP, f"uv=={UV_VERSION}"]).returncode == 0


def run(*args: str) -> int:
    """Run a command from the project root with the venv's tools first on PATH."""
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    env.setdefault("PYTHONPATH", str(ROOT))
    return subprocess.run(list(args), cwd=ROOT, env=env).returncode


def app(extra: list[str]) -> int:
    """Run the Streamlit app (extra arguments go to ``streamlit run``).

    Through the ``fogmap`` command's module, which loads scikit-learn and SciPy
    before the server opens (gmm_app/cli.py), as every way of serving Fogmap does.
    """
    ensure_venv()
    return run(str(PY), "-m", "gmm_app.cli", *extra)


def test(extra: list[str]) -> int:
    """Lint, then run the whole test suite (extra arguments go to pytest)."""
    ensure_venv()
    for check in (("format", "--check", "."), ("check", ".")):
        code = run(str(PY), "-m", "ruff", *check)
        if code:
            print("ruff found problems; `.venv/bin/ruff format .` fixes formatting.")
            return code
    return run(str(PY), "-m", "pytest", *extra)


def lock(extra: list[str]) -> int:
    """Compile both locks from ``pyproject.toml`` with uv.

    Pins already in the locks stay unless ``--upgrade`` or ``--upgrade-package
    NAME`` (passed on to ``uv pip compile``) moves them.
    """
    ensure_venv()
    if not ensure_uv():
        return 1
    compile_ = [
        *(str(UV), "pip", "compile", "pyproject.toml", "--universal"),
        *("--generate-hashes", "--quiet"),
        *("--custom-compile-command", "python3 dev.py lock"),
        *extra,
    ]
    code = run(*compile_, "-o", APP_LOCK.name) or run(
        *compile_, "--extra", "test", "-c", APP_LOCK.name, "-o", TEST_LOCK.name
    )
    if not code:
        print(f"Pinned {APP_LOCK.name} and {TEST_LOCK.name}; now: python3 dev.py test")
    return code


COMMANDS = {"app": app, "test": test, "lock": lock}


def main() -> None:
    """Dispatch ``python3 dev.py <command> [args...]``."""
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    sys.exit(COMMANDS[sys.argv[1]](sys.argv[2:]))


if __name__ == "__main__":
    main()
