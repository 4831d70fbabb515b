"""The demo's activity reports: months of them for each demo advisor in post, written through the real service
(journal included), each obeying the report rules; one advisor idle long enough to be reminded; idempotent."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from cnfs.activity.models import ActivityReport
from cnfs.activity.report_models import BREAKDOWNS
from cnfs.journal.models import JournalEntry
from cnfs.recruitment.models import Advisor, AdvisorStatus
from tests.activity.test_demo import postal_codes  # noqa: F401 — the demo places' postal codes
from tests.recruitment.test_demo import territories  # noqa: F401 — the demo's territories

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("postal_codes")
def test_each_demo_advisor_has_months_of_reports_written_through_the_service():
    call_command("seed_demo")
    count = ActivityReport.objects.count()
    call_command("seed_demo")
    assert ActivityReport.objects.count() == count
    today = timezone.localdate()
    advisors = Advisor.objects.filter(status=AdvisorStatus.ACTIVE)
    assert advisors.count() >= 2
    for advisor in advisors:
        theirs = ActivityReport.objects.by(advisor)
        assert theirs.count() >= 30
        first = theirs.order_by("date").first().date
        assert (today - first).days >= 80
        assert theirs.values("kind").distinct().count() == 3
    assert JournalEntry.objects.filter(action="activity_report.created").count() == count
    for report in ActivityReport.objects.all():
        assert report.date <= today and report.themes
        for _, _, bands in BREAKDOWNS:
            assert sum(getattr(report, name) for name, _ in bands) <= report.participants
        if report.place_id:
            assert report.place.advisors.filter(pk=report.advisor_id).exists()
    lasts = [ActivityReport.objects.by(a).order_by("-date").first().date for a in advisors]
    assert min(lasts) <= today - datetime.timedelta(days=35)  # someone for the reminder
    assert max(lasts) >= today - datetime.timedelta(days=4)
