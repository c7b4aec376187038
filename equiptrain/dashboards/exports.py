"""CSV and XLSX downloads of the team matrix and the organisation table, and the compliance CSV for the staff
record system. Rows are streamed; every cell that a spreadsheet could read as a formula is neutralised."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Iterable, Iterator

from flask import Response, stream_with_context
from openpyxl import Workbook

from equiptrain import csvsafe
from equiptrain.dashboards.queries import FACT_COLUMNS
from equiptrain.dashboards.requirements import STATUS_LABELS

CHUNK = 64 * 1024


# Every cell goes through the platform's one neutraliser (OWASP CSV injection): see equiptrain/csvsafe.py.
safe_cell = csvsafe.neutralise


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(safe_cell(value) if isinstance(value, str) else value)


def csv_lines(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """The CSV text, in chunks of many rows (a few dozen writes for 10,000 rows)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_text(h) for h in header])
    for i, row in enumerate(rows, start=1):
        writer.writerow([_text(v) for v in row])
        if i % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_response(filename: str, header: list[str], rows: Iterable[list]) -> Response:
    body = stream_with_context(("\ufeff" if i == 0 else "") + chunk for i, chunk in enumerate(csv_lines(header, rows)))
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _xlsx_value(value):
    if isinstance(value, dt.datetime):
        return value.date()
    return safe_cell(value)


def xlsx_response(filename: str, sheet: str, header: list[str], rows: Iterable[list]) -> Response:
    """An XLSX built with openpyxl's write-only mode (rows go to disk as they come), then streamed out."""
    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet[:31])
    ws.append([safe_cell(h) for h in header])
    for row in rows:
        ws.append([_xlsx_value(v) for v in row])
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    book.save(spool)
    spool.seek(0)

    def chunks():
        with spool:
            while data := spool.read(CHUNK):
                yield data

    return Response(
        chunks(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def download(fmt: str, name: str, sheet: str, header: list[str], rows: Iterable[list]) -> Response:
    if fmt == "xlsx":
        return xlsx_response(f"{name}.xlsx", sheet, header, rows)
    return csv_response(f"{name}.csv", header, rows)


# -- what goes in each download -------------------------------------------------------------------------------------


def matrix_table(rows, modules) -> tuple[list[str], Iterator[list]]:
    header = ["Name", "Employee number", "Profession", "Role", "Account", "Status", "Deadline", "Overdue"]
    for m in modules:
        header += [f"{m.title}: status", f"{m.title}: date"]
    header += [heading for _, heading in FACT_COLUMNS]

    def lines():
        for r in rows:
            line = [
                r.name,
                r.employee_number,
                r.profession.label,
                r.role.value.capitalize(),
                r.account_label,
                r.status_label,
                r.deadline,
                "Yes" if r.overdue else "No",
            ]
            for m in modules:
                cell = r.modules.get(m.id)
                line += [
                    STATUS_LABELS[cell.status] if cell else STATUS_LABELS["not_started"],
                    cell.on if cell else None,
                ]
            line += [getattr(r, key) for key, _ in FACT_COLUMNS]
            yield line

    return header, lines()


def organisation_table(lines) -> tuple[list[str], Iterator[list]]:
    header = [
        "Team",
        "Staff",
        "Complete",
        "% complete",
        "Overdue",
        "Attended core workshop",
        "Trained",
        "Workshops held",
        "Follow-ups scheduled",
        "Follow-up due",
        "Confidence change",
    ]

    def rows():
        for t in lines:
            yield [
                t.name,
                t.staff,
                t.complete,
                t.percent_complete,
                t.overdue,
                t.core_attended,
                "Yes" if t.trained else "No",
                t.held,
                t.follow_ups,
                "Yes" if t.follow_up_due else "No",
                t.confidence.change if t.confidence.shown else "Fewer than the minimum group size",
            ]

    return header, rows()


def compliance_table(records) -> tuple[list[str], Iterator[list]]:
    """records: (employee number, name, email, what, completed on, expires on)."""
    header = ["Employee number", "Name", "Email", "Module or workshop", "Completion date", "Expiry date", "Expired"]
    today = dt.datetime.now(dt.UTC).date()
    return header, ([*r, "Yes" if r[5] is not None and r[5] <= today else "No"] for r in records)
