"""Reading a student's table (CSV) into a :class:`~gmm_core.datasets.Dataset`.

pandas does the parsing; this module decides what is usable and says, in a
student's words, what it did and what it could not use. It also turns a fitted
mixture back into a table the student can download (:func:`soft_assignment_table`).
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import replace

import numpy as np
import pandas as pd

from gmm_core.datasets import Dataset
from gmm_core.errors import FogmapError, plural

MAX_BYTES = 50 * 1024 * 1024
# Squares and sums of squares of larger numbers overflow 64-bit floats.
MAX_MAGNITUDE = 1e100
# A full covariance of D features holds D x D numbers per hill: beyond this many
# features the fits would take minutes and gigabytes, and nobody can look at them.
MAX_FEATURES = 100
_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
_DELIMITERS = ",;\t|"
_DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "bars"}
# Magic numbers of files students mistake for CSVs.
_BINARY_KINDS = (
    (b"PK\x03\x04", "an Excel workbook or another zipped file"),
    (b"\xd0\xcf\x11\xe0", "an old Excel (.xls) or Word file"),
    (b"%PDF", "a PDF"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # Excel's "Unicode text"
_SAVE_AS_CSV = (
    "In your spreadsheet, use File → Save as → CSV (comma-separated values) and "
    "upload that."
)
_RAGGED = re.compile(r"Skipping line (\d+): expected (\d+) fields, saw (\d+)")


def _refuse_binary(data: bytes, name: str) -> None:
    if data.startswith(_UTF16_BOMS):
        return
    for magic, kind in _BINARY_KINDS:
        if data.startswith(magic):
            raise FogmapError(f"{name} is {kind}, not a CSV. {_SAVE_AS_CSV}")
    head = data[:8192]
    if b"\x00" in head:
        raise FogmapError(
            f"{name} looks like a binary file, not text: it may be UTF-16 text or "
            f"a program's own format. {_SAVE_AS_CSV}"
        )
    control = sum(1 for byte in head if byte < 32 and byte not in b"\t\n\r\f")
    if control > 0.05 * len(head):
        raise FogmapError(f"{name} looks like a binary file, not text. {_SAVE_AS_CSV}")


def _decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding that read it (latin-1 reads any bytes)."""
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def _sniff(text: str) -> str:
    """The column delimiter: comma, semicolon, tab or bar (comma when one column)."""
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in _DELIMITERS}
        best = max(counts, key=counts.__getitem__)
        return best if counts[best] else ","


def _number_format(text: str, sep: str) -> dict[str, str]:
    """pandas' ``decimal`` and ``thousands`` options for how numbers are written."""
    if sep != "," and re.search(r"\d,\d", text):
        # European spreadsheets: decimal commas, maybe dots between thousands.
        options = {"decimal": ","}
        if re.search(r"\d\.\d{3}(?!\d)", text):
            options["thousands"] = "."
        return options
    if re.search(r"\"[-+]?\d{1,3}(,\d{3})+(\.\d+)?\"", text):
        # "1,234.5" in quotes: a thousands separator, not a column break.
        return {"thousands": ","}
    return {}


def _looks_numeric(cells: list[str], options: dict[str, str]) -> bool:
    """Whether every cell of a row is a number (so the row is data, not a header)."""
    thousands = options.get("thousands")
    for cell in cells:
        value = cell.strip().strip('"')
        if thousands:
            value = value.replace(thousands, "")
        value = value.replace(options.get("decimal", "."), ".")
        try:
            float(value)
        except ValueError:
            return False
    return bool(cells)


