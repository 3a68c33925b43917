"""The ``fogmap`` command: Fogmap's server, from an installed wheel.

``pip install .`` (or ``pipx run`` / ``uvx`` on the built wheel) installs the
app as it is laid out in the repository, in one folder named ``fogmap``:
``app.py`` (Home), ``pages/``, ``samples/``, ``.streamlit/config.toml`` and the
``gmm_app`` and ``gmm_core`` packages. This command runs ``streamlit run`` on
that ``app.py`` through Streamlit's own command line (``streamlit.web.cli``,
handed the arguments as if typed after ``streamlit run app.py``), so every flag
of ``streamlit run`` works and Streamlit sets itself up exactly as it does from a
terminal::

    fogmap                                        # http://localhost:8501
    fogmap --server.port 8502 --server.address 0.0.0.0

Why it works from any folder: Streamlit puts the main script's folder first on
``sys.path`` (so ``import gmm_app`` finds the installed copy) and reads the
``.streamlit/config.toml`` beside the main script after the user's and the
current folder's (so Fogmap's theme, upload limit and XSRF setting apply; flags
still win). The server writes no file: ``server.headless`` skips Streamlit's
first-run e-mail prompt and its credentials file.

Before it hands over, it prepares the process to serve a class: it imports the
slow modules (:func:`preload`), lets one script run execute at a time
(:func:`take_turns`, ``FOGMAP_SCRIPT_RUNS``) and freezes what the imports made
(:func:`freeze_imports`).

Only this command imports this module; no page or lesson does.
"""

from __future__ import annotations

import functools
import gc
import importlib
import os
import socket
import sys
import threading
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path

# gmm_app/cli.py -> the folder that holds app.py, pages/ and the packages.
APP = Path(__file__).resolve().parents[1] / "app.py"

USAGE = """\
usage: fogmap [streamlit run options]

Start Fogmap (Home and its four lessons) in a local Streamlit server; open the
address it prints. Every option of `streamlit run` works, for example:

  fogmap --server.port 8502                 another port
  fogmap --server.address 0.0.0.0           reachable from other machines
  fogmap --server.headless false            also open a browser tab

`streamlit run --help` lists them all. Stop the server with Ctrl+C.
"""


def version() -> str:
    """Fogmap's installed version, or ``"(not installed)"`` when run from source.

    Returns
    -------
    str
        The version of the ``fogmap`` distribution.
    """
    try:
        return metadata.version("fogmap")
    except metadata.PackageNotFoundError:
        return "(not installed)"


def streamlit_argv(args: Sequence[str]) -> list[str]:
    """The command line Streamlit's CLI is given for ``fogmap ARGS``.

    Parameters
    ----------
    args : sequence of str
        What followed ``fogmap`` on the command line.

    Returns
    -------
    list of str
        ``["streamlit", "run", "<absolute path of app.py>", *args]``.
    """
    return ["streamlit", "run", str(APP), *args]


# What every page imports that takes long to import (scikit-learn pulls in
# scipy.stats): about 1.5 s of a cold page on two cores (docs/performance.md).
# Modules only: nothing here touches Streamlit, whose caches need its runtime.
PRELOAD = (
    "numpy",
    "pandas",
    "scipy.stats",
    "sklearn.cluster",
    "sklearn.datasets",
    "sklearn.metrics",
    "sklearn.mixture",
    "plotly.graph_objects",
    "gmm_core",
)


def preload() -> None:
    """Import :data:`PRELOAD` in the server process before it starts serving.

    A script run imports what it needs on its first run in a process; done here,
    the first student on a freshly started server (or replica) does not wait for
    scikit-learn and SciPy, and the server answers its health check only once
    they are loaded, so a load balancer sends no student to it before.
    """
    # The pages import gmm_core from the app's folder (Streamlit puts it first on
    # sys.path), so this does too: the same module, imported once.
    if str(APP.parent) not in sys.path:
        sys.path.insert(0, str(APP.parent))
    for name in PRELOAD:
        importlib.import_module(name)


def freeze_imports() -> None:
    """Put every object alive now out of the garbage collector's reach (``gc.freeze``).

    Called once the server's modules are imported, before it serves. A full
    (generation 2) collection walks every object the collector tracks and stops
    every thread while it does: under a class of 30 it ran every 3 to 6 s and took
    150 to 230 ms, most of it walking the ~180,000 objects of the imported modules
    (functions, their dicts and closures: scikit-learn, SciPy, pandas, Plotly,
    Streamlit), which never become garbage. Frozen, they are never walked again;
    a full collection walks what the sessions made since (docs/performance.md).
    """
    gc.collect()  # garbage left by the imports is freed, not frozen
    gc.freeze()


# How many script runs execute at once in one server (the environment variable;
# 0: no limit, Streamlit's own way) and how long a run waits for its turn at most.
SCRIPT_RUNS_VARIABLE = "FOGMAP_SCRIPT_RUNS"
SCRIPT_RUNS = 1
TURN_WAIT_SECONDS = 2.0


