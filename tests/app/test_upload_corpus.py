"""Every file of the nasty-upload corpus uploaded through the sidebar, on every page.

A student uploads on Home, then walks through every page. A usable file is named
on each page (``active_data``: the file, "N of M rows used", the columns) and
every page draws at least one chart; an unusable one leaves an error in the
sidebar that names the file and what is wrong, and the data before it stays
active. No page ever shows a traceback. The Fog explorer's download holds every
used row with its soft assignments, safe to open in a spreadsheet.

The corpus and its expectations: tests/data/nasty/ (see tests/data/make_nasty.py).
"""

from __future__ import annotations

import io
import json
import re
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from apptest_helpers import ROOT, plotly_figures, sklearn_from_the_same_starts
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from gmm_app.explorer.map_panels import SECTION as MAP_SECTION
from gmm_app.words import md_escape
from gmm_core import read_table, with_labels
from gmm_core.tabular import MAX_BYTES

NASTY = ROOT / "tests" / "data" / "nasty"
MANIFEST = json.loads((NASTY / "manifest.json").read_text(encoding="utf-8"))
USABLE = [e for e in MANIFEST if e["usable"]]
UNUSABLE = [e for e in MANIFEST if not e["usable"]]
HOME = "app.py"
EXPLORER = "pages/1_Fog_explorer.py"
PAGES = (
    HOME,
    EXPLORER,
    "pages/2_EM_stepper.py",
    "pages/3_Covariance_shapes.py",
    "pages/4_Choosing_K.py",
)
# The most rows each page fits before it takes a seeded sample (gmm_app.shell.sidebar).
FIT_LIMITS = {
    HOME: 5_000,
    EXPLORER: 20_000,
    "pages/2_EM_stepper.py": 20_000,
    "pages/3_Covariance_shapes.py": 5_000,
    "pages/4_Choosing_K.py": 5_000,
}
BEFORE = ("before.csv", b"u,v\n1,2\n2,1\n3,4\n4,3\n5,5\n6,7\n7,6\n8,8\n")
_UNESCAPE = re.compile(r"\\(.)")

# Corpus files the app mishandles, by test: xfail(strict) until fixed. (All the
# ones the corpus found are fixed; a new one goes here with what goes wrong.)
KNOWN_BUGS: dict[str, dict[str, str]] = {"pages": {}, "export": {}}


def cases(entries: list[dict], test: str) -> list[object]:
    params = []
    for entry in entries:
        reason = KNOWN_BUGS[test].get(entry["file"])
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(entry, id=entry["file"], marks=marks))
    return params


def upload_name(entry: dict) -> str:
    return entry.get("upload_as", entry["file"])


def unescaped(text: str) -> str:
    """Markdown text as the student reads it (backslash escapes removed)."""
    return _UNESCAPE.sub(r"\1", text)


def start() -> AppTest:
    at = AppTest.from_file(str(ROOT / HOME), default_timeout=120)
    at.run()
    assert not at.exception
    return at


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader(key="csv_upload").set_value((name, content, "text/csv")).run()
    return at


def exceptions(at: AppTest) -> list[str]:
    return [e.value for e in at.exception]


def active_data_caption(at: AppTest) -> str:
    """The caption in the main area's ``st.container(key="active_data")``."""
    found: list[str] = []

    def walk(node: object) -> None:
        for child in getattr(node, "children", {}).values():
            if getattr(child, "proto", None) is not None and str(
                getattr(child.proto, "id", "")
            ).endswith("-active_data"):
                found.extend(c.value for c in child.children.values())
            else:
                walk(child)

    walk(at.main)
    assert len(found) == 1, found
    return found[0]


def expected_caption_start(name: str, used: int, read: int, features: list) -> str:
    count = len(features)
    columns = "1 column" if count == 1 else f"{count} columns"
    names = ", ".join(md_escape(n) for n in features[:6])
    return (
        f":material/table_chart: **Data:** {md_escape(name)} · {used:,} of "
        f"{read:,} rows used · {columns}: {names}"
    )


