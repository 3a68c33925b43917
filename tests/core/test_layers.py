"""The numerical core stands alone: no Streamlit, no Plotly, no app code."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "gmm_core"
FORBIDDEN = ("streamlit", "plotly", "gmm_app")


def test_importing_gmm_core_loads_neither_streamlit_nor_plotly():
    check = (
        "import sys, gmm_core\n"
        f"loaded = [m for m in {FORBIDDEN!r} if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", check],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def test_no_core_module_imports_streamlit_plotly_or_the_app():
    pattern = re.compile(
        r"^\s*(import|from)\s+(" + "|".join(FORBIDDEN) + r")\b", re.MULTILINE
    )
    files = sorted(CORE.rglob("*.py"))
    assert len(files) >= 8
    offenders = [
        f"{path.relative_to(ROOT)}: {m.group(0).strip()}"
        for path in files
        for m in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    offenders += [
        f"{path.relative_to(ROOT)}: {phrase}"
        for path in files
        for phrase in ("import streamlit", "import plotly")
        if phrase in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