def _parse(
    text: str, name: str
) -> tuple[pd.DataFrame, list[str], int, dict[str, object]]:
    """pandas reads the table; we choose the delimiter, number format and header.

    Returns the table, notes on how it was read, how many rows were skipped for
    having more fields than the header, and the delimiter, header and number
    options given to ``pandas.read_csv``.
    """
    sep = _sniff(text)
    options = _number_format(text, sep)
    notes = []
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    lines = (row for row in reader if any(cell.strip() for cell in row))
    first = next(lines, [])
    second = next(lines, [])
    if len(second) > len(first):
        # pandas would silently take the extra field as row labels.
        raise FogmapError(
            f"{name}: line {reader.line_num} has {len(second)} fields where the "
            f"header has {len(first)}. Check that the header names every column and "
            f"that values are separated by {_DELIMITER_NAMES[sep]}."
        )
    header: int | None = 0
    if _looks_numeric(first, options):
        header = None
        notes.append(
            "The first row holds numbers, so Fogmap read it as data and named the "
            "columns column 1, column 2, …"
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.ParserWarning)
        try:
            frame = pd.read_csv(
                io.StringIO(text),
                sep=sep,
                header=header,
                index_col=False,
                on_bad_lines="warn",
                skip_blank_lines=True,
                skipinitialspace=True,
                **options,  # type: ignore[arg-type]
            )
        except pd.errors.EmptyDataError as exc:
            raise FogmapError(f"{name} is empty: there is nothing to read.") from exc
        except (pd.errors.ParserError, csv.Error, ValueError) as exc:
            raise FogmapError(
                f"{name} does not look like a table Fogmap can read "
                f"({str(exc).strip()}). Save it as CSV with one row per line and "
                "columns separated by commas."
            ) from exc
    # pandas reports all the skipped lines of a chunk in one warning.
    ragged = [m for w in caught for m in _RAGGED.finditer(str(w.message))]
    if header is None:
        frame.columns = [f"column {i + 1}" for i in range(frame.shape[1])]
    if ragged:
        line, expected, saw = (int(g) for g in ragged[0].groups())
        if len(ragged) > len(frame):
            raise FogmapError(
                f"{name}: most rows do not match the header. Line {line} has {saw} "
                f"fields where the header has {expected}. Check that every row has "
                f"one value per column, separated by {_DELIMITER_NAMES[sep]}."
            )
        notes.append(
            f"Skipped {plural(len(ragged), 'row')} with more fields than the header "
            f"(the first at line {line}: {saw} fields, not {expected})."
        )
    if sep != ",":
        notes.append(f"Columns are separated by {_DELIMITER_NAMES[sep]}.")
    if options.get("decimal") == ",":
        notes.append("Numbers use decimal commas.")
    return frame, notes, len(ragged), {"sep": sep, "header": header, **options}


def _clean_names(frame: pd.DataFrame) -> pd.DataFrame:
    """Readable, unique column names ("Unnamed: 3" becomes "column 4")."""
    names: list[str] = []
    for i, column in enumerate(frame.columns):
        text = str(column).strip()
        if not text or re.fullmatch(r"Unnamed: \d+", text):
            text = f"column {i + 1}"
        base, n = text, 2
        while text in names:
            text, n = f"{base} ({n})", n + 1
        names.append(text)
    frame = frame.copy()
    frame.columns = names
    return frame


def _is_row_number(values: pd.Series) -> bool:
    """A column holding 0, 1, 2, ... or 1, 2, 3, ... (an exported row index)."""
    if len(values) < 3 or values.isna().any():
        return False
    array = values.to_numpy(dtype=np.float64)
    return bool(
        np.array_equal(array, np.arange(len(array)))
        or np.array_equal(array, np.arange(1, len(array) + 1))
    )


def _numeric_columns(
    frame: pd.DataFrame, notes: list[str]
) -> tuple[dict[str, pd.Series], list[str]]:
    """The columns that hold numbers (converted), and the text columns' names."""
    numeric: dict[str, pd.Series] = {}
    text: list[str] = []
    empty: list[str] = []
    index_like: list[str] = []
    for column in frame.columns:
        filled = frame[column].notna().sum()
        if filled == 0:
            empty.append(column)
            continue
        if pd.api.types.is_bool_dtype(frame[column]):
            text.append(column)
            continue
        values = pd.to_numeric(frame[column], errors="coerce")
        if values.notna().sum() < max(1, 0.5 * filled):
            text.append(column)
        elif _is_row_number(values) and (
            column.startswith("column ") or column.lower() in {"id", "index", "row"}
        ):
            index_like.append(column)
        else:
            numeric[column] = values
    if text:
        notes.append("Skipped text column(s): " + ", ".join(text) + ".")
    if empty:
        notes.append("Skipped empty column(s): " + ", ".join(empty) + ".")
    if index_like:
        notes.append(
            "Skipped column(s) that only number the rows: "
            + ", ".join(index_like)
            + "."
        )
    return numeric, text


def _drop_huge_columns(
    numeric: dict[str, pd.Series], name: str, notes: list[str]
) -> dict[str, pd.Series]:
    """Leave out columns whose numbers are too large to square in floating point."""
    huge = {}
    for column, values in numeric.items():
        finite = values[np.isfinite(values)].abs()
        if len(finite) and finite.max() > MAX_MAGNITUDE:
            huge[column] = float(finite.max())
    if not huge:
        return numeric
    described = ", ".join(f"{c} (up to {v:.0e})" for c, v in huge.items())
    advice = (
        "Divide such a column by a power of ten (a change of units, like metres "
        "to kilometres) and upload it again."
    )
    if len(huge) == len(numeric):
        raise FogmapError(
            f"{name}: the numbers are too large for Fogmap to square: {described}. "
            + advice
        )
    notes.append(
        f"Skipped column(s) with numbers too large to square: {described}. {advice}"
    )
    return {c: v for c, v in numeric.items() if c not in huge}


