"""Open-data files: a column is declared once (name, type, description, example, how to read it from a row), and the
same declaration gives the CSV file, its data dictionary and the public API's schema.

The CSV follows the usual open-data conventions (Etalab): UTF-8 without BOM, comma-separated, a header line, dates
in ISO 8601. It is streamed line by line (constant memory) through `core.exports.Echo`; a free text typed by a user
goes through `safe_cell`, so that it never opens as a spreadsheet formula."""

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.http import StreamingHttpResponse
from django.utils import timezone

from cnfs.core.replica import iterate_reading_replica

from .exports import Echo, safe_cell

LICENCE = "Licence Ouverte 2.0 (Etalab)"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
DICTIONARY_HEADER = ("fichier", "colonne", "type", "description", "exemple")
TYPE_LABELS = {
    "string": "texte",
    "integer": "nombre entier",
    "number": "nombre décimal",
    "date": "date (AAAA-MM-JJ)",
    "datetime": "date et heure (ISO 8601)",
    "month": "mois (AAAA-MM)",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a key of TYPE_LABELS
    description: str
    example: str
    value: Callable  # row -> the value (None when unknown)
    free_text: bool = False  # typed by a user: never a formula in a spreadsheet
    nullable: bool = False

    @property
    def type_label(self) -> str:
        return TYPE_LABELS[self.type]


def cell(column: Column, row):
    """The CSV text of one column of a row."""
    value = column.value(row)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return f"{value:%Y-%m}" if column.type == "month" else value.isoformat()
    return safe_cell(value) if column.free_text else value


def record(columns: Iterable[Column], row) -> dict:
    """The row as a dict of typed values (what the API serializes)."""
    return {column.name: column.value(row) for column in columns}


def csv_lines(header: Iterable[str], lines: Iterable[Iterable]):
    writer = csv.writer(Echo(), lineterminator="\n")
    yield writer.writerow(header)
    for line in lines:
        yield writer.writerow(line)


def table_lines(columns: list[Column], rows: Iterable):
    return csv_lines([c.name for c in columns], ([cell(c, row) for c in columns] for row in rows))


def stream(chunks, content_type: str, filename: str) -> StreamingHttpResponse:
    """Public files: read from the replica when there is one, row by row as the response streams."""
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in iterate_reading_replica(chunks)), content_type=content_type
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


def csv_response(chunks, filename: str) -> StreamingHttpResponse:
    return stream(chunks, "text/csv; charset=utf-8", filename)
