"""The screens of the life of a post: every role's access (another structure's or territory's object → 404), bad
input answered next to the field with nothing saved, and the ANCT decisions through the views."""

from datetime import date

import pytest
from django.urls import reverse

from cnfs.accounts.roles import Role
from cnfs.funding import payments, terminations
from cnfs.funding.models import (
    ContractExtension,
    QuarterlyReport,
    Termination,
    TerminationMotive,
    TerminationStatus,
)
from cnfs.journal.models import JournalEntry
from tests.factories import DepartementFactory, UserFactory
from tests.funding.factories import contract_for, hired_match
from tests.recruitment.factories import activated_structure, structure_user

pytestmark = pytest.mark.django_db

ALL_FOLLOWERS = {Role.STRUCTURE, Role.PREFECTURE, Role.ANCT, Role.BDT}


@pytest.fixture
def contract(time_machine):
    time_machine.move_to("2026-06-15 10:00:00+02:00", tick=False)
    return contract_for(hired_match(), signed_on=date(2025, 12, 1), agreement=True)  # ends 01/12/2027


@pytest.fixture
def owner(contract):
    return structure_user(contract.structure)


@pytest.fixture
def matrix(role_matrix, users_by_role, contract, owner):
    """The structure user belongs to the contract's structure, the préfecture agent to its département."""
    users_by_role[Role.STRUCTURE] = owner
    users_by_role[Role.PREFECTURE] = UserFactory(
        role=Role.PREFECTURE, role__departement=contract.structure.departement
    )
    return role_matrix


@pytest.fixture
def stranger():
    return structure_user(activated_structure())


def requested(contract, owner):
    return terminations.request_termination(
        contract, by=owner, motive=TerminationMotive.RESIGNATION, day=date(2026, 6, 14)
    )


def test_structure_pages(matrix, contract):
    for name in ("funding:structure_contracts", "funding:quarterly_reports"):
        matrix.check(reverse(name), {Role.STRUCTURE})
    for name in ("funding:request_termination", "funding:extend_contract"):
        allowed = {Role.STRUCTURE} | ({Role.ANCT} if name == "funding:extend_contract" else set())
        matrix.check(reverse(name, args=[contract.pk]), allowed)


def test_follower_pages(matrix, contract):
    matrix.check(reverse("funding:radar"), ALL_FOLLOWERS)
    matrix.check(reverse("funding:post_history", args=[contract.post_id]), ALL_FOLLOWERS)
    matrix.check(reverse("funding:late_reports"), {Role.BDT, Role.ANCT})
    matrix.check(reverse("funding:termination_list"), {Role.ANCT})


def test_anct_termination_pages(matrix, contract, owner):
    termination = requested(contract, owner)
    matrix.check(reverse("funding:termination_detail", args=[termination.pk]), {Role.ANCT})
    matrix.check(
        reverse("funding:refuse_termination", args=[termination.pk]),
        {Role.ANCT},
        method="post",
        data={"reason": "Motif insuffisant pour une rupture"},
        ok=302,
    )
    termination.refresh_from_db()
    assert termination.status == TerminationStatus.REFUSED


def test_another_structures_objects_are_not_found(client, contract, stranger):
    client.force_login(stranger)
    for name in ("funding:request_termination", "funding:extend_contract"):
        assert client.get(reverse(name, args=[contract.pk])).status_code == 404
    assert client.get(reverse("funding:post_history", args=[contract.post_id])).status_code == 404
    assert (
        str(contract.match.candidate)
        not in client.get(reverse("funding:structure_contracts")).content.decode()
    )
    elsewhere = DepartementFactory(code="63", name="Puy-de-Dôme")
    agent = UserFactory(role=Role.PREFECTURE, role__departement=elsewhere)
    client.force_login(agent)
    assert client.get(reverse("funding:post_history", args=[contract.post_id])).status_code == 404


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"date": "2027-12-02"}, "date", "au plus tard la date de fin du contrat (01/12/2027)"),
        ({"date": "2025-11-30"}, "date", "au plus tôt la date de début du contrat (01/12/2025)"),
        ({"date": "9999-12-31"}, "date", "Saisissez une date entre le"),
        ({"motive": "unknown"}, "motive", "Choisissez un motif dans la liste."),
        ({"comment": "Départ\x00"}, "comment", "caractère nul"),
        ({"motive": "\x00resignation"}, "motive", "caractère nul"),
    ],
)
def test_a_bad_termination_request_is_refused_next_to_the_field(
    client, contract, owner, data, field, message
):
    client.force_login(owner)
    payload = {"motive": "resignation", "date": "2026-06-14", "comment": "Départ volontaire", **data}
    response = client.post(reverse("funding:request_termination", args=[contract.pk]), payload)
    assert response.status_code == 400
    assert message in response.context["form"].errors[field][0]
    assert not Termination.objects.exists()


def test_control_characters_are_removed_from_the_comment(client, contract, owner):
    client.force_login(owner)
    url = reverse("funding:request_termination", args=[contract.pk])
    response = client.post(url, {"motive": "resignation", "date": "2026-06-14", "comment": "Dé\x07part"})
    assert response.status_code == 302
    assert Termination.objects.get().comment == "Départ"
    # A second request for the same contract: a clear message.
    response = client.post(url, {"motive": "resignation", "date": "2026-06-10"})
    assert response.status_code == 400
    assert "déjà en cours" in response.content.decode()
    assert Termination.objects.count() == 1


