"""The house rules of gmm_app, kept by a test (docs/ARCHITECTURE.md, "Layers").

gmm_core (numbers) <- gmm_app (shell, plotting, words, one package per lesson)
<- app.py and pages/. (That gmm_core stands alone: tests/core/test_layers.py.)
Read from the source with ``ast``, so a rule broken in a module no test imports
is still caught, and followed through imports, so a Streamlit-free module cannot
reach Streamlit through a module it imports.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "gmm_app"
LESSONS = ("explorer", "stepper", "shapes", "choosing_k")
SHARED = ("shell", "plotting", "words", "questions", "lesson_steps")
# A lesson's modules that may not reach Streamlit: figures (Plotly), numbers and
# words computed from them.
STREAMLIT_FREE = ("figures", "model", "equations", "narration", "verdict")
# gmm_app grows by splitting a module that passes this many lines (ARCHITECTURE.md).
MAX_LINES = 600


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    """Every module of the project's code: gmm_core, gmm_app, app.py and pages."""
    files = [*ROOT.joinpath("gmm_core").rglob("*.py"), *APP.rglob("*.py")]
    files += [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
    return {_module_name(f): f for f in sorted(files)}


SOURCES = _sources()


@cache
def _imports(module: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """What a module imports: (module, names taken from it) per import statement."""
    tree = ast.parse(SOURCES[module].read_text(encoding="utf-8"))
    found: list[tuple[str, tuple[str, ...]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, ()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = tuple(alias.name for alias in node.names)
            found.append((node.module, names))
            # ``from gmm_app.stepper import panels`` imports a module too.
            found += [
                (f"{node.module}.{n}", ())
                for n in names
                if f"{node.module}.{n}" in SOURCES
            ]
    return tuple(found)


def _direct(module: str) -> set[str]:
    """Top-level names of what ``module`` imports (``streamlit``, ``gmm_app.words``)."""
    return {name for name, _ in _imports(module)}


@cache
def _reaches(module: str) -> frozenset[str]:
    """Everything ``module`` imports, directly or through the project's modules."""
    seen: set[str] = set()
    todo = [module]
    while todo:
        for name in _direct(todo.pop()):
            if name in seen:
                continue
            seen.add(name)
            if name in SOURCES:
                todo.append(name)
            # Importing a package's module runs the package's __init__ first.
            parent = name.rpartition(".")[0]
            if parent in SOURCES and parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return frozenset(seen)


def _uses(module: str, library: str) -> list[str]:
    """The modules through which ``module`` reaches ``library`` (empty: it does not)."""
    chain = [module, *sorted(m for m in _reaches(module) if m in SOURCES)]
    return [
        m
        for m in chain
        if any(n == library or n.startswith(library + ".") for n in _direct(m))
    ]


def _lesson_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] == "gmm_app" and len(parts) > 1 and parts[1] in LESSONS:
        return parts[1]
    return None


def _app_modules(*, under: str = "gmm_app") -> list[str]:
    return [m for m in SOURCES if m == under or m.startswith(under + ".")]


def test_the_house_has_its_rooms() -> None:
    for lesson in LESSONS:
        assert f"gmm_app.{lesson}" in SOURCES, lesson
        assert f"gmm_app.{lesson}.panels" in SOURCES, lesson
    assert {"gmm_app.shell", "gmm_app.plotting", "gmm_app.words"} <= set(SOURCES)
    assert len(_app_modules()) >= 25


def test_no_lesson_imports_another_lesson() -> None:
    offenders = [
        f"{m} imports {name}"
        for m in _app_modules()
        if (mine := _lesson_of(m))
        for name in _direct(m)
        if (theirs := _lesson_of(name)) and theirs != mine
    ]
    assert offenders == []


def test_shared_packages_import_no_lesson() -> None:
    shared = [
        m for m in _app_modules() if m.split(".")[1:2] and m.split(".")[1] in SHARED
    ]
    assert len(shared) >= 10
    offenders = [
        f"{m} reaches {name}"
        for m in shared
        for name in _reaches(m)
        if _lesson_of(name)
    ]
    assert offenders == []


def test_plotting_and_words_reach_neither_streamlit_nor_the_shell() -> None:
    pure = [
        m
        for m in _app_modules()
        if m.startswith(
            (
                "gmm_app.plotting",
                "gmm_app.words",
                "gmm_app.questions",
                "gmm_app.lesson_steps",
            )
        )
    ]
    assert len(pure) >= 6
    offenders = {m: _uses(m, "streamlit") for m in pure if _uses(m, "streamlit")}
    offenders |= {
        m: sorted(n for n in _reaches(m) if n.startswith("gmm_app.shell"))
        for m in pure
        if any(n.startswith("gmm_app.shell") for n in _reaches(m))
    }
    assert offenders == {}


def _leaf(module: str) -> str:
    return module.rpartition(".")[2]


def test_lesson_figures_and_models_reach_no_streamlit() -> None:
    """A lesson's figures, numbers and words can be used without a page."""
    pure = [
        m
        for m in _app_modules()
        if _lesson_of(m) and _leaf(m).startswith(STREAMLIT_FREE)
    ]
    assert len(pure) >= len(LESSONS)
    offenders = {m: _uses(m, "streamlit") for m in pure if _uses(m, "streamlit")}
    assert offenders == {}


def test_models_and_words_reach_no_plotly() -> None:
    """The numbers and the words are plain Python over numpy: no drawing library."""
    pure = [
        m
        for m in _app_modules()
        if (_lesson_of(m) and _leaf(m).startswith("model")) or m == "gmm_app.words"
    ]
    offenders = {m: _uses(m, "plotly") for m in pure if _uses(m, "plotly")}
    assert offenders == {}


def test_no_module_imports_another_modules_private_names() -> None:
    offenders = [
        f"{m}: from {source} import {name}"
        for m in SOURCES
        for source, names in _imports(m)
        if source.startswith(("gmm_app", "gmm_core"))
        for name in names
        if name.startswith("_")
    ]
    assert offenders == []


def test_no_module_reaches_into_another_modules_private_names() -> None:
    """``module._name`` on a project module is the same break, spelt differently."""
    offenders = []
    for m, path in SOURCES.items():
        modules = {
            alias.asname or alias.name
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.ImportFrom)
            and (node.module or "").startswith(("gmm_app", "gmm_core"))
            for alias in node.names
            if f"{node.module}.{alias.name}" in SOURCES
        }
        offenders += [
            f"{m}: {node.value.id}.{node.attr}"
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ]
    assert offenders == []


def test_a_page_shows_one_lesson() -> None:
    """Each page script imports its own lesson package and no other."""
    for m in SOURCES:
        if m.startswith("pages."):
            lessons = {_lesson_of(name) for name in _direct(m)} - {None}
            assert len(lessons) == 1, (m, lessons)


@pytest.mark.parametrize("module", _app_modules())
def test_no_app_module_outgrows_a_screenful_of_files(module: str) -> None:
    lines = SOURCES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, (
        f"{module} has {lines} lines; split it by concern (ARCHITECTURE.md)"
    )


def _loads(modules: list[str]) -> list[str]:
    """Which of Streamlit and Plotly importing ``modules`` loads, in a fresh Python."""
    check = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(' '.join(m for m in ('streamlit', 'plotly') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", check],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_the_numbers_and_words_load_no_drawing_library_when_run() -> None:
    """The same rules, checked by running the imports (what a static read of the
    source could miss, such as an import made by code that runs at import time)."""
    models = [
        m
        for m in _app_modules()
        if (_lesson_of(m) and _leaf(m).startswith("model")) or m == "gmm_app.words"
    ]
    assert _loads(models) == []
    pure = [
        m
        for m in _app_modules()
        if (_lesson_of(m) and _leaf(m).startswith(STREAMLIT_FREE))
        or m.startswith("gmm_app.plotting")
    ]
    assert "streamlit" not in _loads(pure)
