""" "Mon espace" shows each role's waiting work: right counts in the right scope, links that open exactly that work,
and a fixed number of queries whatever the volume."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cnfs.accounts.roles import Role
from cnfs.candidates import cv
from cnfs.concertation.models import ApplicationStatus, ChangeKind, ChangeStatus, PostChangeRequest
from cnfs.recruitment.models import MatchStatus
from tests.factories import (
    CommuneFactory,
    DepartementFactory,
    PrefectOpinionFactory,
    RegionFactory,
    StructureApplicationFactory,
    UserFactory,
)
from tests.recruitment.factories import (
    PDF_BYTES,
    CandidateFactory,
    MatchFactory,
    PixResultFactory,
    activate,
    activated_structure,
    structure_user,
)

pytestmark = pytest.mark.django_db

HOME = reverse("dashboard:home")


def _items(response):
    return {item.singular: item for item in response.context["work"].items}


def _puy_de_dome():
    departement = DepartementFactory(code="63", name="Puy-de-Dôme", region=RegionFactory())
    return CommuneFactory(insee_code="63113", name="Clermont-Ferrand", departement=departement)


def _submitted(days_ago, **kwargs):
    return StructureApplicationFactory(
        submitted=True, submitted_at=timezone.now() - timedelta(days=days_ago), **kwargs
    )


def _change(application, kind=ChangeKind.ADDITION, status=ChangeStatus.REQUESTED, **kwargs):
    return PostChangeRequest.objects.create(
        application=application,
        kind=kind,
        posts=1,
        motive="other",
        status=status,
        requested_by=UserFactory(),
        **kwargs,
    )


def test_every_role_gets_its_space_and_anonymous_users_are_sent_to_login(role_matrix):
    role_matrix.check(HOME, set(Role))


def test_prefecture_sees_the_applications_awaiting_its_opinion_oldest_first(client):
    prefecture = UserFactory(role=Role.PREFECTURE)  # Allier (03)
    oldest = _submitted(20)
    newer = _submitted(3)
    PrefectOpinionFactory(application=_submitted(30))  # opinion already given
    _submitted(40, commune=_puy_de_dome(), departement_id="63")  # another département
    StructureApplicationFactory()  # a draft
    _change(oldest)
    _change(newer, kind=ChangeKind.RETURN)  # returns need no opinion
    _change(_submitted(5, commune=_puy_de_dome(), departement_id="63"))  # another département
    client.force_login(prefecture)

    response = client.get(HOME)

    items = _items(response)
    awaiting = items["candidature attend votre avis"]
    assert awaiting.count == 2
    assert awaiting.oldest == oldest.submitted_at
    assert "2 candidatures attendent votre avis" in response.text
    assert "La plus ancienne transmise le" in response.text
    changes = items["demande de postes supplémentaires attend votre avis"]
    assert changes.count == 1
    # The link opens exactly that work, oldest first.
    listed = client.get(awaiting.url).context["page"].object_list
    assert [a.pk for a in listed] == [oldest.pk, newer.pk]


def test_anct_sees_decisions_post_changes_and_hires_waiting(client):
    StructureApplicationFactory(submitted=True, status=ApplicationStatus.OPINION_GIVEN)
    StructureApplicationFactory(submitted=True, status=ApplicationStatus.OPINION_GIVEN)
    StructureApplicationFactory(submitted=True, status=ApplicationStatus.FURTHER_EXAMINATION)
    _submitted(2)
    StructureApplicationFactory(submitted=True, status=ApplicationStatus.ACCEPTED)
    _change(_submitted(1), status=ChangeStatus.OPINION_GIVEN, opinion="favourable")
    _change(_submitted(1), kind=ChangeKind.RETURN)
    _change(_submitted(1))  # an addition still waits for the préfet
    MatchFactory(hire_requested=True)
    MatchFactory(shortlisted=True)
    client.force_login(UserFactory(role=Role.ANCT))

    response = client.get(HOME)

    counts = {key: item.count for key, item in _items(response).items()}
    assert counts == {
        "candidature a reçu l'avis du préfet et attend la décision": 2,
        "candidature en examen complémentaire": 1,
        "candidature attend encore l'avis du préfet": 4,
        "demande de modification de postes attend votre décision": 2,
        "recrutement en cours (dossier de subvention)": 1,
    }
    assert "1 recrutement en cours (dossier de subvention)" in response.text
    assert reverse("funding:hire_requests") in response.text
    with_opinion = _items(response)["candidature a reçu l'avis du préfet et attend la décision"]
    assert {a.status for a in client.get(with_opinion.url).context["page"].object_list} == {
        ApplicationStatus.OPINION_GIVEN
    }


def test_structure_sees_its_own_shortlist_hires_and_posts(client):
    structure = activated_structure(posts=3, committee_date=date(2026, 1, 31))
    user = structure_user(structure)
    MatchFactory(structure=structure, status=MatchStatus.SHORTLISTED)
    MatchFactory(structure=structure, status=MatchStatus.SHORTLISTED)
    MatchFactory(structure=structure, status=MatchStatus.HIRE_REQUESTED)
    MatchFactory(shortlisted=True)  # another structure
    client.force_login(user)

    response = client.get(HOME)

    counts = {key: item.count for key, item in _items(response).items()}
    assert counts == {
        "candidat présélectionné à rencontrer": 2,
        "dossier de subvention à compléter ou à transmettre": 0,
        "recrutement demandé, en attente de la décision de conformité": 1,
    }
    facts = dict(response.context["work"].facts)
    assert facts["Postes accordés"] == "3"
    assert facts["Postes encore libres"] == "2"
    assert facts["Recruter avant le"].startswith("31/03/2026 (")  # two months after the committee
    assert facts["Votre candidature"] == "Structure activée"
    assert "?onglet=shortlisted" in response.text


def test_structure_without_any_waiting_work_reads_it_plainly(client):
    user = UserFactory(role=Role.STRUCTURE)
    activate(user.role_assignments.get().structure)
    client.force_login(user)
    response = client.get(HOME)
    assert "Aucun candidat présélectionné pour l&#x27;instant." in response.text


def test_candidate_sees_profile_completeness_and_interested_structures(client):
    candidate = CandidateFactory(motivation="")
    MatchFactory(candidate=candidate, status=MatchStatus.SHORTLISTED)
    MatchFactory(candidate=candidate, status=MatchStatus.NOT_RETAINED)
    client.force_login(candidate.user)

    response = client.get(HOME)

    work = response.context["work"]
    assert dict(work.completeness) == {
        "Adresse électronique confirmée": True,
        "Motivation rédigée": False,
        "CV déposé": False,
        "Résultats Pix partagés avec les structures": False,
    }
    assert "complet à <strong>1 sur 4</strong>" in response.text
    assert "1 structure s&#x27;intéresse à votre candidature" in response.text

    candidate.motivation = "Aider les habitants."
    candidate.cv_name = cv.store(SimpleUploadedFile("cv.pdf", PDF_BYTES))
    candidate.pix_shared = True
    candidate.save()
    PixResultFactory(candidate=candidate)
    response = client.get(HOME)
    assert response.context["work"].completed == 4
    assert "Compléter mon profil" not in response.text


def test_advisor_is_welcomed_with_next_steps(client):
    structure = activated_structure(name="Commune de Moulins")
    advisor = UserFactory(first_name="Inès", role=Role.ADVISOR)
    advisor.role_assignments.update(structure=structure)
    client.force_login(advisor)
    response = client.get(HOME)
    assert "Bienvenue, Inès !" in response.text
    assert "Votre structure d&#x27;accueil : Commune de Moulins." in response.text
    assert "Vos prochaines étapes" in response.text


def _queries(client):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(HOME).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "role", [Role.PREFECTURE, Role.ANCT, Role.STRUCTURE, Role.CANDIDATE, Role.ADVISOR, Role.TRAINING_PROVIDER]
)
def test_the_page_costs_the_same_number_of_queries_whatever_the_volume(client, role):
    user = UserFactory(role=role)
    scope = user.role_assignments.get()
    if role == Role.CANDIDATE:
        CandidateFactory(user=user)

    def add_work():
        application = _submitted(3)
        _change(application)
        _change(_submitted(2), status=ChangeStatus.OPINION_GIVEN, opinion="favourable")
        structure = scope.structure if role == Role.STRUCTURE else None
        MatchFactory(hire_requested=True, **({"structure": structure} if structure else {}))
        if role == Role.STRUCTURE:
            MatchFactory(structure=structure, status=MatchStatus.SHORTLISTED)
        if role == Role.CANDIDATE:
            MatchFactory(candidate=user.candidate, status=MatchStatus.SHORTLISTED)

    if role == Role.STRUCTURE:
        activate(scope.structure)
    add_work()
    client.force_login(user)
    client.get(HOME)  # session and role lookups settle
    few = _queries(client)
    for _ in range(4):
        add_work()
    assert _queries(client) == few
    # Today: préfecture 7, ANCT 7, structure 8, candidate 4, advisor 5 (training and onboarding checklist),
    # training provider 7 queries (session and role included; an agent's include the second-factor device the
    # session passed with, looked up at each request; the role's département, structure or organisation is read by
    # the pages that show it, not joined to the role at every request).
    assert (
        few
        == {
            Role.PREFECTURE: 7,
            Role.ANCT: 7,
            Role.STRUCTURE: 8,
            Role.CANDIDATE: 4,
            Role.ADVISOR: 5,
            Role.TRAINING_PROVIDER: 7,
        }[role]
    )
