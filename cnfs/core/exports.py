"""The file responses every export builds: CSV that Excel opens as is, and XLSX. Rows include the header.

Every text cell goes through `safe_cell`: a value typed by a user that starts like a formula is exported as text,
so opening the file in a spreadsheet never runs it."""

import csv
import io

from django.http import HttpResponse
from django.utils import timezone

from .text import xml_safe

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    value = xml_safe(value)  # a control character typed long ago must not break everybody's XLSX
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _safe_rows(rows):
    for row in rows:
        yield [safe_cell(value) for value in row]


def dated_filename(stem: str, ext: str) -> str:
    return f"{stem}-{timezone.localdate():%Y-%m-%d}.{ext}"


def csv_response(rows, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # Excel opens UTF-8 with a BOM
    csv.writer(response, delimiter=";").writerows(_safe_rows(rows))
    return response


def xlsx_response(rows, filename: str, *, sheet: str) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    for row in _safe_rows(rows):
        worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
