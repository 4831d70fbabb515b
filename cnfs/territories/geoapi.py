"""Reading geo.api.gouv.fr JSON payloads (`/communes`, `/departements`, `/regions`) into a `Dataset`."""

import json
from pathlib import Path

from .models import CommuneType
from .sources import (
    _INSEE,
    _POSTAL,
    _SIREN,
    _TERRITORY_CODE,
    _TYPES,
    COMMUNE_FIELDS,
    Dataset,
    SourceError,
    Table,
    _Errors,
    _float,
    departement_zone,
    region_zone,
)
from .text import normalize_name

# Parent commune of the municipal arrondissements, by INSEE code prefix.
_ARRONDISSEMENT_PARENTS = {"751": "75056", "6938": "69123", "132": "13055"}


def _load_json(path: Path):
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise SourceError([f"{path.name} : le fichier n'est pas encodé en UTF-8"]) from None
    except json.JSONDecodeError as exc:
        raise SourceError([f"{path.name}, ligne {exc.lineno} : JSON invalide ({exc.msg})"]) from None
    if not isinstance(data, list):
        raise SourceError([f"{path.name} : une liste d'objets est attendue"])
    return data


def read_geo_api(
    communes, departements=None, regions=None, label="geo.api.gouv.fr", delete_missing=True,
    communes_name="communes.json",
):  # fmt: skip
    """Build a dataset from geo.api.gouv.fr payloads (already decoded lists).

    `communes` is the `/communes?fields=nom,code,codesPostaux,centre,codeDepartement,codeRegion,population`
    shape; optional `type`, `codeParent` and `codeEpci` keys are used when present. `departements` and
    `regions` (the `/departements` and `/regions` shapes) give names; without them, unknown codes are
    created with their code as name.
    """
    errors = _Errors()
    region_table = Table(fields=("name",) if regions is not None else (), delete_missing=False)
    dep_table = Table(fields=("name", "region_id") if departements is not None else (), delete_missing=False)
    for index, item in enumerate(regions or [], start=1):
        if not isinstance(item, dict) or not _TERRITORY_CODE.match(str(item.get("code", ""))):
            errors.add("regions.json", f"élément {index}", "code de région invalide")
            continue
        code = item["code"]
        region_table.rows[code] = {
            "name": item.get("nom") or code,
            "chef_lieu": "",
            "zone": region_zone(code),
        }
    for index, item in enumerate(departements or [], start=1):
        if not isinstance(item, dict) or not _TERRITORY_CODE.match(str(item.get("code", ""))):
            errors.add("departements.json", f"élément {index}", "code de département invalide")
            continue
        code, region = item["code"], str(item.get("codeRegion") or "")
        if region not in region_table.rows:
            region_table.rows[region] = {"name": region, "chef_lieu": "", "zone": region_zone(region)}
        dep_table.rows[code] = {
            "name": item.get("nom") or code, "region_id": region, "chef_lieu": "", "zone": departement_zone(code),
            "latitude": None, "longitude": None,
        }  # fmt: skip

    has_epci = any(isinstance(c, dict) and "codeEpci" in c for c in communes)
    commune_fields = tuple(f for f in COMMUNE_FIELDS if has_epci or f != "epci_id")
    commune_table = Table(fields=commune_fields)
    epci_table = Table(fields=(), delete_missing=False) if has_epci else None
    postal_codes = set()
    for index, item in enumerate(communes, start=1):
        try:
            code, values, codes = _commune_from_json(item)
        except ValueError as exc:
            errors.add(communes_name, f"élément {index}", str(exc))
            continue
        if code in commune_table.rows:
            errors.add(communes_name, f"élément {index}", f"code INSEE en double « {code} »")
            continue
        region, dep = values["region_id"], values["departement_id"]
        region_table.rows.setdefault(region, {"name": region, "chef_lieu": "", "zone": region_zone(region)})
        dep_table.rows.setdefault(dep, {
            "name": dep, "region_id": region, "chef_lieu": "", "zone": departement_zone(dep),
            "latitude": None, "longitude": None,
        })  # fmt: skip
        if epci_table is not None and values["epci_id"]:
            epci_table.rows.setdefault(
                values["epci_id"], {"name": values["epci_id"], "type": "", "population": 0}
            )
        commune_table.rows[code] = values
        postal_codes.update((pc, code) for pc in codes)
    for values in commune_table.rows.values():
        if values["parent_id"] and values["parent_id"] not in commune_table.rows:
            errors.add(communes_name, None, f"commune de rattachement inconnue « {values['parent_id']} »")
    errors.raise_if_any()
    return Dataset(
        label=label, regions=region_table, departements=dep_table, epcis=epci_table, communes=commune_table,
        postal_codes=postal_codes, delete_missing=delete_missing,
    )  # fmt: skip


