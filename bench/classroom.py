"""Classroom load: a class of students stepping the EM stepper on one server.

Starts one Streamlit server and connects ``--clients`` students to it at once
(default 30). Every student opens the EM stepper on data of their own (a 2-D
preset and a data seed of their own, through the URL:
``/EM_stepper?dataset=moons&n_samples=2000&data_seed=117&...``) and, once the page
has loaded, clicks Next for ``--duration`` seconds (default 60), waiting for each
step to arrive and then ``--think`` seconds on average (uniform between 0.5x and
1.5x; 0 clicks again at once) before the next click; at the end of a trace it
clicks Reset and goes on.

The students are not browsers. Each speaks Streamlit's own protocol on
``/_stcore/stream`` as the browser does: protobuf ``BackMsg`` in (``rerun_script``
with the page, the query string, the clicked button's trigger and its fragment
id, exactly what the frontend sends for a click inside ``st.fragment``),
``ForwardMsg`` out, read until ``script_finished``. Thirty headless Chromium tabs
on the same 2 cores as the server would measure Chromium's software rendering
fighting the server for the CPU, not the server: in a classroom every student's
browser runs on the student's own machine. One browser's drawing time is what
``bench/browser_latency.py`` measures; add it to these figures.

A click's latency runs from sending the ``BackMsg`` until its ``script_finished``
arrives, i.e. the server's rerun of the stepper fragment plus the transfer of
every element it sends. Throughput and CPU are measured in the steady state:
from the moment every page has loaded until the first student stops. Each
student checks, on every step:

- no exception element, no failed run, no timeout (``--timeout``), no dropped
  connection;
- the URL the server writes back keeps the student's own ``dataset``,
  ``n_samples`` and ``data_seed``, and ``em_step`` moves exactly one half-step;
- the map (``em_map``) draws exactly the student's own points: every point trace's
  ``customdata`` point index and x/y are compared with the data the student
  computes locally (``gmm_core.load_preset``), so a session that showed another
  session's data (or a stale cache entry) would fail.

Server memory is the server process's resident set (``VmRSS`` from
``/proc/<pid>/status``; ``VmHWM`` is its peak): fresh, after one warm-up session
(modules imported, then closed), after every student has loaded the page, and at
the end. "Per session" is (end - after warm-up) / students: it includes each
student's cached data and trace (``st.cache_data`` entries keyed by the data).

Side by side (``--before DIR``): the same class is run against a server of
another checkout (``git archive HEAD | tar -x -C DIR`` plus a ``.venv`` symlink)
and against this one, alternating (``--rounds`` pairs), and one table compares
them. ``--setup CODE`` / ``--before-setup CODE`` run Python in that server's
process before Fogmap starts (for example ``"import sys;
sys.setswitchinterval(0.001)"``), to try a setting before adopting it.
``--gc-log`` records every garbage collection in the server (``gc.callbacks``:
generation, wall and CPU time, objects collected) and reports those of the
steady state: a full (generation 2) collection stops every thread.

Run: ``.venv/bin/python bench/classroom.py [--clients 30] [--duration 60]``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import numpy as np
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import FileUploaderState, FileURLs, UploadedFileInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "browser")]

from conftest import serving  # noqa: E402

from deploy.serve import ROUTE_COOKIE, Deployment, serve  # noqa: E402
from gmm_app.cli import free_loopback_port, loopback_options  # noqa: E402
from gmm_core import load_preset  # noqa: E402

PAGE = "EM_stepper"
UPLOAD = ROOT / "samples" / "old_faithful.csv"  # 272 rows: "... 272 of 272 rows used"
XSRF_COOKIE = "_streamlit_xsrf"
# Seeded 2-D presets that take a size: every student gets one and a seed of their own.
DATASETS = ("blobs", "overlapping", "varied", "moons", "circles", "customers")
DONE = (
    ForwardMsg.FINISHED_SUCCESSFULLY,
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
)


def rss_mib(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of process ``pid`` in MiB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` (its threads included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100.0  # utime, stime in ticks


class ServerLog:
    """Reads the server's output as it comes (a full pipe would stall it)."""

    def __init__(self, server: subprocess.Popen[bytes]) -> None:
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(server,), daemon=True)
        self._thread.start()

    def _read(self, server: subprocess.Popen[bytes]) -> None:
        assert server.stdout is not None
        for line in server.stdout:
            self.lines.append(line.decode(errors="replace").rstrip())

    def problems(self) -> list[str]:
        """Tracebacks and errors the server logged."""
        return problems(self.lines)


def problems(lines: list[str]) -> list[str]:
    """The lines of a server's output that name a traceback, an error or a warning."""
    words = ("Traceback", "Error", "Exception", "WARNING", "ERROR")
    return [line for line in lines if any(w in line for w in words)]


