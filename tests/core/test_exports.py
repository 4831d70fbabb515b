import io

from openpyxl import load_workbook

from cnfs.core.exports import csv_response, safe_cell, xlsx_response

ROWS = [["Nom", "Note"], ['=HYPERLINK("http://x")', "+33 4 70"], ["Dupont", 3]]


def test_cells_that_look_like_formulas_are_exported_as_text():
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("-2") == "'-2"
    assert safe_cell("Dupont") == "Dupont"
    assert safe_cell(3) == 3


def test_csv_export_neutralises_formulas_and_opens_in_excel():
    body = b"".join(csv_response(ROWS, "x.csv").streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    assert "'=HYPERLINK" in body
    assert "'+33 4 70" in body


def test_xlsx_export_neutralises_formulas():
    response = xlsx_response(ROWS, "x.xlsx", sheet="Export")
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    assert sheet["A2"].value == '\'=HYPERLINK("http://x")'
    assert sheet["A3"].value == "Dupont"
    assert sheet["B3"].value == 3


def test_csv_is_streamed_as_rows_come():
    """Rows are read only as the client reads the file: nothing is built in memory first."""
    read = []

    def rows():
        for n in range(3):
            read.append(n)
            yield [f"ligne {n}", "=1+1"]

    response = csv_response(rows(), "x.csv")
    assert response.streaming and read == []
    chunks = iter(response.streaming_content)
    assert next(chunks) == "\ufeff".encode()
    assert next(chunks) == b"ligne 0;'=1+1\r\n" and read == [0]
    assert b"".join(chunks) == b"ligne 1;'=1+1\r\nligne 2;'=1+1\r\n"


def test_xlsx_is_sent_from_a_file_not_built_in_memory():
    response = xlsx_response(ROWS, "x.xlsx", sheet="Export")
    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="x.xlsx"'
    assert load_workbook(io.BytesIO(response.getvalue())).active.max_row == 3
