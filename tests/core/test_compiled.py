"""Queries compiled once (cnfs/core/compiled.py) give what the ORM gives: the same rows with the same Python values
(dates, booleans, JSON, UUIDs: each database's converters), the same row written; what they cannot do exactly is
refused or handed back to the ORM. And their users: the session store, the password backend, the user's roles, the
advisor behind an advisor's pages, a report and its journal entry."""

import datetime
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.db import connections
from django.db.models.signals import pre_save
from django.utils import timezone

from cnfs.accounts.backends import ModelBackend
from cnfs.accounts.context import RoleContext
from cnfs.accounts.models import RoleAssignment
from cnfs.accounts.roles import Role
from cnfs.accounts.sessions import SessionStore
from cnfs.activity.models import current_advisor
from cnfs.activity.report_models import ActivityReport
from cnfs.core.compiled import CompiledInsert, CompiledQuery
from cnfs.core.replica import reading_replica
from cnfs.journal.models import AppendOnlyError, JournalEntry
from cnfs.journal.services import record
from cnfs.recruitment.models import Advisor, AdvisorStatus
from tests.activity.factories import hired_advisor
from tests.factories import DepartementFactory, StructureFactory, UserFactory, grant

pytestmark = pytest.mark.django_db

User = get_user_model()


def same_rows(compiled, queryset):
    """Both lists hold the same rows with the same values, field by field (types included)."""
    assert [row.pk for row in compiled] == [row.pk for row in queryset]
    for mine, theirs in zip(compiled, queryset, strict=True):
        for field in type(theirs)._meta.concrete_fields:
            value, expected = getattr(mine, field.attname), getattr(theirs, field.attname)
            assert (type(value), value) == (type(expected), expected), field.name
        assert mine._state.db == theirs._state.db and not mine._state.adding


def test_a_compiled_read_gives_the_orm_rows_with_their_values():
    users = UserFactory.create_batch(3)
    users[1].is_active = False
    users[1].email_confirmed_at = timezone.now()
    users[1].save()
    by_email = CompiledQuery(User, lambda email: User.objects.filter(email=email))
    active_after = CompiledQuery(
        User,
        lambda joined, first: User.objects.filter(date_joined__gte=joined, pk__gte=first, is_active=True),
    )
    for user in users:
        same_rows(by_email(user.email), User.objects.filter(email=user.email))
    earliest = min(user.date_joined for user in users)
    same_rows(
        active_after(earliest, users[0].pk),
        User.objects.filter(date_joined__gte=earliest, pk__gte=users[0].pk, is_active=True),
    )
    # The same compiled query, other values: other rows (nothing of the first call's values is kept).
    assert active_after(timezone.now() + datetime.timedelta(days=1), users[0].pk) == []
    assert by_email("personne@example.org") == []


def test_a_compiled_read_orders_and_limits_as_the_queryset():
    user = UserFactory()
    for role in (Role.STRUCTURE, Role.ADVISOR, Role.COORDINATOR):
        scope = {"structure": StructureFactory()} if role == Role.STRUCTURE else {}
        grant(user, role, **scope)
    newest = CompiledQuery(
        RoleAssignment, lambda user_id: RoleAssignment.objects.filter(user_id=user_id).order_by("-pk")[:2]
    )
    same_rows(newest(user.pk), RoleAssignment.objects.filter(user_id=user.pk).order_by("-pk")[:2])


def test_what_a_compiled_read_cannot_do_exactly_is_refused():
    user = UserFactory()
    with pytest.raises(ValueError, match="absentes"):
        CompiledQuery(User, lambda pk: User.objects.filter(is_active=True))(user.pk)
    with pytest.raises(ValueError, match="jointure"):
        CompiledQuery(
            RoleAssignment, lambda pk: RoleAssignment.objects.filter(user_id=pk).select_related("structure")
        )(user.pk)
    with pytest.raises(ValueError, match="colonnes"):
        CompiledQuery(User, lambda pk: User.objects.filter(pk=pk).only("email"))(user.pk)
    with pytest.raises(TypeError):
        CompiledQuery(User, lambda flag: User.objects.filter(is_active=flag))(True)
    # A value the ORM converts (an integer compared with a text column) is not found among the parameters.
    with pytest.raises(ValueError, match="absentes"):
        CompiledQuery(JournalEntry, lambda number: JournalEntry.objects.filter(object_id=number))(user.pk)


def test_a_compiled_read_reads_where_the_router_sends_it(settings):
    settings.CNFS_READ_FROM_REPLICA = True
    user = UserFactory()
    by_pk = CompiledQuery(User, lambda pk: User.objects.filter(pk=pk))
    # Inside a transaction (every test here) the router keeps the reads on default, as for the ORM's.
    with reading_replica():
        assert by_pk(user.pk)[0]._state.db == User.objects.filter(pk=user.pk).get()._state.db == "default"


def report(advisor, **values):
    return ActivityReport(
        advisor=advisor,
        date=datetime.date(2026, 3, 2),
        kind="collective",
        title="Atelier",
        place_kind="remote",
        duration_minutes=90,
        themes=["email", "security"],
        equipment=["tablet"],
        participants=7,
        age_over_60=4,
        aidants_connect=True,
        submission_key=uuid.uuid4(),
        **values,
    )


