"""Writing activity reports: the one path the views, the demo, the bench and the tests take. Each change writes the
journal with ids and field names only (a report's notes and workshop title are free text)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from cnfs.core.compiled import CompiledInsert
from cnfs.journal.services import record

from . import rollups
from .models import Place
from .report_models import (
    BREAKDOWNS,
    DURATION_PRESETS,
    MAX_DURATION,
    MAX_PARTICIPANTS,
    PROCEDURES,
    ActivityReport,
    PlaceKind,
    ReportKind,
    report_theme_choices,
)

# The fields a report form writes (the author and the timestamps are set here).
EDITABLE_FIELDS = [
    "date",
    "kind",
    "title",
    "level",
    "place_kind",
    "place",
    "commune",
    "duration_minutes",
    "themes",
    "sub_themes",
    "equipment",
    "participants",
    "already_accompanied",
    *[name for _, _, bands in BREAKDOWNS for name, _ in bands],
    "autonomy",
    "redirected_to",
    "aidants_connect",
    "pass_numerique",
    "notes",
]

FUTURE_MESSAGE = "La date ne peut pas être dans le futur : indiquez le jour de l'accompagnement."
THEME_MESSAGE = "Cochez au moins une thématique."
PARTICIPANTS_MESSAGE = f"Le nombre de participants va de 1 à {MAX_PARTICIPANTS:,}.".replace(",", "\u202f")
DURATION_MESSAGE = "La durée va de 1 minute à 23 h 59 (1 439 minutes)."
PLACE_MESSAGE = "Choisissez l'un de vos lieux d'activité."
COMMUNE_MESSAGE = "Indiquez la commune où a eu lieu l'accompagnement."
STALE_FORM_MESSAGE = (
    "Ce formulaire n'est plus valable : rechargez la page et saisissez à nouveau le compte rendu."
)
ALREADY_MESSAGE = "Ce nombre ne peut pas dépasser le nombre de participants."


def breakdown_message(label: str, total: int, participants: int) -> str:
    return (
        f"{label} : la répartition compte {total} personne{'s' if total > 1 else ''} pour "
        f"{participants} participant{'s' if participants > 1 else ''} : corrigez-la "
        "(elle peut rester incomplète, jamais dépasser le total)."
    )


def normalize(values: dict) -> dict:
    """What the report's type and place type imply: one participant for an individual support; a workshop's title
    and level only for a workshop; the autonomy only for an individual support; a place or a commune only where the
    place type has one; a procedures sub-theme implies the procedures theme."""
    values = dict(values)
    kind = values.get("kind")
    if kind == ReportKind.INDIVIDUAL:
        values["participants"] = 1
    if kind != ReportKind.COLLECTIVE:
        values["title"], values["level"] = "", ""
    if kind != ReportKind.INDIVIDUAL:
        values["autonomy"] = ""
    place_kind = values.get("place_kind")
    if place_kind != PlaceKind.PLACE:
        values["place"] = None
    if place_kind not in (PlaceKind.HOME, PlaceKind.OTHER):
        values["commune"] = None
    themes = list(dict.fromkeys(values.get("themes") or []))
    if values.get("sub_themes") and PROCEDURES not in themes:
        themes.append(PROCEDURES)
    values["themes"] = themes
    return values


def check(advisor, values: dict) -> None:
    """The rules of a report that a check constraint cannot say, or says without a message; raised together,
    keyed by field."""
    errors = {}
    date = values.get("date")
    if date is not None and date > timezone.localdate():
        errors["date"] = FUTURE_MESSAGE
    known_themes = {code for code, _ in report_theme_choices()}
    themes = values.get("themes") or []
    if not themes:
        errors["themes"] = THEME_MESSAGE
    elif not set(themes) <= known_themes:
        errors["themes"] = "Choisissez parmi les thématiques proposées."
    duration = values.get("duration_minutes")
    if duration is not None and not 1 <= duration <= MAX_DURATION:
        errors["duration_minutes"] = DURATION_MESSAGE
    participants = values.get("participants") or 0
    if not 1 <= participants <= MAX_PARTICIPANTS:
        errors["participants"] = PARTICIPANTS_MESSAGE
    else:
        if (values.get("already_accompanied") or 0) > participants:
            errors["already_accompanied"] = ALREADY_MESSAGE
        for key, label, bands in BREAKDOWNS:
            total = sum(values.get(name) or 0 for name, _ in bands)
            if total > participants:
                errors[key] = breakdown_message(label, total, participants)
    if (values.get("pass_numerique") or 0) > MAX_PARTICIPANTS:
        errors["pass_numerique"] = f"Indiquez au plus {MAX_PARTICIPANTS:,} Pass Numérique.".replace(
            ",", "\u202f"
        )
    place_kind = values.get("place_kind")
    if place_kind == PlaceKind.PLACE:
        place = values.get("place")
        if place is None or not Place.objects.held_by(advisor).filter(pk=place.pk).exists():
            errors["place"] = PLACE_MESSAGE
    elif place_kind in (PlaceKind.HOME, PlaceKind.OTHER) and values.get("commune") is None:
        errors["commune"] = COMMUNE_MESSAGE
    if errors:
        raise ValidationError(errors)


def create_report(advisor, values: dict, *, by, submission_key=None) -> ActivityReport:
    """A new report by `advisor`. `submission_key` (the form's): a form sent twice (a double click, a resent
    request) saves one report, and the second call returns it."""
    values = normalize(values)
    check(advisor, values)
    report = ActivityReport(advisor=advisor, submission_key=submission_key)
    for name in EDITABLE_FIELDS:
        if name in values:
            setattr(report, name, values[name])
    try:
        with transaction.atomic():
            _insert(report, advisor, by)
    except IntegrityError:
        existing = (
            ActivityReport.objects.filter(advisor=advisor, submission_key=submission_key).first()
            if submission_key
            else None
        )
        if existing is None:
            if submission_key and ActivityReport.objects.filter(submission_key=submission_key).exists():
                raise ValidationError({"submission_key": STALE_FORM_MESSAGE}) from None
            raise
        return existing
    return report


def _insert(report, advisor, by):
    _INSERT_REPORT(report)
    record(
        "activity_report.created",
        report,
        by=by,
        after={"advisor": advisor.pk, "kind": report.kind, "participants": report.participants},
    )
    # Last before the commit: the département's month row stays locked from this upsert to the commit, and every
    # advisor of the département writes it.
    rollups.add_report(report)


# The advisors' most frequent write: compiled once (cnfs/core/compiled.py); ActivityReport.save adds nothing.
_INSERT_REPORT = CompiledInsert(ActivityReport)


def update_report(report: ActivityReport, values: dict, *, by) -> ActivityReport:
    values = normalize(values)
    check(report.advisor, values)
    with transaction.atomic():
        report = ActivityReport.objects.select_for_update().get(pk=report.pk)
        changed = [
            name for name in EDITABLE_FIELDS if name in values and getattr(report, name) != values[name]
        ]
        if not changed:
            return report
        before = report.date
        for name in changed:
            setattr(report, name, values[name])
        report.updated_at = timezone.now()
        report.save()
        rollups.refresh(report.advisor_id, [before, report.date])
        record("activity_report.updated", report, by=by, after={"fields": changed})
    return report


def delete_report(report: ActivityReport, *, by) -> None:
    with transaction.atomic():
        report = ActivityReport.objects.select_for_update().filter(pk=report.pk).first()
        if report is None:  # deleted meanwhile (a second click)
            return
        record(
            "activity_report.deleted",
            report,
            by=by,
            before={"advisor": report.advisor_id, "kind": report.kind},
        )
        ActivityReport.objects.filter(pk=report.pk).delete()
        rollups.refresh(report.advisor_id, [report.date])


def duplicate_values(report: ActivityReport) -> dict:
    """A new report's starting values: the same as `report`, dated today (the copy is saved only when the advisor
    confirms the form)."""
    values = {name: getattr(report, name) for name in EDITABLE_FIELDS}
    values["date"] = timezone.localdate()
    return values


def duration_presets(advisor) -> list[int]:
    """The preset durations, those this advisor uses most first (the others in their usual order)."""
    used = dict(
        ActivityReport.objects.by(advisor)
        .filter(duration_minutes__in=DURATION_PRESETS)
        .values_list("duration_minutes")
        .annotate(n=Count("pk"))
        .values_list("duration_minutes", "n")
    )
    return sorted(DURATION_PRESETS, key=lambda minutes: (-used.get(minutes, 0), minutes))
