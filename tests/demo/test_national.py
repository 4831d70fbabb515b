"""The national volume's builder (cnfs/demo/national.py, `manage.py seed_national`) at a small scale: the counts asked
for, reports that the report service would accept as they are, places held and shown, funding whose kept totals are
those of the tranches, one account per role that can log in, and every `check_consistency` rule holding. The COPY
path runs on PostgreSQL and leaves the report table's keys and indexes as they were."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cnfs.accounts import second_factor
from cnfs.accounts.models import RoleAssignment, User
from cnfs.activity import reports
from cnfs.activity.models import ActivityReport, Place
from cnfs.activity.report_models import PlaceKind, ReportKind
from cnfs.candidates.models import Candidate
from cnfs.core.consistency import run_checks
from cnfs.demo import national
from cnfs.demo.seed import DEMO_PASSWORD
from cnfs.funding.models import Contract, ContractExtension, Tranche, TrancheTotal
from cnfs.recruitment.models import Advisor, AdvisorStatus
from cnfs.structures.models import Structure
from cnfs.territories import importer, sources
from cnfs.training.models import Training, TrainingStatus

pytestmark = pytest.mark.django_db
BUILTIN = Path(settings.BASE_DIR) / "cnfs" / "territories" / "data" / "builtin"


@pytest.fixture
def territories(db):
    """The territory import's built-in set (42 communes with their postal codes)."""
    return importer.sync(sources.read_csv_directory(BUILTIN))


def seed(reports_count):
    out = StringIO()
    call_command(
        "seed_national", "--scale", "0.005", "--reports", str(reports_count), "--seed", "3", stdout=out
    )
    return out.getvalue()


@pytest.mark.usefixtures("territories")
def test_small_national_volume_obeys_every_rule():
    output = seed(2000)
    today = timezone.localdate()

    assert Structure.objects.count() == round(national.STRUCTURES * 0.005)
    assert Candidate.objects.count() == round(national.CANDIDATES * 0.005)
    assert ActivityReport.objects.count() == 2000
    advisors = list(Advisor.objects.filter(status=AdvisorStatus.ACTIVE))
    assert advisors
    assert [result.check.name for result in run_checks() if not result.ok] == []
    call_command("check_consistency", stdout=StringIO())

    # Places: each advisor holds one or two, most are on the public map, each near its commune.
    for advisor in advisors:
        assert 1 <= Place.objects.held_by(advisor).count() <= 2 + len(advisors)
    assert Place.objects.public().count() >= Place.objects.count() * 0.8
    for place in Place.objects.select_related("commune"):
        assert abs(place.latitude - place.commune.latitude) < 0.01
        assert abs(place.longitude - place.commune.longitude) < 0.01
        assert place.services and place.postal_code

    # Reports: over four years, never in the future nor before the advisor's hiring, each as the service writes it.
    hired = {a.pk: timezone.localtime(a.hired_at).date() for a in advisors}
    years = set()
    for report in ActivityReport.objects.select_related("advisor", "place"):
        values = {name: getattr(report, name) for name in reports.EDITABLE_FIELDS}
        assert reports.normalize(values) == values
        reports.check(report.advisor, values)  # raises ValidationError on a broken rule
        assert hired[report.advisor_id] <= report.date <= today
        assert report.date.weekday() != 6
        years.add(report.date.year)
    assert len(years) >= national.YEARS
    assert ActivityReport.objects.filter(date__lt=today - datetime.timedelta(days=365 * 3)).exists()
    assert set(ActivityReport.objects.values_list("kind", flat=True)) == set(ReportKind.values)
    assert set(ActivityReport.objects.values_list("place_kind", flat=True)) == set(PlaceKind.values)
    assert ActivityReport.objects.filter(participants__gt=1, kind=ReportKind.COLLECTIVE).exists()
    assert not ActivityReport.objects.filter(kind=ReportKind.COLLECTIVE, place_kind=PlaceKind.HOME).exists()

    # Funding: a contract per advisor, three tranches each, totals kept (the consistency rule above compares them).
    assert Contract.objects.count() == len(advisors)
    assert Tranche.objects.count() == 3 * len(advisors)
    assert TrancheTotal.objects.exists()
    assert not Contract.objects.filter(end_date__lte=today).exists()
    for extension in ContractExtension.objects.select_related("contract"):
        assert extension.contract.start_date < extension.previous_end_date < extension.end_date

    # Training: one per advisor; those hired long ago completed it (hours = their weekly attendance, checked above).
    assert Training.objects.count() == len(advisors)
    completed = Training.objects.filter(status=TrainingStatus.COMPLETED)
    assert completed.exists()
    assert all(t.hours_done == t.path and t.ccp1_on <= today for t in completed)

    # One account per role, with the demo password; agents enrolled for the second factor.
    for key, (_, _, _, role) in national.ACCOUNTS.items():
        user = User.objects.get(email=national.national_email(key))
        assert user.check_password(DEMO_PASSWORD)
        assert RoleAssignment.objects.filter(user=user, role=role).exists()
        if second_factor.is_required(user):
            assert second_factor.has_device(user)
        assert national.national_email(key) in output
    advisor_user = User.objects.get(email=national.national_email("advisor"))
    structure = RoleAssignment.objects.get(user__email=national.national_email("structure")).structure
    assert Advisor.objects.get(candidate__user=advisor_user).structure == structure
    assert Advisor.objects.filter(structure=structure, status=AdvisorStatus.ACTIVE).count() >= 2

    with pytest.raises(CommandError, match="déjà le volume national"):
        seed(10)


@pytest.mark.usefixtures("territories")
def test_the_rollups_rebuild_is_called_where_the_project_has_it(monkeypatch):
    import django.core.management as management

    called = []
    monkeypatch.setattr(management, "get_commands", lambda: {"rebuild_activity_rollups": "cnfs.activity"})
    monkeypatch.setattr(management, "call_command", lambda name, **options: called.append(name))
    assert national.rebuild_rollups() is True
    assert called == ["rebuild_activity_rollups"]
    monkeypatch.setattr(management, "get_commands", dict)
    assert national.rebuild_rollups() is False


def test_copy_text_escapes_what_copy_reads_as_separators():
    assert national._copy_text("a\tb\nc\\d\re") == "a\\tb\\nc\\\\d\\re"
    assert national._copy_text(None) == "\\N"
    assert national._copy_text(True) == "t"
    assert national._copy_text(["procédures"]) == '["procédures"]'


def test_the_command_refuses_a_database_without_territories():
    with pytest.raises(CommandError, match="territoires"):
        seed(10)
    with pytest.raises(CommandError, match="échelle"):
        call_command("seed_national", "--scale", "0")


def _keys_and_indexes(table):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
            "UNION ALL SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s ORDER BY 1, 2",
            [table, table],
        )
        return cursor.fetchall()


@pytest.mark.postgres
@pytest.mark.usefixtures("territories")
def test_copy_on_postgresql_writes_the_reports_and_puts_keys_and_indexes_back():
    table = ActivityReport._meta.db_table
    before = _keys_and_indexes(table)
    seed(3000)
    assert ActivityReport.objects.count() == 3000
    assert _keys_and_indexes(table) == before
    assert [result.check.name for result in run_checks() if not result.ok] == []
    # The constraints are back and enforced: a report on an unknown advisor or with too many women is refused.
    report = ActivityReport.objects.filter(kind=ReportKind.COLLECTIVE).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityReport.objects.filter(pk=report.pk).update(gender_female=report.participants + 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # Django's foreign keys are checked at commit
        ActivityReport.objects.filter(pk=report.pk).update(advisor_id=10**9)