def plotly_array(value: object) -> np.ndarray:
    """A Plotly JSON array: a list, or Plotly's typed-array form (dtype, bdata)."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        if "shape" in value:
            array = array.reshape([int(s) for s in str(value["shape"]).split(",")])
        return array
    return np.asarray(value, dtype=float)


def map_problems(spec: str, X: np.ndarray) -> list[str]:
    """What is wrong with the map's points against the student's own data."""
    figure = json.loads(spec)
    seen = np.zeros(len(X), dtype=bool)
    for trace in figure.get("data", []):
        if "customdata" not in trace or "x" not in trace:
            continue
        x, y = plotly_array(trace["x"]), plotly_array(trace["y"])
        custom = plotly_array(trace["customdata"])
        index = (custom[:, 0] if custom.ndim == 2 else custom).astype(int)
        if (
            len(index) != len(x)
            or index.min(initial=0) < 0
            or index.max(initial=0) >= len(X)
        ):
            return [f"trace {trace.get('name')!r}: point indices outside the data"]
        if not (
            np.allclose(x, X[index, 0], rtol=1e-9, atol=1e-12)
            and np.allclose(y, X[index, 1], rtol=1e-9, atol=1e-12)
        ):
            return [f"trace {trace.get('name')!r}: points are not this student's data"]
        seen[index] = True
    if not seen.all():
        return [f"map draws {seen.sum()} of this student's {len(X)} points"]
    return []


@dataclass
class Run:
    """What one script run (a page load or a click) sent back."""

    seconds: float
    status: int | None = None
    buttons: dict[str, tuple[str, str, bool]] = field(default_factory=dict)
    query: str | None = None
    map_spec: str | None = None
    exceptions: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)  # what the data caption says


@dataclass
class Student:
    """One simulated student and everything they saw."""

    number: int
    dataset: str
    data_seed: int
    n_samples: int
    load_ms: float | None = None
    next_ms: list[float] = field(default_factory=list)
    reset_ms: list[float] = field(default_factory=list)
    click_done: list[float] = field(default_factory=list)  # perf_counter() times
    errors: list[str] = field(default_factory=list)
    isolation: list[str] = field(default_factory=list)
    maps_checked: int = 0
    # Through nginx (--replicas): the student's cookies and replica(s).
    cookies: dict[str, str] = field(default_factory=dict)
    replica: int | None = None  # where nginx sent them first
    moved_to: int | None = None  # where they landed after their replica stopped
    disconnects: list[str] = field(default_factory=list)  # expected, in a fault run
    fresh_sessions: int = 0  # reconnects that got a new session, URL settings back
    back_ms: list[float] = field(default_factory=list)  # drop -> page shown again
    upload: str | None = None  # None: no upload; "ok" or what went wrong

    @property
    def start_query(self) -> str:
        return urlencode(
            {
                "dataset": self.dataset,
                "n_samples": self.n_samples,
                "data_seed": self.data_seed,
                "n_components": 3,
                "covariance_type": "full",
            }
        )


class Session:
    """A websocket session speaking Streamlit's protocol, as the frontend does."""

    def __init__(self, ws: websockets.ClientConnection, timeout: float) -> None:
        self.ws = ws
        self.timeout = timeout
        self.query = ""
        self.page_hash = ""
        self.session_id = ""
        self.uploader_id = ""
        self.buttons: dict[str, tuple[str, str, bool]] = {}

    async def _send(self, state_setup) -> Run:
        msg = BackMsg()
        state_setup(msg.rerun_script)
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        run = Run(seconds=0.0)
        async with asyncio.timeout(self.timeout):
            while True:
                fwd = ForwardMsg()
                fwd.ParseFromString(await self.ws.recv())
                kind = fwd.WhichOneof("type")
                if kind == "new_session":
                    self.page_hash = fwd.new_session.page_script_hash
                    self.session_id = fwd.new_session.initialize.session_id
                elif kind == "page_info_changed":
                    run.query = self.query = fwd.page_info_changed.query_string
                elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                    element = fwd.delta.new_element
                    what = element.WhichOneof("type")
                    if what == "button":
                        b = element.button
                        key = b.id.rsplit("-", 1)[-1]
                        run.buttons[key] = (b.id, fwd.delta.fragment_id, b.disabled)
                    elif what == "file_uploader":
                        self.uploader_id = element.file_uploader.id
                    elif what == "markdown" and "rows used" in element.markdown.body:
                        run.captions.append(element.markdown.body)
                    elif what == "exception":
                        e = element.exception
                        run.exceptions.append(f"{e.type}: {e.message}")
                    elif what == "bidi_component" and (
                        element.bidi_component.id.endswith("-em_map")
                    ):  # the map is a live chart: its data is its arguments'
                        # JSON, a newline, the figure's JSON (gmm_app.shell.live_chart)
                        data = element.bidi_component.bytes.decode()
                        run.map_spec = data.split("\n", 1)[1]
                elif kind == "script_finished" and fwd.script_finished in DONE:
                    run.status = fwd.script_finished
                    break
        run.seconds = time.perf_counter() - start
        self.buttons.update(run.buttons)
        return run

    async def open(self, query: str) -> Run:
        """Open the stepper with ``query`` (the browser's first rerun request)."""

        self.query = query  # the page's URL, until the server writes another

        def setup(state) -> None:
            state.query_string = query
            state.page_name = PAGE

        return await self._send(setup)

    async def click(self, key: str) -> Run:
        """Click the button with widget key ``key`` (inside its fragment)."""
        widget_id, fragment_id, _ = self.buttons[key]

        def setup(state) -> None:
            state.query_string = self.query
            state.page_script_hash = self.page_hash
            state.fragment_id = fragment_id
            state.widget_states.widgets.append(
                WidgetState(id=widget_id, trigger_value=True)
            )

        return await self._send(setup)

    async def uploaded(self, info: UploadedFileInfo) -> Run:
        """Tell the server the file uploader now holds ``info`` (a rerun)."""

        def setup(state) -> None:
            state.query_string = self.query
            state.page_script_hash = self.page_hash
            state.widget_states.widgets.append(
                WidgetState(
                    id=self.uploader_id,
                    file_uploader_state_value=FileUploaderState(
                        uploaded_file_info=[info]
                    ),
                )
            )

        return await self._send(setup)


