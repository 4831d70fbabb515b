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
    body = csv_response(ROWS, "x.csv").content.decode("utf-8")
    assert body.startswith("\ufeff")
    assert "'=HYPERLINK" in body
    assert "'+33 4 70" in body


def test_xlsx_export_neutralises_formulas():
    response = xlsx_response(ROWS, "x.xlsx", sheet="Export")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == '\'=HYPERLINK("http://x")'
    assert sheet["A3"].value == "Dupont"
    assert sheet["B3"].value == 3
