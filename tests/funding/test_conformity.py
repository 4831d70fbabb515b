"""The Banque des Territoires' conformity review: its queue (sorted by deadline, overdue flagged at the 15-day
boundary), the decision (reasons required when not conform), the clock restarting on a new transmission, a conform
decision completing the hire, and two agents deciding the same file at once making one decision."""

import pytest
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from cnfs.accounts.models import RoleAssignment
from cnfs.accounts.roles import Role
from cnfs.candidates.models import Candidate, UnavailableReason
from cnfs.funding import grant_files
from cnfs.funding.models import ConformityDecision, FileStatus, GrantFile, NonConformityReason
from cnfs.journal.models import JournalEntry
from cnfs.recruitment.models import Advisor, MatchStatus
from cnfs.structures.models import PostStatus
from tests.concurrency import APPS_BUT_JOURNAL, outcomes, race
from tests.factories import UserFactory
from tests.funding.files import open_file, transmitted_file
from tests.recruitment.factories import MatchFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("funding:queue")


def _review(grant_file):
    return reverse("funding:review", args=[grant_file.pk])


@pytest.fixture
def bdt(client):
    agent = UserFactory(role=Role.BDT)
    client.force_login(agent)
    return agent


# --- queue -----------------------------------------------------------------------------------------------------------


def test_queue_and_review_permission_matrix(role_matrix):
    grant_file, _ = transmitted_file()
    role_matrix.check(QUEUE, {Role.BDT})
    role_matrix.check(_review(grant_file), {Role.BDT})
    role_matrix.check(_review(grant_file), {Role.BDT}, method="post", data={"conform": ""}, ok=200)
    role_matrix.check(reverse("funding:hire_requests"), {Role.ANCT})
    role_matrix.check(
        reverse("funding:stop_hire", args=[grant_file.match_id]),
        {Role.ANCT},
        method="post",
        ok=302,
        data={"reason": ""},
    )


def test_the_queue_lists_transmitted_files_by_deadline_with_days_left_and_overdue_flagged(
    client, bdt, time_machine
):
    time_machine.move_to("2026-03-01 10:00:00+01:00", tick=False)
    first, _ = transmitted_file()
    time_machine.move_to("2026-03-05 10:00:00+01:00", tick=False)
    second, _ = transmitted_file()
    open_file()  # a draft is not in the queue

    time_machine.move_to("2026-03-16 09:00:00+01:00", tick=False)  # day 15 of the first file
    response = client.get(QUEUE)
    rows = list(response.context["page"].object_list)
    assert rows == [first, second]
    assert [f.days_left for f in rows] == [0, 4]
    assert "Dernier jour" in response.text and "En retard" not in response.text

    time_machine.move_to("2026-03-17 09:00:00+01:00", tick=False)  # day 16: overdue
    response = client.get(QUEUE)
    assert [f.days_left for f in response.context["page"].object_list] == [-1, 3]
    assert "En retard de 1 jour<" in response.text
    assert [f.pk for f in client.get(QUEUE, {"overdue": "on"}).context["page"].object_list] == [first.pk]


def test_the_queue_filters_by_departement_and_refuses_a_bad_one(client, bdt):
    grant_file, _ = transmitted_file()
    code = grant_file.structure.departement_id
    assert list(client.get(QUEUE, {"departement": code}).context["page"].object_list) == [grant_file]
    response = client.get(QUEUE, {"departement": "9\x00"})
    assert response.status_code == 200 and response.context["form"].errors["departement"]
    assert list(response.context["page"].object_list) == []


def test_the_queue_costs_the_same_whatever_the_rows(client, bdt):
    transmitted_file()
    client.get(QUEUE)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(QUEUE)
    for _ in range(3):
        transmitted_file()
    with CaptureQueriesContext(connection) as four:
        response = client.get(QUEUE)
    assert len(response.context["page"].object_list) == 4
    assert len(four) == len(one)


def test_bdt_home_shows_the_queue_count(client, bdt, time_machine):
    time_machine.move_to("2026-03-01 10:00:00+01:00", tick=False)
    transmitted_file()
    time_machine.move_to("2026-03-20 10:00:00+01:00", tick=False)
    transmitted_file()
    client.force_login(bdt)
    response = client.get(reverse("dashboard:home"))
    assert "2 dossiers de subvention à instruire" in response.text
    assert "1 dossier en retard" in response.text
    assert QUEUE in response.text


