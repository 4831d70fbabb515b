"""CSV and XLSX exports of an application list (the rows the filters select, whole, not one page).

Rows are read as plain values (`values_list`, in chunks), not as model objects with their related objects, and
written as they come (see cnfs.core.exports)."""

from django.http import HttpResponse
from django.utils import timezone

from cnfs.core.exports import csv_response, dated_filename, xlsx_response
from cnfs.structures.models import StructureType

from .models import ApplicationStatus, OpinionValue

STATUS_LABELS = dict(ApplicationStatus.choices)
TYPE_LABELS = dict(StructureType.choices)
OPINION_LABELS = dict(OpinionValue.choices)


def _yes_no(value):
    return "oui" if value else "non"


def _date(value):
    return timezone.localtime(value).strftime("%d/%m/%Y") if value else ""


# (header, the columns read, how the cell is made from them)
COLUMNS = [
    ("Numéro", ("pk",), lambda pk: pk),
    ("Structure", ("usual_name", "name"), lambda usual, name: usual or name or "Candidature sans nom"),
    ("SIRET", ("siret",), lambda siret: siret),
    ("Type", ("type",), lambda kind: TYPE_LABELS.get(kind, kind)),
    ("Commune", ("commune__name",), lambda name: name or ""),
    ("Code INSEE", ("commune_id",), lambda code: code or ""),
    ("EPCI", ("commune__epci__name",), lambda name: name or ""),
    ("Département", ("departement_id",), lambda code: code or ""),
    ("Vague", ("wave__name",), lambda name: name or ""),
    ("Statut", ("status",), lambda status: STATUS_LABELS.get(status, status)),
    ("Transmise le", ("submitted_at",), _date),
    ("Conseillers souhaités", ("advisors_wanted",), lambda wanted: wanted or ""),
    ("Avis du préfet", ("opinion__value",), lambda value: OPINION_LABELS.get(value, "") if value else ""),
    (
        "Postes suggérés",
        ("opinion__value", "opinion__suggested_posts"),
        lambda value, posts: (posts or "") if value else "",
    ),
    ("Postes accordés", ("granted",), lambda granted: granted),
    ("QPV", ("qpv",), _yes_no),
    ("Petites villes de demain", ("petites_villes",), _yes_no),
    ("Action cœur de ville", ("coeur_de_ville",), _yes_no),
    ("ZRR", ("zrr",), _yes_no),
    ("France Services", ("france_services",), _yes_no),
    (
        "Contact",
        ("contact_first_name", "contact_last_name"),
        lambda first, last: f"{first} {last}".strip(),
    ),
    ("Adresse du contact", ("contact_email",), lambda email: email),
]
FIELDS = list(dict.fromkeys(field for _, fields, _ in COLUMNS for field in fields))
POSITIONS = [tuple(FIELDS.index(field) for field in fields) for _, fields, _ in COLUMNS]


def rows(applications):
    """The header, then one row per application of the queryset (annotated with `granted`)."""
    yield [label for label, _, _ in COLUMNS]
    makers = [(positions, make) for positions, (_, _, make) in zip(POSITIONS, COLUMNS, strict=True)]
    for values in applications.values_list(*FIELDS).iterator(chunk_size=500):
        yield [make(*(values[i] for i in positions)) for positions, make in makers]


filename = dated_filename


def as_csv(applications, stem="candidatures") -> HttpResponse:
    return csv_response(rows(applications), filename(stem, "csv"))


def as_xlsx(applications, stem="candidatures") -> HttpResponse:
    return xlsx_response(rows(applications), filename(stem, "xlsx"), sheet="Candidatures")
