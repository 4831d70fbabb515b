"""The workflow engine: a table declares who may take each transition and on which guards; `run` enforces both."""

import pytest

from cnfs.accounts.roles import Role
from cnfs.concertation.models import ApplicationStatus, ApplicationTransition, StructureApplication
from cnfs.core.workflow import (
    INITIAL,
    SYSTEM,
    Transition,
    TransitionError,
    TransitionForbidden,
    Workflow,
)
from cnfs.journal.models import JournalEntry
from tests.factories import StructureApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db

S = ApplicationStatus


def needs_reason(application, attempt):
    return None if (attempt["reason"] or "").strip() else "Indiquez un motif."


def not_duplicate_name(application, attempt):
    return "Nom refusé." if application.name == "Refusée" else None


TABLE = Workflow(
    [
        Transition("create", {INITIAL}, S.DRAFT, "Créer", roles={SYSTEM, Role.ANCT}),
        Transition(
            "abandon",
            {S.SUBMITTED},
            S.ABANDONED,
            "Abandonner",
            roles={Role.ANCT},
            guards=(needs_reason, not_duplicate_name),
        ),
        Transition("cancel", {S.SUBMITTED}, S.CANCELLED, "Annuler", roles={Role.PREFECTURE, SYSTEM}),
    ],
    refused=lambda obj, t: f"« {t.label} » impossible.",
    journal_prefix="test_application",
    log_model=ApplicationTransition,
    log_field="application",
)


def test_run_moves_logs_and_journals():
    anct = UserFactory(role=Role.ANCT)
    application = StructureApplicationFactory(submitted=True)
    TABLE.run(application, "abandon", by=anct, reason="Plus de nouvelles")
    application.refresh_from_db()
    assert application.status == S.ABANDONED
    log = ApplicationTransition.objects.get(application=application)
    assert (log.name, log.from_status, log.to_status, log.by) == ("abandon", S.SUBMITTED, S.ABANDONED, anct)
    entry = JournalEntry.objects.get(action="test_application.abandon")
    assert entry.role == Role.ANCT
    assert entry.before == {"status": S.SUBMITTED}


def test_a_role_not_in_the_table_is_forbidden_and_nothing_changes():
    prefecture = UserFactory(role=Role.PREFECTURE)
    application = StructureApplicationFactory(submitted=True)
    with pytest.raises(TransitionForbidden, match="Votre rôle ne permet pas"):
        TABLE.run(application, "abandon", by=prefecture, reason="motif")
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert not ApplicationTransition.objects.exists()
    assert not JournalEntry.objects.filter(action__startswith="test_application").exists()


def test_an_explicit_role_must_be_in_the_table():
    anct = UserFactory(role=Role.ANCT)
    application = StructureApplicationFactory(submitted=True)
    with pytest.raises(TransitionForbidden):
        TABLE.run(application, "abandon", by=anct, role=Role.PREFECTURE, reason="motif")


def test_each_guard_gives_its_french_reason():
    anct = UserFactory(role=Role.ANCT)
    application = StructureApplicationFactory(submitted=True)
    with pytest.raises(TransitionError, match="Indiquez un motif"):
        TABLE.run(application, "abandon", by=anct, reason="  ")
    application.name = "Refusée"
    application.save()
    with pytest.raises(TransitionError, match="Nom refusé"):
        TABLE.run(application, "abandon", by=anct, reason="motif")
    assert StructureApplication.objects.get(pk=application.pk).status == S.SUBMITTED


def test_the_status_is_read_under_lock_not_from_a_stale_copy():
    anct = UserFactory(role=Role.ANCT)
    application = StructureApplicationFactory(submitted=True)
    stale = StructureApplication.objects.get(pk=application.pk)
    TABLE.run(application, "abandon", by=anct, reason="motif")
    with pytest.raises(TransitionError, match="impossible"):
        TABLE.run(stale, "abandon", by=anct, reason="motif")


def test_no_actor_is_the_system():
    application = StructureApplicationFactory(submitted=True)
    TABLE.run(application, "cancel", by=None)
    assert StructureApplication.objects.get(pk=application.pk).status == S.CANCELLED
    assert JournalEntry.objects.get(action="test_application.cancel").role == SYSTEM
    other = StructureApplicationFactory(submitted=True)
    with pytest.raises(TransitionForbidden):
        TABLE.run(other, "abandon", by=None, reason="motif")


def test_effect_runs_inside_the_transition_and_its_failure_rolls_everything_back():
    anct = UserFactory(role=Role.ANCT)
    application = StructureApplicationFactory(submitted=True)

    def effect(obj, attempt):
        obj.usual_name = "Nouveau nom"
        raise TransitionError("Échec de l'effet.")

    with pytest.raises(TransitionError, match="Échec de l'effet"):
        TABLE.run(application, "abandon", by=anct, reason="motif", effect=effect, fields=("usual_name",))
    application.refresh_from_db()
    assert (application.status, application.usual_name) == (S.SUBMITTED, "")

    def rename(obj, attempt):
        obj.usual_name = "Nouveau nom"
        return {"renamed": True}

    TABLE.run(application, "abandon", by=anct, reason="motif", effect=rename, fields=("usual_name",))
    application.refresh_from_db()
    assert (application.status, application.usual_name) == (S.ABANDONED, "Nouveau nom")
    assert JournalEntry.objects.get(action="test_application.abandon").after["renamed"] is True


def test_actions_offer_what_the_role_may_take_with_the_guards_reason():
    anct = UserFactory(role=Role.ANCT)
    prefecture = UserFactory(role=Role.PREFECTURE)
    application = StructureApplicationFactory(submitted=True)
    actions = TABLE.actions(application, by=anct, role=Role.ANCT)
    assert [(a.name, a.enabled, a.reason) for a in actions] == [("abandon", False, "Indiquez un motif.")]
    assert TABLE.action_names(application, by=anct, role=Role.ANCT, reason="motif") == {"abandon"}
    assert [a.name for a in TABLE.actions(application, by=prefecture, role=Role.PREFECTURE)] == ["cancel"]
    draft = StructureApplicationFactory()
    assert TABLE.actions(draft, by=anct, role=Role.ANCT) == []


def test_without_a_request_the_role_is_one_the_user_holds():
    user = UserFactory(role=Role.PREFECTURE)
    application = StructureApplicationFactory(submitted=True)
    TABLE.run(application, "cancel", by=user)
    assert JournalEntry.objects.get(action="test_application.cancel").role == Role.PREFECTURE


def test_creation_step_checks_role_logs_from_initial_and_journals():
    anct = UserFactory(role=Role.ANCT)
    application = StructureApplicationFactory.build(
        commune=StructureApplicationFactory().commune, status=S.SUBMITTED
    )
    application.departement = application.commune.departement
    TABLE.create(application, "create", by=anct)
    assert application.pk and application.status == S.DRAFT
    log = ApplicationTransition.objects.get(application=application)
    assert (log.from_status, log.to_status, log.name) == (INITIAL, S.DRAFT, "create")
    assert JournalEntry.objects.get(action="test_application.create").after == {"status": S.DRAFT}
    with pytest.raises(TransitionForbidden):
        TABLE.create(StructureApplicationFactory.build(), "create", by=UserFactory(role=Role.PREFECTURE))
