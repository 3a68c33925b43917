"""The ``fogmap`` server's start: what it does to the process before it serves.

``gmm_app.cli.main`` imports the slow modules (``preload``), makes script runs
take turns (``take_turns``: one at a time unless ``FOGMAP_SCRIPT_RUNS`` says
otherwise) and freezes every object alive (``freeze_imports``, ``gc.freeze``), so
that a full garbage collection under a class walks what the sessions made, not the
~180,000 objects of scikit-learn, SciPy, pandas, Plotly and Streamlit
(docs/performance.md). The command runs for real in a subprocess, up to the moment
it hands over to Streamlit's own command line, which is where these tests stop it:
the test process itself is left alone. ``bench/classroom.py`` measures what both
do under a class; the browser tests run on servers started this way.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Runs ``fogmap --server.port 8765`` until Streamlit would start serving, then
# reports what the collector sees at that moment.
PROBE = """
import gc, json, sys
import streamlit.web.cli as streamlit_cli
from gmm_app import cli

def serve():
    from sklearn.mixture import GaussianMixture
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner
    print(json.dumps({
        "script_runs": getattr(ScriptRunner._run_script, "script_runs", None),
        "argv": sys.argv,
        "frozen": gc.get_freeze_count(),
        "walked": len(gc.get_objects()),
        "sklearn_walked": any(
            o is GaussianMixture.fit for o in gc.get_objects()
        ),
    }))
    return 0

streamlit_cli.main = serve
cli.main(["--server.port", "8765"])
"""


def start(script_runs: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``fogmap`` until it hands over to Streamlit, ``FOGMAP_SCRIPT_RUNS`` set
    to ``script_runs`` (unset for None)."""
    env = {k: v for k, v in os.environ.items() if k != "FOGMAP_SCRIPT_RUNS"}
    if script_runs is not None:
        env["FOGMAP_SCRIPT_RUNS"] = script_runs
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def start_report(script_runs: str | None = None) -> dict:
    """What the server looks like when ``fogmap`` hands over to Streamlit."""
    done = start(script_runs)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_server_freezes_what_it_imported_before_serving() -> None:
    report = start_report()
    # It still starts `streamlit run app.py` with the options given.
    assert report["argv"][:2] == ["streamlit", "run"]
    assert report["argv"][2].endswith("app.py")
    assert report["argv"][3:] == ["--server.port", "8765"]
    # scikit-learn, SciPy, pandas, Plotly and Streamlit: frozen, so a full
    # collection walks a small fraction of what is alive.
    assert report["frozen"] > 100_000
    assert report["walked"] * 10 < report["frozen"]
    assert not report["sklearn_walked"]


def test_script_runs_take_turns_one_at_a_time_unless_told_otherwise() -> None:
    assert start_report()["script_runs"] == 1
    assert start_report("3")["script_runs"] == 3
    # 0: Streamlit's own way, every run at once.
    assert start_report("0")["script_runs"] is None


def test_a_wrong_number_of_script_runs_is_named_before_anything_starts() -> None:
    done = start("many")
    assert done.returncode != 0
    assert "FOGMAP_SCRIPT_RUNS='many' is not a whole number" in done.stderr
    assert "Traceback" not in done.stderr
