"""CSV and XLSX exports of an application list (the rows the filters select, whole, not one page)."""

from django.http import HttpResponse
from django.utils import timezone

from cnfs.core.exports import csv_response, dated_filename, xlsx_response

COLUMNS = [
    ("Numéro", lambda a: a.pk),
    ("Structure", lambda a: a.display_name),
    ("SIRET", lambda a: a.siret),
    ("Type", lambda a: a.get_type_display()),
    ("Commune", lambda a: a.commune.name if a.commune else ""),
    ("Code INSEE", lambda a: a.commune_id or ""),
    ("EPCI", lambda a: a.commune.epci.name if a.commune and a.commune.epci else ""),
    ("Département", lambda a: a.departement_id or ""),
    ("Vague", lambda a: a.wave.name if a.wave else ""),
    ("Statut", lambda a: a.get_status_display()),
    (
        "Transmise le",
        lambda a: timezone.localtime(a.submitted_at).strftime("%d/%m/%Y") if a.submitted_at else "",
    ),
    ("Conseillers souhaités", lambda a: a.advisors_wanted or ""),
    ("Avis du préfet", lambda a: a.opinion.get_value_display() if _opinion(a) else ""),
    ("Postes suggérés", lambda a: (a.opinion.suggested_posts or "") if _opinion(a) else ""),
    ("Postes accordés", lambda a: a.granted),
    ("QPV", lambda a: "oui" if a.qpv else "non"),
    ("Petites villes de demain", lambda a: "oui" if a.petites_villes else "non"),
    ("Action cœur de ville", lambda a: "oui" if a.coeur_de_ville else "non"),
    ("ZRR", lambda a: "oui" if a.zrr else "non"),
    ("France Services", lambda a: "oui" if a.france_services else "non"),
    ("Contact", lambda a: a.contact_name),
    ("Adresse du contact", lambda a: a.contact_email),
]


def _opinion(application):
    try:
        return application.opinion
    except application._meta.get_field("opinion").related_model.DoesNotExist:
        return None


def rows(applications):
    yield [label for label, _ in COLUMNS]
    for application in (
        applications.iterator(chunk_size=500) if hasattr(applications, "iterator") else applications
    ):
        yield [getter(application) for _, getter in COLUMNS]


filename = dated_filename


def as_csv(applications, stem="candidatures") -> HttpResponse:
    return csv_response(rows(applications), filename(stem, "csv"))


def as_xlsx(applications, stem="candidatures") -> HttpResponse:
    return xlsx_response(rows(applications), filename(stem, "xlsx"), sheet="Candidatures")
