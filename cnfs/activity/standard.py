"""The national standard "lieux de médiation numérique" (version 1.0.2): its table schema and its enumerations.

The schema (a copy of `shared/data/standards/lieux-de-mediation-numerique-1.0.2.schema.json`, kept identical by a
test) writes each multi-valued enumeration as a pattern, `(?:(?:^|\\|)(Value A|Value B|…))+$`: the choices below are
read from those patterns when this module is imported, so a place can only hold the standard's values, spelled as
the standard spells them. They are stored as they are (the standard's French labels are its codes).
"""

import json
import re
from functools import cache
from pathlib import Path

SCHEMA_PATH = Path(__file__).parent / "standards" / "lieux-de-mediation-numerique-1.0.2.schema.json"
SEPARATOR = "|"  # how the standard joins several values in one cell

_ENUM_PATTERN = re.compile(r"^\(\?:\(\?:\^\|\\\|\)\((?P<values>.*)\)\)\+\$$")


@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def field(name: str) -> dict:
    for item in schema()["fields"]:
        if item["name"] == name:
            return item
    raise KeyError(name)


def _split_alternatives(body: str) -> list[str]:
    """The alternatives of a regex group body, split on the `|` that are not escaped nor nested, unescaped."""
    values, current, depth, escaped = [], [], 0, False
    for char in body:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "(":
            depth += 1
            current.append(char)
        elif char == ")":
            depth -= 1
            current.append(char)
        elif char == "|" and depth == 0:
            values.append("".join(current))
            current = []
        else:
            current.append(char)
    values.append("".join(current))
    return values


def enumeration(name: str) -> list[str]:
    """The values the standard allows in the column `name`, in the schema's order."""
    match = _ENUM_PATTERN.match(field(name)["constraints"]["pattern"])
    if match is None:
        raise ValueError(f"La colonne {name} du standard n'est pas une énumération.")
    return _split_alternatives(match["values"])


def _choices(name: str) -> list[tuple[str, str]]:
    return [(value, value) for value in enumeration(name)]


# Column of the standard → the choices a place's field takes from it.
SERVICES = _choices("services")
ACCESS_MODES = _choices("modalites_acces")
SUPPORT_MODES = _choices("modalites_accompagnement")
AUDIENCES = _choices("publics_specifiquement_adresses")
SPECIFIC_SUPPORT = _choices("prise_en_charge_specifique")
FEES = _choices("frais_a_charge")
NATIONAL_PROGRAMMES = _choices("dispositif_programmes_nationaux")
MOBILITY = _choices("itinerance")

FIXED = "Fixe"
ITINERANT = "Itinérant"
ADVISORS_PROGRAMME = "Conseillers numériques"

# The place field that holds each enumerated column (the export and the tests walk this table).
ENUMERATED_COLUMNS = {
    "services": "services",
    "modalites_acces": "access_modes",
    "modalites_accompagnement": "support_modes",
    "publics_specifiquement_adresses": "audiences",
    "prise_en_charge_specifique": "specific_support",
    "frais_a_charge": "fees",
    "dispositif_programmes_nationaux": "national_programmes",
}