def check_run(student: Student, run: Run, X: np.ndarray, step: int | None) -> None:
    """Record what is wrong with ``run`` for ``student``."""
    if run.exceptions:
        student.errors += [f"exception: {e}" for e in run.exceptions]
    if run.status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
        student.errors.append("script failed to compile")
    query = parse_qs(run.query if run.query is not None else "")
    if run.query is not None:
        mine = {
            "dataset": student.dataset,
            "n_samples": str(student.n_samples),
            "data_seed": str(student.data_seed),
        }
        for name, value in mine.items():
            if query.get(name) != [value]:
                student.isolation.append(f"URL {name}={query.get(name)}, not {value}")
        if step is not None and query.get("em_step") != [str(step)]:
            student.errors.append(f"em_step {query.get('em_step')}, expected {step}")
    if run.map_spec is not None:
        student.isolation += map_problems(run.map_spec, X)
        student.maps_checked += 1


def http(
    url: str,
    cookies: dict[str, str],
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str]]:
    """One HTTP request with the student's cookies: its status and the cookies set."""
    sent = dict(headers or {})
    if cookies:
        sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    request = urllib.request.Request(url, data=body, method=method, headers=sent)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            status, set_cookies = response.status, response.headers
    except urllib.error.HTTPError as exc:
        return exc.code, {}
    jar = SimpleCookie()
    for header in set_cookies.get_all("Set-Cookie") or []:
        jar.load(header)
    return status, {name: morsel.value for name, morsel in jar.items()}


def visit(base: str, student: Student) -> None:
    """What a browser asks before its websocket: the page, then the health check.

    Through nginx the first answer sets the student's ``fogmap_route`` cookie;
    Streamlit's health check sets ``_streamlit_xsrf``. Both are sent from then on.
    """
    for path in (f"/{PAGE}?{student.start_query}", "/_stcore/health"):
        _, cookies = http(f"{base}{path}", student.cookies)
        student.cookies.update(cookies)


def connect(uri: str, student: Student, timeout: float) -> websockets.connect:
    """The student's websocket to ``uri``, carrying their cookies."""
    headers = None
    if student.cookies:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in student.cookies.items())}
    return websockets.connect(
        uri,
        subprotocols=["streamlit"],
        max_size=None,
        open_timeout=timeout,
        additional_headers=headers,
    )


async def upload_file(student: Student, base: str, uri: str, timeout: float) -> None:
    """Upload ``samples/old_faithful.csv`` in a session of its own, as the page does.

    The file goes to ``/_stcore/upload_file/<session>/<file>`` as a multipart PUT
    with the ``X-Xsrftoken`` header matching the ``_streamlit_xsrf`` cookie
    (XSRF protection is on); then a rerun tells the file uploader it holds the
    file, and the data caption must name it.
    """
    data = UPLOAD.read_bytes()
    async with connect(uri, student, timeout) as ws:
        session = Session(ws, timeout)
        await session.open(student.start_query)
        if not session.uploader_id:
            student.upload = "no file uploader on the page"
            return
        file_id = str(uuid.uuid4())
        path = f"/_stcore/upload_file/{session.session_id}/{file_id}"
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="{UPLOAD.name}"\r\nContent-Type: text/csv\r\n\r\n'
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "X-Xsrftoken": student.cookies.get(XSRF_COOKIE, ""),
        }
        status, _ = await asyncio.to_thread(
            http, f"{base}{path}", student.cookies, "PUT", body, headers
        )
        if not 200 <= status < 300:
            student.upload = f"upload answered HTTP {status}"
            return
        urls = FileURLs(file_id=file_id, upload_url=path, delete_url=path)
        info = UploadedFileInfo(
            file_id=file_id, name=UPLOAD.name, size=len(data), file_urls=urls
        )
        run = await session.uploaded(info)
    expected = f"{UPLOAD.name} · 272 of 272 rows used"
    if run.exceptions:
        student.upload = f"exception: {run.exceptions[0]}"
    elif any(expected in caption.replace("\\", "") for caption in run.captions):
        student.upload = "ok"
    else:
        student.upload = f"the page does not say {expected!r}"


