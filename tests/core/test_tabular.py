"""Reading a student's CSV: the right numbers, or a message saying what is wrong."""

from __future__ import annotations

import numpy as np
import pytest

from gmm_core import Dataset, FogmapError, read_table
from gmm_core.tabular import MAX_BYTES


def read(data: bytes, name: str = "my_data.csv") -> Dataset:
    return read_table(data, name)


def test_plain_numeric_csv():
    ds = read(b"x,y\n1,2\n3,4.5\n-5,6e-3\n")
    np.testing.assert_array_equal(ds.X, [[1, 2], [3, 4.5], [-5, 0.006]])
    assert ds.X.dtype == np.float64
    assert ds.feature_names == ("x", "y")
    assert ds.name == "my_data.csv"
    assert ds.notes == ()
    assert ds.labels is None
    assert "3 of 3 rows" in ds.description


@pytest.mark.parametrize(
    "data",
    [b"x\ty\n1\t2\n3\t4\n", b"x,y\r\n1,2\r\n3,4\r\n", b'"x","y"\n"1","2"\n"3","4"\n'],
    ids=["tabs", "crlf", "quoted"],
)
def test_other_common_csv_dialects(data):
    ds = read(data)
    np.testing.assert_array_equal(ds.X, [[1, 2], [3, 4]])
    assert ds.feature_names == ("x", "y")


def test_semicolons_with_decimal_commas():
    ds = read(b"x;y\n1,5;2,5\n3,5;4,5\n5,5;6,25\n")
    np.testing.assert_array_equal(ds.X, [[1.5, 2.5], [3.5, 4.5], [5.5, 6.25]])
    assert ds.feature_names == ("x", "y")


def test_semicolons_with_decimal_points():
    ds = read(b"x;y\n1.5;2.5\n3.5;4.5\n5.5;6.25\n")
    np.testing.assert_array_equal(ds.X, [[1.5, 2.5], [3.5, 4.5], [5.5, 6.25]])


def test_utf8_byte_order_mark_is_not_part_of_the_first_name():
    ds = read("\ufeffx,y\n1,2\n3,4\n".encode())
    assert ds.feature_names == ("x", "y")
    np.testing.assert_array_equal(ds.X, [[1, 2], [3, 4]])


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-8"])
def test_accented_header_in_a_legacy_encoding(encoding):
    ds = read("höhe,gewicht,größe\n1,2,3\n4,5,6\n".encode(encoding))
    assert ds.feature_names == ("höhe", "gewicht", "größe")
    np.testing.assert_array_equal(ds.X, [[1, 2, 3], [4, 5, 6]])


def test_a_text_column_is_skipped_and_named_in_the_notes():
    ds = read(b"name,x,y\nann,1,2\nbob,3,4\ncy,5,6\n")
    assert ds.feature_names == ("x", "y")
    np.testing.assert_array_equal(ds.X, [[1, 2], [3, 4], [5, 6]])
    assert any("Skipped" in n and "name" in n for n in ds.notes)


def test_rows_with_missing_values_are_dropped_and_counted():
    ds = read(b"x,y\n1,2\n,4\n5,6\n7,\n9,10\nnan,3\n")
    np.testing.assert_array_equal(ds.X, [[1, 2], [5, 6], [9, 10]])
    assert any("Dropped 3 rows: 3 with a gap" in n for n in ds.notes), ds.notes
    assert "3 of 6 rows" in ds.description


def test_infinite_values_are_dropped_like_missing_ones():
    ds = read(b"x,y\n1,2\ninf,4\n5,-inf\n7,8\n")
    np.testing.assert_array_equal(ds.X, [[1, 2], [7, 8]])
    assert "Dropped 2 rows: 2 with an infinite value." in ds.notes
    assert np.all(np.isfinite(ds.X))


def test_a_stray_word_in_a_numeric_column_drops_only_its_row():
    ds = read(b"x,y\n1,2\n3,oops\n5,6\n7,8\n")
    assert ds.feature_names == ("x", "y")
    np.testing.assert_array_equal(ds.X, [[1, 2], [5, 6], [7, 8]])
    assert "Dropped 1 row: 1 with text where a number belongs." in ds.notes


def test_a_constant_column_is_dropped_and_noted():
    ds = read(b"x,c,y\n1,7,2\n3,7,4\n5,7,6\n")
    assert ds.feature_names == ("x", "y")
    assert "Dropped constant column(s) (every row has the same value): c." in ds.notes


