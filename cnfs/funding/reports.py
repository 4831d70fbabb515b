"""The quarterly subsidy-use report ("suivi trimestriel", §6): a structure with at least one contract files one
report per calendar quarter once the quarter has ended, from the quarter its first contract started; it is due by
the CNFS_QUARTERLY_REPORT_DAYS-th day after the quarter ends. The Banque des Territoires and ANCT see who is late; a
daily task reminds the structures whose report is due within CNFS_QUARTERLY_REPORT_REMINDER_DAYS days, and the late
ones once per quarter."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.tasks import task
from django.utils import timezone

from cnfs.core.workflow import TransitionError
from cnfs.journal.services import record
from cnfs.structures.models import Structure

from . import life_notify
from .models import Contract, QuarterlyReport

ORDINALS = {1: "1er", 2: "2e", 3: "3e", 4: "4e"}


def report_days() -> int:
    return getattr(settings, "CNFS_QUARTERLY_REPORT_DAYS", 30)


def reminder_days() -> int:
    return getattr(settings, "CNFS_QUARTERLY_REPORT_REMINDER_DAYS", 7)


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def of(cls, day: date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        return self.next().start - timedelta(days=1)

    @property
    def due_on(self) -> date:
        """The last day to file the report: the CNFS_QUARTERLY_REPORT_DAYS-th day after the quarter's end."""
        return self.end + timedelta(days=report_days())

    @property
    def label(self) -> str:
        return f"{ORDINALS[self.number]} trimestre {self.year}"

    @property
    def key(self) -> str:
        return f"{self.year}-{self.number}"

    def next(self) -> "Quarter":
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def ended(self, today: date) -> bool:
        return self.end < today


def quarters_between(first: "Quarter", last: "Quarter") -> list["Quarter"]:
    quarters = []
    current = first
    while current <= last:
        quarters.append(current)
        current = current.next()
    return quarters


def last_ended_quarter(today: date) -> Quarter:
    current = Quarter.of(today)
    return Quarter(current.year - 1, 4) if current.number == 1 else Quarter(current.year, current.number - 1)


class ReportError(TransitionError):
    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


@dataclass
class StructureReports:
    structure: Structure
    first_quarter: Quarter
    filed: set = field(default_factory=set)
    missing: list = field(default_factory=list)  # quarters ended and not filed

    def late(self, today: date) -> list[Quarter]:
        return [q for q in self.missing if q.due_on < today]

    def due(self, today: date) -> list[Quarter]:
        return [q for q in self.missing if q.due_on >= today]


def first_contract_start(structure) -> date | None:
    return Contract.objects.filter(structure=structure).aggregate(first=Min("start_date"))["first"]


def reports_status(structures=None, *, today: date | None = None) -> list[StructureReports]:
    """Every structure with a contract (of `structures`, a queryset, if given) with its filed and missing quarters:
    two queries whatever the number of structures."""
    today = today or timezone.localdate()
    queryset = structures if structures is not None else Structure.objects.all()
    queryset = (
        queryset.filter(contracts__isnull=False)
        .annotate(first_start=Min("contracts__start_date"))
        .select_related("departement")
        .order_by("name", "pk")
    )
    rows = {s.pk: StructureReports(s, Quarter.of(s.first_start)) for s in queryset}
    for structure_id, year, number in QuarterlyReport.objects.filter(structure_id__in=rows).values_list(
        "structure_id", "year", "quarter"
    ):
        rows[structure_id].filed.add(Quarter(year, number))
    last = last_ended_quarter(today)
    for row in rows.values():
        row.missing = [q for q in quarters_between(row.first_quarter, last) if q not in row.filed]
    return list(rows.values())


def submit_report(
    structure, *, by, year: int, quarter: int, amount_spent, advisors_in_post: int, summary: str, today=None
) -> QuarterlyReport:
    """Files the structure's report for an ended quarter (one per quarter: a database rule; a double submit gets
    the message)."""
    today = today or timezone.localdate()
    if quarter not in (1, 2, 3, 4):
        raise ReportError("Choisissez un trimestre de 1 à 4.", "quarter")
    period = Quarter(year, quarter)
    first = first_contract_start(structure)
    if first is None:
        raise ReportError("Votre structure n'a pas encore de contrat : aucun rapport n'est attendu.")
    if not period.ended(today):
        raise ReportError(
            f"Le {period.label} n'est pas terminé : vous pourrez déposer ce rapport à partir du "
            f"{period.end + timedelta(days=1):%d/%m/%Y}.",
            "quarter",
        )
    if period < Quarter.of(first):
        raise ReportError(
            f"Aucun rapport n'est attendu pour le {period.label} : votre premier contrat a commencé le "
            f"{first:%d/%m/%Y}.",
            "quarter",
        )
    duplicate = ReportError(f"Le rapport du {period.label} est déjà déposé.", "quarter")
    if QuarterlyReport.objects.filter(structure=structure, year=year, quarter=quarter).exists():
        raise duplicate
    try:
        with transaction.atomic():
            report = QuarterlyReport.objects.create(
                structure=structure,
                year=year,
                quarter=quarter,
                amount_spent=amount_spent,
                advisors_in_post=advisors_in_post,
                summary=summary,
                submitted_by=by,
            )
            record(
                "quarterly_report.submitted",
                report,
                by=by,
                after={
                    "structure": structure.pk,
                    "year": year,
                    "quarter": quarter,
                    "amount_spent": amount_spent,
                    "advisors_in_post": advisors_in_post,
                    "late": period.due_on < today,
                },
            )
    except IntegrityError as error:
        raise duplicate from error
    return report


@task()
def send_quarterly_report_reminders(day_iso: str | None = None) -> int:
    """Reminds each structure whose report is due within the reminder days, and each late one once per quarter.
    Returns the number of emails queued."""
    day = datetime.fromisoformat(day_iso).date() if day_iso else timezone.localdate()
    sent = 0
    for row in reports_status(today=day):
        for quarter in row.missing:
            days_left = (quarter.due_on - day).days
            if days_left < 0:
                sent += life_notify.quarterly_report(row.structure, quarter, late=True)
            elif days_left <= reminder_days():
                sent += life_notify.quarterly_report(row.structure, quarter, late=False)
    return sent