def assert_usable_page(at: AppTest, page: str, entry: dict) -> None:
    where = f"{entry['file']} on {page}"
    assert not at.exception, (where, exceptions(at))
    caption = active_data_caption(at)
    start_ = expected_caption_start(
        upload_name(entry), entry["rows_used"], entry["rows_read"], entry["features"]
    )
    assert caption.startswith(start_), (where, caption, start_)
    assert "seeded sample" not in caption, where  # the corpus files are small
    assert not at.sidebar.error, (where, [e.value for e in at.sidebar.error])
    assert plotly_figures(at), f"{where}: no chart"
    sidebar = " ".join(c.value for c in at.sidebar.caption)
    for words in entry["notes"]:
        assert md_escape(words) in sidebar, (where, words)


def shown_ari(at: AppTest) -> str:
    """The Fog explorer's "Known groups, ARI: GMM · K-Means" metric."""
    found = [m.value for m in at.metric if m.label.startswith("Known groups, ARI")]
    assert len(found) == 1, [m.label for m in at.metric]
    return found[0]


def expected_ari(at: AppTest, entry: dict, column: str) -> str:
    """The metric by scikit-learn: adjusted_rand_score of the known groups against
    its GaussianMixture's and its KMeans's clusters, with the page's settings."""
    data = read_table((NASTY / entry["file"]).read_bytes(), upload_name(entry))
    X, truth = data.X, with_labels(data, column).labels
    k = int(at.number_input(key="n_components").value)
    seed = int(at.number_input(key="seed").value)
    gm = sklearn_from_the_same_starts(
        X,
        k,
        at.selectbox(key="covariance_type").value,
        n_init=int(at.slider(key="fx_n_init").value),
        seed=seed,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fewer distinct points than K
        islands = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(X).labels_
    gmm_ari = adjusted_rand_score(truth, gm.predict(X))
    kmeans_ari = adjusted_rand_score(truth, islands)
    return f"{gmm_ari:.2f} · {kmeans_ari:.2f}"


@pytest.mark.parametrize("entry", cases(USABLE, "pages"))
def test_a_usable_upload_is_named_and_drawn_on_every_page(entry: dict) -> None:
    at = upload(start(), upload_name(entry), (NASTY / entry["file"]).read_bytes())
    for page in PAGES:
        if page != HOME:
            at.switch_page(page).run()
        assert_usable_page(at, page, entry)
        if entry["labels"]:
            box = at.selectbox(key="label_column")
            assert list(box.options)[1:] == entry["labels"], box.options
        else:
            assert not [s for s in at.selectbox if s.key == "label_column"]
    # Known groups on the Fog explorer (the ARI against them), then standardised.
    at.switch_page(EXPLORER).run()
    if entry["labels"]:
        at.selectbox(key="label_column").set_value(entry["labels"][-1]).run()
        assert_usable_page(at, EXPLORER, entry)
        assert shown_ari(at) == expected_ari(at, entry, entry["labels"][-1])
    at.toggle(key="standardise").set_value(True).run()
    assert_usable_page(at, EXPLORER, entry)
    at.switch_page(HOME).run()
    assert at.toggle(key="standardise").value is True  # follows the student
    assert_usable_page(at, HOME, entry)


@pytest.mark.parametrize("entry", cases(UNUSABLE, "pages"))
def test_an_unusable_upload_explains_and_keeps_the_data_before(entry: dict) -> None:
    at = upload(start(), *BEFORE)
    assert active_data_caption(at).startswith(
        ":material/table_chart: **Data:** before\\.csv · 8 of 8 rows used"
    )
    upload(at, upload_name(entry), (NASTY / entry["file"]).read_bytes())
    for page in PAGES:
        if page != HOME:
            at.switch_page(page).run()
        assert_refused(at, page, upload_name(entry), entry["error"])


def assert_refused(at: AppTest, page: str, name: str, words: str) -> None:
    where = f"{name} on {page}"
    assert not at.exception, (where, exceptions(at))
    errors = [unescaped(e.value) for e in at.sidebar.error]
    assert len(errors) == 1, (where, errors)
    assert name in errors[0], (where, errors[0])
    assert words.lower() in errors[0].lower(), (where, errors[0])
    assert errors[0].endswith("Still showing: before.csv."), (where, errors[0])
    assert active_data_caption(at).startswith(
        ":material/table_chart: **Data:** before\\.csv · 8 of 8 rows used"
    ), where
    assert plotly_figures(at), f"{where}: no chart"


def test_a_file_over_50_mb_is_refused_on_every_page(tmp_path: Path) -> None:
    line = b"1.25,2.5,3.75\n"
    path = tmp_path / "huge.csv"
    path.write_bytes(b"x,y,z\n" + line * (MAX_BYTES // len(line) + 1))
    at = upload(start(), *BEFORE)
    upload(at, "huge.csv", path.read_bytes())
    for page in PAGES:
        if page != HOME:
            at.switch_page(page).run()
        assert_refused(at, page, "huge.csv", "up to 50 MB")


def big_csv(rows: int) -> bytes:
    """A customers-like CSV: 4 groups, a text segment, every 100th row a gap."""
    rng = np.random.default_rng(0)
    centres = np.array([[26.0, 20.0], [26.0, 79.0], [55.0, 50.0], [87.0, 18.0]])
    group = rng.integers(0, 4, rows)
    X = centres[group] + rng.normal(0, [6, 7], (rows, 2))
    frame = pd.DataFrame(
        {
            "income": X[:, 0].round(1),
            "spending": X[:, 1].round(0),
            "segment": np.array(["careful", "carefree", "standard", "frugal"])[group],
        }
    )
    frame.loc[::100, "spending"] = np.nan
    return frame.to_csv(index=False).encode()


def test_a_200000_row_upload_is_sampled_and_said_on_every_page(
    tmp_path: Path,
) -> None:
    path = tmp_path / "big customers.csv"
    path.write_bytes(big_csv(200_000))
    at = start()
    seconds = {}
    began = time.perf_counter()
    upload(at, path.name, path.read_bytes())
    seconds[HOME] = time.perf_counter() - began
    for page in PAGES:
        if page != HOME:
            began = time.perf_counter()
            at.switch_page(page).run()
            seconds[page] = time.perf_counter() - began
        assert not at.exception, (page, exceptions(at))
        caption = active_data_caption(at)
        assert caption.startswith(
            expected_caption_start(path.name, 198_000, 200_000, ["income", "spending"])
        ), caption
        sample = f"This page fits a seeded sample of {FIT_LIMITS[page]:,} rows"
        assert sample in caption, (page, caption)
        assert plotly_figures(at), f"{page}: no chart"
        assert list(at.selectbox(key="label_column").options)[1:] == ["segment"]
        notes = [c.value for c in at.sidebar.caption]
        assert md_escape("Dropped 2,000 rows: 2,000 with a gap.") in notes
    # Slow pages are worth knowing about, not failing on (CI machines vary).
    print(
        "200,000 rows, seconds per page:", {p: round(s, 1) for p, s in seconds.items()}
    )


# ---------------------------------------------------------------- the export


@pytest.fixture
def deferred_downloads(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict]:
    """The data callables of ``st.download_button``s, by widget key.

    The Fog explorer builds its CSV only when the student clicks; AppTest has no
    click for downloads, so this records the callable the click would run.
    """
    found: dict[str, Callable[[], object]] = {}
    original = MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        found[str(kw.get("element_id", "")).rsplit("-", 1)[-1]] = data_callable
        found[f"{str(kw.get('element_id', '')).rsplit('-', 1)[-1]}:name"] = file_name
        return original(self, data_callable, mimetype, coordinates, file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    yield found


def exported(at: AppTest, downloads: dict) -> pd.DataFrame:
    """The export's table as a student gets it: open the big map, download."""
    at.session_state[MAP_SECTION] = True
    at.run()
    assert not at.exception, exceptions(at)
    buttons = [b for b in at.get("download_button") if b.proto.id.endswith("fx_export")]
    assert buttons, "the Fog explorer has no download button with key fx_export"
    data = downloads["fx_export"]()
    raw = data if isinstance(data, bytes) else str(data).encode()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, for spreadsheets
    return pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", keep_default_na=False)


_FORMULA = ("=", "+", "-", "@")


@pytest.mark.parametrize("entry", cases(USABLE, "export"))
def test_the_export_holds_every_used_row_safely(
    entry: dict, deferred_downloads: dict
) -> None:
    at = upload(start(), upload_name(entry), (NASTY / entry["file"]).read_bytes())
    at.switch_page(EXPLORER).run()
    assert not at.exception, exceptions(at)
    table = exported(at, deferred_downloads)
    assert len(table) == entry["rows_used"]
    name = deferred_downloads["fx_export:name"]
    assert name.endswith("_soft_assignments.csv") and "/" not in name
    assert re.fullmatch(r"[\w.-]+", name), name
    columns = list(table.columns)
    hills = [c for c in columns if c.startswith("P(hill ")]
    assert hills, columns
    assert columns[-3:] == ["most likely", "log density", "outlier"]
    np.testing.assert_allclose(table[hills].to_numpy(float).sum(axis=1), 1, atol=1e-6)
    # Every feature comes back as the number that was fitted, not as text.
    for feature in entry["features"]:
        header = "'" + feature if feature.startswith(_FORMULA) else feature
        assert header in columns, (header, columns)
        values = pd.to_numeric(table[header], errors="coerce")
        assert values.notna().all(), (feature, table[header].head().tolist())
    if entry.get("first_row") is not None:
        first = [float(table[f].iloc[0]) for f in entry["features"]]
        np.testing.assert_allclose(first, entry["first_row"], rtol=1e-12)
    # No text cell or column name a spreadsheet would run as a formula.
    for column in columns:
        assert not str(column).startswith(_FORMULA), column
        cells = table[column]
        if cells.dtype == object:
            text = cells[pd.to_numeric(cells, errors="coerce").isna()]
            assert not text.astype(str).str.startswith(_FORMULA).any(), (
                column,
                text.tolist()[:5],
            )


def test_the_export_escapes_every_formula_cell(deferred_downloads: dict) -> None:
    entry = next(e for e in USABLE if e["file"] == "formula_cells.csv")
    at = upload(start(), entry["file"], (NASTY / entry["file"]).read_bytes())
    at.switch_page(EXPLORER).run()
    table = exported(at, deferred_downloads)
    assert table["note"].tolist()[:6] == [
        "'=SUM(A1:A9)",
        "'+1+2",
        "'-3 cmd",
        "'@SUM(1)",
        '\'=HYPERLINK("http://evil.example","click")',
        "plain",
    ]
    assert (table["x"] <= 0).all()  # negative numbers stay numbers


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param(
            "mm_and_km.csv",
            b"mm,km\n"
            + b"".join(
                f"{1000 * (i % 7) + i},{(i * 3) % 5 / 10}\n".encode() for i in range(30)
            ),
            id="ratio-10000",
        ),
        pytest.param(
            "extreme_scales.csv",
            (NASTY / "extreme_scales.csv").read_bytes(),
            id="extreme_scales.csv",
        ),
    ],
)
def test_a_wide_scale_gap_suggests_standardising(name: str, content: bytes) -> None:
    at = upload(start(), name, content)
    hint = "consider standardising"
    assert any(hint in c.value for c in at.sidebar.caption)
    at.toggle(key="standardise").set_value(True).run()
    assert not at.exception
    assert not any(hint in c.value for c in at.sidebar.caption)
    assert any("standardised" in c.value for c in at.sidebar.caption)


def test_a_refused_replacement_brings_back_the_file_it_replaced() -> None:
    """In the browser a new file first empties the uploader, then arrives."""
    at = upload(start(), *BEFORE)
    at.file_uploader(key="csv_upload").set_value(None).run()
    assert "Well-separated blobs" in unescaped(active_data_caption(at))
    upload(at, "marks.csv", (NASTY / "excel_xlsx.csv").read_bytes())
    for page in PAGES:
        if page != HOME:
            at.switch_page(page).run()
        assert_refused(at, page, "marks.csv", "Excel workbook")


def test_removing_the_file_returns_to_the_preset() -> None:
    at = upload(start(), *BEFORE)
    at.file_uploader(key="csv_upload").set_value(None).run()
    assert not at.exception
    assert "Well-separated blobs" in unescaped(active_data_caption(at))
    assert not at.sidebar.error
    assert "before.csv" not in at.selectbox(key="dataset").options[-1]
