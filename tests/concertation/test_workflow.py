import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from cnfs.accounts.models import Invitation
from cnfs.accounts.roles import Role
from cnfs.concertation import workflow
from cnfs.concertation.models import (
    ApplicationStatus,
    ApplicationTransition,
    CommitteeDecision,
    DecisionOutcome,
    StructureApplication,
    Wave,
)
from cnfs.journal.models import JournalEntry
from tests.concurrency import APPS_BUT_JOURNAL, outcomes, race
from tests.factories import (
    CommuneFactory,
    PrefectOpinionFactory,
    StructureApplicationFactory,
    UserFactory,
    WaveFactory,
)

S = ApplicationStatus
pytestmark = pytest.mark.django_db


def make(status):
    """An application in `status`, built through its real history where it matters."""
    if status == S.DRAFT:
        return StructureApplicationFactory(email_confirmed_at=timezone.now())
    application = StructureApplicationFactory(submitted=True)
    application.status = status
    if status == S.ACTIVATED:
        from tests.factories import StructureFactory

        application.structure = StructureFactory(siret=application.siret)
    application.save()
    return application


ACTORS = {
    "create": None,
    "submit": None,
    "submit_before_wave": None,
    "join_wave": None,
    "activate": None,
    "cancel": None,
    "give_opinion": Role.PREFECTURE,
}


def run(name, application, user, other):
    if name in ("submit", "submit_before_wave"):
        return workflow.submit(application, by=None)
    if name == "join_wave":
        return workflow.join_wave(application, Wave.objects.get())
    if name == "give_opinion":
        return workflow.give_opinion(
            application, by=user, value="favourable", comment="Très bon projet local."
        )
    if name in ("accept", "refuse", "ask_further_examination"):
        outcome = {v: k for k, v in workflow.OUTCOME_TRANSITION.items()}[name]
        return workflow.decide(
            application, by=user, outcome=outcome, posts=2, without_opinion_reason="Comité exceptionnel."
        )
    if name == "activate":
        CommitteeDecision.objects.create(
            application=application,
            outcome="positive",
            posts=1,
            committee_date=timezone.localdate(),
            by=UserFactory(role=Role.ANCT),
        )
        return workflow.activate(application)
    if name == "mark_duplicate":
        return workflow.mark_duplicate(application, by=user, duplicate_of=other)
    if name == "abandon":
        return workflow.abandon(application, by=user, reason="Plus de nouvelles depuis trois mois.")
    return getattr(workflow, name)(application, by=None)


@pytest.mark.parametrize("name", sorted(set(workflow.TRANSITIONS) - {"create"}))
@pytest.mark.parametrize("status", list(S))
def test_every_transition_from_every_status(name, status):
    """The whole table: allowed pairs move to the target and leave a log and a journal entry, others raise."""
    role = ACTORS.get(name, Role.ANCT)
    user = UserFactory(role=role) if role else None
    other = StructureApplicationFactory(submitted=True)
    application = make(status)
    transition = workflow.TRANSITIONS[name]
    if name != "submit_before_wave":
        WaveFactory()  # submit needs an open wave, submit_before_wave none
    if status in transition.sources:
        run(name, application, user, other)
        application.refresh_from_db()
        expected = S.ACTIVATED if name == "accept" else transition.target
        assert application.status == expected
        log = ApplicationTransition.objects.filter(application=application, name=name).get()
        assert (log.from_status, log.to_status) == (status, transition.target)
        entry = JournalEntry.objects.for_object(application).filter(action=f"application.{name}").get()
        assert entry.before == {"status": status}
        assert entry.after["status"] == transition.target
    else:
        with pytest.raises(workflow.TransitionError):
            run(name, application, user, other)
        application.refresh_from_db()
        assert application.status == status


def test_the_draft_is_created_by_a_declared_step_so_its_history_starts_at_creation():
    commune = CommuneFactory()
    application = StructureApplicationFactory.build(commune=commune, departement=commune.departement)
    workflow.create(application)
    log = ApplicationTransition.objects.get(application=application)
    assert (log.name, log.from_status, log.to_status) == ("create", "", S.DRAFT)
    entry = JournalEntry.objects.for_object(application).get()
    assert (entry.action, entry.role) == ("application.create", "applicant")


# Who may take each transition: every role of the platform against the table, nothing moves when refused.
ROLE_CASES = [
    ("give_opinion", S.SUBMITTED, {Role.PREFECTURE}),
    ("accept", S.OPINION_GIVEN, {Role.ANCT}),
    ("refuse", S.OPINION_GIVEN, {Role.ANCT}),
    ("ask_further_examination", S.OPINION_GIVEN, {Role.ANCT}),
    ("abandon", S.SUBMITTED, {Role.ANCT}),
    ("mark_duplicate", S.SUBMITTED, {Role.ANCT}),
]