def script_runs(environ: Mapping[str, str] = os.environ) -> int:
    """How many script runs may execute at once: ``FOGMAP_SCRIPT_RUNS``, else 1.

    Parameters
    ----------
    environ : mapping of str to str
        The environment to read (the process's own by default).

    Returns
    -------
    int
        At least 0; 0 means no limit.

    Raises
    ------
    SystemExit
        When the variable is set to something other than a whole number >= 0.
    """
    text = environ.get(SCRIPT_RUNS_VARIABLE, "").strip()
    if not text:
        return SCRIPT_RUNS
    if not text.isdigit():
        sys.exit(
            f"fogmap: {SCRIPT_RUNS_VARIABLE}={text!r} is not a whole number; "
            "give how many script runs may execute at once (1 is best on one "
            "process, 0 for no limit)."
        )
    return int(text)


def take_turns(runs: int) -> bool:
    """Let at most ``runs`` script runs execute at once; the others wait in turn.

    Streamlit runs every session's script in a thread of its own, and Python's
    lock on the interpreter (the GIL) hands the one core Python can use from
    thread to thread every 5 ms. Thirty students clicking at once then all finish
    late together: each click's ~35 ms of work is spread over every click in
    progress. Waiting in turn, a click runs from start to end once its turn comes,
    so most clicks finish in about their own time: under 30 students at a click a
    second, Next p95 fell from 881 to 206 ms (docs/performance.md). A run waits at
    most :data:`TURN_WAIT_SECONDS` and then runs anyway, so one long run (a big
    upload, a cold sweep) delays the others by at most that.

    Streamlit has no setting for this: the turn is taken around its
    ``ScriptRunner._run_script``, which runs one script run (Streamlit 1.67).

    Parameters
    ----------
    runs : int
        How many runs may execute at once; 0 leaves Streamlit as it is.

    Returns
    -------
    bool
        Whether the runs now take turns (False for 0, or when this Streamlit has
        no ``ScriptRunner._run_script``: then it serves as Streamlit does).
    """
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    run = getattr(ScriptRunner, "_run_script", None)
    if runs <= 0 or run is None:
        if run is None:
            print(
                "fogmap: this Streamlit has no ScriptRunner._run_script; script "
                "runs do not take turns",
                file=sys.stderr,
            )
        return False
    run = getattr(run, "__wrapped__", run)  # taken once, however often called
    turns = threading.BoundedSemaphore(runs)

    @functools.wraps(run)
    def run_in_turn(self: ScriptRunner, rerun_data: object) -> None:
        my_turn = turns.acquire(timeout=TURN_WAIT_SECONDS)
        try:
            return run(self, rerun_data)
        finally:
            if my_turn:
                turns.release()

    run_in_turn.script_runs = runs  # type: ignore[attr-defined]
    ScriptRunner._run_script = run_in_turn  # type: ignore[method-assign]
    return True


def free_loopback_port() -> int:
    """A free TCP port on the loopback interface (free now; taken by whoever binds
    it first): for the tests', the benches' and ``deploy/serve.py``'s servers.

    Returns
    -------
    int
        A port number the system has just handed out and released.
    """
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def loopback_options(port: int) -> list[str]:
    """``streamlit run`` options for a server on this machine only.

    Parameters
    ----------
    port : int
        The loopback port to listen on.

    Returns
    -------
    list of str
        Port, address 127.0.0.1, headless, no usage statistics.
    """
    return [
        *("--server.port", str(port)),
        *("--server.address", "127.0.0.1"),
        *("--server.headless", "true"),
        *("--browser.gatherUsageStats", "false"),
    ]


def loopback_command(port: int, python: str = sys.executable) -> list[str]:
    """The command that serves Fogmap on a loopback port through this module.

    The tests, the benches and ``deploy/serve.py`` start their servers with it,
    from the folder that holds ``app.py`` (``python -m`` finds this checkout's
    ``gmm_app`` there).

    Parameters
    ----------
    port : int
        The loopback port to listen on.
    python : str
        The Python that runs the server.

    Returns
    -------
    list of str
    """
    return [python, "-m", "gmm_app.cli", *loopback_options(port)]


def main(argv: Sequence[str] | None = None) -> None:
    """Run Fogmap's Streamlit server until it is stopped (the ``fogmap`` command).

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after ``fogmap``; ``sys.argv[1:]`` when omitted.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] in (["-h"], ["--help"]):
        print(USAGE, end="")
        return
    if args[:1] in (["-V"], ["--version"]):
        print(f"fogmap {version()}")
        return
    if not APP.is_file():
        sys.exit(
            f"fogmap: the app's main page is missing ({APP}); "
            "this installation is incomplete: install Fogmap again."
        )
    # Imported here so that --help answers without loading Streamlit. Its server
    # and runtime too: the modules the server runs with are imported before they
    # are frozen. And its list of every emoji: every page's icon is one, and
    # st.set_page_config checks it against the list, whose import compiles one
    # large regular expression (0.17-0.21 s): imported here, the first student on
    # a fresh server or replica does not wait for it (docs/performance.md).
    import streamlit.emojis
    import streamlit.web.server  # noqa: F401
    from streamlit.web import cli as streamlit_cli

    runs = script_runs()
    preload()
    take_turns(runs)
    freeze_imports()
    sys.argv = streamlit_argv(args)
    sys.exit(streamlit_cli.main())


if __name__ == "__main__":
    main()