async def student_loop(
    student: Student,
    uri: str,
    args: argparse.Namespace,
    proxy: Deployment | None = None,
) -> None:
    """One student: open the page, then click Next for ``args.duration`` seconds.

    Through nginx (``proxy``) the student first visits the page for its cookies.
    In a fault run (``--stop-replica-at``), a student whose connection drops does
    what Streamlit's page does: asks ``/_stcore/health`` until it answers,
    reconnects (nginx sends it to another replica) and reruns the page with the
    URL it had, which must bring back its data and its step in a fresh session.
    """
    rng = random.Random(student.number)
    X = load_preset(student.dataset, student.n_samples, student.data_seed).X
    base = uri.replace("ws://", "http://").removesuffix("/_stcore/stream")
    try:
        if proxy is not None:
            await asyncio.to_thread(visit, base, student)
            found = proxy.replica_of(student.cookies.get(ROUTE_COOKIE, ""))
            student.replica = found.number if found is not None else None
            if student.number < args.uploads:
                await upload_file(student, base, uri, args.timeout)
        query, stop_at, step, session_id = student.start_query, None, 0, ""
        dropped_at = 0.0
        while True:
            try:
                async with connect(uri, student, args.timeout) as ws:
                    session = Session(ws, args.timeout)
                    run = await session.open(query)
                    if stop_at is None:  # the first page load
                        student.load_ms = run.seconds * 1000.0
                        check_run(student, run, X, None)
                        step = int(parse_qs(session.query).get("em_step", ["0"])[0])
                        stop_at = time.perf_counter() + args.duration
                    else:  # back after a drop: the step the URL held, a new session
                        check_run(student, run, X, step)
                        student.back_ms.append((time.perf_counter() - dropped_at) * 1e3)
                        if session.session_id != session_id:
                            student.fresh_sessions += 1
                    session_id = session.session_id
                    if "em_next" not in session.buttons:
                        student.errors.append("no Next button on the page")
                        return
                    while time.perf_counter() < stop_at:
                        if args.think > 0:
                            await asyncio.sleep(args.think * rng.uniform(0.5, 1.5))
                        if session.buttons["em_next"][2]:  # the trace has ended
                            run = await session.click("em_reset")
                            student.reset_ms.append(run.seconds * 1000.0)
                            step = 0
                        else:
                            run = await session.click("em_next")
                            student.next_ms.append(run.seconds * 1000.0)
                            step += 1
                        student.click_done.append(time.perf_counter())
                        check_run(student, run, X, step)
                    return
            except websockets.ConnectionClosed as exc:
                if not args.stop_replica_at or student.disconnects or stop_at is None:
                    raise
                student.disconnects.append(repr(exc))
                dropped_at = time.perf_counter()
                # The page reconnects with the URL it shows: the last one written.
                query = session.query or query
                step = int(parse_qs(query).get("em_step", ["0"])[0])
                await asyncio.to_thread(wait_until_healthy, base, student)
                if proxy is not None:
                    found = proxy.replica_of(student.cookies.get(ROUTE_COOKIE, ""))
                    student.moved_to = found.number if found is not None else None
    except TimeoutError:
        student.errors.append(f"timeout: no answer within {args.timeout:.0f} s")
    except (websockets.WebSocketException, OSError) as exc:
        student.errors.append(f"connection: {exc!r}")


def wait_until_healthy(base: str, student: Student, timeout: float = 30.0) -> None:
    """Ask ``/_stcore/health`` (with the student's cookies) until it answers 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if http(f"{base}/_stcore/health", student.cookies)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError


async def warm_up(uri: str, timeout: float) -> float:
    """One session that opens the stepper and leaves (imports, first run)."""
    async with websockets.connect(uri, subprotocols=["streamlit"]) as ws:
        run = await Session(ws, timeout).open("dataset=blobs&data_seed=9999")
    return run.seconds * 1000.0


# Run in the server before Fogmap starts (--gc-log): one line per collection,
# [wall clock, generation, wall ms, thread CPU ms, objects collected].
GC_PROBE = """
import gc as _gc, json as _json, time as _time
_gc_log, _gc_start = open({path!r}, "a", buffering=1), [0.0, 0.0]
def _gc_probe(phase, info):
    if phase == "start":
        _gc_start[:] = [_time.perf_counter(), _time.thread_time()]
        return
    _gc_log.write(_json.dumps([_time.time(), info["generation"],
        (_time.perf_counter() - _gc_start[0]) * 1e3,
        (_time.thread_time() - _gc_start[1]) * 1e3, info["collected"]]) + "\\n")
