"""Reading a student's table (CSV) into a :class:`~gmm_core.datasets.Dataset`.

pandas does the parsing; this module decides what is usable and says, in a
student's words, what it did and what it could not use.
"""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import pandas as pd

from gmm_core.datasets import Dataset
from gmm_core.errors import FogmapError

MAX_BYTES = 50 * 1024 * 1024
_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


def _decode(data: bytes) -> str:
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FogmapError(
        "Fogmap could not read the text of this file."
    )  # latin-1 never fails


_DELIMITERS = ",;\t|"


def _sniff(text: str) -> str:
    """The column delimiter: comma, semicolon, tab or bar (comma when one column)."""
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        return ","


def _parse(text: str) -> pd.DataFrame:
    """pandas reads the table; we only choose the delimiter and decimal mark."""
    sep = _sniff(text)
    options: dict[str, str] = {}
    if sep != "," and re.search(r"\d,\d", text):
        # European spreadsheets: decimal commas, maybe dots between thousands.
        options["decimal"] = ","
        if re.search(r"\d\.\d{3}(?!\d)", text):
            options["thousands"] = "."
    try:
        return pd.read_csv(io.StringIO(text), sep=sep, on_bad_lines="skip", **options)
    except pd.errors.EmptyDataError as exc:
        raise FogmapError("The file is empty: there is nothing to read.") from exc
    except (pd.errors.ParserError, csv.Error) as exc:
        raise FogmapError(
            f"This does not look like a table Fogmap can read ({exc}). Save it as "
            "CSV with one row per line and columns separated by commas."
        ) from exc


def read_table(data: bytes, name: str) -> Dataset:
    """Read a CSV file's bytes into a dataset of its numeric columns.

    Parameters
    ----------
    data : bytes
        The file's content.
    name : str
        The file's name, shown to the student.

    Returns
    -------
    Dataset
        ``X`` of shape (N, D) holds the usable numeric columns; ``notes`` says what
        was dropped and why.

    Raises
    ------
    FogmapError
        When nothing usable is in the file; the message says what would work.
    """
    if len(data) == 0:
        raise FogmapError(f"{name} is empty: there is nothing to read.")
    if len(data) > MAX_BYTES:
        raise FogmapError(
            f"{name} is {len(data) / 2**20:.0f} MB; Fogmap reads files up to "
            f"{MAX_BYTES // 2**20} MB. Keep a sample of the rows and try again."
        )
    if b"\x00" in data[:4096]:
        raise FogmapError(
            f"{name} looks like a binary file (a spreadsheet or an image?), not a "
            "CSV. Save it as CSV (comma-separated values) and upload that."
        )
    text = _decode(data)
    if not text.strip():
        raise FogmapError(
            f"{name} holds only blank lines. Upload a CSV with a header row and at "
            "least 2 rows of numbers."
        )
    frame = _parse(text)
    if frame.shape[0] == 0:
        raise FogmapError(
            f"{name} has a header but no rows of data. Fogmap needs at least 2 rows."
        )
    notes: list[str] = []
    numeric = {}
    skipped = []
    for column in frame.columns:
        values = pd.to_numeric(frame[column], errors="coerce")
        if values.notna().sum() >= max(1, 0.5 * frame[column].notna().sum()):
            numeric[str(column)] = values
        else:
            skipped.append(str(column))
    if skipped:
        notes.append("Skipped text column(s): " + ", ".join(skipped) + ".")
    if not numeric:
        raise FogmapError(
            f"{name} has no column of numbers. Fogmap clusters numeric columns, "
            "such as heights or incomes."
        )
    table = pd.DataFrame(numeric).replace([np.inf, -np.inf], np.nan)
    rows_read = len(table)
    table = table.dropna()
    dropped = rows_read - len(table)
    if dropped:
        notes.append(f"Dropped {dropped} row(s) with missing or non-numeric values.")
    constant = [c for c in table.columns if table[c].nunique() <= 1]
    if constant and len(constant) < table.shape[1]:
        table = table.drop(columns=constant)
        notes.append(
            "Dropped constant column(s) (every row has the same value): "
            + ", ".join(constant)
            + "."
        )
    if len(table) < 2:
        raise FogmapError(
            f"{name} has fewer than 2 usable rows of numbers; Fogmap needs at least 2."
        )
    return Dataset(
        name,
        table.to_numpy(dtype=np.float64),
        tuple(table.columns),
        description=f"Your file: {len(table)} of {rows_read} rows, "
        f"{table.shape[1]} numeric column(s).",
        notes=tuple(notes),
    )
