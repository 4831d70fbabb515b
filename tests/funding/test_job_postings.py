"""One job posting per recruitment: the current posting is the latest published; once a recruitment relies on it (a
grant file links it), the structure publishes a new one for the next recruitment (a post freed again)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cnfs.funding.models import GrantFile
from cnfs.journal.models import JournalEntry
from cnfs.structures.models import JobPosting
from tests.funding.factories import hire_requested_match
from tests.recruitment.factories import activated_structure, structure_user

pytestmark = pytest.mark.django_db

URL = "https://www.emploi-territorial.fr/offre/o0000000042"


def test_the_current_posting_is_the_latest_published():
    match = hire_requested_match()
    structure = match.structure
    first = structure.current_job_posting
    later = JobPosting.objects.create(structure=structure, url=URL, published_on=timezone.localdate())
    assert structure.current_job_posting == later
    assert set(structure.job_postings.all()) == {first, later}


def test_a_posting_linked_to_a_grant_file_is_kept_and_a_new_one_published(client):
    match = hire_requested_match()
    structure = match.structure
    posting = structure.current_job_posting
    assert (
        GrantFile.objects.live().get(match=match).job_posting == posting
    )  # "Valider cette candidature" linked it
    client.force_login(structure_user(structure))
    page = client.get(reverse("structures:job_posting")).content.decode()
    assert "Publier une nouvelle offre" in page and "liée à un dossier de recrutement" in page
    day = timezone.localdate() - timedelta(days=2)
    response = client.post(reverse("structures:job_posting"), {"url": URL, "published_on": day.isoformat()})
    assert response.status_code == 302
    posting.refresh_from_db()
    assert posting.url != URL  # the linked posting is unchanged
    assert structure.current_job_posting.url == URL
    assert JobPosting.objects.filter(structure=structure).count() == 2
    assert JournalEntry.objects.filter(action="job_posting.recorded").latest("pk").after["new"] is True


def test_a_free_posting_is_edited_unless_a_new_one_is_asked(client):
    structure = activated_structure()
    client.force_login(structure_user(structure))
    day = timezone.localdate().isoformat()
    client.post(reverse("structures:job_posting"), {"url": URL, "published_on": day})
    assert JobPosting.objects.filter(structure=structure).count() == 1
    assert client.get(reverse("structures:job_posting"), {"nouvelle": "1"}).status_code == 200
    client.post(reverse("structures:job_posting"), {"url": URL + "9", "published_on": day, "nouvelle": "1"})
    assert JobPosting.objects.filter(structure=structure).count() == 2
    assert structure.current_job_posting.url == URL + "9"
