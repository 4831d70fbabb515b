"""The funding documents of SPEC §12, generated and filled as editable DOCX: one function per document."""

import io
from decimal import Decimal

from docx import Document
from docx.shared import Pt

from cnfs.core.documents import add_paragraph, set_cell
from cnfs.core.themes import labels

from .rules import TRANCHES

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _euros(amount) -> str:
    return f"{Decimal(amount):,.2f} €".replace(",", " ").replace(".", ",")


def _document(title: str):
    document = Document()
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading(title, level=0)
    return document


def _bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def project_contract(contract) -> bytes:
    """The model of the advisor's contract (contrat de projet or the type recorded), filled from the contract."""
    structure, candidate = contract.structure, contract.match.candidate
    document = _document(f"{contract.get_type_display()} — Conseiller numérique France Services")
    add_paragraph(document, "Modèle de contrat à adapter par l'employeur avant signature.")
    document.add_heading("Entre les soussignés", level=1)
    add_paragraph(
        document, f"L'employeur : {structure.name}, SIRET {structure.siret}, {structure.address}".rstrip(", ")
    )
    add_paragraph(document, f"Le salarié : {candidate.full_name or candidate}")
    document.add_heading("Article 1 — Emploi", level=1)
    add_paragraph(
        document,
        f"Le salarié est recruté comme conseiller numérique France Services sur le poste n° {contract.post_id}, "
        f"financé par l'État dans le cadre du dispositif.",
    )
    document.add_heading("Article 2 — Durée", level=1)
    add_paragraph(document, f"Type de contrat : {contract.get_type_display()}")
    add_paragraph(document, f"Date de début : {contract.start_date:%d/%m/%Y}")
    add_paragraph(
        document,
        f"Date de fin : {contract.end_date:%d/%m/%Y}"
        if contract.end_date
        else "Date de fin : sans objet (durée indéterminée)",
    )
    document.add_heading("Article 3 — Temps de travail et rémunération", level=1)
    add_paragraph(document, f"Durée hebdomadaire : {contract.weekly_hours:g} heures (temps plein)")
    add_paragraph(document, f"Salaire mensuel brut : {_euros(contract.gross_monthly_salary)}")
    document.add_heading("Article 4 — Missions", level=1)
    for label in labels(contract.missions):
        add_paragraph(document, label, style="List Bullet")
    add_paragraph(
        document,
        "Le salarié suit la formation certifiante du dispositif, qui débute dans les jours suivant sa prise de poste.",
    )
    document.add_heading("Signatures", level=1)
    add_paragraph(document, f"Fait le {contract.signed_on:%d/%m/%Y}, en deux exemplaires.")
    return _bytes(document)


def grant_agreement(agreement, lines, totals: dict) -> bytes:
    """The grant agreement between the State (Banque des Territoires) and the structure, with its posts."""
    structure = agreement.structure
    document = _document(f"Convention de subventionnement n° {agreement.number}")
    if agreement.renewal_of_id:
        add_paragraph(
            document,
            f"Reconventionnement : cette convention remplace la convention n° {agreement.renewal_of.number}.",
        )
    document.add_heading("Entre", level=1)
    add_paragraph(
        document, "L'État, représenté par la Banque des Territoires (Caisse des dépôts et consignations),"
    )
    add_paragraph(document, f"et {structure.name}, SIRET {structure.siret}, ci-après « la structure ».")
    document.add_heading("Article 1 — Objet", level=1)
    add_paragraph(
        document,
        f"La présente convention fixe la subvention de l'État pour {totals['posts']} poste(s) de conseiller numérique "
        "France Services accueilli(s) par la structure.",
    )
    document.add_heading("Article 2 — Durée", level=1)
    add_paragraph(document, f"Date de début : {agreement.starts_on:%d/%m/%Y}")
    add_paragraph(document, f"Durée : {agreement.months} mois")
    document.add_heading("Article 3 — Montant de la subvention", level=1)
    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    set_cell(table.rows[0].cells[0], "Poste")
    set_cell(table.rows[0].cells[1], "Financement de l'État sur 24 mois")
    for line in lines:
        cells = table.add_row().cells
        set_cell(cells[0], f"Poste n° {line.post_id}")
        set_cell(cells[1], _euros(line.state_funding))
    cells = table.add_row().cells
    set_cell(cells[0], "Total")
    set_cell(cells[1], _euros(totals["state_funding"]))
    add_paragraph(document, f"Cofinancement de la structure : {_euros(agreement.co_financing)}")
    document.add_heading("Article 4 — Versement", level=1)
    for number, share, months in TRANCHES:
        add_paragraph(
            document,
            f"Tranche {number} : {share * 100:.0f} % du financement du poste, {months} mois après la signature du "
            "contrat du conseiller.",
            style="List Bullet",
        )
    document.add_heading("Signatures", level=1)
    add_paragraph(
        document,
        f"Signée le {agreement.signed_on:%d/%m/%Y}." if agreement.signed_on else "Date de signature : ……………",
    )
    return _bytes(document)
