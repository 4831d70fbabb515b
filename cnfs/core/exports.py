"""The file responses every export builds: CSV that Excel opens as is, and XLSX. Rows include the header.

Both are written as the rows come, in constant memory: CSV is streamed to the client line by line; XLSX is written
by openpyxl's write-only mode to a temporary file, which is then streamed. Callers pass an iterable of rows (lists of
plain values, read with `values_list` rather than model objects).

Every cell goes through `safe_cell`: a value typed by a user that starts like a formula is exported as text, so
opening the file in a spreadsheet never runs it."""

import csv
import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from .text import xml_safe

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The one function every exported cell goes through."""
    value = xml_safe(value)  # a control character typed long ago must not break everybody's XLSX
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _safe_rows(rows):
    for row in rows:
        yield [safe_cell(value) for value in row]


def dated_filename(stem: str, ext: str) -> str:
    return f"{stem}-{timezone.localdate():%Y-%m-%d}.{ext}"


class Echo:
    """A file-like object whose write() returns what it was given: csv.writer then formats one line at a time (for
    streamed CSV)."""

    def write(self, text):
        return text


def _csv_lines(rows):
    yield "\ufeff"  # Excel opens UTF-8 with a BOM
    writer = csv.writer(Echo(), delimiter=";")
    for row in _safe_rows(rows):
        yield writer.writerow(row)


def csv_response(rows, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in _csv_lines(rows)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(rows, filename: str, *, sheet: str) -> FileResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)  # rows go to disk as they are appended
    worksheet = workbook.create_sheet(sheet)
    for row in _safe_rows(rows):
        worksheet.append(row)
    file = tempfile.TemporaryFile()  # noqa: SIM115 — closed (and so deleted) by the response once sent
    workbook.save(file)
    file.seek(0)
    return FileResponse(file, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
