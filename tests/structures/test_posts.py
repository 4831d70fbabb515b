"""ANCT extends one post's deadline; the deadline is recalled 15 and 3 days before; the gauge reads posts."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from cnfs.accounts.roles import Role
from cnfs.concertation.workflow import decide
from cnfs.journal.models import JournalEntry
from cnfs.recruitment.tasks import send_deadline_reminders
from cnfs.structures.models import Post, PostDeadlineExtension, PostStatus, Structure
from tests.factories import PrefectOpinionFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(time_machine):
    """A post granted on 10/01/2026 (deadline 10/03/2026), with the structure's admin."""
    time_machine.move_to("2026-01-10 10:00:00+01:00", tick=False)
    application = PrefectOpinionFactory().application
    decide(application, by=UserFactory(role=Role.ANCT), outcome="positive", posts=1)
    return Post.objects.get()


def test_extension_page_permission_matrix(role_matrix, post):
    role_matrix.check(reverse("structures:extend_deadline", args=[post.pk]), {Role.ANCT})


def test_a_retired_or_unknown_post_is_404(client, post):
    client.force_login(UserFactory(role=Role.ANCT))
    assert client.get(reverse("structures:extend_deadline", args=[post.pk + 1000])).status_code == 404
    Post.objects.filter(pk=post.pk).update(status=PostStatus.RETIRED, retired_by=post.granted_by)
    assert client.get(reverse("structures:extend_deadline", args=[post.pk])).status_code == 404


def test_anct_extends_one_posts_deadline_with_a_reason_journaled_without_it(client, post):
    anct = UserFactory(role=Role.ANCT)
    client.force_login(anct)
    url = reverse("structures:extend_deadline", args=[post.pk])
    response = client.post(url, {"deadline": "2026-04-30", "reason": "Jury de recrutement reporté"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.deadline == date(2026, 4, 30)
    extension = PostDeadlineExtension.objects.get()
    assert (extension.previous_deadline, extension.reason, extension.by) == (
        date(2026, 3, 10),
        "Jury de recrutement reporté",
        anct,
    )
    entry = JournalEntry.objects.get(action="post.deadline_extended")
    assert entry.before == {"deadline": "2026-03-10"} and entry.after["deadline"] == "2026-04-30"
    assert "Jury" not in str(entry.after)  # the free-text reason stays out of the journal


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"deadline": "2026-03-01", "reason": "Motif"}, "deadline", "postérieure à l'actuelle"),
        ({"deadline": "9999-12-31", "reason": "Motif"}, "deadline", "entre le 01/01/2000 et le 31/12/2099"),
        ({"deadline": "2028-01-01", "reason": "Motif"}, "deadline", "dépasser 12 mois"),
        ({"deadline": "pas une date", "reason": "Motif"}, "deadline", "Saisissez une date valide"),
        ({"deadline": "2026-04-30", "reason": "   "}, "reason", "obligatoire"),
        ({"deadline": "2026-04-30", "reason": "Motif\x00caché"}, "reason", "caractère nul"),
        ({"deadline": "2026-04-30", "reason": "x" * 1001}, "reason", "pour 1000 au plus"),
    ],
)
def test_bad_input_is_explained_next_to_the_field_and_kept(client, post, data, field, message):
    client.force_login(UserFactory(role=Role.ANCT))
    response = client.post(reverse("structures:extend_deadline", args=[post.pk]), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    assert form.data["deadline"] == data["deadline"]
    post.refresh_from_db()
    assert post.deadline == date(2026, 3, 10) and not PostDeadlineExtension.objects.exists()


def test_the_application_detail_lists_posts_with_an_extension_link_for_anct_only(client, post):
    url = reverse("concertation:detail", args=[post.granted_by.application_id])
    extend = reverse("structures:extend_deadline", args=[post.pk])
    client.force_login(UserFactory(role=Role.ANCT))
    html = client.get(url).text
    assert "10/03/2026" in html and extend in html
    client.force_login(UserFactory(role=Role.PREFECTURE, role__departement=post.structure.departement))
    html = client.get(url).text
    assert "10/03/2026" in html and extend not in html


def _structure_team(post):
    member = UserFactory()
    member.save()
    grant(member, Role.STRUCTURE, structure=post.structure, is_admin=True)
    return member


@pytest.mark.parametrize(
    "today, reminded",
    [
        ("2026-02-22", False),  # 16 days before
        ("2026-02-23", True),  # 15 days before
        ("2026-03-06", False),  # 4 days before: the 15-day reminder was already sent
        ("2026-03-07", True),  # 3 days before
        ("2026-03-10", False),  # the deadline day: the 3-day reminder was already sent
        ("2026-03-11", False),  # the day after
    ],
)
def test_the_deadline_is_recalled_15_and_3_days_before_once(post, time_machine, today, reminded):
    member = _structure_team(post)
    for day in ("2026-02-23", "2026-03-07"):
        if day < today:
            send_deadline_reminders.call(day)
    mail.outbox.clear()
    time_machine.move_to(f"{today} 07:30:00+01:00", tick=False)
    sent = send_deadline_reminders.call()
    send_deadline_reminders.call()  # the same day again: nothing more
    assert sent == (1 if reminded else 0)
    if reminded:
        from cnfs.notifications.models import OutgoingEmail

        email = OutgoingEmail.objects.filter(to=member.email).order_by("-pk").first()
        assert "10/03/2026" in email.subject


def test_a_missed_day_is_caught_up_and_an_occupied_post_is_not_recalled(post, time_machine):
    _structure_team(post)
    time_machine.move_to("2026-02-25 07:30:00+01:00", tick=False)  # 13 days before: the 15-day reminder
    assert send_deadline_reminders.call() == 1
    Post.objects.filter(pk=post.pk).update(status=PostStatus.OCCUPIED)
    time_machine.move_to("2026-03-07 07:30:00+01:00", tick=False)
    assert send_deadline_reminders.call() == 0


def test_the_reminder_task_is_scheduled_daily():
    from django.conf import settings

    path, _ = settings.CNFS_DAILY_TASKS["recruitment_deadline_reminders"]
    assert path == "cnfs.recruitment.tasks.send_deadline_reminders"


def test_gauge_counts_posts_granted_nationally_and_per_departement_less_returns(client, post):
    from cnfs.concertation import changes

    second = PrefectOpinionFactory().application
    anct = UserFactory(role=Role.ANCT)
    decide(second, by=anct, outcome="positive", posts=3)
    admin = _structure_team(Post.objects.filter(granted_by__application=second).first())
    change = changes.request_change(second, by=admin, kind="return", posts=2, motive="budget")
    changes.accept_change(change, by=anct)
    client.force_login(anct)
    response = client.get(reverse("concertation:waves"))
    gauge = response.context["gauge"]
    assert gauge["granted"] == 2  # 1 + 3 - 2
    assert sum(row["total"] for row in gauge["per_departement"]) == 2
    structure = Structure.objects.get(applications=second)
    assert {row["code"]: row["total"] for row in gauge["per_departement"]}[structure.departement_id] >= 1
