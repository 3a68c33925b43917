"""Helpers for reading what AppTest rendered."""

from __future__ import annotations

import base64
import itertools
import json
import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture
from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.testing.v1 import AppTest

from gmm_core import GMMParams, initialize

ROOT = Path(__file__).resolve().parents[2]


LIVE_CHART = "fogmap.live_chart"
_CLICKS = itertools.count()


def live_charts(at: AppTest) -> list[tuple[str, dict]]:
    """Every live chart (``gmm_app.shell.live_chart``) as (key, its data).

    A live chart is a custom component of Streamlit's version 2; AppTest shows it
    as an unknown element of type ``bidi_component`` whose ``bytes`` are the data
    the browser receives: its arguments' JSON (template, config...), a newline and
    the figure's JSON, here under ``"figure"`` as text.
    """
    charts = []
    for el in at.get("bidi_component"):
        if el.proto.component_name == LIVE_CHART:
            head, figure = el.proto.bytes.decode().split("\n", 1)
            charts.append(
                (el.proto.id.rsplit("-", 1)[-1], json.loads(head) | {"figure": figure})
            )
    return charts


def click_live_chart(at: AppTest, key: str, value: dict) -> AppTest:
    """Click the live chart ``key`` as its frontend reports it, then rerun.

    ``value`` is what the chart sends for a click (``{"row": 17}``, or with
    ``anywhere`` ``{"x": .., "y": ..}``), with the ``"click"`` stamp that tells this
    click from earlier ones (a new one when ``value`` has none). The browser sends
    it as the component's trigger value "click"; AppTest has no API for a custom
    component's trigger, so this sends the widget state the browser would (the
    trigger widget's id is Streamlit's own, ``bidi_component.main._make_trigger_id``).
    """
    found = [
        el
        for el in at.get("bidi_component")
        if el.proto.component_name == LIVE_CHART
        and el.proto.id.rsplit("-", 1)[-1] == key
    ]
    assert len(found) == 1, f"{len(found)} live charts with key {key!r}"
    states = at._tree.get_widget_states()
    trigger = states.widgets.add()
    trigger.id = _make_trigger_id(found[0].proto.id, "events")
    value = {"click": f"apptest {next(_CLICKS)}", **value}
    trigger.json_trigger_value = json.dumps([{"event": "click", "value": value}])
    return at._run(states)


def _charts(at: AppTest) -> list[tuple[str, dict]]:
    """Every Plotly chart as (key, figure JSON), in the page's order, sidebar last:
    ``st.plotly_chart``s and live charts (``gmm_app.shell.live_chart``) alike.
    """
    charts = []

    def walk(node: Any) -> None:
        children = getattr(node, "children", None)
        if isinstance(children, dict):  # a block: its elements in order
            for index in sorted(children):
                walk(children[index])
        elif node.type == "plotly_chart":
            charts.append(
                (node.proto.id.rsplit("-", 1)[-1], json.loads(node.proto.spec))
            )
        elif node.type == "bidi_component" and node.proto.component_name == LIVE_CHART:
            figure = node.proto.bytes.decode().split("\n", 1)[1]
            charts.append((node.proto.id.rsplit("-", 1)[-1], json.loads(figure)))

    walk(at.main)
    walk(at.sidebar)
    return charts


def plotly_figures(at: AppTest) -> list[dict]:
    """The Plotly figures on the page, as the JSON the browser receives."""
    return [figure for _, figure in _charts(at)]


def numbers_in(values: object) -> list[float]:
    """Every number in a (nested) list from a figure's trace."""
    if isinstance(values, list):
        return [n for v in values for n in numbers_in(v)]
    if isinstance(values, (int, float)) and not isinstance(values, bool):
        return [float(values)]
    return []


def active_data_line(at: AppTest) -> str:
    """The sidebar's "Active data: ..." line."""
    lines = [m.value for m in at.sidebar.markdown if "Active data" in m.value]
    assert len(lines) == 1
    return lines[0]


STEPPER = "pages/2_EM_stepper.py"
POSITION = "fog.em_position"
_NARRATION_STARTS = ("**The guess.**", "**E-step ", "**M-step ")


def open_lesson(
    page: str, query_params: dict[str, str] | None = None, timeout: float = 180
) -> AppTest:
    """A fresh session on ``page``, reached from Home as a student would.

    ``query_params`` are in the URL of the session's first run (a shared link).
    """
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for name, value in (query_params or {}).items():
        at.query_params[name] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def ok(at: AppTest) -> AppTest:
    """``at`` after checking its page shows no traceback."""
    assert not at.exception, [e.value for e in at.exception]
    return at


def sections(at: AppTest) -> dict[str, int]:
    """Each expander's label (its first words) -> how many elements it holds."""
    return {e.label.split(":")[0]: len(e.children) for e in at.expander}


def close_section(at: AppTest, section: str) -> AppTest:
    """Close the section ``section`` as the browser does: its state and its URL
    parameter, then rerun.

    (AppTest has no browser to drop the parameter from the URL, and a bound
    parameter left there would reopen the section.)
    """
    at.session_state[section] = False
    if section in at.query_params:
        del at.query_params[section]
    return ok(at.run())


def open_stepper(query_params: dict[str, str] | None = None) -> AppTest:
    """A fresh session on the EM stepper (:func:`open_lesson`)."""
    return open_lesson(STEPPER, query_params, timeout=60)


