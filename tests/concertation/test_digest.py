import pytest
from django.core.management import call_command
from django.utils import timezone

from cnfs.accounts.roles import Role
from cnfs.concertation.tasks import send_prefecture_digest
from tests.factories import CommuneFactory, DepartementFactory, StructureApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_daily_digest_lists_yesterdays_applications_of_the_territory_once(
    django_capture_on_commit_callbacks, mailoutbox
):
    agent = UserFactory(role=Role.PREFECTURE)
    yesterday = timezone.now() - timezone.timedelta(days=1)
    StructureApplicationFactory(submitted=True, submitted_at=yesterday, name="Commune d'Avermes")
    rhone = CommuneFactory(
        insee_code="69123", name="Lyon", departement=DepartementFactory(code="69", name="Rhône")
    )
    StructureApplicationFactory(submitted=True, submitted_at=yesterday, name="Métropole", commune=rhone)
    StructureApplicationFactory(submitted=True, name="Transmise aujourd'hui")
    with django_capture_on_commit_callbacks(execute=True):
        send_prefecture_digest.call()
        send_prefecture_digest.call()
        call_command("send_prefecture_digest")
    assert [m.to for m in mailoutbox] == [[agent.email]]
    assert "Commune d'Avermes" in mailoutbox[0].body
    assert "Métropole" not in mailoutbox[0].body
    assert "aujourd'hui" not in mailoutbox[0].body
