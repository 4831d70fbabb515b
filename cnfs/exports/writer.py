"""Writing an export's rows to a file as they come, in constant memory: CSV through `csv.writer` on the open file,
XLSX through openpyxl's write-only workbook (rows go to a temporary file, zipped at save). Every cell goes through
`cnfs.core.exports.safe_cell` (no formula runs when the file is opened), as the synchronous exports do.

`progress(n)` is called every `every` rows (and once at the end) with the number of rows written so far."""

import csv
import datetime

from cnfs.core.exports import safe_cell


def _csv_cell(value):
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return value


def write_csv(path, header, rows, *, progress, every: int) -> int:
    with open(path, "x", encoding="utf-8", newline="") as file:
        file.write("\ufeff")  # Excel opens UTF-8 with a BOM
        writer = csv.writer(file, delimiter=";")
        writer.writerow([safe_cell(cell) for cell in header])
        done = 0
        for row in rows:
            writer.writerow([safe_cell(_csv_cell(cell)) for cell in row])
            done += 1
            if done % every == 0:
                progress(done)
    progress(done)
    return done


def write_xlsx(path, header, rows, *, progress, every: int, sheet: str) -> int:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    worksheet.append([safe_cell(cell) for cell in header])
    done = 0
    for row in rows:
        worksheet.append([safe_cell(cell) for cell in row])
        done += 1
        if done % every == 0:
            progress(done)
    with open(path, "xb") as file:
        workbook.save(file)
    progress(done)
    return done