def test_a_compiled_insert_writes_the_row_save_writes():
    advisor = hired_advisor()
    insert = CompiledInsert(ActivityReport)
    mine = insert(report(advisor, notes="Première ligne\nseconde"))
    theirs = report(advisor, notes="Première ligne\nseconde")
    theirs.save()
    assert mine.pk and mine.pk != theirs.pk and not mine._state.adding and mine._state.db == "default"
    read = {row.pk: row for row in ActivityReport.objects.filter(pk__in=[mine.pk, theirs.pk])}
    for field in ActivityReport._meta.concrete_fields:
        if field.name in ("id", "submission_key", "created_at", "updated_at"):
            continue
        assert getattr(read[mine.pk], field.attname) == getattr(read[theirs.pk], field.attname), field.name
    assert read[mine.pk].submission_key == mine.submission_key
    assert read[mine.pk].created_at == mine.created_at  # the default computed once, kept on the instance


def test_a_compiled_insert_hands_back_to_save_what_it_cannot_do():
    advisor = hired_advisor()
    insert = CompiledInsert(ActivityReport)
    seen = []

    def listener(sender, instance, **kwargs):
        seen.append(instance.pk)

    pre_save.connect(listener, sender=ActivityReport)
    try:
        saved = insert(report(advisor))
    finally:
        pre_save.disconnect(listener, sender=ActivityReport)
    assert seen == [None] and saved.pk  # a receiver: save() ran, and sent the signal
    saved.title = "Autre titre"
    insert(saved)  # a row with an id: save() updates it
    assert ActivityReport.objects.get(pk=saved.pk).title == "Autre titre"
    entry = record("test.step", saved)
    with pytest.raises(AppendOnlyError):
        CompiledInsert(JournalEntry)(entry)  # …and the journal's save() still refuses to update


def test_a_compiled_insert_refuses_an_unsaved_related_row():
    unsaved = Advisor(status=AdvisorStatus.ACTIVE)
    with pytest.raises(ValueError, match="unsaved"):
        CompiledInsert(ActivityReport)(report(unsaved))


def test_a_compiled_insert_compiles_only_for_an_automatic_id():
    # A row with its own key (a session) always has an id, so it goes to save(); compiling it is refused.
    with pytest.raises(ValueError, match="automatique"):
        CompiledInsert(Session)._compile(
            "default", Session(session_key="k", session_data="", expire_date=timezone.now())
        )


def test_the_journal_entry_is_the_one_the_orm_would_write():
    user = UserFactory()
    entry = record(
        "test.step", user, by=user, before={"status": "a"}, after={"status": "b", "email": "x@y.fr"}
    )
    stored = JournalEntry.objects.get(pk=entry.pk)
    assert (stored.action, stored.object_id, stored.actor_id) == ("test.step", str(user.pk), user.pk)
    assert stored.before == {"status": "a"} and stored.after == {"status": "b", "email": "[retiré]"}


def test_the_session_store_loads_a_live_session_and_forgets_an_expired_one():
    store = SessionStore()
    store["answer"] = 42
    store.create()
    assert SessionStore(store.session_key)["answer"] == 42
    assert DjangoSessionStore(store.session_key)["answer"] == 42  # the same table and encoding as Django's
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.get("answer") is None and expired.session_key is None


def test_the_password_backend_returns_an_active_user_only():
    user, inactive = UserFactory(), UserFactory(is_active=False)
    backend = ModelBackend()
    assert backend.get_user(user.pk) == user and backend.get_user(str(user.pk)) == user
    assert backend.get_user(inactive.pk) is None and backend.get_user(10**9) is None


def test_the_roles_are_read_once_and_their_scopes_loaded_together(rf, django_assert_num_queries):
    user = UserFactory()
    structure = StructureFactory()
    grant(user, Role.STRUCTURE, structure=structure)
    grant(user, Role.PREFECTURE, departement=DepartementFactory())
    grant(user, Role.ANCT)
    request = rf.get("/")
    request.user = user
    request.session = {}
    context = RoleContext(request)
    expected = sorted(RoleAssignment.objects.filter(user=user).values_list("pk", flat=True))
    with django_assert_num_queries(1):
        assert sorted(a.pk for a in context.assignments) == expected
    with django_assert_num_queries(2):  # the structure, the département: one query per kind of scope held
        labels = [a.label for a in context.assignments_with_scope]
    assert labels == [a.label for a in RoleAssignment.objects.filter(user=user).with_scope()]


def test_the_advisor_behind_an_advisor_s_pages_is_the_active_record(rf):
    advisor = hired_advisor()
    request = rf.get("/")
    request.user = advisor.candidate.user
    request.session = {}
    assert current_advisor(RoleContext(request)) == advisor
    Advisor.objects.filter(pk=advisor.pk).update(status=AdvisorStatus.TERMINATED)
    assert current_advisor(RoleContext(request)) is None


@pytest.mark.parametrize("alias", ["default"])
def test_the_sql_is_compiled_once_per_database(alias):
    user = UserFactory()
    by_pk = CompiledQuery(User, lambda pk: User.objects.filter(pk=pk))
    by_pk(user.pk)
    plan = by_pk._plans[(alias, int)]
    by_pk(user.pk)
    assert by_pk._plans[(alias, int)] is plan
    assert connections[alias].ops.quote_name(User._meta.db_table) in plan.sql
