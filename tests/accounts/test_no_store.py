"""Every page a logged-in user gets, and every download, carries `Cache-Control: no-store`."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cnfs.accounts.roles import Role
from cnfs.candidates import cv
from tests.factories import StructureApplicationFactory
from tests.recruitment.factories import PDF_BYTES, CandidateFactory, MatchFactory, activate

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def routes_without_arguments(resolver=None, prefix=""):
    """The names of every URL of the project that takes no argument."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        namespace = (
            f"{prefix}{entry.namespace}:" if isinstance(entry, URLResolver) and entry.namespace else prefix
        )
        if isinstance(entry, URLResolver):
            yield from routes_without_arguments(entry, namespace)
        elif isinstance(entry, URLPattern) and entry.name and not entry.pattern.converters:
            yield f"{prefix}{entry.name}"


def test_every_page_without_arguments_is_no_store_for_every_role(client, users_by_role):
    names = sorted(set(routes_without_arguments()))
    assert len(names) > 20
    seen = 0
    for role, user in users_by_role.items():
        client.force_login(user)
        for name in names:
            response = client.get(reverse(name))
            assert no_store(response), (role, name, response.status_code, response.get("Cache-Control"))
            seen += response.status_code == 200
        client.logout()
    assert seen > 30


def test_anonymous_public_pages_stay_cacheable(client):
    assert not no_store(client.get(reverse("public:home")))


@pytest.fixture
def structure(users_by_role):
    return activate(users_by_role[Role.STRUCTURE].role_assignments.get().structure)


@pytest.fixture
def candidate(structure, users_by_role):
    candidate = CandidateFactory()
    candidate.cv_name = cv.store(SimpleUploadedFile("cv.pdf", PDF_BYTES))
    candidate.save()
    MatchFactory(structure=structure, candidate=candidate, shortlisted=True)
    return candidate


def test_every_export_and_download_is_no_store(client, users_by_role, structure, candidate):
    StructureApplicationFactory(submitted=True, departement=structure.departement)
    own = CandidateFactory(user=users_by_role[Role.CANDIDATE])
    own.cv_name = cv.store(SimpleUploadedFile("cv.pdf", PDF_BYTES))
    own.save()
    downloads = {
        Role.ANCT: [
            reverse("concertation:export", args=["csv"]),
            reverse("concertation:export", args=["xlsx"]),
        ],
        Role.PREFECTURE: [
            reverse("concertation:export", args=["csv"]),
            reverse("concertation:export", args=["xlsx"]),
        ],
        Role.STRUCTURE: [
            reverse("recruitment:candidate_list") + "?export=csv&onglet=all",
            reverse("recruitment:candidate_list") + "?export=xlsx&onglet=all",
            reverse("recruitment:evaluation_docx", args=[candidate.pk]),
            reverse("recruitment:candidate_cv", args=[candidate.pk]),
            reverse("structures:job_description"),
        ],
        Role.CANDIDATE: [reverse("recruitment:candidate_cv", args=[own.pk])],
    }
    for role, urls in downloads.items():
        client.force_login(users_by_role[role])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (role, url)
            assert response["Content-Disposition"].startswith("attachment"), url
            assert no_store(response), (role, url)
        client.logout()
