"""Every file of the nasty-upload corpus through ``read_table``.

The corpus (tests/data/nasty/, written by tests/data/make_nasty.py) holds what
students really upload; its manifest says, for each file, what Fogmap should make
of it. A usable file gives the expected rows, columns and finite numbers; an
unusable one a FogmapError naming the file and saying what is wrong; no file ever
raises anything else.
"""

from __future__ import annotations

import codecs
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gmm_core import Dataset, FogmapError, read_table, text_columns, with_labels
from gmm_core.tabular import MAX_BYTES

NASTY = Path(__file__).resolve().parents[1] / "data" / "nasty"
MANIFEST = json.loads((NASTY / "manifest.json").read_text(encoding="utf-8"))
USABLE = [e for e in MANIFEST if e["usable"]]
UNUSABLE = [e for e in MANIFEST if not e["usable"]]
# Corpus files read wrongly, by test: xfail(strict) until fixed. (All the ones
# the corpus found are fixed; a new one goes here with what goes wrong.)
KNOWN_BUGS: dict[str, dict[str, str]] = {
    "read": {},
    "unusable": {},
    "any": {},
    "newline": {},
}


def cases(entries: list[dict], test: str) -> list[object]:
    params = []
    for entry in entries:
        reason = KNOWN_BUGS[test].get(entry["file"])
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(entry, id=entry["file"], marks=marks))
    return params


def read_entry(entry: dict) -> Dataset:
    """Read a corpus file as the student's upload (under its upload name)."""
    name = entry.get("upload_as", entry["file"])
    return read_table((NASTY / entry["file"]).read_bytes(), name)


def test_the_corpus_is_big_and_matches_its_manifest() -> None:
    on_disk = {p.name for p in NASTY.iterdir()} - {"manifest.json"}
    assert on_disk == {e["file"] for e in MANIFEST}
    assert len(MANIFEST) >= 28
    assert len(USABLE) >= 10 and len(UNUSABLE) >= 10


@pytest.mark.parametrize("entry", cases(USABLE, "read"))
def test_a_usable_file_reads_to_the_expected_rows_and_columns(entry: dict) -> None:
    ds = read_entry(entry)
    assert ds.name == entry.get("upload_as", entry["file"])
    assert ds.feature_names == tuple(entry["features"])
    assert (ds.n_samples, ds.rows_read) == (entry["rows_used"], entry["rows_read"])
    assert ds.X.shape == (entry["rows_used"], len(entry["features"]))
    assert ds.X.dtype == np.float64
    assert np.all(np.isfinite(ds.X))
    if entry.get("first_row") is not None:
        np.testing.assert_allclose(ds.X[0], entry["first_row"], rtol=1e-12)
    for words in entry["notes"]:
        assert any(words in note for note in ds.notes), (words, ds.notes)
    assert f"{entry['rows_used']:,} of {entry['rows_read']:,} rows" in ds.description
    # The table behind the export: one row per used point, text columns kept.
    assert ds.table is not None and len(ds.table) == ds.n_samples
    assert text_columns(ds) == tuple(entry["labels"])
    for column in entry["labels"]:
        labelled = with_labels(ds, column)
        assert labelled.labels is not None and len(labelled.labels) == ds.n_samples


@pytest.mark.parametrize("entry", cases(UNUSABLE, "unusable"))
def test_an_unusable_file_says_what_is_wrong(entry: dict) -> None:
    name = entry.get("upload_as", entry["file"])
    with pytest.raises(FogmapError) as caught:
        read_entry(entry)
    message = str(caught.value)
    assert name in message
    assert entry["error"].lower() in message.lower(), message
    assert "Traceback" not in message and "Error(" not in message


@pytest.mark.parametrize("entry", cases(MANIFEST, "any"))
def test_no_corpus_file_raises_anything_but_a_fogmap_error(entry: dict) -> None:
    """A file reads or is refused with a FogmapError, as its manifest says."""
    try:
        ds = read_entry(entry)
    except FogmapError as exc:
        assert not entry["usable"], f"a usable file was refused: {exc}"
    else:
        assert entry["usable"], f"an unusable file was read: {ds.description}"
        assert isinstance(ds, Dataset) and ds.n_samples == entry["rows_used"]


UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def without_and_with_a_last_line_break(data: bytes) -> tuple[bytes, bytes]:
    """The file without its final line break, and with a second one.

    UTF-16 files (which start with their byte-order mark) are cut and extended in
    whole characters: a lone byte would break the pairs.
    """
    if not data.startswith(UTF16_BOMS):
        return data.rstrip(b"\r\n"), data + b"\n"
    bom = data[:2]
    codec = "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be"
    text = data[2:].decode(codec)
    return bom + text.rstrip("\r\n").encode(codec), data + "\n".encode(codec)


@pytest.mark.parametrize("entry", cases(USABLE, "newline"))
def test_a_usable_file_also_reads_without_its_last_line_break(entry: dict) -> None:
    """Cutting the final newline (or adding a second one) changes nothing."""
    name = entry.get("upload_as", entry["file"])
    data = (NASTY / entry["file"]).read_bytes()
    whole = read_table(data, name)
    variants = without_and_with_a_last_line_break(data)
    for variant in variants:
        again = read_table(variant, name)
        assert again.feature_names == whole.feature_names
        np.testing.assert_array_equal(again.X, whole.X)


def big_table(rows: int) -> bytes:
    """A customers-like CSV of ``rows`` rows, every 100th with a gap."""
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


def test_a_200000_row_file_reads_whole_in_a_few_seconds(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(big_table(200_000))
    start = time.perf_counter()
    ds = read_table(path.read_bytes(), "big.csv")
    seconds = time.perf_counter() - start
    assert (ds.n_samples, ds.rows_read) == (198_000, 200_000)
    assert ds.feature_names == ("income", "spending")
    assert text_columns(ds) == ("segment",)
    assert "Dropped 2,000 rows: 2,000 with a gap." in ds.notes
    assert np.all(np.isfinite(ds.X))
    assert seconds < 20, f"reading 200,000 rows took {seconds:.1f} s"


def test_a_file_just_over_50_mb_is_refused_by_size(tmp_path: Path) -> None:
    line = b"1.25,2.5,3.75\n"
    path = tmp_path / "huge.csv"
    path.write_bytes(b"x,y,z\n" + line * (MAX_BYTES // len(line) + 1))
    data = path.read_bytes()
    assert len(data) > MAX_BYTES
    with pytest.raises(FogmapError, match=r"huge\.csv.*50 MB"):
        read_table(data, "huge.csv")
