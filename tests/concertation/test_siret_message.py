"""A second application for a SIRET is refused without showing anonymous visitors the first one's name or date."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cnfs.concertation import workflow
from cnfs.concertation.models import StructureApplication
from tests.concertation.test_apply import identity
from tests.factories import CommuneFactory, StructureApplicationFactory

pytestmark = pytest.mark.django_db


def test_the_public_form_and_transmission_do_not_show_the_other_structure(
    client, django_capture_on_commit_callbacks
):
    CommuneFactory()
    submitted_at = timezone.make_aware(timezone.datetime(2026, 1, 15, 10, 0))
    first = StructureApplicationFactory(
        submitted=True, name="Mairie Secrète de Moulins", submitted_at=submitted_at
    )
    date = f"{timezone.localtime(first.submitted_at):%d/%m/%Y}"
    response = client.post(reverse("concertation:start"), identity(siret=first.siret))
    assert response.status_code == 400
    assert "déjà en cours pour ce SIRET" in response.text
    assert "Secrète" not in response.text and date not in response.text
    # A draft that reaches "transmit" with the same SIRET (the first one was sent meanwhile).
    draft = StructureApplicationFactory(siret=first.siret, name="Autre")
    page = client.post(reverse("concertation:transmit", args=[draft.public_id]), follow=True)
    text = re.sub(r"\s+", " ", page.text)
    assert "déjà en cours pour ce SIRET" in text
    assert "Secrète" not in text and date not in text


def test_agents_may_see_the_details():
    first = StructureApplicationFactory(submitted=True, name="Mairie de Moulins", submitted_at=timezone.now())
    assert "Mairie de Moulins" not in workflow.siret_taken_message(first)
    detailed = workflow.siret_taken_message(first, for_agent=True)
    assert (
        "Mairie de Moulins" in detailed and f"{timezone.localtime(first.submitted_at):%d/%m/%Y}" in detailed
    )
    assert StructureApplication.objects.count() == 1
