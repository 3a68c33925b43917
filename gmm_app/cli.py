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

Only this command imports this module; no page or lesson does.
"""

from __future__ import annotations

import importlib
import socket
import sys
from collections.abc import Sequence
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
    # Imported here so that --help answers without loading Streamlit.
    from streamlit.web import cli as streamlit_cli

    preload()
    sys.argv = streamlit_argv(args)
    sys.exit(streamlit_cli.main())


if __name__ == "__main__":
    main()