@pytest.mark.parametrize(("name", "status", "allowed"), ROLE_CASES)
def test_each_transition_declares_the_roles_that_may_take_it(name, status, allowed):
    for role in Role:
        application = make(status)
        if status == S.OPINION_GIVEN:
            PrefectOpinionFactory(application=application)
        user = UserFactory(role=role)
        if role in allowed:
            run(name, application, user, StructureApplicationFactory(submitted=True))
            continue
        with pytest.raises(workflow.TransitionForbidden):
            run(name, application, user, StructureApplicationFactory(submitted=True))
        application.refresh_from_db()
        assert application.status == status
    assert workflow.TRANSITIONS["activate"].roles == {"system"}
    assert workflow.TRANSITIONS["join_wave"].roles == {"system"}
    assert workflow.TRANSITIONS["submit"].roles == {"applicant"}
    assert workflow.TRANSITIONS["cancel"].roles == {"applicant"}


def test_a_positive_decision_activates_the_structure_as_the_platform():
    application = PrefectOpinionFactory().application
    agent = UserFactory(role=Role.ANCT)
    workflow.decide(application, by=agent, outcome=DecisionOutcome.POSITIVE, posts=2)
    log = ApplicationTransition.objects.get(application=application, name="activate")
    assert log.by is None
    assert JournalEntry.objects.get(action="application.activate").role == "system"
    assert Invitation.objects.get(email=application.contact_email).invited_by == agent


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda a, u: workflow.give_opinion(a, by=u, value="favourable", comment="Court"), "10 et 1 000"),
        (lambda a, u: workflow.give_opinion(a, by=u, value="favourable", comment="x" * 1001), "10 et 1 000"),
    ],
)
def test_opinion_guards_give_their_french_reason(call, message):
    application = StructureApplicationFactory(submitted=True)
    with pytest.raises(workflow.TransitionError, match=message):
        call(application, UserFactory(role=Role.PREFECTURE))
    assert not JournalEntry.objects.filter(action="application.give_opinion").exists()


def test_abandon_needs_a_reason_and_duplicate_an_original():
    agent = UserFactory(role=Role.ANCT)
    application = StructureApplicationFactory(submitted=True)
    with pytest.raises(workflow.TransitionError, match="motif"):
        workflow.abandon(application, by=agent, reason="  ")
    with pytest.raises(workflow.TransitionError, match="doublon"):
        workflow.mark_duplicate(application, by=agent, duplicate_of=application)
    with pytest.raises(workflow.TransitionError, match="doublon"):
        workflow.mark_duplicate(application, by=agent, duplicate_of=None)
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_the_table_tells_each_role_what_to_offer():
    application = StructureApplicationFactory(submitted=True)
    prefect, anct = UserFactory(role=Role.PREFECTURE), UserFactory(role=Role.ANCT)
    assert workflow.WORKFLOW.action_names(application, by=prefect, role=Role.PREFECTURE) == {"give_opinion"}
    assert workflow.WORKFLOW.action_names(application, by=anct, role=Role.ANCT) == {
        "accept",
        "refuse",
        "ask_further_examination",
        "abandon",
        "mark_duplicate",
    }
    PrefectOpinionFactory(application=application)
    application.refresh_from_db()
    assert workflow.WORKFLOW.action_names(application, by=prefect, role=Role.PREFECTURE) == set()
    assert workflow.WORKFLOW.action_names(application, by=UserFactory(role=Role.BDT), role=Role.BDT) == set()


