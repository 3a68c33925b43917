"""Write the corpus of nasty uploads in tests/data/nasty/ and its manifest.

Every file is something a student could really upload: other delimiters and
encodings, spreadsheets saved the wrong way, gaps, ragged rows, markup in the
column names, files that are not tables at all. Next to each file's bytes stands
what Fogmap should make of it, written by hand (never computed by the reader):
usable or not, rows used of rows read, the feature names, the text columns offered
as known groups, words of the notes or of the error.

The output is deterministic (Python's seeded ``random``); run it again after
editing and commit both the script and its output:
``.venv/bin/python tests/data/make_nasty.py``. Big files (200,000 rows, over
50 MB) are not in the corpus: the tests generate them in a temporary directory.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent / "nasty"


def hills(n: int, d: int = 2, seed: int = 0, decimals: int = 2) -> list[list[float]]:
    """``n`` points in ``d`` dimensions from two well-separated hills."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        centre = 0.0 if i % 2 == 0 else 6.0
        rows.append(
            [round(centre + 3 * j + rng.gauss(0, 1), decimals) for j in range(d)]
        )
    return rows


def lines(rows: list[list[object]], sep: str = ",") -> str:
    return "".join(sep.join(str(v) for v in row) + "\n" for row in rows)


def usable(
    content: bytes,
    rows_used: int,
    rows_read: int,
    features: list[str],
    *,
    labels: list[str] | None = None,
    notes: list[str] | None = None,
    first_row: list[float] | None = None,
    upload_as: str | None = None,
    why: str,
) -> dict[str, object]:
    return {
        "content": content,
        "usable": True,
        "rows_used": rows_used,
        "rows_read": rows_read,
        "features": features,
        "labels": labels or [],
        "notes": notes or [],
        "first_row": first_row,
        "upload_as": upload_as,
        "why": why,
    }


def unusable(
    content: bytes, error: str, *, upload_as: str | None = None, why: str
) -> dict[str, object]:
    return {
        "content": content,
        "usable": False,
        "error": error,
        "upload_as": upload_as,
        "why": why,
    }


