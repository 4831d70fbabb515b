"""Open data of the places visible on the public map (no login, streamed in constant memory):

- the national standard "lieux de médiation numérique" 1.0.2, as CSV (its table schema: comma-separated, columns in
  the schema's order, several values joined by "|") and as JSON (one object per place, the same columns);
- a mapping to the data·inclusion schema (v1): each place as a `Structure`, each of its services as a `Service`.
  The codes are written here as strings, so production needs no data·inclusion package; the tests validate the
  output with `data-inclusion-schema`.
"""

import csv
import json

from django.http import StreamingHttpResponse
from django.utils import timezone

from cnfs.core.exports import Echo, safe_cell
from cnfs.core.replica import iterate_reading_replica

from . import standard
from .models import Place

SOURCE = "conseiller-numerique"
UNKNOWN_PIVOT = "00000000000000"  # what the standard asks for when a place has no SIRET nor RNA
CHUNK = 500
FREE_TEXT_COLUMNS = {"nom", "adresse", "commune", "structure_parente"}


def columns() -> list[str]:
    return [item["name"] for item in standard.schema()["fields"]]


def exported_places():
    return (
        Place.objects.public()
        .select_related("commune", "structure")
        .order_by("pk")
        .iterator(chunk_size=CHUNK)
    )


def place_id(place) -> str:
    return f"{SOURCE}--{place.pk}"


def pivot(place) -> str:
    return place.siret or place.rna or place.structure.siret or UNKNOWN_PIVOT


def standard_row(place) -> dict:
    """The place in the national standard's columns (missing optional values are empty)."""
    row = dict.fromkeys(columns(), "")
    row.update(
        id=place_id(place),
        pivot=pivot(place),
        nom=place.name,
        commune=place.commune.name,
        code_postal=place.postal_code,
        code_insee=place.commune_id,
        adresse=place.address,
        latitude=round(place.latitude, 6),
        longitude=round(place.longitude, 6),
        horaires=place.opening_hours,
        source="Conseiller numérique France Services",
        itinerance=place.mobility,
        structure_parente=place.structure.name,
        date_maj=timezone.localdate(place.updated_at).isoformat(),
    )
    for column, attribute in standard.ENUMERATED_COLUMNS.items():
        row[column] = standard.SEPARATOR.join(getattr(place, attribute))
    return row


def _csv_lines(places):
    writer = csv.writer(Echo(), lineterminator="\n")
    names = columns()
    yield writer.writerow(names)
    for place in places:
        row = standard_row(place)
        # A free text typed by a user never starts a spreadsheet formula.
        yield writer.writerow([safe_cell(row[n]) if n in FREE_TEXT_COLUMNS else row[n] for n in names])


def _json_items(rows):
    yield "["
    for index, row in enumerate(rows):
        yield ("," if index else "") + "\n" + json.dumps(row, ensure_ascii=False)
    yield "\n]\n"


def _stream(chunks, content_type, filename):
    # Public figures: read from the replica when there is one, row by row as the response streams.
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in iterate_reading_replica(chunks)), content_type=content_type
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


def standard_csv_response():
    return _stream(
        _csv_lines(exported_places()), "text/csv; charset=utf-8", "lieux-de-mediation-numerique.csv"
    )


def standard_json_response():
    rows = (standard_row(place) for place in exported_places())
    return _stream(_json_items(rows), "application/json", "lieux-de-mediation-numerique.json")


# --- data·inclusion ---------------------------------------------------------------------------------------------------

DI_THEMES = {
    "Aide aux démarches administratives": "numerique--acceder-a-des-services-en-ligne",
    "Accès internet et matériel informatique": "numerique--acceder-a-une-connexion-internet",
    "Acquisition de matériel informatique à prix solidaire": "numerique--acquerir-un-equipement",
}
DI_DEFAULT_THEME = "numerique--maitriser-les-fondamentaux-du-numerique"
DI_AUDIENCES = {
    "Jeunes": "jeunes",
    "Étudiants": "etudiants",
    "Familles et/ou enfants": "familles",
    "Seniors": "seniors",
    "Femmes": "femmes",
}
DI_ACCESS = {
    "Se présenter": "se-presenter",
    "Téléphoner": "telephoner",
    "Contacter par mail": "envoyer-un-courriel",
    "Envoyer un mail avec une fiche de prescription": "envoyer-un-courriel",
}
DI_REMOTE = "À distance"


def _di_fees(place) -> tuple[str | None, str | None]:
    if "Payant" in place.fees:
        return "payant", None
    if "Gratuit sous condition" in place.fees:
        return "gratuit", "Gratuit sous condition"
    if "Gratuit" in place.fees:
        return "gratuit", None
    return None, None


def _di_common(place) -> dict:
    return {
        "source": SOURCE,
        "date_maj": timezone.localdate(place.updated_at).isoformat(),
        "commune": place.commune.name,
        "code_postal": place.postal_code,
        "code_insee": place.commune_id,
        "adresse": place.address,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "horaires_accueil": place.opening_hours or None,
    }


def di_structure(place) -> dict:
    return {
        **_di_common(place),
        "id": place_id(place),
        "nom": place.name,
        "siret": place.siret or None,
        "reseaux_porteurs": ["conseillers-numeriques"],
    }


def di_services(place) -> list[dict]:
    fees, fees_details = _di_fees(place)
    audiences = sorted({DI_AUDIENCES[a] for a in place.audiences if a in DI_AUDIENCES}) or ["tous-publics"]
    modes = {"a-distance" if mode == DI_REMOTE else "en-presentiel" for mode in place.support_modes}
    mobilisation = sorted({DI_ACCESS[a] for a in place.access_modes if a in DI_ACCESS})
    services = []
    for index, service in enumerate(place.services):
        services.append(
            {
                **_di_common(place),
                "id": f"{place_id(place)}--{index + 1}",
                "structure_id": place_id(place),
                "nom": service,
                "description": (
                    f"{service} : accompagnement gratuit par un conseiller numérique France Services, "
                    f"au lieu « {place.name} »."
                ),
                "type": "accompagnement",
                "thematiques": [DI_THEMES.get(service, DI_DEFAULT_THEME)],
                "frais": fees,
                "frais_precisions": fees_details,
                "publics": audiences,
                "modes_accueil": sorted(modes or {"en-presentiel"}),
                "modes_mobilisation": mobilisation or None,
                "mobilisable_par": ["usagers"] if mobilisation else None,
            }
        )
    return services


def di_json_response():
    def items():
        for place in exported_places():
            yield {"structure": di_structure(place), "services": di_services(place)}

    return _stream(_json_items(items()), "application/json", "lieux-data-inclusion.json")
