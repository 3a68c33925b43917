"""Fogmap on this machine as it is deployed: N Streamlit replicas behind nginx.

Starts ``--replicas`` Streamlit processes (``streamlit run app.py``, each on a
loopback port of its own, with the repository's ``.streamlit/config.toml``: XSRF
protection on) and the system nginx in front of them on ``--port``, configured by
``deploy/nginx/fogmap.conf``, the same file docs/deployment.md shows for Docker.
Only the two machine-specific files that ``fogmap.conf`` includes are written here
(``fogmap/replicas.conf``: one ``server 127.0.0.1:<port>`` line per replica;
``fogmap/listen.conf``: ``listen 127.0.0.1:<port>``), with a small top-level
``nginx.conf`` that logs which replica answered each request. Everything (those
files, nginx's pid, logs and temp folders, the replicas' output) goes to one temp
folder, removed at the end.

Run: ``python3 deploy/serve.py --replicas 4 --port 8080`` (Ctrl-C or SIGTERM stops
everything). Scripts and tests use :func:`serve` instead::

    with serve(replicas=2) as fogmap:
        fogmap.url                    # http://127.0.0.1:<port>, through nginx
        fogmap.replicas[0].stop()     # a replica that dies mid-class
        fogmap.replica_of(route)      # which replica a fogmap_route cookie lands on
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: the repository's gmm_app
    sys.path.insert(0, str(ROOT))

# How a server starts (gmm_app.cli imports only the standard library).
from gmm_app.cli import free_loopback_port, loopback_command  # noqa: E402

FOGMAP_CONF = ROOT / "deploy" / "nginx" / "fogmap.conf"
ROUTE_COOKIE = "fogmap_route"

# The top-level nginx.conf of a local run: nginx's own files in the temp folder,
# an access log that names the replica (upstream) of every request, and
# fogmap.conf itself. $upstream_addr lists every replica tried ("a, b") when one
# refused; the last one answered.
NGINX_CONF = """\
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
worker_processes 1;
events {{ worker_connections 4096; }}
http {{
    log_format fogmap '$msec $fogmap_route $status "$upstream_addr" "$request"';
    access_log {folder}/access.log fogmap;
    client_body_temp_path {folder}/client_body_temp;
    proxy_temp_path {folder}/proxy_temp;
    fastcgi_temp_path {folder}/fastcgi_temp;
    uwsgi_temp_path {folder}/uwsgi_temp;
    scgi_temp_path {folder}/scgi_temp;
    include {fogmap_conf};
}}
"""
REPLICA_LINE = "server 127.0.0.1:{port} max_fails=3 fail_timeout=10s;\n"


def find_nginx() -> str | None:
    """Path of the nginx program (Debian's package: /usr/sbin/nginx), or None."""
    for candidate in (os.environ.get("FOGMAP_NGINX", ""), shutil.which("nginx")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    for candidate in ("/usr/sbin/nginx", "/usr/local/sbin/nginx"):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def streamlit_python() -> str:
    """The repository's .venv Python if there is one, else this Python."""
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def healthy(url: str) -> bool:
    """True if ``url/_stcore/health`` answers 200 now."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def stop_process(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    """Send ``sig`` to ``process`` and wait; kill it if it is still there after 10 s."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Replica:
    """One Streamlit process behind nginx."""

    number: int
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        """Its own URL (straight to the process, not through nginx)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def address(self) -> str:
        """How nginx's access log names it: ``127.0.0.1:<port>``."""
        return f"127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        """Stop the process as a crash or a redeploy would (SIGTERM, then kill)."""
        stop_process(self.process)

    def output(self) -> str:
        """Everything the process printed so far."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@dataclass
class Deployment:
    """A running nginx and its replicas."""

    url: str
    folder: Path
    nginx: subprocess.Popen[bytes]
    replicas: list[Replica] = field(default_factory=list)

    @property
    def access_log(self) -> Path:
        return self.folder / "access.log"

    def requests(self) -> list[tuple[str, int, str, str]]:
        """Every request nginx has logged: (route, status, replica address, request).

        A request is logged when it ends (a websocket when it closes). The replica
        is the one that answered (the last one tried), or "" if none did.
        """
        rows = []
        if not self.access_log.exists():
            return rows
        for line in self.access_log.read_text().splitlines():
            head, _, rest = line.partition(' "')
            parts = head.split()
            if len(parts) != 3:
                continue
            upstream, _, request = rest.partition('" "')
            answered = upstream.split(",")[-1].strip()
            rows.append(
                (
                    parts[1],
                    int(parts[2]),
                    "" if answered == "-" else answered,
                    request.rstrip('"'),
                )
            )
        return rows

    def replica_of(self, route: str) -> Replica | None:
        """The replica that answered the last logged request with this route."""
        for logged_route, _, address, _ in reversed(self.requests()):
            if logged_route == route and address:
                return next((r for r in self.replicas if r.address == address), None)
        return None

    def route_to(self, replica: Replica, prefix: str = "student") -> str:
        """A ``fogmap_route`` cookie value that nginx sends to ``replica``.

        Tries ``prefix-0``, ``prefix-1``, ... with a health request each and reads
        the access log: the hash decides, not this code.
        """
        for i in range(200):
            route = f"{prefix}-{i}"
            request = urllib.request.Request(
                f"{self.url}/_stcore/health",
                headers={"Cookie": f"{ROUTE_COOKIE}={route}"},
            )
            with urllib.request.urlopen(request, timeout=5):
                pass
            deadline = time.monotonic() + 2
            while (found := self.replica_of(route)) is None:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.02)
            if found is replica:
                return route
        raise RuntimeError(f"no route to replica {replica.number} found")


def start_replica(number: int, folder: Path) -> Replica:
    """Start ``streamlit run app.py`` on a free loopback port, output to a file."""
    port = free_loopback_port()
    log = folder / f"replica-{number}.log"
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    with log.open("wb") as out:
        process = subprocess.Popen(
            # streamlit run app.py, scikit-learn loaded first
            loopback_command(port, streamlit_python()),
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
        )
    return Replica(number=number, port=port, process=process, log=log)


def write_nginx_files(folder: Path, port: int, replicas: list[Replica]) -> Path:
    """nginx.conf and fogmap.conf's two included files; returns nginx.conf's path."""
    (folder / "fogmap").mkdir()
    (folder / "fogmap" / "replicas.conf").write_text(
        "".join(REPLICA_LINE.format(port=r.port) for r in replicas)
    )
    (folder / "fogmap" / "listen.conf").write_text(f"listen 127.0.0.1:{port};\n")
    conf = folder / "nginx.conf"
    conf.write_text(NGINX_CONF.format(folder=folder, fogmap_conf=FOGMAP_CONF))
    return conf


def wait_for(
    condition, what: str, processes: list[subprocess.Popen[bytes]], timeout: float
) -> None:
    """Wait until ``condition()`` is true; fail if a process exits or time runs out."""
    deadline = time.monotonic() + timeout
    while not condition():
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"{what}: a process exited ({process.args[0]})")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: not ready within {timeout:.0f} s")
        time.sleep(0.2)


