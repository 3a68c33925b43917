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

Run: ``.venv/bin/python bench/classroom.py [--clients 30] [--duration 60]``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import numpy as np
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "browser")]

from conftest import streamlit_server  # noqa: E402

from gmm_core import load_preset  # noqa: E402

PAGE = "EM_stepper"
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
        words = ("Traceback", "Error", "Exception", "WARNING", "ERROR")
        return [line for line in self.lines if any(w in line for w in words)]


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
                elif kind == "page_info_changed":
                    run.query = self.query = fwd.page_info_changed.query_string
                elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                    element = fwd.delta.new_element
                    what = element.WhichOneof("type")
                    if what == "button":
                        b = element.button
                        key = b.id.rsplit("-", 1)[-1]
                        run.buttons[key] = (b.id, fwd.delta.fragment_id, b.disabled)
                    elif what == "exception":
                        e = element.exception
                        run.exceptions.append(f"{e.type}: {e.message}")
                    elif what == "component_instance" and (
                        element.component_instance.id.endswith("-em_map")
                    ):  # the map is a live chart: its figure is an argument
                        args = json.loads(element.component_instance.json_args)
                        run.map_spec = args["figure"]
                elif kind == "script_finished" and fwd.script_finished in DONE:
                    run.status = fwd.script_finished
                    break
        run.seconds = time.perf_counter() - start
        self.buttons.update(run.buttons)
        return run

    async def open(self, query: str) -> Run:
        """Open the stepper with ``query`` (the browser's first rerun request)."""

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


async def student_loop(student: Student, uri: str, args: argparse.Namespace) -> None:
    """One student: open the page, then click Next for ``args.duration`` seconds."""
    rng = random.Random(student.number)
    X = load_preset(student.dataset, student.n_samples, student.data_seed).X
    try:
        async with websockets.connect(
            uri, subprotocols=["streamlit"], max_size=None, open_timeout=args.timeout
        ) as ws:
            session = Session(ws, args.timeout)
            run = await session.open(student.start_query)
            student.load_ms = run.seconds * 1000.0
            check_run(student, run, X, None)
            step = int(parse_qs(session.query).get("em_step", ["0"])[0])
            if "em_next" not in session.buttons:
                student.errors.append("no Next button on the page")
                return
            stop_at = time.perf_counter() + args.duration
            while time.perf_counter() < stop_at:
                if args.think > 0:
                    await asyncio.sleep(args.think * rng.uniform(0.5, 1.5))
                if session.buttons["em_next"][2]:  # disabled: the trace has ended
                    run = await session.click("em_reset")
                    student.reset_ms.append(run.seconds * 1000.0)
                    step = 0
                else:
                    run = await session.click("em_next")
                    student.next_ms.append(run.seconds * 1000.0)
                    step += 1
                student.click_done.append(time.perf_counter())
                check_run(student, run, X, step)
    except TimeoutError:
        student.errors.append(f"timeout: no answer within {args.timeout:.0f} s")
    except (websockets.WebSocketException, OSError) as exc:
        student.errors.append(f"connection: {exc!r}")


async def warm_up(uri: str, timeout: float) -> float:
    """One session that opens the stepper and leaves (imports, first run)."""
    async with websockets.connect(uri, subprotocols=["streamlit"]) as ws:
        run = await Session(ws, timeout).open("dataset=blobs&data_seed=9999")
    return run.seconds * 1000.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def classroom(
    uri: str, pid: int, args: argparse.Namespace
) -> tuple[list[Student], dict[str, tuple[float, float]], dict[str, float]]:
    memory = {"fresh server": rss_mib(pid)}
    warm_ms = await warm_up(uri, args.timeout)
    memory["after a warm-up session"] = rss_mib(pid)
    students = [
        Student(
            number=i,
            dataset=DATASETS[i % len(DATASETS)],
            data_seed=100 + i,
            n_samples=args.n_samples,
        )
        for i in range(args.clients)
    ]
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
    while not any(task.done() for task in tasks):
        await asyncio.sleep(0.05)
    end, cpu1, client_cpu1 = time.perf_counter(), cpu_seconds(pid), time.process_time()
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
    }
    return students, memory, usage


def report(
    students: list[Student],
    memory: dict[str, tuple[float, float]],
    usage: dict[str, float],
    args: argparse.Namespace,
    server_log: list[str],
) -> None:
    nexts = [t for s in students for t in s.next_ms]
    resets = [t for s in students for t in s.reset_ms]
    loads = [s.load_ms for s in students if s.load_ms is not None]
    errors = [f"student {s.number}: {e}" for s in students for e in s.errors]
    isolation = [f"student {s.number}: {e}" for s in students for e in s.isolation]
    think = f"{args.think:g} s think time" if args.think else "no think time"
    print(
        f"# Classroom: {args.clients} students, {args.duration:g} s, "
        f"{args.n_samples:,} points each, {think}, {os.cpu_count()} cores\n"
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
    print("\n| server memory | RSS (MiB) | peak RSS (MiB) |")
    print("| --- | ---: | ---: |")
    for name, (rss, hwm) in memory.items():
        print(f"| {name} | {rss:,.0f} | {hwm:,.0f} |")
    base = memory["after a warm-up session"][0]
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
    args = parser.parse_args()
    with streamlit_server() as (base, server):
        log = ServerLog(server)
        uri = base.replace("http://", "ws://") + "/_stcore/stream"
        students, memory, usage = asyncio.run(classroom(uri, server.pid, args))
    report(students, memory, usage, args, log.problems())


if __name__ == "__main__":
    main()