def figure_by_key(at: AppTest, key: str) -> dict:
    """The Plotly figure drawn under ``key`` (``st.plotly_chart`` or a live chart)."""
    found = [figure for name, figure in _charts(at) if name == key]
    assert len(found) == 1, f"{len(found)} charts with key {key!r}"
    return found[0]


def chart_keys(at: AppTest) -> list[str]:
    """The keys of the Plotly charts on the page (Streamlit's, then live charts)."""
    return [name for name, _ in _charts(at)]


def narration(at: AppTest) -> str:
    """The stepper's sentence on what the last half-step did."""
    found = [m.value for m in at.main.markdown if m.value.startswith(_NARRATION_STARTS)]
    assert len(found) == 1, found
    return found[0]


def latex_lines(at: AppTest) -> list[str]:
    """Every formula line on the page, without the ``$$`` fences.

    A block of several lines (``gmm_app.words.aligned``) counts as its lines.
    """
    lines = []
    for el in at.latex:
        body = el.value.strip().removeprefix("$$").removesuffix("$$").strip()
        if body.startswith(r"\begin{gathered}"):
            body = body.removeprefix(r"\begin{gathered}").removesuffix(
                r"\end{gathered}"
            )
            lines += [part.strip() for part in body.split(r"\\[6pt]")]
        else:
            lines.append(body)
    return lines


def click(at: AppTest, key: str, times: int = 1) -> AppTest:
    """Click the button ``key`` ``times`` times, rerunning after each click."""
    for _ in range(times):
        button = at.button(key=key)
        assert not button.disabled, f"{key} is disabled"
        button.click().run()
        assert not at.exception
    return at


def upload_csv(at: AppTest, name: str, content: bytes) -> AppTest:
    """Upload ``content`` as ``name`` through the sidebar's file uploader."""
    at.file_uploader(key="csv_upload").set_value((name, content, "text/csv"))
    at.run()
    assert not at.exception
    return at


_DTYPES = {"f8": "<f8", "f4": "<f4", "i1": "<i1", "u1": "<u1", "i2": "<i2"}
_DTYPES.update({"u2": "<u2", "i4": "<i4", "u4": "<u4", "i8": "<i8", "u8": "<u8"})


def decoded(values: object) -> list[float | None]:
    """The numbers of a trace array, also when Plotly sent it binary-encoded.

    Plotly encodes numpy arrays as ``{"dtype": "f8", "bdata": <base64>}``; a NaN
    there stays a NaN (in a plain list it reaches JSON as null, kept as None).
    """
    if isinstance(values, dict) and "bdata" in values:
        raw = base64.b64decode(values["bdata"])
        return [float(v) for v in np.frombuffer(raw, dtype=_DTYPES[values["dtype"]])]
    if isinstance(values, list):
        return [n for v in values for n in decoded(v)]
    if values is None:
        return [None]
    if isinstance(values, (int, float)) and not isinstance(values, bool):
        return [float(values)]
    return []


def assert_finite_figure(figure: dict) -> None:
    """Every x, y and z of every trace is a finite number, binary-encoded or not.

    Plotly sends numpy arrays binary-encoded; they are decoded before checking.
    """
    for trace in figure.get("data", []):
        for axis in ("x", "y", "z"):
            if axis not in trace:
                continue
            values = decoded(trace[axis])
            name = trace.get("name")
            assert None not in values, f"{name} has a missing {axis}"
            assert all(math.isfinite(v) for v in values), f"{name}: {axis} not finite"


def sklearn_from_the_same_starts(
    X: np.ndarray,
    k: int,
    covariance_type: str,
    *,
    n_init: int = 3,
    seed: int = 0,
    reg_covar: float = 1e-6,
    tol: float = 1e-3,
    max_iter: int = 100,
) -> GaussianMixture:
    """scikit-learn's own EM from the page's K-Means starts: the best restart.

    Restart i is scikit-learn's GaussianMixture fitted from Fogmap's K-Means guess
    of seed ``seed + i`` (weights_init, means_init, precisions_init) with the
    page's tol, max_iter and reg_covar; the best has the highest log-likelihood.
    Fogmap keeps the parameters of the first step that improved by less than tol
    (docs/ARCHITECTURE.md); scikit-learn takes one more M-step after that test.
    So a restart that converged is refitted without tol for that one M-step fewer
    (n_iter_ - 1 steps): the parameters a student is shown.
    """

    def sklearn_fit(start: GMMParams, tol: float, max_iter: int) -> GaussianMixture:
        gm = GaussianMixture(
            k,
            covariance_type=covariance_type,
            weights_init=start.weights,
            means_init=start.means,
            precisions_init=start.precisions,
            reg_covar=reg_covar,
            tol=tol,
            max_iter=max_iter,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return gm.fit(X)

    best: GaussianMixture | None = None
    for i in range(n_init):
        start = initialize(
            X,
            k,
            method="kmeans",
            covariance_type=covariance_type,
            reg_covar=reg_covar,
            seed=seed + i,
        )
        gm = sklearn_fit(start, tol, max_iter)
        if gm.converged_:
            gm = sklearn_fit(start, 0.0, gm.n_iter_ - 1)
        if best is None or gm.score(X) > best.score(X):
            best = gm
    assert best is not None
    return best
