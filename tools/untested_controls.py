"""List the controls a student can touch that no test mentions.

Every widget Fogmap draws has a stable key (``key="fx_fog"``); a test that changes a
control finds it by that key. This reads the app's source (``gmm_app``, ``app.py``,
``pages``) for the keys of Streamlit's input widgets and of charts a student can
click or select on, then looks for each key in the tests' source. A key built at run
time (``key=f"em_place_{k}"``) counts by its fixed part (``em_place_``).

Run: ``.venv/bin/python tools/untested_controls.py`` (prints the keys no test
mentions, one per line, and exits 1 when there is any). ``tests/test_controls.py``
runs the same check.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Streamlit's input widgets (what a student can set, press or pick).
WIDGETS = frozenset(
    {
        "button",
        "checkbox",
        "color_picker",
        "data_editor",
        "date_input",
        "download_button",
        "feedback",
        "file_uploader",
        "form_submit_button",
        "multiselect",
        "number_input",
        "pills",
        "radio",
        "segmented_control",
        "select_slider",
        "selectbox",
        "slider",
        "text_area",
        "text_input",
        "time_input",
        "toggle",
    }
)
# Charts a student can click or select on (their key is a control too).
CLICKABLE = frozenset({"plotly_chart", "live_chart"})


@dataclass(frozen=True)
class Control:
    """A widget key (or its fixed prefix) and where it is drawn."""

    key: str
    where: str
    prefix: bool = False


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _key(node: ast.Call) -> tuple[str, bool] | None:
    for keyword in node.keywords:
        if keyword.arg != "key":
            continue
        value = keyword.value
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return value.value, False
        if isinstance(value, ast.JoinedStr):
            fixed = ""
            for part in value.values:
                if not (isinstance(part, ast.Constant) and isinstance(part.value, str)):
                    break
                fixed += part.value
            return (fixed, True) if fixed else None
    return None


def _is_control(node: ast.Call) -> bool:
    name = _name(node.func)
    if name in WIDGETS:
        return True
    if name == "shared_widget" and node.args:  # state.shared_widget(st.slider, ...)
        return _name(node.args[0]) in WIDGETS
    if name in CLICKABLE:
        return (
            any(k.arg in {"on_select", "on_click", "clickable"} for k in node.keywords)
            or name == "live_chart"
        )
    return False


def app_controls(root: Path = ROOT) -> list[Control]:
    """Every control key drawn by the app's source, sorted.

    Parameters
    ----------
    root : Path
        The project's root.

    Returns
    -------
    list of Control
    """
    files = [*root.joinpath("gmm_app").rglob("*.py"), root / "app.py"]
    files += sorted(root.joinpath("pages").glob("*.py"))
    found: dict[str, Control] = {}
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _is_control(node):
                key = _key(node)
                if key is not None:
                    where = f"{path.relative_to(root)}:{node.lineno}"
                    found.setdefault(key[0], Control(key[0], where, key[1]))
    return sorted(found.values(), key=lambda c: c.key)


def untested(root: Path = ROOT) -> list[Control]:
    """The controls whose key no file under ``tests/`` mentions.

    Parameters
    ----------
    root : Path

    Returns
    -------
    list of Control
    """
    text = "\n".join(
        p.read_text(encoding="utf-8")
        for p in sorted(root.joinpath("tests").rglob("*.py"))
    )
    missing = []
    for control in app_controls(root):
        pattern = re.escape(control.key) + ("" if control.prefix else r"(?![\w])")
        if not re.search(r"(?<![\w])" + pattern, text):
            missing.append(control)
    return missing


def main() -> int:
    """Print the untested controls; 1 if there is any."""
    missing = untested()
    for control in missing:
        shown = control.key + ("…" if control.prefix else "")
        print(f"{shown}\t{control.where}")
    total = len(app_controls())
    print(f"{total - len(missing)} of {total} controls are mentioned by a test.")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
