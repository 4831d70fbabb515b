"""Reading territory reference data (CSV directory, geo.api.gouv.fr JSON, built-in set) into a validated `Dataset`.

Nothing here touches the database: a source is read and checked in full before the importer writes anything.
"""

import csv
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from .models import CommuneType, Zone
from .text import normalize_name

BUILTIN_DIR = Path(__file__).resolve().parent / "data" / "builtin"
MAX_ERRORS = 20

REGION_COLUMNS = ("code", "name", "chef_lieu", "zone")
DEPARTEMENT_COLUMNS = ("code", "name", "region_code", "chef_lieu", "zone", "latitude", "longitude")
EPCI_COLUMNS = ("siren", "name", "type", "population")
COMMUNE_COLUMNS = (
    "insee_code", "name", "type", "parent_commune", "postal_codes", "departement_code", "region_code",
    "epci_siren", "population", "latitude", "longitude",
)  # fmt: skip

REGION_FIELDS = ("name", "chef_lieu", "zone")
DEPARTEMENT_FIELDS = ("name", "region_id", "chef_lieu", "zone", "latitude", "longitude")
EPCI_FIELDS = ("name", "type", "population")
COMMUNE_FIELDS = (
    "name", "search_name", "type", "parent_id", "departement_id", "region_id", "epci_id", "population",
    "latitude", "longitude",
)  # fmt: skip

_INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
_POSTAL = re.compile(r"^\d{5}$")
_SIREN = re.compile(r"^\d{9}$")
_TERRITORY_CODE = re.compile(r"^[0-9][0-9AB]{1,2}$")
_ZONES = {z.value for z in Zone}
_TYPES = {t.value for t in CommuneType}


