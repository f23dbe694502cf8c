"""The one writer of CSV and XLSX files, for the core and every plugin.

Spreadsheets run formulas: a cell starting with ``=``, ``+``, ``-`` or ``@``
(or a tab / carriage return) typed by a citizen could run when an agent
opens the file (``=HYPERLINK(...)`` sending the row elsewhere, DDE…). Every
text cell so starting gets a leading apostrophe (OWASP's advice for CSV
injection), in CSV and XLSX alike. Numbers stay numbers: an ``int``,
``Decimal`` or ``float`` is written as is, and so is a text that is only a
number (``-12``, ``-3,5``), which a spreadsheet reads as that number and
nothing else.

Routes answer with :func:`download`; a file built elsewhere (a job) uses
:func:`table_to_csv` / :func:`table_to_xlsx`, and is served, once stored,
by :func:`stored_download`. Nothing else in GRC calls
``csv.writer`` or ``openpyxl`` to produce a file (tests/test_exports.py
checks every export route with a formula payload).
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal

from flask import Response

from .workflows.deadlines import PARIS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


def neutralize(value):
    """A cell a spreadsheet will show as text, never evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def cell_value(value):
    """What a writer may hold: numbers, dates and booleans as such, anything
    else (enums, lazy strings, Markup) as its text."""
    if value is None:
        return ""
    if isinstance(value, datetime) and value.tzinfo is not None:
        # A spreadsheet has no time zone (XLSX refuses one): the commune's local time.
        return value.astimezone(PARIS).replace(tzinfo=None)
    if isinstance(value, (bool, int, float, Decimal, date)):
        return value
    return str(value)


def _csv_cell(value):
    value = cell_value(value)
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return neutralize(value)


def table_to_csv(rows) -> bytes:
    """Semicolon-separated UTF-8 with a BOM: what French spreadsheets open as is."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_cell(value, illegal_characters: re.Pattern):
    value = cell_value(value)
    if isinstance(value, str):
        # XML cannot hold most control characters; openpyxl would refuse the file.
        return neutralize(illegal_characters.sub("", value))
    return value


def table_to_xlsx(rows, title: str) -> bytes:
    """One sheet named ``title`` (without the characters a sheet's name may not hold)."""
    # Imported here: openpyxl weighs ~8 MB in every worker, and only an XLSX export needs it.
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(re.sub(r"[\[\]:*?/\\]", " ", str(title))[:31] or "GRC")
    for row in rows:
        sheet.append([_xlsx_cell(value, ILLEGAL_CHARACTERS_RE) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download(rows, fmt: str, filename: str, title: str = "GRC") -> Response:
    """``rows`` (header first) as an attachment ``<filename>.<fmt>``.

    Exports hold personal data: never kept by a cache (``no-store``).
    """
    if fmt == "csv":
        body, mimetype = table_to_csv(rows), CSV_TYPE
    elif fmt == "xlsx":
        body, mimetype = table_to_xlsx(rows, title), XLSX_TYPE
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    return Response(body, mimetype=mimetype, headers=_download_headers(filename, fmt))


def stored_download(chunks, fmt: str, filename: str, size: int | None) -> Response:
    """A file :func:`table_to_csv` / :func:`table_to_xlsx` wrote earlier, streamed
    from the storage (``filename`` with or without its extension)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    response = Response(chunks, mimetype=CSV_TYPE if fmt == "csv" else XLSX_TYPE, direct_passthrough=True,
                        headers=_download_headers(filename.removesuffix(f".{fmt}"), fmt))
    response.content_length = size
    return response


def _download_headers(filename: str, fmt: str) -> dict:
    # Exports hold personal data: never kept by a cache.
    safe_name = re.sub(r"[^A-Za-z0-9._-]+", "-", filename).strip("-") or "export"
    return {"Content-Disposition": f'attachment; filename="{safe_name}.{fmt}"', "Cache-Control": "private, no-store"}
