"""Import of Pix's CSV export by ANCT: every row checked first; if one row is invalid nothing is imported.
Rows whose email matches no candidate are reported (and skipped)."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from cnfs.core.forms import date_bounds
from cnfs.core.text import CONTROL_CHARACTERS
from cnfs.journal.services import record

from .models import Candidate, PixResult

HEADER = [
    "email",
    "palier",
    "competence_professionnelle",
    "production_ressources",
    "citoyennete_numerique",
    "date",
]
SCORE_COLUMNS = {
    "competence_professionnelle": "professional_use",
    "production_ressources": "producing_resources",
    "citoyennete_numerique": "e_citizenship",
}
MAX_BYTES = 5 * 1024 * 1024


@dataclass
class ImportReport:
    imported: int = 0
    updated: int = 0
    unmatched: list = field(default_factory=list)  # (line, email)
    invalid: list = field(default_factory=list)  # (line, message)
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and not self.invalid


def _parse_date(text: str) -> date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError


def _parse_score(text: str) -> Decimal:
    value = Decimal(text.replace(",", "."))
    if not value.is_finite() or value < 0 or value > 100:
        raise InvalidOperation
    return value.quantize(Decimal("0.01"))


def parse(content: bytes, report: ImportReport) -> list[dict]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.error = "Le fichier n'est pas encodé en UTF-8 : enregistrez-le en « CSV UTF-8 »."
        return []
    if "\x00" in text:
        report.error = (
            "Ce fichier n'est pas un fichier texte (CSV) : exportez les résultats de Pix au format CSV."
        )
        return []
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        return _parse_rows(reader, report)
    except csv.Error:
        # A field longer than csv.field_size_limit(), a stray quote…: the file is not the export Pix gives.
        report.error = (
            "Le fichier n'a pas pu être lu comme un CSV (une valeur trop longue ou des guillemets mal fermés) : "
            "importez l'export de Pix tel quel."
        )
        return []


def _parse_rows(reader, report: ImportReport) -> list[dict]:
    header = [h.strip().lower() for h in next(reader, [])]
    if header != HEADER:
        report.error = (
            "L'en-tête du fichier n'est pas celui de l'export Pix. Colonnes attendues, dans cet ordre : "
            + ", ".join(HEADER)
            + "."
        )
        return []
    rows = []
    seen = {}
    for line, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(HEADER):
            report.invalid.append((line, f"{len(values)} colonnes au lieu de {len(HEADER)}."))
            continue
        data = dict(zip(HEADER, (v.strip() for v in values), strict=True))
        errors = []
        if any(CONTROL_CHARACTERS.search(v) for v in data.values()):
            report.invalid.append((line, "Caractères de contrôle dans la ligne : elle n'a pas été lue."))
            continue
        email = data["email"].lower()
        if "@" not in email:
            errors.append(f"adresse « {data['email']} » invalide")
        if data["palier"] not in {"1", "2", "3"}:
            errors.append(f"palier « {data['palier']} » invalide (1, 2 ou 3)")
        scores = {}
        for column, name in SCORE_COLUMNS.items():
            try:
                scores[name] = _parse_score(data[column])
            except (InvalidOperation, ValueError):
                errors.append(f"{column} « {data[column]} » invalide (nombre de 0 à 100)")
        try:
            tested_on = _parse_date(data["date"])
            if tested_on > timezone.localdate():
                errors.append(f"date « {data['date']} » dans le futur")
            elif tested_on < date_bounds()[0]:
                errors.append(f"date « {data['date']} » trop ancienne")
        except ValueError:
            errors.append(f"date « {data['date']} » invalide (AAAA-MM-JJ ou JJ/MM/AAAA)")
            tested_on = None
        if email in seen:
            errors.append(f"adresse déjà présente ligne {seen[email]}")
        seen.setdefault(email, line)
        if errors:
            message = " ; ".join(errors)
            report.invalid.append((line, message[0].upper() + message[1:] + "."))
            continue
        rows.append(
            {"line": line, "email": email, "level": int(data["palier"]), "tested_on": tested_on, **scores}
        )
    return rows


def import_pix(content: bytes, *, by) -> ImportReport:
    report = ImportReport()
    if len(content) > MAX_BYTES:
        report.error = "Le fichier dépasse 5 Mo."
        return report
    rows = parse(content, report)
    if not report.ok:
        return report
    emails = [row["email"] for row in rows]
    candidates = {
        c.email_lower: c
        for c in Candidate.objects.filter(erased_at__isnull=True)
        .annotate(email_lower=Lower("user__email"))
        .filter(email_lower__in=emails)
        .select_related("pix")
    }
    with transaction.atomic():
        for row in rows:
            candidate = candidates.get(row["email"])
            if candidate is None:
                report.unmatched.append((row["line"], row["email"]))
                continue
            values = {
                k: row[k]
                for k in ("level", "professional_use", "producing_resources", "e_citizenship", "tested_on")
            }
            _, created = PixResult.objects.update_or_create(
                candidate=candidate, defaults={**values, "imported_at": timezone.now()}
            )
            if created:
                report.imported += 1
            else:
                report.updated += 1
        record(
            "pix.imported",
            None,
            by=by,
            after={
                "imported": report.imported,
                "updated": report.updated,
                "unmatched": len(report.unmatched),
            },
        )
    return report