class SourceError(Exception):
    """The source cannot be imported; `errors` are French messages naming the file and the line."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


@dataclass
class Table:
    """Rows of one model, by primary key. `fields` are the columns the source is authoritative for."""

    rows: dict[str, dict] = field(default_factory=dict)
    fields: tuple[str, ...] = ()
    delete_missing: bool = True


@dataclass
class Dataset:
    label: str
    regions: Table
    departements: Table
    epcis: Table | None
    communes: Table
    postal_codes: set[tuple[str, str]]  # (postal code, insee code)
    delete_missing: bool = True

    def tables(self):
        return self.regions, self.departements, self.epcis, self.communes


def departement_zone(code: str) -> str:
    if len(code) == 3 and code.startswith(("97", "98")):
        return Zone.DROM if code in {"971", "972", "973", "974", "976"} else Zone.COM
    return Zone.METRO


def region_zone(code: str) -> str:
    if code in {"01", "02", "03", "04", "06"}:
        return Zone.DROM
    return Zone.COM if len(code) == 3 else Zone.METRO


class _Errors:
    def __init__(self):
        self.messages = []

    def add(self, filename, where, reason):
        """`where` is a line number, another location ("élément 3") or None for the whole file."""
        if where is None:
            self.messages.append(f"{filename} : {reason}")
        elif isinstance(where, int):
            self.messages.append(f"{filename}, ligne {where} : {reason}")
        else:
            self.messages.append(f"{filename}, {where} : {reason}")
        if len(self.messages) >= MAX_ERRORS:
            self.messages.append("… (autres erreurs non affichées)")
            raise SourceError(self.messages)

    def raise_if_any(self):
        if self.messages:
            raise SourceError(self.messages)


def _float(value, name, low, high):
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{name} invalide « {value} »") from None
    if not math.isfinite(number) or not low <= number <= high:
        raise ValueError(f"{name} hors limites « {value} »")
    return number


def _coordinates(lat, lon):
    lat, lon = (lat or "").strip(), (lon or "").strip()
    if not lat and not lon:
        return None, None
    if not lat or not lon:
        raise ValueError("latitude et longitude doivent être renseignées ensemble")
    return _float(lat, "latitude", -90, 90), _float(lon, "longitude", -180, 180)


def _population(value):
    value = (value or "").strip()
    if not value:
        return 0
    if not value.isdigit():
        raise ValueError(f"population invalide « {value} »")
    return int(value)


def _read_csv(directory: Path, filename: str, columns, errors: _Errors):
    """Yield (line number, row) for a CSV file after checking its header."""
    path = directory / filename
    if not path.is_file():
        errors.add(filename, None, f"fichier manquant dans {directory}")
        return
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [c for c in columns if c not in header]
            if missing:
                errors.add(filename, None, f"colonne(s) manquante(s) : {', '.join(missing)}")
                return
            for row in reader:
                if None in row or any(v is None for v in row.values()):
                    errors.add(filename, reader.line_num, "nombre de colonnes incorrect")
                    continue
                yield reader.line_num, {k: v.strip() for k, v in row.items()}
    except UnicodeDecodeError:
        errors.add(filename, None, "le fichier n'est pas encodé en UTF-8")
    except csv.Error as exc:
        errors.add(filename, None, f"CSV illisible ({exc})")


def _check_duplicate(table: Table, key, filename, line, errors, label):
    if key in table.rows:
        errors.add(filename, line, f"{label} en double « {key} »")
        return True
    return False


def read_csv_directory(directory, delete_missing=True) -> Dataset:
    directory = Path(directory)
    errors = _Errors()
    regions = Table(fields=REGION_FIELDS)
    departements = Table(fields=DEPARTEMENT_FIELDS)
    epcis = Table(fields=EPCI_FIELDS)
    communes = Table(fields=COMMUNE_FIELDS)
    postal_codes = set()

    for line, row in _read_csv(directory, "regions.csv", REGION_COLUMNS, errors):
        code = row["code"]
        if not _TERRITORY_CODE.match(code):
            errors.add("regions.csv", line, f"code de région invalide « {code} »")
        elif not row["name"]:
            errors.add("regions.csv", line, "nom manquant")
        elif row["zone"] not in _ZONES:
            errors.add("regions.csv", line, f"zone invalide « {row['zone']} »")
        elif not _check_duplicate(regions, code, "regions.csv", line, errors, "code de région"):
            regions.rows[code] = {"name": row["name"], "chef_lieu": row["chef_lieu"], "zone": row["zone"]}

    for line, row in _read_csv(directory, "departements.csv", DEPARTEMENT_COLUMNS, errors):
        code = row["code"]
        try:
            if not _TERRITORY_CODE.match(code):
                raise ValueError(f"code de département invalide « {code} »")
            if not row["name"]:
                raise ValueError("nom manquant")
            if row["region_code"] not in regions.rows:
                raise ValueError(f"code de région inconnu « {row['region_code']} »")
            if row["zone"] not in _ZONES:
                raise ValueError(f"zone invalide « {row['zone']} »")
            lat, lon = _coordinates(row["latitude"], row["longitude"])
        except ValueError as exc:
            errors.add("departements.csv", line, str(exc))
            continue
        if not _check_duplicate(departements, code, "departements.csv", line, errors, "code de département"):
            departements.rows[code] = {
                "name": row["name"], "region_id": row["region_code"], "chef_lieu": row["chef_lieu"],
                "zone": row["zone"], "latitude": lat, "longitude": lon,
            }  # fmt: skip

    for line, row in _read_csv(directory, "epci.csv", EPCI_COLUMNS, errors):
        siren = row["siren"]
        try:
            if not _SIREN.match(siren):
                raise ValueError(f"SIREN invalide « {siren} »")
            if not row["name"]:
                raise ValueError("nom manquant")
            population = _population(row["population"])
        except ValueError as exc:
            errors.add("epci.csv", line, str(exc))
            continue
        if not _check_duplicate(epcis, siren, "epci.csv", line, errors, "SIREN"):
            epcis.rows[siren] = {"name": row["name"], "type": row["type"], "population": population}

    arrondissements = []
    for line, row in _read_csv(directory, "communes.csv", COMMUNE_COLUMNS, errors):
        try:
            code, values, codes = _commune_from_csv(row, departements, regions, epcis)
        except ValueError as exc:
            errors.add("communes.csv", line, str(exc))
            continue
        if not _check_duplicate(communes, code, "communes.csv", line, errors, "code INSEE"):
            communes.rows[code] = values
            postal_codes.update((pc, code) for pc in codes)
            if values["parent_id"]:
                arrondissements.append((line, code, values["parent_id"]))
    for line, code, parent in arrondissements:
        if parent not in communes.rows or communes.rows[parent]["parent_id"]:
            errors.add("communes.csv", line, f"commune de rattachement inconnue « {parent} » pour {code}")
    errors.raise_if_any()
    return Dataset(
        label=str(directory), regions=regions, departements=departements, epcis=epcis, communes=communes,
        postal_codes=postal_codes, delete_missing=delete_missing,
    )  # fmt: skip


def _commune_from_csv(row, departements, regions, epcis):
    code = row["insee_code"]
    if not _INSEE.match(code):
        raise ValueError(f"code INSEE invalide « {code} »")
    if not row["name"]:
        raise ValueError("nom manquant")
    if row["type"] not in _TYPES:
        raise ValueError(f"type de commune invalide « {row['type']} »")
    parent = row["parent_commune"] or None
    if row["type"] == CommuneType.ARRONDISSEMENT and not parent:
        raise ValueError("commune de rattachement manquante pour un arrondissement municipal")
    if row["departement_code"] not in departements.rows:
        raise ValueError(f"code de département inconnu « {row['departement_code']} »")
    if row["region_code"] not in regions.rows:
        raise ValueError(f"code de région inconnu « {row['region_code']} »")
    epci = row["epci_siren"] or None
    if epci and epci not in epcis.rows:
        raise ValueError(f"SIREN d'EPCI inconnu « {epci} »")
    codes = row["postal_codes"].split()
    bad = [c for c in codes if not _POSTAL.match(c)]
    if bad:
        raise ValueError(f"code postal invalide « {bad[0]} »")
    lat, lon = _coordinates(row["latitude"], row["longitude"])
    values = {
        "name": row["name"], "search_name": normalize_name(row["name"]), "type": row["type"],
        "parent_id": parent, "departement_id": row["departement_code"], "region_id": row["region_code"],
        "epci_id": epci, "population": _population(row["population"]), "latitude": lat, "longitude": lon,
    }  # fmt: skip
    return code, values, codes


def read_source(path, delete_missing=True) -> Dataset:
    path = Path(path)
    from .geoapi import read_json_file

    if path.is_dir():
        if not (path / "communes.csv").exists() and (path / "communes.json").exists():
            return read_json_file(path / "communes.json", delete_missing)
        return read_csv_directory(path, delete_missing)
    if path.suffix.lower() == ".json":
        return read_json_file(path, delete_missing)
    raise SourceError([f"{path} : un dossier de fichiers CSV ou un fichier JSON est attendu"])


def read_builtin() -> Dataset:
    return read_csv_directory(BUILTIN_DIR, delete_missing=False)