def corpus() -> dict[str, dict[str, object]]:
    files: dict[str, dict[str, object]] = {}

    # ------------------------------------------------------------------ usable
    xy = hills(60, 2, seed=1)
    files["plain.csv"] = usable(
        ("x,y\n" + lines(xy)).encode(),
        60,
        60,
        ["x", "y"],
        first_row=xy[0],
        why="the baseline: two numeric columns, two hills",
    )

    rows = hills(40, 3, seed=2)
    body = "".join(
        f"{str(a).replace('.', ',')};{str(b).replace('.', ',')};"
        f"{1 + i // 10}.{(100 + 37 * i) % 1000:03d},{i % 10}\n"
        for i, (a, b, _c) in enumerate(rows)
    )
    files["semicolon_decimal_comma.csv"] = usable(
        ("length;width;weight\n" + body).encode(),
        40,
        40,
        ["length", "width", "weight"],
        notes=["semicolons", "decimal commas"],
        first_row=[rows[0][0], rows[0][1], 1100.0],
        why="a European spreadsheet: semicolons, decimal commas, dots as thousands",
    )

    rows = hills(40, 2, seed=3)
    files["tabs.tsv"] = usable(
        ("a\tb\n" + lines(rows, "\t")).encode(),
        40,
        40,
        ["a", "b"],
        notes=["tabs"],
        first_row=rows[0],
        why="tab-separated",
    )

    rows = hills(40, 3, seed=4)
    files["bars.txt"] = usable(
        ("p|q|r\n" + lines(rows, "|")).encode(),
        40,
        40,
        ["p", "q", "r"],
        notes=["bars"],
        first_row=rows[0],
        why="bar-separated",
    )

    rows = hills(40, 2, seed=5)
    incomes = [round(950 + 1500 * i + 0.25 * i, 2) for i in range(40)]
    body = "".join(
        f'"{income:,.2f}",{score}\n'
        for income, (score, _s) in zip(incomes, rows, strict=True)
    )
    files["quoted_thousands.csv"] = usable(
        ("income,score\n" + body).encode(),
        40,
        40,
        ["income", "score"],
        first_row=[950.0, rows[0][0]],
        why='quoted numbers with thousands commas: "1,234.50"',
    )

    rows = hills(30, 2, seed=6)
    files["utf8_bom.csv"] = usable(
        ("\ufeffhöhe,gewicht\n" + lines(rows)).encode("utf-8"),
        30,
        30,
        ["höhe", "gewicht"],
        first_row=rows[0],
        why="Excel's 'CSV UTF-8': a byte-order mark before the first name",
    )

    rows = hills(30, 2, seed=7)
    people = ["Jürgen", "Zoë", "François", "Ågot", "Niño"]
    body = "".join(f"{a},{b},{people[i % 5]}\n" for i, (a, b) in enumerate(rows))
    files["latin1_header.csv"] = usable(
        ("größe (cm),gewicht (kg),name\n" + body).encode("latin-1"),
        30,
        30,
        ["größe (cm)", "gewicht (kg)"],
        labels=["name"],
        notes=["Latin-1", "Skipped text column(s): name."],
        first_row=rows[0],
        why="a Latin-1 file with accents in the header and in a text column",
    )

    rows = hills(30, 2, seed=8)
    files["cp1252_header.csv"] = usable(
        ("price (€),weight “kg”\n" + lines(rows)).encode("cp1252"),
        30,
        30,
        ["price (€)", "weight “kg”"],
        notes=["Latin-1"],
        first_row=rows[0],
        why="Windows-1252 bytes (euro sign, curly quotes) that are not UTF-8",
    )

    rows = hills(30, 2, seed=9)
    text = "Größe\tGewicht\r\n" + "".join(f"{a}\t{b}\r\n" for a, b in rows)
    files["utf16le_excel.txt"] = usable(
        b"\xff\xfe" + text.encode("utf-16-le"),
        30,
        30,
        ["Größe", "Gewicht"],
        notes=["UTF-16", "tabs"],
        first_row=rows[0],
        why="Excel's 'Unicode text': UTF-16 little-endian with a BOM, tabs, CRLF",
    )
    files["utf16be.csv"] = usable(
        b"\xfe\xff" + ("u,v\n" + lines(rows)).encode("utf-16-be"),
        30,
        30,
        ["u", "v"],
        notes=["UTF-16"],
        first_row=rows[0],
        why="UTF-16 big-endian with a BOM",
    )

    rows = hills(30, 3, seed=10)
    files["no_header.csv"] = usable(
        lines(rows).encode(),
        30,
        30,
        ["column 1", "column 2", "column 3"],
        notes=["column 1, column 2"],
        first_row=rows[0],
        why="no header row: the first row is data",
    )

    rows = hills(40, 2, seed=11)
    out = ["x,y\n"]
    for i, (a, b) in enumerate(rows):
        out.append(f"{a},{b}\n")
        if i in (9, 19, 29):
            out.append(f"{a},{b},{i}\n")  # one field too many
        if i == 34:
            out.append(f"{a}\n")  # one field short: a gap
    files["ragged_some.csv"] = usable(
        "".join(out).encode(),
        40,
        44,
        ["x", "y"],
        notes=[
            "Skipped 3 rows with more fields than the header (the first at line 12",
            "Dropped 1 row: 1 with a gap.",
        ],
        first_row=rows[0],
        why="a few rows with a field too many (skipped) and one short (a gap)",
    )

    rows = hills(40, 3, seed=12)
    bad = [
        "1.5,,2.5",
        ",2,3",
        "NA,1,2",
        "oops,1,2",
        "1,12..5,3",
        "inf,1,2",
        "1,2,-inf",
    ]
    out = ["a,b,c\n"]
    for i, row in enumerate(rows):
        out.append(",".join(map(str, row)) + "\n")
        if i % 5 == 2 and bad:
            out.append(bad.pop(0) + "\n")
    files["gaps_text_inf.csv"] = usable(
        "".join(out).encode(),
        40,
        47,
        ["a", "b", "c"],
        notes=[
            "Dropped 7 rows: 3 with a gap, 2 with text where a number belongs, "
            "2 with an infinite value."
        ],
        first_row=rows[0],
        why="gaps, NA, stray words and infinities in number columns",
    )

    rows = hills(40, 2, seed=13)
    body = "".join(
        f"{('alpha', 'beta')[i % 2]},{a},{b},{('north', 'south', 'east')[i % 3]}\n"
        for i, (a, b) in enumerate(rows)
    )
    files["text_columns.csv"] = usable(
        ("species,x,y,site\n" + body).encode(),
        40,
        40,
        ["x", "y"],
        labels=["species", "site"],
        notes=["Skipped text column(s): species, site."],
        first_row=rows[0],
        why="two text columns: skipped as features, offered as known groups",
    )

    rows = hills(30, 2, seed=14)
    files["constant_column.csv"] = usable(
        ("x,unit,y\n" + "".join(f"{a},1,{b}\n" for a, b in rows)).encode(),
        30,
        30,
        ["x", "y"],
        notes=["Dropped constant column(s) (every row has the same value): unit."],
        first_row=rows[0],
        why="a column with the same value in every row",
    )

    rows = hills(30, 2, seed=15)
    files["empty_column.csv"] = usable(
        ("x,notes,y\n" + "".join(f"{a},,{b}\n" for a, b in rows)).encode(),
        30,
        30,
        ["x", "y"],
        notes=["Skipped empty column(s): notes."],
        first_row=rows[0],
        why="a named column with nothing in it",
    )

    rows = hills(30, 2, seed=16)
    files["trailing_commas.csv"] = usable(
        ("x,y,\n" + "".join(f"{a},{b},\n" for a, b in rows)).encode(),
        30,
        30,
        ["x", "y"],
        notes=["Skipped empty column(s): column 3."],
        first_row=rows[0],
        why="every line ends with a comma (an empty, unnamed last column)",
    )

    rows = hills(30, 2, seed=17)
    files["pandas_index.csv"] = usable(
        (
            ",x,y\n" + "".join(f"{i},{a},{b}\n" for i, (a, b) in enumerate(rows))
        ).encode(),
        30,
        30,
        ["x", "y"],
        notes=["Skipped column(s) that only number the rows: column 1."],
        first_row=rows[0],
        why="pandas' to_csv() with its row-number index (an unnamed first column)",
    )

    rows = hills(30, 2, seed=18)
    files["id_column.csv"] = usable(
        (
            "id,x,y\n" + "".join(f"{i + 1},{a},{b}\n" for i, (a, b) in enumerate(rows))
        ).encode(),
        30,
        30,
        ["x", "y"],
        notes=["Skipped column(s) that only number the rows: id."],
        first_row=rows[0],
        why="an id column 1, 2, 3, ...",
    )

    rows = hills(40, 3, seed=19)
    img = '<img src=x onerror="alert(1)">'
    script = "<script>alert(2)</script>"
    markdown = "**bold** _it_ [link](http://example.com) $x^2$ #1"
    group = "<b>group</b>"
    header = f'"{img.replace(chr(34), chr(34) * 2)}",{script},{markdown},{group}\n'
    body = "".join(
        f"{a},{b},{c},{'<i>left</i>' if i % 2 == 0 else '[right](x)'}\n"
        for i, (a, b, c) in enumerate(rows)
    )
    files["html_names.csv"] = usable(
        (header + body).encode(),
        40,
        40,
        [img, script, markdown],
        labels=[group],
        first_row=rows[0],
        why="HTML and Markdown in column names and text cells: shown, never run",
    )

    rows = hills(30, 2, seed=20)
    formulas = [
        "=SUM(A1:A9)",
        "+1+2",
        "-3 cmd",
        "@SUM(1)",
        '"=HYPERLINK(""http://evil.example"",""click"")"',
        "plain",
    ]
    body = "".join(
        f"{-abs(a)},{b},{formulas[i % len(formulas)]}\n"
        for i, (a, b) in enumerate(rows)
    )
    files["formula_cells.csv"] = usable(
        ("x,y,note\n" + body).encode(),
        30,
        30,
        ["x", "y"],
        labels=["note"],
        first_row=[-abs(rows[0][0]), rows[0][1]],
        why="text cells that a spreadsheet would run as formulas",
    )

    rows = hills(30, 2, seed=21)
    files["crlf_quoted.csv"] = usable(
        ('"x", "y"\r\n' + "".join(f'"{a}", "{b}"\r\n' for a, b in rows)).encode(),
        30,
        30,
        ["x", "y"],
        first_row=rows[0],
        why="Windows line ends, every field quoted, a space after each comma",
    )

    rows = hills(50, 1, seed=22)
    files["single_column.csv"] = usable(
        ("height\n" + lines(rows)).encode(),
        50,
        50,
        ["height"],
        first_row=rows[0],
        why="one numeric column: one-dimensional data",
    )

    files["two_rows.csv"] = usable(
        b"x,y\n1.5,2.5\n3.5,1.0\n",
        2,
        2,
        ["x", "y"],
        first_row=[1.5, 2.5],
        why="the fewest rows Fogmap accepts",
    )

    rows = hills(30, 4, seed=23)
    files["duplicate_names.csv"] = usable(
        ("x,x,y,y\n" + lines(rows)).encode(),
        30,
        30,
        ["x", "x.1", "y", "y.1"],
        first_row=rows[0],
        why="the same column name twice (pandas numbers the second: x.1)",
    )

    rows = hills(30, 2, seed=24)
    out = ["\n\n", "x,y\n"]
    for i, (a, b) in enumerate(rows):
        out.append(f"{a},{b}\n")
        if i % 7 == 3:
            out.append("\n" if i % 2 else "   \n")
    out.append("\n\n\n")
    files["blank_lines.csv"] = usable(
        "".join(out).encode(),
        30,
        30,
        ["x", "y"],
        first_row=rows[0],
        why="blank and whitespace-only lines before, between and after the rows",
    )

    rows = hills(30, 150, seed=25, decimals=1)
    files["wide_150_columns.csv"] = usable(
        (",".join(f"f{j}" for j in range(150)) + "\n" + lines(rows)).encode(),
        30,
        30,
        [f"f{j}" for j in range(100)],
        notes=["Used the first 100 numeric columns and left out the other 50"],
        first_row=rows[0][:100],
        why="more columns than Fogmap fits (and more columns than rows)",
    )

    numbers = ["1e3", "-2.5E-2", "+3", ".5", "5.", "-0"]
    rows = hills(30, 2, seed=26)
    files["scientific_signs.csv"] = usable(
        (
            "x,y\n"
            + "".join(f"{n},{i}\n" for i, n in enumerate(numbers))
            + lines(rows)
            + "0x1A,1\n1_000,2\n"
        ).encode(),
        36,
        38,
        ["x", "y"],
        notes=["Dropped 2 rows: 2 with text where a number belongs."],
        first_row=[1000.0, 0.0],
        why="exponents, explicit signs, bare dots; hex and underscores are text",
    )

    files["identical_rows.csv"] = usable(
        b"x,y\n" + b"1.5,2.5\n" * 12,
        12,
        12,
        ["x", "y"],
        notes=["Every row is the same point (1.5, 2.5)"],
        first_row=[1.5, 2.5],
        why="every row the same point: no spread at all",
    )

    rows = hills(40, 2, seed=27)
    body = "".join(f"{a * 1e-9:.6e},{b * 1e9:.6e}\n" for a, b in rows)
    files["extreme_scales.csv"] = usable(
        ("tiny,huge\n" + body).encode(),
        40,
        40,
        ["tiny", "huge"],
        first_row=[float(f"{rows[0][0] * 1e-9:.6e}"), float(f"{rows[0][1] * 1e9:.6e}")],
        why="one column in nanometres, the other in billions",
    )

    rows = hills(30, 2, seed=28)
    body = "".join(f"{a}e200,{b}e-200\n" for a, b in rows)
    files["huge_magnitudes.csv"] = usable(
        ("big,small\n" + body).encode(),
        30,
        30,
        ["small"],
        notes=["Skipped column(s) with numbers too large to square: big (up to"],
        first_row=[float(f"{rows[0][1]}e-200")],
        why="values near 1e200 (squares overflow: the column is left out) and "
        "1e-200 (squares underflow)",
    )

    body = "".join(f"{a}e300,{b}e250\n" for a, b in hills(20, 2, seed=38))
    files["only_huge.csv"] = unusable(
        ("x,y\n" + body).encode(),
        "too large for Fogmap to square",
        why="every column beyond 1e100: nothing left to fit",
    )

    rows = hills(30, 2, seed=29)
    body = "".join(
        f"{a},{b},{'True' if i % 3 else 'False'}\n" for i, (a, b) in enumerate(rows)
    )
    files["bool_column.csv"] = usable(
        ("x,y,passed\n" + body).encode(),
        30,
        30,
        ["x", "y"],
        labels=["passed"],
        notes=["Skipped text column(s): passed."],
        first_row=rows[0],
        why="a True/False column",
    )

    rows = hills(30, 2, seed=30)
    body = "".join(
        f'{a},{b},"line one, with a comma\nline two; and ""quotes"""\n'
        if i % 4 == 0
        else f"{a},{b},short\n"
        for i, (a, b) in enumerate(rows)
    )
    files["quoted_newlines.csv"] = usable(
        ("x,y,comment\n" + body).encode(),
        30,
        30,
        ["x", "y"],
        labels=["comment"],
        first_row=rows[0],
        why="text cells holding commas, semicolons, quotes and line breaks",
    )

    rows = hills(30, 3, seed=31)
    files["unicode_names.csv"] = usable(
        ("📏 length,温度,طول\n" + lines(rows)).encode(),
        30,
        30,
        ["📏 length", "温度", "طول"],
        first_row=rows[0],
        why="emoji, Chinese and right-to-left names",
    )

    rows = hills(30, 2, seed=32)
    markers = ["NA", "NULL", "nan", "#N/A", "N/A", "-"]
    body = lines(rows) + "".join(f"{m},1.5\n" for m in markers)
    files["na_markers.csv"] = usable(
        ("x,y\n" + body).encode(),
        30,
        36,
        ["x", "y"],
        notes=["Dropped 6 rows: 5 with a gap, 1 with text where a number belongs."],
        first_row=rows[0],
        why="the ways spreadsheets write a missing value (NA, NULL, #N/A, -)",
    )

    rows = hills(30, 2, seed=33)
    files["markdown_file_name.csv"] = usable(
        ("x,y\n" + lines(rows)).encode(),
        30,
        30,
        ["x", "y"],
        first_row=rows[0],
        upload_as="my **data** [v2](x) #1 <b>final</b>_$5.csv",
        why="Markdown and HTML in the file's own name",
    )

    rows = hills(30, 2, seed=34)
    files["padded_cells.csv"] = usable(
        (
            "  x  ,  y  \n" + "".join(f"  {a}  ,  00{abs(b)}  \n" for a, b in rows)
        ).encode(),
        30,
        30,
        ["x", "y"],
        first_row=[rows[0][0], abs(rows[0][1])],
        why="spaces around names and numbers, leading zeros",
    )

    rows = hills(30, 2, seed=35)
    body = "".join(f"{a},{b},a;b;c\n" for a, b in rows)
    files["semicolons_in_text.csv"] = usable(
        ("x,y,tags\n" + body).encode(),
        30,
        30,
        ["x", "y"],
        labels=["tags"],
        first_row=rows[0],
        why="commas between columns, more semicolons inside a text column",
    )

    rows = hills(30, 2, seed=36)
    files["old_mac_cr.csv"] = usable(
        ("x,y\r" + "".join(f"{a},{b}\r" for a, b in rows)).encode(),
        30,
        30,
        ["x", "y"],
        first_row=rows[0],
        why="classic Mac OS line ends: a carriage return only",
    )

    rows = hills(30, 2, seed=37)
    files["no_final_newline.csv"] = usable(
        ("x,y\n" + lines(rows)).rstrip("\n").encode(),
        30,
        30,
        ["x", "y"],
        first_row=rows[0],
        why="the last line has no line break",
    )

    # ---------------------------------------------------------------- unusable
    files["empty.csv"] = unusable(b"", "empty", why="zero bytes")
    files["blank_only.csv"] = unusable(
        b"\n  \n\r\n\t\n\n", "blank lines", why="only blank lines"
    )
    files["header_only.csv"] = unusable(
        b"x,y,z\n", "no rows", why="a header and nothing under it"
    )
    files["no_numbers.csv"] = unusable(
        b"name,city\nann,paris\nbob,rome\ncy,oslo\n",
        "no column of numbers",
        why="text only",
    )
    files["only_row_numbers.csv"] = unusable(
        b"id,name\n1,ann\n2,bob\n3,cy\n4,dee\n",
        "no column of numbers",
        why="the only numbers count the rows",
    )
    files["one_row.csv"] = unusable(
        b"x,y\n1,2\n", "at least 2", why="a single row of numbers"
    )
    files["one_usable_row.csv"] = unusable(
        b"x,y\n1,2\n,3\n4,\nfoo,bar\n5,oops\n",
        "at least 2",
        why="one complete row, the others with gaps or text",
    )
    files["every_row_has_a_gap.csv"] = unusable(
        b"x,y,z\n1,2,\n,3,4\n5,,6\n7,8,\n",
        "at least 2",
        why="a gap in every row",
    )
    files["excel_xlsx.csv"] = unusable(
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00"
        + b"[Content_Types].xml"
        + bytes(range(256)),
        "Excel",
        upload_as="marks.csv",
        why="an .xlsx workbook renamed to .csv",
    )
    files["excel_xls.csv"] = unusable(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512),
        "Excel",
        why="an old .xls workbook",
    )
    files["report_pdf.csv"] = unusable(
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        "PDF",
        why="a PDF",
    )
    files["image_png.csv"] = unusable(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        "PNG",
        why="a PNG image",
    )
    files["photo_jpeg.csv"] = unusable(
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(256)),
        "JPEG",
        why="a JPEG photo",
    )
    files["anim_gif.csv"] = unusable(
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + bytes(64), "GIF", why="a GIF"
    )
    files["nul_bytes.csv"] = unusable(
        b"x,y\n1,2\n3\x00,4\n5,6\n", "binary", why="a NUL byte inside the text"
    )
    files["utf16_no_bom.csv"] = unusable(
        "x,y\n1,2\n3,4\n5,6\n".encode("utf-16-le"),
        "binary",
        why="UTF-16 without its byte-order mark (NUL bytes between letters)",
    )
    files["random_binary.csv"] = unusable(
        bytes(random.Random(40).randrange(1, 32) for _ in range(2000)),
        "binary",
        why="control characters, no known magic number",
    )
    body = "x,y\n1,2\n" + "".join(f"{i},{i + 1},{i + 2}\n" for i in range(3, 20))
    files["mostly_ragged.csv"] = unusable(
        body.encode(), "most rows", why="most rows have a field too many"
    )
    files["first_row_extra_field.csv"] = unusable(
        b"x,y\n1,2,3\n4,5,6\n7,8,9\n",
        "fields where the header has",
        why="the header names fewer columns than the first row has",
    )
    return files


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    manifest = []
    for name, entry in corpus().items():
        content = entry.pop("content")
        assert isinstance(content, bytes)
        (OUT / name).write_bytes(content)
        manifest.append(
            {"file": name, **{k: v for k, v in entry.items() if v is not None}}
        )
    (OUT / "manifest.json").write_text(
        json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"wrote {len(manifest)} files to {OUT}")


if __name__ == "__main__":
    main()
