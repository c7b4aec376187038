"""CSV and XLSX files that are safe to open in a spreadsheet (OWASP "CSV injection").

A spreadsheet treats a cell that begins with `=`, `+`, `-` or `@` as a formula, and a leading tab or carriage
return can hide one; a formula in a file we wrote could run commands or send data away when an administrator
opens it. Every CSV or XLSX file the platform writes goes through this module:

    from equiptrain import csvsafe

    # a download
    return csvsafe.csv_response("team-progress.csv", ["Name", "Modules done"], rows)

    # a file, or any text stream
    w = csvsafe.writer(stream)
    w.writerow(["Name", "Team"])
    w.writerows(rows)

    # an openpyxl worksheet
    csvsafe.xlsx_append(worksheet, ["Name", "Team"])

`neutralise(value)` is the one rule underneath: a text cell that a spreadsheet would read as a formula gets a
leading apostrophe (which spreadsheets show as "this is text"); numbers, dates, booleans and empty cells are
left alone, so a negative number stays a number. `is_dangerous(text)` answers whether a cell would be changed,
for flagging such values when they come in (the staff import does).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from flask import Response

# The first characters that make a spreadsheet evaluate a cell (OWASP's list).
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"


def is_dangerous(value: Any) -> bool:
    """Whether `value` is text that a spreadsheet would evaluate as a formula."""
    return isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES)


def neutralise(value: Any) -> Any:
    """The cell to write for `value`: text starting with a formula character gets a leading apostrophe;
    anything else (including numbers, dates and None) is returned unchanged."""
    return PREFIX + value if is_dangerous(value) else value


def neutralise_row(row: Iterable[Any]) -> list[Any]:
    """`neutralise` applied to every cell of a row."""
    return [neutralise(cell) for cell in row]


class SafeWriter:
    """A `csv.writer` whose every cell is neutralised first. Cells are always quoted."""

    def __init__(self, stream, **kwargs):
        kwargs.setdefault("quoting", csv.QUOTE_ALL)
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow(neutralise_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream, **kwargs) -> SafeWriter:
    """Like `csv.writer(stream, **kwargs)`, with every cell neutralised (and quoted)."""
    return SafeWriter(stream, **kwargs)


def csv_text(header: Iterable[Any] | None, rows: Iterable[Iterable[Any]]) -> str:
    """A whole CSV document as text (header first if given), every cell neutralised (files written to disk, such
    as the ESR export)."""
    out = io.StringIO()
    w = writer(out)
    if header is not None:
        w.writerow(header)
    w.writerows(rows)
    return out.getvalue()


def _stream(header: Iterable[Any] | None, rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    out = io.StringIO()
    w = writer(out)
    yield "\ufeff"  # a byte-order mark, so Excel reads the file as UTF-8 (names with accents stay intact)
    if header is not None:
        w.writerow(header)
    for row in rows:
        w.writerow(row)
        if out.tell() > 64 * 1024:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def csv_response(filename: str, header: Iterable[Any] | None, rows: Iterable[Iterable[Any]]) -> Response:
    """A CSV download of `rows` (streamed, so a large export is not built in memory), every cell neutralised."""
    if not filename.endswith(".csv") or any(c in filename for c in '"\\/\r\n'):
        raise ValueError(f"not a safe CSV file name: {filename!r}")
    return Response(
        _stream(header, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def xlsx_append(worksheet, row: Iterable[Any]) -> None:
    """Append `row` to an openpyxl worksheet with every cell neutralised. openpyxl stores any text starting
    with "=" as a formula, so neutralising also keeps it from writing one."""
    worksheet.append(neutralise_row(row))