# --- decision --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({}, "conform", "Choisissez « conforme » ou « non conforme »"),
        ({"conform": "no"}, "reasons", "Cochez au moins un motif"),
        ({"conform": "no", "reasons": ["other"]}, "comment", "Précisez le motif « autre »"),
        ({"conform": "no", "reasons": ["nope"]}, "reasons", "Choisissez les motifs dans la liste"),
        ({"conform": "no", "reasons": ["other"], "comment": "a\x00b"}, "comment", "caractère nul"),
        ({"conform": "maybe"}, "conform", "Sélectionnez un choix valide"),
    ],
)
def test_a_bad_decision_is_refused_next_to_the_field_and_nothing_is_decided(
    client, bdt, data, field, message
):
    grant_file, _ = transmitted_file()
    response = client.post(_review(grant_file), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    grant_file.refresh_from_db()
    assert grant_file.status == FileStatus.TRANSMITTED
    assert not ConformityDecision.objects.exists()


def test_not_conform_sends_the_file_back_with_the_reasons_and_a_resubmission_restarts_the_clock(
    client, bdt, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to("2026-04-01 10:00:00+02:00", tick=False)
    grant_file, member = transmitted_file()
    assert str(grant_file.review_deadline) == "2026-04-16"
    time_machine.move_to("2026-04-10 10:00:00+02:00", tick=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _review(grant_file),
            {"conform": "no", "reasons": ["sirene", "other"], "comment": "La délibération n'est pas signée."},
        )
    assert response.status_code == 302
    grant_file.refresh_from_db()
    assert grant_file.status == FileStatus.NOT_CONFORM
    decision = ConformityDecision.objects.get(grant_file=grant_file)
    assert (decision.submission, decision.conform, decision.by) == (1, False, bdt)
    assert decision.reasons == ["sirene", "other"]
    entry = JournalEntry.objects.for_object(grant_file).get(action="grant_file.decide_not_conform")
    assert entry.actor == bdt and entry.before == {"status": "transmitted"}
    assert entry.after["reasons"] == ["sirene", "other"] and "signée" not in str(entry.after)
    # The structure is told, with the reasons' labels.
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert NonConformityReason.SIRENE.label in mail.outbox[0].body
    # It sees the reasons on its file and transmits again: a new submission, a new 15-day clock.
    client.force_login(member)
    page = client.get(reverse("funding:file_detail", args=[grant_file.pk])).text
    assert NonConformityReason.SIRENE.label in page and "La délibération n&#x27;est pas signée." in page
    time_machine.move_to("2026-04-20 10:00:00+02:00", tick=False)
    client.force_login(member)
    client.post(reverse("funding:transmit", args=[grant_file.pk]))
    grant_file.refresh_from_db()
    assert (grant_file.status, grant_file.submission) == (FileStatus.TRANSMITTED, 2)
    assert str(grant_file.review_deadline) == "2026-05-05"
    time_machine.move_to("2026-05-05 10:00:00+02:00", tick=False)
    assert grant_files.days_left(grant_file) == 0
    time_machine.move_to("2026-05-06 10:00:00+02:00", tick=False)
    assert grant_files.days_left(grant_file) == -1


def test_conform_completes_the_hire_in_the_same_transaction(client, bdt, django_capture_on_commit_callbacks):
    grant_file, member = transmitted_file()
    match = grant_file.match
    other = MatchFactory(candidate=match.candidate, shortlisted=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_review(grant_file), {"conform": "yes", "reasons": ["sirene"], "comment": ""})
    grant_file.refresh_from_db()
    match.refresh_from_db()
    other.refresh_from_db()
    assert grant_file.status == FileStatus.CONFORM and grant_file.decided_at is not None
    assert (
        ConformityDecision.objects.get(grant_file=grant_file).reasons == []
    )  # reasons only when not conform
    assert match.status == MatchStatus.HIRED
    assert match.post.status == PostStatus.OCCUPIED
    advisor = Advisor.objects.get(candidate=match.candidate)
    assert (advisor.post, advisor.structure) == (match.post, match.structure)
    assert RoleAssignment.objects.filter(user=match.candidate.user, role=Role.ADVISOR).exists()
    assert other.status == MatchStatus.CLOSED
    assert (
        JournalEntry.objects.for_object(grant_file)
        .filter(action="grant_file.decide_conform", actor=bdt)
        .exists()
    )
    assert (
        JournalEntry.objects.for_object(match).filter(action="match.hire", actor=bdt, role="system").exists()
    )
    recipients = {m.to[0] for m in mail.outbox}
    assert member.email in recipients and match.candidate.user.email in recipients


def test_a_conform_decision_the_hire_refuses_decides_nothing(client, bdt):
    grant_file, _ = transmitted_file()
    # The candidate became unavailable meanwhile.
    Candidate.objects.filter(pk=grant_file.match.candidate_id).update(
        is_available=False, unavailable_reason=UnavailableReason.FOUND_JOB, unavailable_since=timezone.now()
    )
    response = client.post(_review(grant_file), {"conform": "yes"}, follow=True)
    assert "plus disponible" in response.text
    grant_file.refresh_from_db()
    assert grant_file.status == FileStatus.TRANSMITTED
    assert not ConformityDecision.objects.exists()
    assert grant_file.match.status == MatchStatus.HIRE_REQUESTED


def test_a_decided_file_cannot_be_decided_again(client, bdt):
    grant_file, _ = transmitted_file()
    grant_files.decide(grant_file, by=bdt, conform=False, reasons=["sirene"], role=Role.BDT)
    with pytest.raises(grant_files.TransitionError, match="vient d'être instruit par un autre agent"):
        grant_files.decide(grant_file, by=bdt, conform=True, role=Role.BDT)
    response = client.post(_review(grant_file), {"conform": "yes"}, follow=True)
    assert "vient d&#x27;être instruit par un autre agent" in response.text
    assert ConformityDecision.objects.count() == 1


def test_a_decision_already_written_for_the_submission_is_reported_plainly(bdt, monkeypatch):
    grant_file, _ = transmitted_file()
    real_create = ConformityDecision.objects.create

    def lost_the_race(**kwargs):
        real_create(**kwargs)
        raise IntegrityError("conformity_one_per_submission")

    monkeypatch.setattr(ConformityDecision.objects, "create", lost_the_race)
    with pytest.raises(grant_files.TransitionError, match="vient d'être instruit par un autre agent"):
        grant_files.decide(grant_file, by=bdt, conform=False, reasons=["sirene"], role=Role.BDT)
    grant_file.refresh_from_db()
    assert grant_file.status == FileStatus.TRANSMITTED


def test_only_the_bdt_decides_and_only_the_structure_transmits(bdt):
    grant_file, member = open_file()
    with pytest.raises(grant_files.TransitionForbidden):
        grant_files.transmit(grant_file, by=bdt, role=Role.BDT)
    grant_file, member = transmitted_file()
    for role in (Role.STRUCTURE, Role.ANCT):
        with pytest.raises(grant_files.TransitionForbidden):
            grant_files.decide(grant_file, by=member, conform=True, role=role)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, available_apps=APPS_BUT_JOURNAL)
@pytest.mark.usefixtures("_journal_cleanup")
def test_two_agents_deciding_the_same_file_at_once_make_exactly_one_decision():
    grant_file, _ = transmitted_file()
    first, second = UserFactory(role=Role.BDT), UserFactory(role=Role.BDT)
    results = race(
        lambda: grant_files.decide(
            GrantFile.objects.get(pk=grant_file.pk), by=first, conform=True, role=Role.BDT
        ),
        lambda: grant_files.decide(
            GrantFile.objects.get(pk=grant_file.pk),
            by=second,
            conform=False,
            reasons=["sirene"],
            role=Role.BDT,
        ),
    )
    assert outcomes(results, grant_files.TransitionError) == ["ok", "refused"]
    refused = next(r for r in results if isinstance(r, Exception))
    assert str(refused) == grant_files.ALREADY_DECIDED
    assert ConformityDecision.objects.filter(grant_file=grant_file).count() == 1
    grant_file.refresh_from_db()
    decision = ConformityDecision.objects.get(grant_file=grant_file)
    assert grant_file.status == (FileStatus.CONFORM if decision.conform else FileStatus.NOT_CONFORM)


# --- the ANCT view of hires in progress ------------------------------------------------------------------------------


def test_anct_sees_each_hire_with_its_file_status_and_review_deadline(client, time_machine):
    time_machine.move_to("2026-03-01 10:00:00+01:00", tick=False)
    grant_file, _ = transmitted_file()
    draft, _ = open_file()
    client.force_login(UserFactory(role=Role.ANCT))
    response = client.get(reverse("funding:hire_requests"))
    rows = {m.pk: m.grant_file for m in response.context["page"].object_list}
    assert rows == {grant_file.match_id: grant_file, draft.match_id: draft}
    assert "à instruire avant le 16/03/2026" in response.text
    assert "Valider le recrutement" not in response.text
    assert "recruitment:validate_hire" not in response.text
