"""Generated funding documents (SPEC §12), filled with the structure's data and downloadable as editable DOCX. One
self-contained function per document, each returning the file's bytes."""

import io

from docx import Document
from docx.shared import Pt

from cnfs.core.documents import add_paragraph
from cnfs.core.themes import PROGRAMME_MISSIONS
from cnfs.core.themes import Theme as Mission
from cnfs.structures.models import Post

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
