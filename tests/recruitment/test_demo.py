import pytest
from django.core.management import call_command

from cnfs.candidates import cv
from cnfs.candidates.models import Candidate
from cnfs.demo.recruitment import demo_pdf
from cnfs.demo.seed import DEMO_DOMAIN
from cnfs.recruitment.models import Match, MatchStatus
from tests.factories import CommuneFactory, DepartementFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def territories():
    region = RegionFactory()
    for code, name in [
        ("03", "Allier"),
        ("15", "Cantal"),
        ("43", "Haute-Loire"),
        ("63", "Puy-de-Dôme"),
        ("69", "Rhône"),
    ]:
        DepartementFactory(code=code, name=name, region=region)
    CommuneFactory()
    CommuneFactory(insee_code="03310", name="Vichy", latitude=46.1277, longitude=3.4259, population=25000)
    CommuneFactory(insee_code="03185", name="Montluçon", latitude=46.3401, longitude=2.6033, population=34000)


def test_demo_candidates_and_matches_in_every_state_idempotent(territories):
    call_command("seed_demo")
    counts = (Candidate.objects.count(), Match.objects.count())
    call_command("seed_demo")
    assert (Candidate.objects.count(), Match.objects.count()) == counts
    assert counts[0] >= 400
    statuses = set(Match.objects.values_list("status", flat=True))
    assert {
        MatchStatus.NEW,
        MatchStatus.SHORTLISTED,
        MatchStatus.NOT_RETAINED,
        MatchStatus.CLOSED,
    } <= statuses
    assert {MatchStatus.HIRE_REQUESTED, MatchStatus.HIRED} <= statuses
    assert Candidate.objects.filter(user__email=f"candidat@{DEMO_DOMAIN}").exists()
    with_cv = Candidate.objects.exclude(cv_name="").first()
    assert cv.path_of(with_cv.cv_name).read_bytes().startswith(b"%PDF-")
    assert Candidate.objects.filter(pix__isnull=False, pix_shared=True).exists()


def test_demo_pdf_is_a_pdf():
    content = demo_pdf("CV de Léa Martin")
    assert content.startswith(b"%PDF-1.4") and content.rstrip().endswith(b"%%EOF")


def test_demo_matches_are_written_through_the_workflow_with_its_history_and_journal(territories):
    from cnfs.journal.models import JournalEntry
    from cnfs.recruitment.models import Advisor, MatchTransition
    from cnfs.structures.models import PostStatus

    call_command("seed_demo")
    names = set(MatchTransition.objects.values_list("name", flat=True))
    assert {"open", "shortlist", "not_retain", "close", "request_hire", "hire"} <= names
    assert not MatchTransition.objects.exclude(name__in=names - {"demo"}).exists()
    for action in ("match.opened", "match.shortlist", "match.request_hire", "match.hire", "advisor.hired"):
        assert JournalEntry.objects.filter(action=action, actor__isnull=False).exists(), action
    for match in Match.objects.filter(status=MatchStatus.HIRED):
        assert match.post.status == PostStatus.OCCUPIED
        assert Advisor.objects.get(candidate=match.candidate).post == match.post
    for match in Match.objects.filter(status=MatchStatus.HIRE_REQUESTED):
        assert match.post.status == PostStatus.HIRE_REQUESTED
