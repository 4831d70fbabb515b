"""The model job description (SPEC §12), generated from the structure's data as an editable DOCX."""

import io

from docx import Document
from docx.shared import Pt

from cnfs.core.documents import add_paragraph
from cnfs.core.themes import PROGRAMME_MISSIONS
from cnfs.core.themes import Theme as Mission


def job_description(structure, application) -> bytes:
    document = Document()
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading("Fiche de poste — Conseiller numérique France Services", level=0)
    add_paragraph(document, f"Structure employeuse : {structure.name}")
    if structure.usual_name:
        add_paragraph(document, f"Nom d'usage : {structure.usual_name}")
    commune = application.commune if application else structure.commune
    add_paragraph(
        document,
        f"Lieu principal : {application.address + ', ' if application and application.address else ''}{commune or ''}",
    )
    if application:
        places = ", ".join(str(c) for c in application.place_communes.all())
        if places:
            add_paragraph(
                document,
                f"Lieux d'intervention : {places}{' (poste itinérant)' if application.itinerant else ''}",
            )
        if application.start_date:
            add_paragraph(document, f"Date de prise de poste souhaitée : {application.start_date:%d/%m/%Y}")
    add_paragraph(document, "Temps de travail : temps plein (35 heures hebdomadaires).")
    document.add_heading("Missions", level=1)
    for mission in PROGRAMME_MISSIONS:
        add_paragraph(document, Mission(mission).label, style="List Bullet")
    document.add_heading("Activités et tâches", level=1)
    chosen = [m for m in (application.missions if application else []) if m not in PROGRAMME_MISSIONS]
    tasks = [Mission(m).label for m in chosen] or [
        Mission(m).label for m in Mission if m not in PROGRAMME_MISSIONS
    ]
    for task in tasks:
        add_paragraph(document, task, style="List Bullet")
    for line in [
        "Accompagner les usagers individuellement ou en ateliers collectifs, sur les lieux d'activité et en itinérance.",
        "Rédiger des comptes rendus d'activité et participer aux rencontres du réseau des conseillers numériques.",
        "Orienter les usagers vers les structures et dispositifs adaptés (Aidants Connect, France Services…).",
    ]:
        add_paragraph(document, line, style="List Bullet")
    document.add_heading("Profil recherché", level=1)
    add_paragraph(
        document,
        "Goût du contact et de la pédagogie, bonne maîtrise des outils numériques. Une formation certifiante "
        "(CCP1 du titre « responsable d'espace de médiation numérique ») est assurée dans le cadre du dispositif.",
    )
    add_paragraph(
        document, "Ce modèle est modifiable : adaptez-le avant de le publier sur emploi-territorial.fr."
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