_gc.callbacks.append(_gc_probe)
"""


@contextlib.contextmanager
def fogmap_server(
    tree: Path, setup: str = "", gc_log: Path | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Fogmap of checkout ``tree`` on a loopback port, as ``gmm_app.cli`` serves it.

    ``setup`` (Python) and the GC probe run in the server's process first; then
    ``gmm_app.cli`` runs as ``python -m gmm_app.cli`` would (from ``tree``, so
    ``tree``'s ``gmm_app`` is the one served).
    """
    code = GC_PROBE.format(path=str(gc_log)) if gc_log is not None else ""
    code += (
        setup + "\nimport runpy\nrunpy.run_module('gmm_app.cli', run_name='__main__')"
    )
    port = free_loopback_port()
    python = tree / ".venv" / "bin" / "python"
    process = subprocess.Popen(
        [str(python), "-c", code, *loopback_options(port)],
        cwd=tree,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    with serving(process, f"http://127.0.0.1:{port}") as url:
        yield url, process


def gc_pauses(path: Path, start: float, end: float) -> dict[int, list[list[float]]]:
    """The server's collections between wall clock ``start`` and ``end``, by
    generation: [wall ms, CPU ms, collected] each."""
    found: dict[int, list[list[float]]] = {0: [], 1: [], 2: []}
    if not path.exists():
        return found
    for line in path.read_text().splitlines():
        at, generation, wall, cpu, collected = json.loads(line)
        if start <= at <= end:
            found[generation].append([wall, cpu, collected])
    return found


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def new_class(args: argparse.Namespace) -> list[Student]:
    """``args.clients`` students, each on their own data set and seed."""
    return [
        Student(
            number=i,
            dataset=DATASETS[i % len(DATASETS)],
            data_seed=100 + i,
            n_samples=args.n_samples,
        )
        for i in range(args.clients)
    ]


async def classroom(
    uri: str, pid: int, args: argparse.Namespace
) -> tuple[list[Student], dict[str, tuple[float, float]], dict[str, float]]:
    memory = {"fresh server": rss_mib(pid)}
    warm_ms = await warm_up(uri, args.timeout)
    memory["after a warm-up session"] = rss_mib(pid)
    students = new_class(args)
    tasks = [asyncio.create_task(student_loop(s, uri, args)) for s in students]
    # Steady state: from the moment every page is loaded until the first student
    # stops clicking; throughput and CPU are measured over that window.
    while any(s.load_ms is None and not s.errors for s in students):
        await asyncio.sleep(0.05)
    memory[f"{args.clients} pages loaded"] = rss_mib(pid)
    start, cpu0, client_cpu0 = (
        time.perf_counter(),
        cpu_seconds(pid),
        time.process_time(),
    )
    wall_start = time.time()
    while not any(task.done() for task in tasks):
        await asyncio.sleep(0.05)
    end, cpu1, client_cpu1 = time.perf_counter(), cpu_seconds(pid), time.process_time()
    wall_end = time.time()
    await asyncio.gather(*tasks)
    memory["end of the run"] = rss_mib(pid)
    window = max(end - start, 1e-9)
    clicks = sum(start <= t <= end for s in students for t in s.click_done)
    usage = {
        "warm-up load (ms)": warm_ms,
        "window (s)": window,
        "throughput (clicks/s)": clicks / window,
        "server CPU (cores busy)": (cpu1 - cpu0) / window,
        "load generator CPU (cores busy)": (client_cpu1 - client_cpu0) / window,
        "server CPU per click (ms)": (cpu1 - cpu0) / max(clicks, 1) * 1e3,
        "wall start": wall_start,
        "wall end": wall_end,
    }
    return students, memory, usage


def children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (nginx's workers)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


class CpuMeter:
    """CPU seconds of some processes, remembered when one of them is gone."""

    def __init__(self, pids: dict[str, list[int]]) -> None:
        self.pids = pids
        self.last: dict[str, float] = {}
        self.sample()

    def sample(self) -> dict[str, float]:
        for name, pids in self.pids.items():
            with contextlib.suppress(OSError, IndexError):  # stopped: keep the last
                self.last[name] = sum(cpu_seconds(pid) for pid in pids)
        return dict(self.last)


async def classroom_replicas(
    proxy: Deployment, args: argparse.Namespace
) -> tuple[list[Student], dict[str, tuple[float, float]], dict[str, float], dict]:
    """The class through nginx; optionally stop replica 0 in the middle."""
    uri = proxy.url.replace("http://", "ws://") + "/_stcore/stream"
    alive = list(proxy.replicas)

    def memory_now() -> tuple[float, float]:
        values = [rss_mib(r.pid) for r in alive if r.process.poll() is None]
        return sum(v[0] for v in values), sum(v[1] for v in values)

    memory = {"fresh servers": memory_now()}
    warm = []
    for replica in proxy.replicas:  # each replica pays its own cold start first
        warm.append(
            await warm_up(
                replica.url.replace("http://", "ws://") + "/_stcore/stream",
                args.timeout,
            )
        )
    memory["after a warm-up session each"] = memory_now()
    students = new_class(args)
    tasks = [asyncio.create_task(student_loop(s, uri, args, proxy)) for s in students]
    while any(s.load_ms is None and not s.errors for s in students):
        await asyncio.sleep(0.05)
    memory[f"{args.clients} pages loaded"] = memory_now()
    per_replica_rss = {r.number: rss_mib(r.pid)[0] for r in proxy.replicas}
    meter = CpuMeter(
        {
            **{f"replica {r.number}": [r.pid] for r in proxy.replicas},
            "nginx": [proxy.nginx.pid, *children(proxy.nginx.pid)],
        }
    )
    start, cpu0, client_cpu0 = time.perf_counter(), meter.sample(), time.process_time()
    stopped_at = None
    while not any(task.done() for task in tasks):
        if (
            args.stop_replica_at
            and stopped_at is None
            and time.perf_counter() - start >= args.stop_replica_at
        ):
            meter.sample()
            stopped_at = time.perf_counter() - start
            await asyncio.to_thread(proxy.replicas[0].stop)
            alive.remove(proxy.replicas[0])
        meter.sample()
        await asyncio.sleep(0.25)
    end, cpu1, client_cpu1 = time.perf_counter(), meter.sample(), time.process_time()
    await asyncio.gather(*tasks)
    memory["end of the run"] = memory_now()
    window = max(end - start, 1e-9)
    clicks = sum(start <= t <= end for s in students for t in s.click_done)
    usage = {
        "warm-up load (ms)": statistics.median(warm),
        "window (s)": window,
        "throughput (clicks/s)": clicks / window,
        "server CPU (cores busy)": sum(
            cpu1[f"replica {r.number}"] - cpu0[f"replica {r.number}"]
            for r in proxy.replicas
        )
        / window,
        "load generator CPU (cores busy)": (client_cpu1 - client_cpu0) / window,
    }
    per_replica = {
        "cpu": {name: (cpu1[name] - cpu0[name]) / window for name in cpu0},
        "rss loaded": per_replica_rss,
        "rss end": {
            r.number: rss_mib(r.pid)[0] for r in alive if r.process.poll() is None
        },
        "stopped at": stopped_at,
    }
    return students, memory, usage, per_replica


def report_replicas(
    students: list[Student],
    per_replica: dict,
    proxy: Deployment,
    args: argparse.Namespace,
) -> None:
    """Per replica: students, CPU, memory; and what the fault did to whom."""
    print("\n| replica | students | CPU (cores busy) | RSS loaded / end (MiB) |")
    print("| --- | ---: | ---: | ---: |")
    for r in proxy.replicas:
        mine = sum(s.replica == r.number for s in students)
        end = per_replica["rss end"].get(r.number)
        end_text = f"{end:,.0f}" if end is not None else "stopped"
        print(
            f"| {r.number} (port {r.port}) | {mine} | "
            f"{per_replica['cpu'][f'replica {r.number}']:.2f} | "
            f"{per_replica['rss loaded'][r.number]:,.0f} / {end_text} |"
        )
    print(f"| nginx (master + worker) | | {per_replica['cpu']['nginx']:.2f} | |")
    errors = (proxy.folder / "error.log").read_text(errors="replace").splitlines()
    print(f"\nnginx error log: {len(errors)} lines")
    for line in errors[:3]:
        print(f"- {line}")
    unknown = sum(s.replica is None for s in students)
    if unknown:
        print(f"\n{unknown} students' replica not found in nginx's log")
    if args.uploads:
        ok = [s for s in students if s.upload == "ok"]
        tried = [s for s in students if s.upload is not None]
        print(
            f"\nUploads through nginx (multipart PUT with the XSRF header, then the "
            f"page names the file): {len(ok)} of {len(tried)} ok"
        )
        for s in tried:
            if s.upload != "ok":
                print(f"- student {s.number}: {s.upload}")
    if per_replica["stopped at"] is not None:

        def back(group: list[Student]) -> str:
            times = [t for s in group for t in s.back_ms]
            if not times:
                return "-"
            return f"{statistics.median(times):,.0f} / {max(times):,.0f}"

        on = [s for s in students if s.replica == 0]
        off = [s for s in students if s.replica != 0]
        print(
            f"\n## Replica 0 stopped {per_replica['stopped at']:.1f} s into the "
            "steady state\n"
        )
        print(
            "| students | count | errors | isolation | dropped (expected) | "
            "fresh session, URL settings back | drop to page back p50 / max (ms) "
            "| moved to |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
        for name, group in (("on the stopped replica", on), ("on the others", off)):
            moved = sorted({s.moved_to for s in group if s.moved_to is not None})
            print(
                f"| {name} | {len(group)} | {sum(len(s.errors) for s in group)} | "
                f"{sum(len(s.isolation) for s in group)} | "
                f"{sum(len(s.disconnects) for s in group)} | "
                f"{sum(s.fresh_sessions for s in group)} | {back(group)} | "
                f"{', '.join(f'replica {m}' for m in moved) or '-'} |"
            )


def report(
    students: list[Student],
    memory: dict[str, tuple[float, float]],
    usage: dict[str, float],
    args: argparse.Namespace,
    server_log: list[str],
    where: str = "",
    memory_label: str = "server memory",
) -> None:
    nexts = [t for s in students for t in s.next_ms]
    resets = [t for s in students for t in s.reset_ms]
    loads = [s.load_ms for s in students if s.load_ms is not None]
    errors = [f"student {s.number}: {e}" for s in students for e in s.errors]
    isolation = [f"student {s.number}: {e}" for s in students for e in s.isolation]
    think = f"{args.think:g} s think time" if args.think else "no think time"
    print(
        f"# Classroom: {args.clients} students, {args.duration:g} s, "
        f"{args.n_samples:,} points each, {think}, {os.cpu_count()} cores{where}\n"
    )
    print("| what | value |")
    print("| --- | ---: |")
    rows = [
        ("errors (exceptions, failed runs, timeouts, connections)", len(errors)),
        ("server log lines with an error or warning", len(server_log)),
        ("isolation failures (URL or map showing other data)", len(isolation)),
        (
            "maps checked against the student's own points",
            sum(s.maps_checked for s in students),
        ),
        ("Next clicks / Reset clicks", f"{len(nexts):,} / {len(resets):,}"),
        (
            "throughput, every page loaded (clicks per second, whole class)",
            f"{usage['throughput (clicks/s)']:.1f} over {usage['window (s)']:.0f} s",
        ),
    ]
    if nexts:
        rows += [
            (
                "Next: p50 / p95 / max (ms)",
                f"{statistics.median(nexts):,.0f} / {percentile(nexts, 0.95):,.0f} / "
                f"{max(nexts):,.0f}",
            ),
        ]
    if resets:
        rows.append(("Reset: p50 (ms)", f"{statistics.median(resets):,.0f}"))
    if loads:
        rows.append(
            (
                f"page load, {len(loads)} at once: p50 / p95 / max (ms)",
                f"{statistics.median(loads):,.0f} / {percentile(loads, 0.95):,.0f} / "
                f"{max(loads):,.0f}",
            )
        )
    rows.append(
        (
            "page load, one warm-up session alone (ms)",
            f"{usage['warm-up load (ms)']:,.0f}",
        )
    )
    rows.append(
        (
            "server CPU, every page loaded (cores busy)",
            f"{usage['server CPU (cores busy)']:.2f}",
        )
    )
    rows.append(
        (
            "load generator CPU, same window (cores busy)",
            f"{usage['load generator CPU (cores busy)']:.2f}",
        )
    )
    for name, value in rows:
        print(f"| {name} | {value} |")
    print(f"\n| {memory_label} | RSS (MiB) | peak RSS (MiB) |")
    print("| --- | ---: | ---: |")
    for name, (rss, hwm) in memory.items():
        print(f"| {name} | {rss:,.0f} | {hwm:,.0f} |")
    base = next(v for k, v in memory.items() if k.startswith("after a warm-up"))[0]
    per = (memory["end of the run"][0] - base) / max(1, len(students))
    print(f"| per session: (end - after warm-up) / {len(students)} | {per:,.1f} | |")
    for line in (errors + isolation + server_log)[:20]:
        print(f"- {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds")
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean seconds between a step arriving and the next click",
    )
    parser.add_argument(
        "--n-samples",
        type=int,
        default=2000,
        help="points in every student's data (50..3000)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        help="seconds a click may take before it counts as an error",
    )
    parser.add_argument(
        "--replicas",
        type=int,
        default=0,
        help="serve through nginx in front of N replicas (deploy/serve.py); "
        "0: one Streamlit process, no proxy",
    )
    parser.add_argument(
        "--stop-replica-at",
        type=float,
        default=0.0,
        help="with --replicas: stop replica 0 this many seconds into the steady state",
    )
    parser.add_argument(
        "--uploads",
        type=int,
        default=0,
        help="with --replicas: this many students first upload a CSV through nginx",
    )
    parser.add_argument(
        "--before",
        type=Path,
        default=None,
        help="another checkout (with .venv) to serve too, alternating with this "
        "one, for a before/after in one run",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="with --before: this many before/after pairs",
    )
    parser.add_argument(
        "--setup", default="", help="Python run in this checkout's server first"
    )
    parser.add_argument(
        "--before-setup", default="", help="Python run in --before's server first"
    )
    parser.add_argument(
        "--gc-log",
        action="store_true",
        help="log the server's garbage collections and report their pauses",
    )
    args = parser.parse_args()
    if args.replicas:
        with serve(replicas=args.replicas) as proxy:
            students, memory, usage, per_replica = asyncio.run(
                classroom_replicas(proxy, args)
            )
            lines = [
                f"replica {r.number}: {line}"
                for r in proxy.replicas
                for line in r.output().splitlines()
            ]
            report(
                students,
                memory,
                usage,
                args,
                problems(lines),
                where=f", through nginx to {args.replicas} replicas",
                memory_label="replicas' memory (sum)",
            )
            report_replicas(students, per_replica, proxy, args)
        return
    if args.before is None:
        result = one_class(ROOT, args.setup, args)
        report(*result[:3], args, result[3])
        if args.gc_log:
            report_gc(result[4], result[2]["window (s)"])
        return
    runs: dict[str, list[tuple]] = {"before": [], "after": []}
    for _ in range(args.rounds):
        runs["before"].append(one_class(args.before.resolve(), args.before_setup, args))
        runs["after"].append(one_class(ROOT, args.setup, args))
    compare(runs, args)


def one_class(tree: Path, setup: str, args: argparse.Namespace) -> tuple:
    """One class against a fresh server of checkout ``tree``: students, memory,
    usage, the server's log problems and its collections in the steady state."""
    with tempfile.TemporaryDirectory(prefix="fogmap-classroom-") as folder:
        gc_log = Path(folder) / "gc.jsonl" if args.gc_log else None
        with fogmap_server(tree, setup, gc_log) as (base, server):
            log = ServerLog(server)
            uri = base.replace("http://", "ws://") + "/_stcore/stream"
            students, memory, usage = asyncio.run(classroom(uri, server.pid, args))
        pauses = (
            gc_pauses(gc_log, usage["wall start"], usage["wall end"])
            if gc_log is not None
            else {}
        )
    return students, memory, usage, log.problems(), pauses


def report_gc(pauses: dict[int, list[list[float]]], window: float) -> None:
    """The server's garbage collections in the steady state."""
    print("\n| generation | collections x median pause, wall ms (max), % of the time |")
    print("| --- | --- |")
    for generation, found in pauses.items():
        print(f"| {generation} | {gc_cell(found, window)} |")


def compare(runs: dict[str, list[tuple]], args: argparse.Namespace) -> None:
    """One table: every run of the before and the after checkout, in the order run."""
    think = f"{args.think:g} s think time" if args.think else "no think time"
    print(
        f"# Classroom, before ({args.before}) and after ({ROOT}), alternating: "
        f"{args.clients} students, {args.duration:g} s, {args.n_samples:,} points, "
        f"{think}, {os.cpu_count()} cores\n"
    )
    if args.setup or args.before_setup:
        print(f"setup before: `{args.before_setup}`; after: `{args.setup}`\n")
    names = [
        f"{side} {i + 1}" for i in range(args.rounds) for side in ("before", "after")
    ]
    results = [runs[n.split()[0]][int(n.split()[1]) - 1] for n in names]
    print("| what | " + " | ".join(names) + " |")
    print("| --- |" + " ---: |" * len(names))

    def row(label: str, cell) -> None:
        print(f"| {label} | " + " | ".join(cell(*r) for r in results) + " |")

    def nexts(students: list[Student]) -> list[float]:
        return [t for s in students for t in s.next_ms] or [float("nan")]

    row(
        "errors / isolation failures / server log problems",
        lambda st, _m, _u, log, _g: (
            f"{sum(len(s.errors) for s in st)} / "
            f"{sum(len(s.isolation) for s in st)} / {len(log)}"
        ),
    )
    row(
        "maps checked",
        lambda st, *_: f"{sum(s.maps_checked for s in st):,}",
    )
    row(
        "clicks per second",
        lambda _s, _m, u, *_: f"{u['throughput (clicks/s)']:.1f}",
    )
    row(
        "Next p50 / p95 / max (ms)",
        lambda st, *_: (
            f"{statistics.median(nexts(st)):,.0f} / "
            f"{percentile(nexts(st), 0.95):,.0f} / {max(nexts(st)):,.0f}"
        ),
    )
    row(
        "server CPU (cores) / per click (ms)",
        lambda _s, _m, u, *_: (
            f"{u['server CPU (cores busy)']:.2f} / {u['server CPU per click (ms)']:.1f}"
        ),
    )
    row(
        "RSS end (MiB)",
        lambda _s, m, *_: f"{m['end of the run'][0]:,.0f}",
    )
    if args.gc_log:
        for generation in (0, 1, 2):
            row(
                f"gen {generation} collections: count x median (max) ms, % of time",
                lambda _s, _m, u, _l, g, generation=generation: gc_cell(
                    g[generation], u["window (s)"]
                ),
            )
    problems_seen = [
        f"{name}: {line}"
        for name, r in zip(names, results, strict=True)
        for line in (
            [f"student {s.number}: {e}" for s in r[0] for e in s.errors + s.isolation]
            + r[3]
        )
    ]
    for line in problems_seen[:20]:
        print(f"- {line}")


def gc_cell(found: list[list[float]], window: float) -> str:
    """``count x median (max) ms, share of the window`` for one generation."""
    if not found:
        return "0"
    walls = [p[0] for p in found]
    return (
        f"{len(walls)} x {statistics.median(walls):.1f} ({max(walls):.0f}), "
        f"{sum(walls) / window / 10:.1f}%"
    )


if __name__ == "__main__":
    main()
