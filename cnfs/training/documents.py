"""The welcome booklet ("livret de prise de poste", SPEC §10), generated as an editable DOCX filled with the
structure, the advisor, their places of work and their contacts."""

import io

from django.conf import settings
from docx import Document
from docx.shared import Pt

from cnfs.core.documents import add_paragraph

from .models import Training
from .onboarding import application_of, outfit_size


def welcome_booklet(checklist) -> bytes:
    match = checklist.match
    structure = match.structure
    person = match.candidate.user
    application = application_of(structure)
    training = Training.objects.live().filter(match=match).select_related("provider").first()
    document = Document()
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading("Livret de prise de poste — Conseiller numérique France Services", level=0)
    add_paragraph(document, f"Bienvenue {person.full_name} !")
    document.add_heading("Votre structure", level=1)
    add_paragraph(document, f"{structure.name}{f' ({structure.usual_name})' if structure.usual_name else ''}")
    add_paragraph(document, f"Adresse : {structure.address or ''} {structure.commune or ''}".strip())
    if structure.contact_name:
        add_paragraph(
            document,
            f"Votre contact : {structure.contact_name}"
            f"{f', {structure.contact_job_title}' if structure.contact_job_title else ''}"
            f"{f' — {structure.contact_email}' if structure.contact_email else ''}"
            f"{f' — {structure.contact_phone}' if structure.contact_phone else ''}",
        )
    document.add_heading("Vos lieux d'intervention", level=1)
    places = [str(commune) for commune in application.place_communes.all()] if application else []
    for place in places or [str(structure.commune or structure.departement)]:
        add_paragraph(document, place, style="List Bullet")
    if checklist.vehicle_needed:
        add_paragraph(document, "Votre poste est itinérant : un véhicule est mis à votre disposition.")
    document.add_heading("Votre équipement", level=1)
    size = outfit_size(match)
    for label, day in (
        (f"Tenue{f' (taille {size})' if size else ''}", checklist.outfit_handed_over_on),
        ("Ordinateur", checklist.computer_on),
        ("Téléphone", checklist.phone_on),
        ("Locaux et salles d'accueil", checklist.rooms_on),
    ):
        state = f"remis le {day:%d/%m/%Y}" if day else "en préparation"
        add_paragraph(document, f"{label} : {state}", style="List Bullet")
    document.add_heading("Votre formation", level=1)
    if training and training.provider:
        provider = training.provider
        add_paragraph(document, f"Organisme de formation : {provider.name}")
        contacts = " — ".join(value for value in (provider.contact_email, provider.contact_phone) if value)
        if contacts:
            add_paragraph(document, f"Contact : {contacts}")
        if training.path:
            add_paragraph(document, f"Parcours : {training.get_path_display()}")
        if training.start_date:
            add_paragraph(
                document,
                f"Du {training.start_date:%d/%m/%Y} au {training.expected_end_date:%d/%m/%Y} (fin prévue).",
            )
    else:
        add_paragraph(document, "L'organisme de formation vous contactera prochainement.")
    document.add_heading("La communauté des conseillers numériques", level=1)
    for name, url in settings.CNFS_COMMUNITY_LINKS:
        add_paragraph(document, f"{name} : {url}", style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
