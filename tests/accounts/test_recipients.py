"""One definition of who receives what waits for a préfecture, ANCT or a structure (SPEC §14)."""

import pytest
from django.core import mail
from django.urls import reverse

from cnfs.accounts.recipients import anct_recipients, prefecture_recipients, structure_recipients
from cnfs.accounts.roles import Role
from cnfs.concertation.workflow import decide
from tests.factories import (
    DepartementFactory,
    PrefectOpinionFactory,
    RegionFactory,
    StructureApplicationFactory,
    UserFactory,
    grant,
)

pytestmark = pytest.mark.django_db


def test_prefecture_recipients_are_the_departement_and_region_agents_still_active():
    allier = DepartementFactory()
    departement_agent = UserFactory(role=Role.PREFECTURE, role__departement=allier)
    region_agent = UserFactory(role=Role.PREFECTURE, role__region=allier.region)
    gone = UserFactory(role=Role.PREFECTURE, role__departement=allier, is_active=False)
    other_region = RegionFactory(code="11", name="Île-de-France")
    UserFactory(
        role=Role.PREFECTURE,
        role__departement=DepartementFactory(code="75", name="Paris", region=other_region),
    )
    UserFactory(role=Role.ANCT)
    recipients = prefecture_recipients(allier)
    assert recipients == sorted([departement_agent.email, region_agent.email])
    assert gone.email not in recipients


def test_anct_recipients_are_the_mailbox_or_else_the_agents(settings):
    agent = UserFactory(role=Role.ANCT)
    assert anct_recipients() == [settings.CNFS_ANCT_MAILBOX]
    settings.CNFS_ANCT_MAILBOX = ""
    assert anct_recipients() == [agent.email]


def test_structure_recipients_admins_only_does_not_mix_two_structures():
    application = StructureApplicationFactory(submitted=True)
    PrefectOpinionFactory(application=application)
    decide(application, by=UserFactory(role=Role.ANCT), outcome="positive", posts=1)
    application.refresh_from_db()
    structure = application.structure
    admin, member = UserFactory(), UserFactory()
    admin.save(), member.save()
    grant(admin, Role.STRUCTURE, structure=structure, is_admin=True)
    grant(member, Role.STRUCTURE, structure=structure, is_admin=False)
    other = UserFactory(role=Role.STRUCTURE)  # admin of another structure
    grant(other, Role.STRUCTURE, structure=structure, is_admin=False)
    assert structure_recipients(structure) == sorted([admin.email, member.email, other.email])
    assert structure_recipients(structure, admins_only=True) == [admin.email]


def test_a_post_change_request_reaches_the_prefect_and_anct(
    client, settings, django_capture_on_commit_callbacks
):
    application = StructureApplicationFactory(submitted=True)
    PrefectOpinionFactory(application=application)
    decide(application, by=UserFactory(role=Role.ANCT), outcome="positive", posts=2)
    application.refresh_from_db()
    admin = UserFactory()
    admin.save()
    grant(admin, Role.STRUCTURE, structure=application.structure, is_admin=True)
    prefect = UserFactory(role=Role.PREFECTURE, role__departement=application.departement)
    UserFactory(role=Role.PREFECTURE, role__departement=DepartementFactory(code="69", name="Rhône"))
    mail.outbox.clear()
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("structures:posts"), {"kind": "addition", "posts": "2", "motive": "more_demand"}
        )
    assert response.status_code == 302
    sent = {m.to[0]: m for m in mail.outbox}
    assert set(sent) == {prefect.email, settings.CNFS_ANCT_MAILBOX}
    assert "Demande de modification de postes" in sent[prefect.email].subject
    assert "/postes/" in sent[settings.CNFS_ANCT_MAILBOX].body