def test_submit_puts_the_application_in_the_open_wave_and_mails_a_summary(
    django_capture_on_commit_callbacks, mailoutbox
):
    wave = WaveFactory()
    WaveFactory(
        opens_on=timezone.localdate().replace(year=2020), closes_on=timezone.localdate().replace(year=2020)
    )
    application = StructureApplicationFactory(email_confirmed_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(application)
    assert application.status == S.SUBMITTED
    assert application.wave == wave
    assert application.submitted_at is not None
    assert mailoutbox[-1].to == [application.contact_email]
    assert application.siret in mailoutbox[-1].body


def test_submit_needs_a_confirmed_email():
    WaveFactory()
    application = StructureApplicationFactory()
    with pytest.raises(workflow.TransitionError, match="pas confirmée"):
        workflow.submit(application)


def test_submit_refuses_a_second_active_application_for_the_same_siret():
    WaveFactory()
    first = StructureApplicationFactory(submitted=True)
    second = StructureApplicationFactory(siret=first.siret, email_confirmed_at=timezone.now())
    with pytest.raises(workflow.TransitionError, match="déjà en cours"):
        workflow.submit(second)


def test_database_refuses_two_active_applications_per_siret():
    first = StructureApplicationFactory(submitted=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        StructureApplicationFactory(siret=first.siret, submitted=True)


def test_a_refused_application_frees_its_siret():
    first = StructureApplicationFactory(submitted=True, status=S.REFUSED)
    StructureApplicationFactory(siret=first.siret, submitted=True)


def test_positive_decision_activates_and_invites_the_contact(django_capture_on_commit_callbacks, mailoutbox):
    agent = UserFactory(role=Role.ANCT)
    prefect = UserFactory(role=Role.PREFECTURE)
    application = PrefectOpinionFactory().application
    with django_capture_on_commit_callbacks(execute=True):
        decision = workflow.decide(application, by=agent, outcome=DecisionOutcome.POSITIVE, posts=2)
    application.refresh_from_db()
    assert application.status == S.ACTIVATED
    assert application.structure.siret == application.siret
    assert decision.number == f"{decision.committee_date:%Y}-00001"  # the year's first decision
    invitation = Invitation.objects.get(email=application.contact_email)
    assert invitation.role == Role.STRUCTURE and invitation.is_admin
    assert invitation.structure == application.structure
    recipients = {m.to[0] for m in mailoutbox}
    assert {application.contact_email, prefect.email} <= recipients
    entry = JournalEntry.objects.get(action="application.accept")
    assert entry.after["posts"] == 2
    assert entry.actor == agent


@pytest.mark.parametrize("posts", [0, 31])
def test_positive_decision_grants_1_to_30_posts(posts):
    application = PrefectOpinionFactory().application
    with pytest.raises(workflow.TransitionError, match="de 1 à 30"):
        workflow.decide(
            application, by=UserFactory(role=Role.ANCT), outcome=DecisionOutcome.POSITIVE, posts=posts
        )
    assert not CommitteeDecision.objects.exists()


def test_a_decision_on_an_already_decided_application_raises():
    application = PrefectOpinionFactory().application
    agent = UserFactory(role=Role.ANCT)
    workflow.decide(application, by=agent, outcome=DecisionOutcome.NEGATIVE)
    with pytest.raises(workflow.TransitionError, match="Décision"):
        workflow.decide(application, by=agent, outcome=DecisionOutcome.POSITIVE, posts=2)
    assert CommitteeDecision.objects.count() == 1


def test_database_refuses_a_second_final_decision():
    application = StructureApplicationFactory(submitted=True)
    agent = UserFactory()
    kwargs = {"application": application, "committee_date": timezone.localdate(), "by": agent}
    CommitteeDecision.objects.create(outcome="negative", **kwargs)
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitteeDecision.objects.create(outcome="positive", posts=1, **kwargs)


def test_batch_decision_is_all_or_nothing():
    agent = UserFactory(role=Role.ANCT)
    pending = [PrefectOpinionFactory().application for _ in range(2)]
    decided = StructureApplicationFactory(submitted=True, status=S.REFUSED)
    with pytest.raises(workflow.TransitionError):
        workflow.decide_batch([*pending, decided], by=agent, outcome=DecisionOutcome.POSITIVE, posts=1)
    assert not CommitteeDecision.objects.exists()
    assert set(
        StructureApplication.objects.filter(pk__in=[a.pk for a in pending]).values_list("status", flat=True)
    ) == {S.SUBMITTED}
    decisions = workflow.decide_batch(pending, by=agent, outcome=DecisionOutcome.POSITIVE, posts=1)
    assert len(decisions) == 2


def test_opinion_comment_under_10_characters_is_refused():
    application = StructureApplicationFactory(submitted=True)
    with pytest.raises(workflow.TransitionError, match="10"):
        workflow.give_opinion(
            application, by=UserFactory(role=Role.PREFECTURE), value="favourable", comment="Court"
        )
    assert application.status == S.SUBMITTED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, available_apps=APPS_BUT_JOURNAL)
@pytest.mark.usefixtures("_journal_cleanup")
def test_two_anct_agents_deciding_at_the_same_moment_make_exactly_one_decision():
    application = PrefectOpinionFactory().application
    agents = [UserFactory(role=Role.ANCT), UserFactory(role=Role.ANCT)]

    def decide(agent, outcome):
        return workflow.decide(
            StructureApplication.objects.get(pk=application.pk), by=agent, outcome=outcome, posts=3
        )

    results = outcomes(
        race(
            lambda: decide(agents[0], DecisionOutcome.POSITIVE),
            lambda: decide(agents[1], DecisionOutcome.NEGATIVE),
        ),
        workflow.TransitionError,
    )
    assert results == ["ok", "refused"]
    assert CommitteeDecision.objects.filter(application=application).count() == 1
