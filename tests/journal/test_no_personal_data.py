"""The journal holds no personal values along a real path: a structure applies, the préfet gives an opinion with a
comment, ANCT decides (activation), the contact accepts the invitation and edits their account."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cnfs.accounts.roles import Role
from cnfs.concertation.models import ApplicationStatus, StructureApplication
from cnfs.journal.models import JournalEntry
from tests.concertation.test_apply import COMMITMENTS, CONTACT, MOTIVATION, identity, project
from tests.factories import CommuneFactory, UserFactory, WaveFactory
from tests.privacy import emails_dump, found_in, journal_dump, phone_forms

pytestmark = pytest.mark.django_db
OPINION = "Projet cohérent, porté par Marie Lefèvre que je connais bien."
DECISION = "Accordé après échange avec Mme Lefèvre."
NEW_PASSWORD = "Un-Mot-de-passe-solide-2026"


def follow(client, mailoutbox, path, data=None):
    link = re.search(rf"http://testserver({path}\S+)", mailoutbox[-1].body).group(1)
    return client.post(link, data) if data is not None else client.get(link)


def test_application_opinion_decision_activation_invitation_leave_no_personal_value_in_the_journal(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    CommuneFactory()
    WaveFactory()  # a wave is open: the application goes to the préfet rather than waiting for a wave
    agent = UserFactory(role=Role.PREFECTURE, first_name="Paul", last_name="Préfectoral", phone="0470112233")
    anct = UserFactory(role=Role.ANCT, first_name="Anne", last_name="Nationale")

    def sent(function, *args):
        """Runs one request, then what it queued after commit (the emails)."""
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args)

    client.post(reverse("concertation:start"), identity())
    application = StructureApplication.objects.get()
    for number, data in [(2, CONTACT), (3, project()), (4, MOTIVATION), (5, COMMITMENTS)]:
        client.post(reverse("concertation:step", args=[application.public_id, number]), data)
    sent(client.post, reverse("concertation:transmit", args=[application.public_id]))
    sent(follow, client, mailoutbox, "/candidatures/confirmer/")
    client.force_login(agent)
    opinion = {"value": "favourable", "comment": OPINION, "suggested_posts": "2"}
    assert (
        sent(client.post, reverse("concertation:opinion", args=[application.pk]), opinion).status_code == 302
    )
    client.force_login(anct)
    decision = {
        "outcome": "positive",
        "posts": "2",
        "committee_date": timezone.localdate().isoformat(),
        "comment": DECISION,
    }
    assert (
        sent(client.post, reverse("concertation:decide", args=[application.pk]), decision).status_code == 302
    )
    client.logout()
    account = {
        "first_name": CONTACT["contact_first_name"],
        "last_name": CONTACT["contact_last_name"],
        "phone": CONTACT["contact_phone"],
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    assert sent(follow, client, mailoutbox, "/compte/invitation/", account).status_code == 302
    profile = {"first_name": "Marie-Anne", "last_name": "Lefèvre-Durand", "phone": "04 70 99 88 77"}
    sent(client.post, reverse("accounts:profile"), profile)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACTIVATED
    actions = set(JournalEntry.objects.values_list("action", flat=True))
    assert {
        "application.submit",
        "application.give_opinion",
        "application.accept",
        "application.activate",
        "invitation.sent",
        "account.profile_updated",
    } <= actions, actions

    personal = [
        *CONTACT.values(),
        *phone_forms(CONTACT["contact_phone"]),
        *phone_forms("04 70 99 88 77"),
        *profile.values(),
        MOTIVATION["motivation"],
        OPINION,
        DECISION,
        agent.email,
        agent.first_name,
        agent.last_name,
        *phone_forms(agent.phone),
        anct.email,
        anct.first_name,
        anct.last_name,
    ]
    assert found_in(journal_dump(), [v for v in personal if v != "DGS"]) == []
    # The stored emails kept none of the token-bearing links that were sent (confirmation, invitation).
    links = [
        re.search(r"http://testserver/(?:candidatures/confirmer|compte/invitation)/\S+", m.body)
        for m in mailoutbox
    ]
    tokens = [link.group(0).rstrip("/").rsplit("/", 1)[1] for link in links if link]
    assert len(tokens) == 2
    assert found_in(emails_dump(), tokens) == []
    # The entries still say which fields changed.
    entry = JournalEntry.objects.get(action="account.profile_updated")
    assert set(entry.after) == {"first_name", "last_name", "phone"}
