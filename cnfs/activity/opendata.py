"""Open data of the places visible on the public map (no login, streamed in constant memory):

- the national standard "lieux de médiation numérique" 1.0.2, as CSV (its table schema: comma-separated, columns in
  the schema's order, several values joined by "|") and as JSON (one object per place, the same columns);
- a mapping to the data·inclusion schema (v1): each place as a `Structure`, each of its services as a `Service`.
  The codes are written here as strings, so production needs no data·inclusion package; the tests validate the
  output with `data-inclusion-schema`.
"""

import json
from operator import itemgetter

from django.utils import timezone

from cnfs.core.exports import dated_filename
from cnfs.core.opendata import Column, csv_response, stream, table_lines

from . import standard
from .models import Place

SOURCE = "conseiller-numerique"
UNKNOWN_PIVOT = "00000000000000"  # what the standard asks for when a place has no SIRET nor RNA
CHUNK = 500
FREE_TEXT_COLUMNS = {"nom", "adresse", "commune", "structure_parente"}


def columns() -> list[str]:
    return [item["name"] for item in standard.schema()["fields"]]


COLUMN_TYPES = {"number": "number", "date": "date"}  # every other column of the standard is text


def place_columns() -> list[Column]:
    """The standard's columns as open-data columns (their type, description and example from its table schema),
    each read from a `standard_row`."""
    return [
        Column(
            item["name"],
            COLUMN_TYPES.get(item.get("type"), "string"),
            (item.get("description") or "").split("\n")[0],
            str(item.get("example", "")),
            itemgetter(item["name"]),
            free_text=item["name"] in FREE_TEXT_COLUMNS,
        )
        for item in standard.schema()["fields"]
    ]


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
    # A free text typed by a user (FREE_TEXT_COLUMNS) never starts a spreadsheet formula.
    return table_lines(place_columns(), (standard_row(place) for place in places))


def _json_items(rows):
    yield "["
    for index, row in enumerate(rows):
        yield ("," if index else "") + "\n" + json.dumps(row, ensure_ascii=False)
    yield "\n]\n"


CSV_STEM = "lieux-de-mediation-numerique"


def standard_csv_response():
    return csv_response(_csv_lines(exported_places()), dated_filename(CSV_STEM, "csv"))


def standard_json_response():
    rows = (standard_row(place) for place in exported_places())
    return stream(_json_items(rows), "application/json", dated_filename(CSV_STEM, "json"))


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

    return stream(_json_items(items()), "application/json", dated_filename("lieux-data-inclusion", "json"))
