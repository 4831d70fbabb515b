"""Idempotent import of the territory reference tables: compute the diff with the database, write only changes.

dataset = sources.read_source(path)        # validates everything, raises SourceError
report = sync(dataset)                      # one transaction
for line in report.lines(): print(line)
"""

import json
import logging
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import ProtectedError

from . import geoapi, sources
from .models import Commune, CommuneType, Departement, Epci, PostalCode, Region

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
GEO_API_TIMEOUT = 10
GEO_API_COMMUNE_FIELDS = "nom,code,codesPostaux,centre,codeDepartement,codeRegion,population"


class ImportFailed(Exception):
    """The import could not be written (French message); nothing was changed."""


@dataclass
class Counts:
    label: str  # "communes"
    feminine: bool
    total: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0

    def line(self) -> str:
        e = "e" if self.feminine else ""
        return (
            f"{self.total} {self.label} : {self.created} créé{e}s, {self.updated} modifié{e}s, "
            f"{self.deleted} supprimé{e}s"
        )


@dataclass
class Report:
    source: str
    counts: list[Counts] = field(default_factory=list)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        return [c.line() for c in self.counts]

    @property
    def changed(self) -> int:
        return sum(c.created + c.updated + c.deleted for c in self.counts)


def _sync_table(model, table, counts, using, create_order=None):
    """Create, update (only the fields that changed) and return the primary keys to delete."""
    pk_name = model._meta.pk.attname
    manager = model._default_manager.db_manager(using)
    counts.total = len(table.rows)
    fields = list(table.fields)
    existing = {row[0]: row[1:] for row in manager.values_list(pk_name, *fields).iterator(chunk_size=5000)}

    to_create = [pk for pk in table.rows if pk not in existing]
    if create_order:
        to_create.sort(key=lambda pk: create_order(table.rows[pk]))
    manager.bulk_create([model(**{pk_name: pk}, **table.rows[pk]) for pk in to_create], batch_size=BATCH_SIZE)
    counts.created = len(to_create)

    changed_fields = set()
    to_update = []
    for pk, current in existing.items():
        row = table.rows.get(pk)
        if row is None:
            continue
        diff = {f for f, old in zip(fields, current, strict=True) if row[f] != old}
        if diff:
            changed_fields |= diff
            to_update.append(model(**{pk_name: pk}, **row))
    if to_update:
        ordered = [f for f in fields if f in changed_fields]
        manager.bulk_update(
            to_update, [model._meta.get_field(f).name for f in ordered], batch_size=BATCH_SIZE
        )
    counts.updated = len(to_update)

    if not table.delete_missing:
        return []
    return [pk for pk in existing if pk not in table.rows]


def _delete(model, pks, counts, using):
    manager = model._default_manager.db_manager(using)
    for start in range(0, len(pks), BATCH_SIZE):
        chunk = pks[start : start + BATCH_SIZE]
        try:
            manager.filter(pk__in=chunk).delete()
        except ProtectedError as exc:
            raise ImportFailed(
                f"Impossible de supprimer {model._meta.verbose_name} {', '.join(map(str, chunk[:5]))} : "
                f"des données y font encore référence ({len(exc.protected_objects)} objet(s))."
            ) from exc
    counts.deleted = len(pks)


def _sync_postal_codes(dataset, counts, using):
    manager = PostalCode.objects.db_manager(using)
    counts.total = len(dataset.postal_codes)
    existing = {(code, insee): pk for pk, code, insee in manager.values_list("pk", "code", "commune_id")}
    new = [pair for pair in dataset.postal_codes if pair not in existing]
    new.sort()
    manager.bulk_create([PostalCode(code=c, commune_id=i) for c, i in new], batch_size=BATCH_SIZE)
    counts.created = len(new)
    if dataset.delete_missing:
        stale = [pk for pair, pk in existing.items() if pair not in dataset.postal_codes]
    else:  # partial source: only replace the codes of the communes it describes
        stale = [
            pk
            for (c, i), pk in existing.items()
            if i in dataset.communes.rows and (c, i) not in dataset.postal_codes
        ]
    for start in range(0, len(stale), BATCH_SIZE):
        manager.filter(pk__in=stale[start : start + BATCH_SIZE]).delete()
    counts.deleted = len(stale)


def sync(dataset: sources.Dataset, using: str = DEFAULT_DB_ALIAS) -> Report:
    """Write the dataset into the database in one transaction; return created/updated/deleted counts."""
    started = time.perf_counter()
    report = Report(source=dataset.label)
    regions = Counts("régions", True)
    departements = Counts("départements", False)
    epcis = Counts("EPCI", False)
    communes = Counts("communes", True)
    postal_codes = Counts("codes postaux", False)
    with transaction.atomic(using=using):
        for table in dataset.tables():
            if table is not None and not dataset.delete_missing:
                table.delete_missing = False
        stale_regions = _sync_table(Region, dataset.regions, regions, using)
        stale_deps = _sync_table(Departement, dataset.departements, departements, using)
        stale_epcis = _sync_table(Epci, dataset.epcis, epcis, using) if dataset.epcis is not None else []
        # Parent communes before their arrondissements (foreign keys are checked at commit anyway).
        stale_communes = _sync_table(
            Commune, dataset.communes, communes, using,
            create_order=lambda row: row["type"] == CommuneType.ARRONDISSEMENT,
        )  # fmt: skip
        _sync_postal_codes(dataset, postal_codes, using)
        _delete(Commune, stale_communes, communes, using)
        _delete(Epci, stale_epcis, epcis, using)
        _delete(Departement, stale_deps, departements, using)
        _delete(Region, stale_regions, regions, using)
    report.counts = [regions, departements] + ([epcis] if dataset.epcis is not None else []) + [
        communes, postal_codes,
    ]  # fmt: skip
    report.seconds = time.perf_counter() - started
    return report


# --- online fallback ----------------------------------------------------------------------------------


def _get_json(url, timeout):
    request = Request(url, headers={"Accept": "application/json", "User-Agent": "cnfs-territories"})
    with urlopen(request, timeout=timeout) as response:
        return json.loads(response.read().decode("utf-8"))


def fetch_geo_api(base_url=None, timeout=GEO_API_TIMEOUT) -> sources.Dataset:
    """Download régions, départements and communes from geo.api.gouv.fr (raises OSError/ValueError on failure)."""
    base_url = (base_url or settings.CNFS_GEO_API_URL).rstrip("/")
    regions = _get_json(f"{base_url}/regions", timeout)
    departements = _get_json(f"{base_url}/departements", timeout)
    query = urlencode({"fields": GEO_API_COMMUNE_FIELDS, "format": "json"})
    communes = _get_json(f"{base_url}/communes?{query}", timeout)
    return geoapi.read_geo_api(communes, departements, regions, label=base_url, delete_missing=False)


def fallback_dataset(log=print, base_url=None, timeout=GEO_API_TIMEOUT) -> sources.Dataset:
    """geo.api.gouv.fr if reachable, otherwise the small built-in set shipped with the code."""
    try:
        dataset = fetch_geo_api(base_url, timeout)
    except (OSError, ValueError, sources.SourceError) as exc:
        logger.warning("geo.api.gouv.fr unavailable for the territory import: %s", exc)
        dataset = sources.read_builtin()
        log(f"Données de référence absentes : import du jeu intégré de {len(dataset.communes.rows)} communes")
        return dataset
    log(
        f"Données de référence absentes : import depuis {dataset.label} ({len(dataset.communes.rows)} communes)"
    )
    return dataset
