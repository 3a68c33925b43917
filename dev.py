#!/usr/bin/env python3
"""Fogmap's developer commands; needs only Python 3.

    python3 dev.py app     set up .venv (first time) and run the app
    python3 dev.py test    set up .venv (first time) and run lint + the whole test suite

The virtual environment lives in ``.venv`` and is refreshed whenever the
dependencies in ``pyproject.toml`` change.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".fogmap-deps"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


def _requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["test"]]


def ensure_venv() -> None:
    """Create ``.venv`` and install the dependencies when they changed."""
    if not PY.exists():
        print("Creating .venv ...", flush=True)
        try:
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        except subprocess.CalledProcessError:
            sys.exit(
                "Could not create a virtual environment. On Debian or Ubuntu, "
                "install it with: apt-get install python3-venv"
            )
    requirements = _requirements()
    digest = hashlib.sha256("\n".join(requirements).encode()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return
    print("Installing dependencies into .venv ...", flush=True)
    pip = [str(PY), "-m", "pip", "--disable-pip-version-check", "install", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, *requirements], check=True)
    STAMP.write_text(digest)


def run(*args: str) -> int:
    """Run a command from the project root with the venv's tools first on PATH."""
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    env.setdefault("PYTHONPATH", str(ROOT))
    return subprocess.run(list(args), cwd=ROOT, env=env).returncode


def app(extra: list[str]) -> int:
    """Run the Streamlit app (extra arguments go to ``streamlit run``)."""
    ensure_venv()
    return run(str(PY), "-m", "streamlit", "run", "app.py", *extra)


def test(extra: list[str]) -> int:
    """Lint, then run the whole test suite (extra arguments go to pytest)."""
    ensure_venv()
    for check in (("format", "--check", "."), ("check", ".")):
        code = run(str(PY), "-m", "ruff", *check)
        if code:
            print("ruff found problems; `.venv/bin/ruff format .` fixes formatting.")
            return code
    return run(str(PY), "-m", "pytest", *extra)


COMMANDS = {"app": app, "test": test}


def main() -> None:
    """Dispatch ``python3 dev.py <command> [args...]``."""
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    sys.exit(COMMANDS[sys.argv[1]](sys.argv[2:]))


if __name__ == "__main__":
    main()