def test_anct_validates_through_the_view(client, contract, owner, users_by_role):
    bdt = users_by_role[Role.BDT]
    for tranche in contract.tranches.filter(number__in=(1, 2)):  # paid on their due dates
        payments.record_payment(
            tranche, by=bdt, paid_on=tranche.due_on, amount=tranche.amount, reference="VIR-1"
        )
    termination = requested(contract, owner)
    anct = users_by_role[Role.ANCT]
    client.force_login(anct)
    response = client.post(reverse("funding:validate_termination", args=[termination.pk]))
    assert response.status_code == 302
    termination.refresh_from_db()
    assert termination.status == TerminationStatus.VALIDATED
    page = client.get(reverse("funding:termination_detail", args=[termination.pk])).content.decode()
    assert "Trop-perçu à récupérer : 12\u00a0500,00 €" in page
    # twice: a message, nothing more
    response = client.post(reverse("funding:validate_termination", args=[termination.pk]), follow=True)
    assert "déjà « validée »" in response.content.decode()
    assert JournalEntry.objects.filter(action="termination.validated").count() == 1


def test_a_refusal_without_reason_is_answered_next_to_the_field(client, contract, owner, users_by_role):
    termination = requested(contract, owner)
    client.force_login(users_by_role[Role.ANCT])
    response = client.post(reverse("funding:refuse_termination", args=[termination.pk]), {"reason": "\x00"})
    assert response.status_code == 400
    assert response.context["refuse_form"].errors["reason"]
    termination.refresh_from_db()
    assert termination.status == TerminationStatus.REQUESTED


@pytest.mark.parametrize(
    ("end_date", "message"),
    [
        ("2027-11-30", "postérieure à l'actuelle (01/12/2027)"),
        ("2027-12-01", "postérieure à l'actuelle (01/12/2027)"),
        ("9999-12-31", "Saisissez une date entre le"),
        ("31/02/2028", "Saisissez une date valide."),
    ],
)
def test_an_extension_must_move_the_end_date_forward(client, contract, owner, end_date, message):
    client.force_login(owner)
    response = client.post(reverse("funding:extend_contract", args=[contract.pk]), {"end_date": end_date})
    assert response.status_code == 400
    assert message in response.context["form"].errors["end_date"][0]
    assert not ContractExtension.objects.exists()


def test_an_extension_is_shown_in_the_post_history(client, contract, owner):
    client.force_login(owner)
    response = client.post(reverse("funding:extend_contract", args=[contract.pk]), {"end_date": "2028-06-01"})
    assert response.status_code == 302
    page = client.get(reverse("funding:post_history", args=[contract.post_id])).content.decode()
    assert "fin du 01/12/2027 reportée au 01/06/2028" in page


REPORT = {
    "year": "2026",
    "quarter": "1",
    "amount_spent": "6300,50",
    "advisors_in_post": "1",
    "summary": "Bilan.",
}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"quarter": "3"}, "quarter", "n'est pas terminé"),
        ({"year": "2099", "quarter": "4"}, "quarter", "n'est pas terminé"),
        ({"quarter": "5"}, "quarter", "Choisissez un trimestre de 1 à 4."),
        ({"amount_spent": "-1"}, "amount_spent", "ne peut pas être négatif"),
        ({"summary": "x" * 2001}, "summary", "2001 caractères"),
        ({"summary": "Bilan\x00"}, "summary", "caractère nul"),
        ({"year": "9999"}, "year", "entre 2020 et 2099"),
    ],
)
def test_a_bad_report_is_refused_next_to_the_field(client, contract, owner, data, field, message):
    client.force_login(owner)
    response = client.post(reverse("funding:quarterly_reports"), {**REPORT, **data})
    assert response.status_code == 400
    assert message in response.context["form"].errors[field][0]
    assert not QuarterlyReport.objects.exists()


def test_a_report_is_filed_once(client, contract, owner):
    client.force_login(owner)
    page = client.get(reverse("funding:quarterly_reports")).content.decode()
    assert "1er trimestre 2026" in page  # due: the contract started in the 4th quarter 2025
    assert client.post(reverse("funding:quarterly_reports"), REPORT).status_code == 302
    response = client.post(reverse("funding:quarterly_reports"), REPORT)
    assert response.status_code == 400
    assert (
        "Le rapport du 1er trimestre 2026 est déjà déposé." in response.context["form"].errors["quarter"][0]
    )
    assert QuarterlyReport.objects.count() == 1


def test_late_reports_are_listed_by_departement(client, contract, users_by_role):
    client.force_login(users_by_role[Role.BDT])
    page = client.get(reverse("funding:late_reports")).content.decode()
    assert str(contract.structure) in page and "4e trimestre 2025" in page
    other = activated_structure()
    page = client.get(reverse("funding:late_reports"), {"departement": other.departement_id}).content.decode()
    assert str(contract.structure) not in page or other.departement_id == contract.structure.departement_id


def test_the_radar_pages(client, contract, owner, users_by_role):
    client.force_login(owner)
    page = client.get(reverse("funding:radar")).content.decode()
    assert f"Poste n° {contract.post_id}" in page
    client.force_login(users_by_role[Role.ANCT])
    response = client.get(reverse("funding:radar"), {"risk": "late"})
    assert response.status_code == 200
    assert f"Poste n° {contract.post_id}" in response.content.decode()  # T1 due 01/01/2026, not paid
    response = client.get(reverse("funding:radar"), {"risk": "done"})
    assert f"Poste n° {contract.post_id}" not in response.content.decode()
    client.force_login(users_by_role[Role.BDT])
    assert f"Poste n° {contract.post_id}" in client.get(reverse("funding:radar")).content.decode()
