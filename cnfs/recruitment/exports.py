"""Exports of the structure's candidate list (CSV, XLSX) and the interview guide with its grid (DOCX)."""

import io
from itertools import chain

from django.http import HttpResponse

from cnfs.candidates.models import SITUATIONS
from cnfs.core import exports

from .models import MatchStatus

COLUMNS = [
    "Nom",
    "Prénom",
    "Adresse électronique",
    "Téléphone",
    "Commune",
    "Distance (km)",
    "Disponible le",
    "Situation",
    "Diplôme",
    "Déjà conseiller numérique",
    "Palier Pix",
    "CV",
    "Statut",
]
STATUS_LABELS = dict(MatchStatus.choices)


SITUATION_FIELDS = list(SITUATIONS)
FIELDS = [
    "user__last_name",
    "user__first_name",
    "user__email",
    "user__phone",
    "commune__name",
    "distance_km",
    "available_from",
    *SITUATION_FIELDS,
    "diploma_name",
    "was_advisor",
    "pix_shared",
    "pix__level",
    "cv_name",
    "match_status",
]


def rows(candidates):
    """One row per candidate of the list's queryset, read as plain values (no model objects)."""
    for values in candidates.values_list(*FIELDS).iterator(chunk_size=500):
        row = dict(zip(FIELDS, values, strict=True))
        yield [
            row["user__last_name"] or "",
            row["user__first_name"] or "",
            row["user__email"] or "",
            row["user__phone"] or "",
            row["commune__name"],
            round(row["distance_km"], 1),
            row["available_from"],
            ", ".join(SITUATIONS[field] for field in SITUATION_FIELDS if row[field]),
            row["diploma_name"],
            "oui" if row["was_advisor"] else "non",
            row["pix__level"] if row["pix_shared"] and row["pix__level"] else "",
            "oui" if row["cv_name"] else "non",
            STATUS_LABELS.get(row["match_status"], row["match_status"]),
        ]


def _csv_value(value):
    return value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else value


def csv_response(candidates) -> HttpResponse:
    return exports.csv_response(
        chain([COLUMNS], ([_csv_value(value) for value in row] for row in rows(candidates))),
        exports.dated_filename("candidatures", "csv"),
    )


def xlsx_response(candidates) -> HttpResponse:
    return exports.xlsx_response(
        chain([COLUMNS], rows(candidates)),
        exports.dated_filename("candidatures", "xlsx"),
        sheet="Candidatures",
    )


INTERVIEW_GUIDE = [
    (
        "Avant l'entretien",
        "Rencontrez plusieurs candidats : n'organisez pas d'entretien avec un seul candidat. Sélectionnez d'abord sur "
        "la motivation et les qualités relationnelles ; les compétences numériques s'acquièrent pendant la formation.",
    ),
    (
        "Situation 1 — accueillir une personne en difficulté",
        "« Une personne âgée arrive inquiète : elle doit déclarer ses revenus en ligne et n'a jamais utilisé "
        "d'ordinateur. Comment l'accueillez-vous ? » Observez l'écoute, la patience, la reformulation.",
    ),
    (
        "Situation 2 — rendre autonome plutôt que faire à la place",
        "« Un usager vous demande de remplir sa demande d'aide à sa place, vite. Que faites-vous ? » Attendu : "
        "expliquer, montrer, laisser faire, connaître les limites (mandat Aidants Connect).",
    ),
    (
        "Situation 3 — animer un atelier collectif",
        "« Vous animez un atelier de huit personnes aux niveaux très différents. Comment l'organisez-vous ? »",
    ),
    (
        "Situation 4 — connaître le territoire",
        "« Vers quels partenaires locaux orienteriez-vous une personne sans équipement ni connexion ? »",
    ),
]


def evaluation_docx(match, evaluation) -> bytes:
    from docx import Document
    from docx.shared import Pt

    from cnfs.core.documents import add_paragraph, set_cell

    from .models import Criterion

    document = Document()
    document.styles["Normal"].font.size = Pt(10)
    document.add_heading("Guide d'entretien et grille d'évaluation", level=0)
    add_paragraph(document, f"Structure : {match.structure}")
    add_paragraph(document, f"Candidat : {match.candidate}")
    if evaluation and evaluation.interview_date:
        add_paragraph(document, f"Date de l'entretien : {evaluation.interview_date:%d/%m/%Y}")
    if evaluation and evaluation.interviewers:
        add_paragraph(document, f"Personnes présentes : {evaluation.interviewers}")
    document.add_heading("Guide d'entretien", level=1)
    for title, text in INTERVIEW_GUIDE:
        document.add_heading(title, level=2)
        add_paragraph(document, text)
    document.add_heading("Grille d'évaluation (notes de 1 à 4)", level=1)
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    header = table.rows[0].cells
    header[0].text, header[1].text, header[2].text = "Critère", "Note", "Commentaire"
    scores = evaluation.scores if evaluation else {}
    comments = evaluation.comments if evaluation else {}
    for criterion in Criterion:
        cells = table.add_row().cells
        cells[0].text = criterion.label
        cells[1].text = str(scores.get(criterion.value, "")) if scores.get(criterion.value) else "— / 4"
        set_cell(cells[2], comments.get(criterion.value, ""))
    total = evaluation.total if evaluation else 0
    cells = table.add_row().cells
    cells[0].text, cells[1].text = "Total", f"{total} / {4 * len(Criterion)}"
    document.add_heading("Appréciation générale", level=1)
    add_paragraph(document, evaluation.conclusion if evaluation and evaluation.conclusion else "")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
