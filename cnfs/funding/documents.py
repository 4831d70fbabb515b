"""Generated funding documents (SPEC §12), filled with the structure's data and downloadable as editable DOCX. One
self-contained function per document, each returning the file's bytes."""

import io
from decimal import Decimal

from docx import Document
from docx.shared import Pt

from cnfs.core.documents import add_paragraph, set_cell
from cnfs.core.themes import PROGRAMME_MISSIONS, labels
from cnfs.core.themes import Theme as Mission
from cnfs.structures.models import Post

from .rules import TRANCHES

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

ADVISOR_MISSIONS = (
    "Accompagner les usagers individuellement ou en ateliers collectifs vers l'autonomie numérique.",
    "Orienter les usagers vers les structures et dispositifs adaptés (Aidants Connect, France Services…).",
    "Rédiger des comptes rendus d'activité et participer au réseau des conseillers numériques.",
)


def deliberation(grant_file) -> bytes:
    """The model deliberation of the structure's assembly authorising the recruitment of a digital advisor on the
    file's post: name, SIRET, commune, number of posts granted, the post, the advisor's missions."""
    structure = grant_file.structure
    posts = Post.objects.filter(structure=structure).granted().count()
    document = Document()
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading("Délibération autorisant le recrutement d'un conseiller numérique", level=0)
    add_paragraph(document, f"Structure : {structure.name}")
    add_paragraph(document, f"SIRET : {structure.siret}")
    add_paragraph(document, f"Commune : {structure.commune or ''}")
    add_paragraph(document, "Séance du ……/……/………… — Nombre de membres en exercice : …… — Présents : ……")
    document.add_heading("Exposé", level=1)
    add_paragraph(
        document,
        f"Dans le cadre du dispositif « Conseiller numérique France Services », l'État a accordé à {structure.name} "
        f"{posts} poste{'s' if posts > 1 else ''} de conseiller numérique, financé{'s' if posts > 1 else ''} par "
        "une subvention versée par la Banque des Territoires.",
    )
    add_paragraph(
        document,
        f"Le recrutement porte sur le poste n° {grant_file.post_id}, à temps plein (35 heures hebdomadaires).",
    )
    document.add_heading("Missions du conseiller numérique", level=1)
    for mission in PROGRAMME_MISSIONS:
        add_paragraph(document, Mission(mission).label, style="List Bullet")
    for line in ADVISOR_MISSIONS:
        add_paragraph(document, line, style="List Bullet")
    document.add_heading("Décision", level=1)
    for line in (
        f"Article 1 : l'assemblée autorise le recrutement d'un conseiller numérique sur le poste n° "
        f"{grant_file.post_id} ({posts} poste{'s' if posts > 1 else ''} accordé{'s' if posts > 1 else ''} au "
        "total).",
        "Article 2 : l'assemblée autorise le président ou la présidente à signer le contrat de travail et la "
        "convention de subventionnement avec la Banque des Territoires.",
        "Article 3 : les crédits nécessaires sont inscrits au budget.",
    ):
        add_paragraph(document, line)
    add_paragraph(document, "Fait à …………………, le ……/……/…………")
    add_paragraph(document, "Signature du président ou de la présidente :")
    add_paragraph(
        document,
        "Ce modèle est modifiable : adaptez-le à vos règles, faites-le signer puis déposez-le au dossier.",
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


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
