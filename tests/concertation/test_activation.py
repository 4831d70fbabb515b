"""Activation (SPEC §3): the email and the page say the decision and the posts granted, with the committee date and
the recruitment deadline (2 months after the committee); the phone given in the application is not asked again."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from cnfs.accounts.models import User
from cnfs.accounts.roles import Role
from tests.factories import PrefectOpinionFactory, StructureApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Un-Mot-de-passe-solide-2026"


@pytest.fixture
def activation(client, django_capture_on_commit_callbacks, time_machine):
    time_machine.move_to("2026-12-31 10:00:00+01:00", tick=False)
    application = StructureApplicationFactory(
        submitted=True, contact_email="dgs@moulins.fr", contact_first_name="Marie", contact_phone="0470000000"
    )
    PrefectOpinionFactory(application=application)
    client.force_login(UserFactory(role=Role.ANCT))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("concertation:decide", args=[application.pk]),
            {"outcome": "positive", "posts": "3", "committee_date": "2026-12-31"},
        )
    client.logout()
    application.refresh_from_db()
    decision = application.decisions.get()
    invitation_email = next(m for m in mail.outbox if "invité" in m.subject)
    return application, decision, invitation_email


def test_the_activation_email_says_the_decision_and_the_posts(activation):
    application, decision, email = activation
    assert email.to == ["dgs@moulins.fr"]
    assert f"n° {decision.number}" in email.body
    assert "Postes de conseiller numérique accordés : 3" in email.body
    assert "Date du comité : 31/12/2026" in email.body
    # 31 December + 2 months: the last day of February
    assert "Recruter au plus tard le : 28/02/2027" in email.body
    decision_email = next(m for m in mail.outbox if m.to == ["dgs@moulins.fr"] and m is not email)
    assert "jusqu'au 28/02/2027" in decision_email.body


def test_the_activation_page_says_them_and_does_not_ask_the_phone_again(client, activation):
    application, decision, email = activation
    url = re.search(r"http://testserver(/\S+)", email.body).group(1)
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Postes de conseiller numérique accordés" in html and "28/02/2027" in html
    assert 'name="phone"' not in html
    response = client.post(
        url, {"first_name": "Marie", "last_name": "Lefèvre", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    user = User.objects.get(email="dgs@moulins.fr")
    assert user.phone == "0470000000"
    assert user.role_assignments.get().structure == application.structure


def test_an_invitation_without_a_known_phone_still_asks_for_it(client, django_capture_on_commit_callbacks):
    from cnfs.accounts.services import invite

    with django_capture_on_commit_callbacks(execute=True):
        invite(email="agent@anct.gouv.fr", by=None, role=Role.ANCT)
    url = re.search(r"http://testserver(/\S+)", mail.outbox[-1].body).group(1)
    assert 'name="phone"' in client.get(url).content.decode()