def test_a_single_numeric_column_keeps_its_name():
    ds = read(b"height\n150\n160\n170\n")
    np.testing.assert_array_equal(ds.X, [[150], [160], [170]])
    assert ds.feature_names == ("height",)
    assert ds.notes == ()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"x,y\n", "no rows"),
        (b"x,y", "no rows"),
        (b"name,city\nann,paris\nbob,rome\n", "no column of numbers"),
        (b"x,y\n1,2\n", "needs at least 2"),
        (b"x,y\n1,2\n,\nfoo,bar\n", "needs at least 2"),
        (
            b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + b"\x00" * 64,
            "Excel workbook",
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "PNG image"),
    ],
    ids=[
        "empty",
        "header-only",
        "header-only-no-newline",
        "no-numeric-column",
        "one-row",
        "one-usable-row",
        "xlsx",
        "png",
    ],
)
def test_unusable_files_say_what_is_wrong(data, words):
    with pytest.raises(FogmapError, match=words):
        read(data, "upload.csv")


def test_whitespace_only_file_is_a_readable_error():
    with pytest.raises(FogmapError, match="CSV"):
        read(b"\n \n\n")


def test_a_file_over_the_size_limit_is_refused_before_parsing():
    data = b"x,y\n" + b"1,2\n" * (MAX_BYTES // 4)
    assert len(data) > MAX_BYTES
    with pytest.raises(FogmapError, match="up to 50 MB"):
        read(data, "huge.csv")


def test_unusable_file_messages_name_the_file():
    for data in (b"", b"x,y\n", b"a,b\nq,r\ns,t\n", b"\x00\x01"):
        with pytest.raises(FogmapError, match=r"upload\.csv"):
            read(data, "upload.csv")


@pytest.mark.parametrize(
    ("file", "columns", "labels", "rows"),
    [
        (
            "customers.csv",
            (
                "annual income (k$)",
                "spending score (1-100)",
                "purchases per month",
            ),
            ("segment",),
            400,
        ),
        ("heights.csv", ("height (cm)",), ("age group",), 300),
        (
            "old_faithful.csv",
            ("eruption length (min)", "wait until next (min)"),
            (),
            272,
        ),
    ],
)
def test_the_sample_files_read_back_whole(file, columns, labels, rows):
    from pathlib import Path

    from gmm_core import text_columns, with_labels

    path = Path(__file__).resolve().parents[2] / "samples" / file
    ds = read(path.read_bytes(), file)
    assert ds.feature_names == columns
    assert (ds.n_samples, ds.rows_read) == (rows, rows)
    assert text_columns(ds) == labels
    for column in labels:
        assert with_labels(ds, column).true_k in (3, 5)


def test_export_escapes_formulas_in_text_but_not_negative_numbers():
    from gmm_core import soft_assignment_table

    ds = read(b"x,y,note\n-1,2,=SUM(A1)\n3,-4,+1\n5,6,@me\n7,8,plain\n", "f.csv")
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.5, 0.5], [1.0, 0.0]])
    table = soft_assignment_table(
        ds, probs, np.array([-1.0, -2, -3, -4]), np.array([0, 0, 1, 0]), ["A", "B"]
    )
    assert list(table.columns) == [
        "x",
        "y",
        "note",
        "P(A)",
        "P(B)",
        "most likely",
        "log density",
        "outlier",
    ]
    assert list(table["note"]) == ["'=SUM(A1)", "'+1", "'@me", "plain"]
    assert list(table["x"]) == [-1, 3, 5, 7]
    assert list(table["most likely"]) == ["A", "B", "A", "A"]
    assert list(table["outlier"]) == [False, False, True, False]


def test_a_formula_in_a_column_name_is_escaped_in_the_export():
    from gmm_core import soft_assignment_table

    ds = read(b"=cmd,y\n1,2\n3,4\n", "f.csv")
    table = soft_assignment_table(
        ds, np.array([[1.0], [1.0]]), np.zeros(2), np.zeros(2, bool), ["A"]
    )
    assert table.columns[0] == "'=cmd"


def test_a_very_wide_file_keeps_the_first_hundred_columns():
    from gmm_core.tabular import MAX_FEATURES

    header = ",".join(f"f{i}" for i in range(150))
    values = np.random.default_rng(0).normal(size=(20, 150)).round(3)
    rows = "\n".join(",".join(map(str, row)) for row in values)
    ds = read(f"{header}\n{rows}\n".encode())
    assert ds.n_features == MAX_FEATURES
    assert ds.feature_names[0] == "f0"
    assert any("first 100 numeric columns" in n for n in ds.notes)
