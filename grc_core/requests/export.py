"""CSV and XLSX exports of a filtered queue.

Every matching row (the same filters and the same visibility as the queue
page), up to :data:`MAX_ROWS`: past that the agent is asked to narrow the
filters rather than given a silently truncated file.

Spreadsheets run formulas: a cell starting with ``=``, ``+``, ``-`` or ``@``
(or a tab / carriage return) written by a citizen could execute when an
agent opens the file, so such cells get a leading apostrophe (OWASP's
advice for CSV injection), in CSV and XLSX alike.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from ..extensions import db
from ..workflows.definition import state_label
from ..workflows.deadlines import PARIS, as_utc
from .queue import capped_count, ordered

MAX_ROWS = 50_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class TooManyRows(Exception):
    """More than ``limit`` rows match (how many more is not counted)."""

    def __init__(self, limit: int):
        super().__init__(limit)
        self.limit = limit


def neutralize(value):
    """A cell a spreadsheet will show as text, never evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _local(moment: datetime | None) -> datetime | None:
    # Spreadsheets have no time zones: the commune's local time, naive.
    return as_utc(moment).astimezone(PARIS).replace(tzinfo=None, microsecond=0) if moment else None


def headers() -> list[str]:
    return [
        _("Reference"), _("Received"), _("Type"), _("Subject"), _("Citizen"), _("Channel"), _("Priority"),
        _("Service"), _("Assigned to"), _("Status"), _("Due"), _("First response"), _("Closed"),
        _("Quartier"), _("Location"),
    ]


def row_values(request) -> list:
    return [
        request.reference, _local(request.received_at), request.request_type.label, request.subject,
        request.citizen.full_name if request.citizen else "", request.channel, request.priority,
        request.service.name if request.service else "", request.assignee.full_name if request.assignee else "",
        state_label(request.workflow.definition if request.workflow else None, request.state),
        _local(request.due_at), _local(request.first_response_at), _local(request.closed_at),
        request.quartier, request.location,
    ]


def export_rows(statement) -> list:
    """The rows of the queue ``statement``, or TooManyRows.

    Counted no further than ``MAX_ROWS + 1``: a filter matching a million
    requests is refused without counting them all first.
    """
    if capped_count(statement, MAX_ROWS) > MAX_ROWS:
        raise TooManyRows(MAX_ROWS)
    return list(db.session.scalars(ordered(statement)).unique())


def _csv_cell(value):
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    return "" if value is None else neutralize(value)


def table_to_csv(rows) -> bytes:
    """Semicolon-separated UTF-8 with a BOM: what French spreadsheets open as is."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_cell(value):
    if isinstance(value, str):
        # XML cannot hold most control characters; openpyxl would refuse the file.
        return neutralize(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def table_to_xlsx(rows, title: str) -> bytes:
    """One sheet named ``title`` (without the characters a sheet's name may not hold)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "GRC")
    for row in rows:
        sheet.append([_xlsx_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_csv(requests) -> bytes:
    return table_to_csv([headers(), *(row_values(request) for request in requests)])


def to_xlsx(requests) -> bytes:
    return table_to_xlsx([headers(), *(row_values(request) for request in requests)], _("Requests"))
