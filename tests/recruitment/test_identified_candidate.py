"""Question 12: the candidate a structure identified in its application is invited once the structure is activated,
and shows as invited in its candidate list when they register (SPEC §2)."""

import json

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cnfs.accounts.roles import Role
from cnfs.accounts.services import email_confirmation_token
from cnfs.candidates.models import Candidate
from cnfs.journal.models import JournalEntry
from cnfs.recruitment.models import Match, MatchInvitation
from tests.candidates.test_registration import form_data
from tests.factories import (
    CommuneFactory,
    PrefectOpinionFactory,
    StructureApplicationFactory,
    UserFactory,
    grant,
)

pytestmark = pytest.mark.django_db


def decide_positive(client, application, django_capture_on_commit_callbacks):
    PrefectOpinionFactory(application=application)
    client.force_login(UserFactory(role=Role.ANCT))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("concertation:decide", args=[application.pk]),
            {"outcome": "positive", "posts": "2", "committee_date": timezone.localdate().isoformat()},
        )
    assert response.status_code == 302
    client.logout()
    application.refresh_from_db()
    return application.structure


def test_the_identified_candidate_is_invited_at_activation_and_listed_as_invited(
    client, django_capture_on_commit_callbacks
):
    moulins = CommuneFactory()
    application = StructureApplicationFactory(
        submitted=True,
        commune=moulins,
        latitude=moulins.latitude,
        longitude=moulins.longitude,
        start_date=timezone.localdate(),
        candidate_name="Léa Marchand",
        candidate_email=" Lea.Marchand@Exemple.fr ",
    )
    mail.outbox.clear()
    structure = decide_positive(client, application, django_capture_on_commit_callbacks)
    invitation = MatchInvitation.objects.get()
    assert (invitation.structure, invitation.email) == (structure, "lea.marchand@exemple.fr")
    to_candidate = [m for m in mail.outbox if m.to == ["lea.marchand@exemple.fr"]]
    assert len(to_candidate) == 1
    assert reverse("candidates:register") in to_candidate[0].body
    # They register through the real form, then confirm their email.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("candidates:register"), form_data(email="lea.marchand@exemple.fr"))
    assert response.status_code == 302
    candidate = Candidate.objects.get()
    client.get(reverse("accounts:confirm_email", args=[email_confirmation_token(candidate.user)]))
    client.logout()
    match = Match.objects.get(structure=structure, candidate=candidate)
    assert match.invited
    member = UserFactory()
    member.save()
    grant(member, Role.STRUCTURE, structure=structure, is_admin=True)
    client.force_login(member)
    html = client.get(reverse("recruitment:candidate_list")).content.decode()
    assert "Léa Marchand" in html
    assert "Invité par votre structure" in html
    journal = json.dumps(
        [[e.before, e.after] for e in JournalEntry.objects.filter(action__startswith="match.")]
    )
    assert "marchand" not in journal.lower()


def test_no_identified_candidate_no_invitation(client, django_capture_on_commit_callbacks):
    application = StructureApplicationFactory(submitted=True, candidate_name="", candidate_email="")
    decide_positive(client, application, django_capture_on_commit_callbacks)
    assert not MatchInvitation.objects.exists()


def test_a_refused_application_invites_nobody(client, django_capture_on_commit_callbacks):
    application = StructureApplicationFactory(submitted=True, candidate_email="lea@exemple.fr")
    PrefectOpinionFactory(application=application)
    client.force_login(UserFactory(role=Role.ANCT))
    client.post(
        reverse("concertation:decide", args=[application.pk]),
        {"outcome": "negative", "committee_date": timezone.localdate().isoformat()},
    )
    assert not MatchInvitation.objects.exists()