@contextlib.contextmanager
def serve(
    replicas: int = 2, port: int = 0, timeout: float = 90.0
) -> Iterator[Deployment]:
    """Start ``replicas`` Fogmap processes and nginx in front; stop all on exit.

    Parameters
    ----------
    replicas
        Number of Streamlit processes (>= 1).
    port
        nginx's loopback port; 0 picks a free one.
    timeout
        Seconds to wait for every replica and nginx to answer ``/_stcore/health``.

    Yields
    ------
    Deployment
        ``url`` (through nginx), ``replicas`` (port, pid, ``stop()``), the access log.
    """
    nginx = find_nginx()
    if nginx is None:
        raise RuntimeError("nginx not found: apt-get install nginx (Debian's package)")
    folder = Path(tempfile.mkdtemp(prefix="fogmap-serve-"))
    folder.chmod(0o755)  # nginx's workers (user nobody when run as root) read it
    started: list[Replica] = []
    proxy: subprocess.Popen[bytes] | None = None
    try:
        started = [start_replica(i, folder) for i in range(replicas)]
        port = port or free_loopback_port()
        conf = write_nginx_files(folder, port, started)
        proxy = subprocess.Popen(
            [
                nginx,
                "-p",
                str(folder),
                "-e",
                str(folder / "error.log"),
                "-c",
                str(conf),
            ],
            stdout=subprocess.DEVNULL,
            stderr=(folder / "nginx.out").open("wb"),
            stdin=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        processes = [r.process for r in started] + [proxy]
        wait_for(
            lambda: all(healthy(r.url) for r in started),
            "replicas",
            processes,
            timeout,
        )
        wait_for(lambda: healthy(url), "nginx", processes, timeout)
        yield Deployment(url=url, folder=folder, nginx=proxy, replicas=started)
    finally:
        if proxy is not None:
            stop_process(proxy)  # SIGTERM: nginx's fast shutdown, sockets closed
        for replica in started:
            replica.stop()
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2, help="Streamlit processes")
    parser.add_argument("--port", type=int, default=8080, help="nginx's port")
    args = parser.parse_args()

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        with serve(replicas=args.replicas, port=args.port) as fogmap:
            ports = ", ".join(str(r.port) for r in fogmap.replicas)
            print(
                f"Fogmap: {fogmap.url}  (nginx in front of {len(fogmap.replicas)} "
                f"replicas on ports {ports}; Ctrl-C stops everything)",
                flush=True,
            )
            gone: set[int] = set()
            while fogmap.nginx.poll() is None and len(gone) < len(fogmap.replicas):
                for r in fogmap.replicas:
                    if r.number not in gone and r.process.poll() is not None:
                        gone.add(r.number)
                        print(
                            f"Replica {r.number} (port {r.port}) stopped; nginx "
                            "sends its students to the others.",
                            file=sys.stderr,
                            flush=True,
                        )
                time.sleep(0.5)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