def _commune_from_json(item):
    if not isinstance(item, dict):
        raise ValueError("un objet est attendu")
    code, name = str(item.get("code") or ""), str(item.get("nom") or "").strip()
    if not _INSEE.match(code):
        raise ValueError(f"code INSEE invalide « {code} »")
    if not name:
        raise ValueError("nom manquant")
    dep, region = str(item.get("codeDepartement") or ""), str(item.get("codeRegion") or "")
    if not _TERRITORY_CODE.match(dep):
        raise ValueError(f"code de département invalide « {dep} »")
    if not _TERRITORY_CODE.match(region):
        raise ValueError(f"code de région invalide « {region} »")
    codes = item.get("codesPostaux") or []
    if not isinstance(codes, list) or not all(isinstance(c, str) and _POSTAL.match(c) for c in codes):
        raise ValueError(f"codes postaux invalides « {codes} »")
    population = item.get("population") or 0
    if not isinstance(population, int) or population < 0:
        raise ValueError(f"population invalide « {population} »")
    lat = lon = None
    centre = item.get("centre")
    if centre is not None:
        coordinates = centre.get("coordinates") if isinstance(centre, dict) else None
        if centre.get("type") != "Point" or not isinstance(coordinates, list) or len(coordinates) != 2:
            raise ValueError("centre invalide (un point GeoJSON est attendu)")
        lon = _float(str(coordinates[0]), "longitude", -180, 180)
        lat = _float(str(coordinates[1]), "latitude", -90, 90)
    kind = item.get("type") or CommuneType.COMMUNE
    if kind not in _TYPES:
        raise ValueError(f"type de commune invalide « {kind} »")
    parent = item.get("codeParent") or None
    if kind == CommuneType.ARRONDISSEMENT and not parent:
        parent = next((p for prefix, p in _ARRONDISSEMENT_PARENTS.items() if code.startswith(prefix)), None)
        if not parent:
            raise ValueError("commune de rattachement manquante pour un arrondissement municipal")
    epci = item.get("codeEpci") or None
    if epci and not _SIREN.match(str(epci)):
        raise ValueError(f"SIREN d'EPCI invalide « {epci} »")
    values = {
        "name": name, "search_name": normalize_name(name), "type": kind, "parent_id": parent,
        "departement_id": dep, "region_id": region, "epci_id": epci, "population": population,
        "latitude": lat, "longitude": lon,
    }  # fmt: skip
    return code, values, codes


def read_json_file(path, delete_missing=True) -> Dataset:
    """A geo.api `/communes` JSON file; `departements.json` and `regions.json` next to it are used if present."""
    path = Path(path)
    extra = {}
    for name in ("departements", "regions"):
        sibling = path.with_name(f"{name}.json")
        if sibling != path and sibling.is_file():
            extra[name] = _load_json(sibling)
    return read_geo_api(
        _load_json(path), label=str(path), delete_missing=delete_missing, communes_name=path.name, **extra
    )