def _drop_unusable_rows(
    frame: pd.DataFrame, numeric: dict[str, pd.Series], notes: list[str]
) -> pd.Series:
    """Which rows have a finite number in every numeric column; notes the others."""
    values = pd.DataFrame(numeric)
    blank = pd.DataFrame({c: frame[c].isna() for c in numeric})
    infinite = values.isin([np.inf, -np.inf])
    unreadable = values.isna() & ~blank
    keep = ~(blank | infinite | unreadable).any(axis=1)
    reasons = (
        (blank.any(axis=1), "a gap"),
        (unreadable.any(axis=1) & ~blank.any(axis=1), "text where a number belongs"),
        (
            infinite.any(axis=1) & ~(blank | unreadable).any(axis=1),
            "an infinite value",
        ),
    )
    parts = [f"{int(mask.sum()):,} with {why}" for mask, why in reasons if mask.any()]
    if parts:
        dropped = int((~keep).sum())
        notes.append(f"Dropped {plural(dropped, 'row')}: " + ", ".join(parts) + ".")
    return keep


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
        ``X`` of shape (N, D) holds the usable numeric columns of the usable rows;
        ``table`` holds those rows with every column as read (text columns too),
        ``rows_read`` counts the data rows in the file, ``notes`` says what was
        dropped and why, and ``read_options`` how pandas read it.

    Raises
    ------
    FogmapError
        When nothing usable is in the file; the message says what would work.
    """
    name = name or "Your file"
    if len(data) == 0:
        raise FogmapError(f"{name} is empty: there is nothing to read.")
    if len(data) > MAX_BYTES:
        raise FogmapError(
            f"{name} is {len(data) / 2**20:.0f} MB; Fogmap reads files up to "
            f"{MAX_BYTES // 2**20} MB. Keep a sample of the rows and try again."
        )
    _refuse_binary(data, name)
    text, encoding = _decode(data)
    # Classic Mac line ends (a carriage return alone) become newlines.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise FogmapError(
            f"{name} holds only blank lines. Upload a CSV with a header row and at "
            "least 2 rows of numbers."
        )
    frame, notes, n_ragged, read_as = _parse(text, name)
    if encoding == "utf-16":
        notes.insert(0, "The file is UTF-16 text (Excel's Unicode text).")
    elif encoding != "utf-8-sig":
        notes.insert(0, "The file is not UTF-8; Fogmap read it as Windows/Latin-1.")
    frame = _clean_names(frame)
    if frame.shape[0] == 0:
        raise FogmapError(
            f"{name} has a header but no rows of data. Fogmap needs at least 2 rows "
            "of numbers under the header."
        )
    rows_read = len(frame) + n_ragged
    numeric, _text = _numeric_columns(frame, notes)
    if not numeric:
        raise FogmapError(
            f"{name} has no column of numbers. Fogmap clusters numeric columns, "
            "such as heights or incomes; text columns can only be labels."
        )
    numeric = _drop_huge_columns(numeric, name, notes)
    if len(numeric) > MAX_FEATURES:
        extra = list(numeric)[MAX_FEATURES:]
        numeric = {c: numeric[c] for c in list(numeric)[:MAX_FEATURES]}
        notes.append(
            f"Used the first {MAX_FEATURES} numeric columns and left out the other "
            f"{len(extra):,} (from {extra[0]} on): Fogmap fits up to {MAX_FEATURES} "
            "features."
        )
    keep = _drop_unusable_rows(frame, numeric, notes)
    table = pd.DataFrame(numeric)[keep]
    constant = [c for c in table.columns if table[c].nunique() <= 1]
    if constant and len(constant) < table.shape[1]:
        table = table.drop(columns=constant)
        notes.append(
            "Dropped constant column(s) (every row has the same value): "
            + ", ".join(constant)
            + "."
        )
    elif constant and len(table):
        point = ", ".join(f"{v:g}" for v in table.iloc[0])
        notes.append(
            f"Every row is the same point ({point}): with no spread there is "
            "nothing to tell apart, so every hill sits on that one point and the "
            "map shows a single dot."
        )
    if len(table) < 2:
        raise FogmapError(
            f"{name} has {plural(len(table), 'usable row')} of numbers; Fogmap "
            "needs at least 2. Rows with gaps or text in a number column are not used."
        )
    rows = frame[keep].copy()
    for column, values in numeric.items():  # numbers, not the text they were read as
        rows[column] = values[keep]
    rows = rows.reset_index(drop=True)
    columns = (
        "1 numeric column"
        if table.shape[1] == 1
        else (f"{table.shape[1]} numeric columns")
    )
    return Dataset(
        name,
        table.to_numpy(dtype=np.float64),
        tuple(table.columns),
        description=f"Your file: {len(table):,} of {rows_read:,} rows, {columns}.",
        notes=tuple(notes),
        rows_read=rows_read,
        table=rows,
        read_options=(("encoding", encoding), *read_as.items()),
    )


def text_columns(data: Dataset) -> tuple[str, ...]:
    """Columns of the student's file that hold text (candidates for known labels).

    Parameters
    ----------
    data : Dataset

    Returns
    -------
    tuple of str
        Empty for presets and for files with numbers only.
    """
    if data.table is None:
        return ()
    table = data.table
    return tuple(
        str(c)
        for c in table.columns
        if c not in data.feature_names
        and (
            pd.api.types.is_bool_dtype(table[c])
            or not pd.api.types.is_numeric_dtype(table[c])
        )
        and table[c].notna().any()
    )


def with_labels(data: Dataset, column: str) -> Dataset:
    """``data`` with one of its text columns as the known group of every point.

    Parameters
    ----------
    data : Dataset
        An uploaded dataset (``table`` is not None).
    column : str
        One of :func:`text_columns`; blanks become the group "(blank)".

    Returns
    -------
    Dataset
        ``labels`` of shape (N,) with integer codes, ``label_names`` their names.
    """
    if data.table is None or column not in data.table.columns:
        raise FogmapError(f"There is no column {column} in {data.name}.")
    values = data.table[column].astype("string").fillna("(blank)").str.strip()
    codes, names = pd.factorize(values, sort=True)
    return replace(
        data,
        labels=codes.astype(int),
        label_names=tuple(str(n) for n in names),
    )


def subsample(data: Dataset, limit: int, seed: int = 0) -> Dataset:
    """At most ``limit`` rows of ``data``, drawn at random (seeded), in file order.

    Parameters
    ----------
    data : Dataset
    limit : int
    seed : int

    Returns
    -------
    Dataset
        ``data`` itself when it has at most ``limit`` rows; otherwise a dataset
        whose ``X`` has shape (limit, D), with labels and table rows to match and
        ``sample_of`` set to the full number of rows.
    """
    if data.n_samples <= limit:
        return data
    keep = np.sort(np.random.default_rng(seed).choice(data.n_samples, limit, False))
    return replace(
        data,
        X=data.X[keep],
        labels=None if data.labels is None else data.labels[keep],
        table=None if data.table is None else data.table.iloc[keep],
        sample_of=data.n_samples,
    )


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """A text cell a spreadsheet will show, never run (OWASP CSV injection).

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets
    a leading apostrophe; numbers and other text are returned unchanged.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def soft_assignment_table(
    data: Dataset,
    probabilities: np.ndarray,
    log_density: np.ndarray,
    outlier: np.ndarray,
    hill_names: list[str],
) -> pd.DataFrame:
    """Every row of the data with what the mixture says about it, safe to open.

    Parameters
    ----------
    data : Dataset
        The rows (``table`` when uploaded, else ``X`` with ``feature_names``).
    probabilities : ndarray of shape (N, K)
        P(hill k | x) of every row.
    log_density : ndarray of shape (N,)
        log p(x) under the mixture.
    outlier : ndarray of bool, shape (N,)
    hill_names : list of str, length K

    Returns
    -------
    pandas.DataFrame
        The rows' own columns, then ``P(<hill>)`` for every hill, ``most likely``,
        ``log density`` and ``outlier``; text from the file is escaped with
        :func:`spreadsheet_safe`.
    """
    if data.table is not None:
        rows = data.table.reset_index(drop=True).copy()
    else:
        rows = pd.DataFrame(data.X, columns=list(data.feature_names))
    for k, hill in enumerate(hill_names):
        rows[f"P({hill})"] = probabilities[:, k]
    rows["most likely"] = [hill_names[k] for k in probabilities.argmax(axis=1)]
    rows["log density"] = log_density
    rows["outlier"] = outlier.astype(bool)
    for column in rows.columns:
        if rows[column].dtype == object or pd.api.types.is_string_dtype(rows[column]):
            rows[column] = rows[column].map(spreadsheet_safe)
    rows.columns = [str(spreadsheet_safe(str(c))) for c in rows.columns]
    return rows
