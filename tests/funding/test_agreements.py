"""The Banque des Territoires prepares, numbers, signs and renews a structure's grant agreement."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from cnfs.accounts.roles import Role
from cnfs.core.workflow import TransitionError
from cnfs.funding.agreements import prepare_agreement, sign_agreement
from cnfs.funding.models import AgreementPost, AgreementStatus, GrantAgreement
from cnfs.journal.models import JournalEntry
from tests.factories import UserFactory
from tests.funding.factories import contract_for, hired_match
from tests.recruitment.factories import activated_structure

pytestmark = pytest.mark.django_db


@pytest.fixture
def bdt(client):
    user = UserFactory(role=Role.BDT)
    client.force_login(user)
    return user


def _data(**overrides):
    data = {"starts_on": timezone.localdate().isoformat(), "months": "36", "co_financing": "5000.00"}
    data.update(overrides)
    return data


def test_bdt_prepares_an_agreement_listing_the_granted_posts_with_their_funding(client, bdt):
    structure = activated_structure(posts=3)
    response = client.post(reverse("funding:agreement_create", args=[structure.pk]), _data())
    agreement = GrantAgreement.objects.get()
    assert response.status_code == 302
    assert agreement.status == AgreementStatus.TO_SIGN
    assert agreement.number == f"CNFS-{timezone.localdate().year}-000001"
    assert agreement.co_financing == Decimal("5000.00")
    assert sorted(agreement.lines.values_list("state_funding", flat=True)) == [Decimal("50000.00")] * 3
    entry = JournalEntry.objects.get(action="agreement.prepared")
    assert entry.actor == bdt and entry.after["months"] == 36 and len(entry.after["posts"]) == 3


def test_numbers_follow_each_other_per_year():
    by = UserFactory(role=Role.BDT)
    today = timezone.localdate()
    first = prepare_agreement(activated_structure(), by=by, starts_on=today, months=24)
    second = prepare_agreement(activated_structure(), by=by, starts_on=today, months=24)
    assert [first.number, second.number] == [f"CNFS-{today.year}-000001", f"CNFS-{today.year}-000002"]


def test_a_private_structures_post_carries_32000():
    agreement = prepare_agreement(
        activated_structure(type="association", posts=1),
        by=UserFactory(),
        starts_on=timezone.localdate(),
        months=24,
    )
    assert agreement.lines.get().state_funding == Decimal("32000.00")


def _refused(client, structure, data, field, message):
    response = client.post(reverse("funding:agreement_create", args=[structure.pk]), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert any(message in e for e in errors[field]), errors
    assert not GrantAgreement.objects.exists()
    return response


def test_37_months_is_refused_with_a_clear_message(client, bdt):
    response = _refused(client, activated_structure(), _data(months="37"), "months", "au plus 36 mois")
    assert 'value="37"' in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("months", "0", "au moins 1 mois"),
        ("co_financing", "-1", "supérieure ou égale à 0"),
        ("starts_on", "9999-12-31", "Saisissez une date entre"),
        ("months", "3\x006", "caractère nul"),
        ("co_financing", "\x00", "caractère nul"),
    ],
)
def test_bad_input_is_refused_next_to_the_field(client, bdt, field, value, message):
    _refused(client, activated_structure(), _data(**{field: value}), field, message)


def test_the_database_refuses_37_months_too():
    from django.db import IntegrityError, transaction

    structure = activated_structure()
    with pytest.raises(IntegrityError), transaction.atomic():
        GrantAgreement.objects.create(
            structure=structure,
            number="X",
            starts_on=timezone.localdate(),
            months=37,
            created_by=UserFactory(),
        )


def test_a_double_click_makes_one_agreement_and_a_message(client, bdt):
    structure = activated_structure()
    url = reverse("funding:agreement_create", args=[structure.pk])
    client.post(url, _data())
    response = client.post(url, _data(), follow=True)
    assert response.status_code == 200
    assert GrantAgreement.objects.count() == 1
    assert "déjà une convention en cours" in response.content.decode()


def test_the_integrity_error_of_a_concurrent_double_click_becomes_a_message(monkeypatch):
    """The second insert passes the check (as if both requests read before either wrote) and hits the database's
    one-live-agreement rule: the service answers with the French message, not a 500."""
    from cnfs.funding import agreements

    structure = activated_structure()
    by = UserFactory()
    prepare_agreement(structure, by=by, starts_on=timezone.localdate(), months=24)
    monkeypatch.setattr(agreements, "live_agreement", lambda structure: None)
    with pytest.raises(TransitionError, match="déjà une convention en cours"):
        prepare_agreement(structure, by=by, starts_on=timezone.localdate(), months=24)
    assert GrantAgreement.objects.count() == 1


def test_bdt_records_the_signature_journaled(client, bdt):
    agreement = prepare_agreement(activated_structure(), by=bdt, starts_on=timezone.localdate(), months=24)
    url = reverse("funding:agreement_sign", args=[agreement.pk])
    response = client.post(url, {"signed_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SIGNED and agreement.signed_on == timezone.localdate()
    entry = JournalEntry.objects.get(action="agreement.signed")
    assert entry.actor == bdt
    assert entry.before == {"status": "to_sign", "signed_on": None}
    assert entry.after["status"] == "signed" and entry.after["signed_on"] == timezone.localdate().isoformat()
    again = client.post(url, {"signed_on": timezone.localdate().isoformat()}, follow=True)
    assert "déjà signée" in again.content.decode()
    assert JournalEntry.objects.filter(action="agreement.signed").count() == 1


@pytest.mark.parametrize(
    ("value", "message"),
    [("9999-12-31", "Saisissez une date entre"), ("", "obligatoire"), ("2026\x00", "caractère nul")],
)
def test_a_bad_signature_date_is_refused(client, bdt, value, message):
    agreement = prepare_agreement(activated_structure(), by=bdt, starts_on=timezone.localdate(), months=24)
    response = client.post(reverse("funding:agreement_sign", args=[agreement.pk]), {"signed_on": value})
    assert response.status_code == 400
    assert any(message in e for e in response.context["sign_form"].errors["signed_on"])
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.TO_SIGN


def test_a_signature_in_the_future_is_refused():
    agreement = prepare_agreement(
        activated_structure(), by=UserFactory(), starts_on=timezone.localdate(), months=24
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        sign_agreement(agreement, by=UserFactory(), signed_on=timezone.localdate() + timedelta(days=1))


def test_a_renewal_replaces_the_signed_agreement_and_keeps_each_posts_history(client, bdt, settings):
    match = hired_match()
    structure = match.structure
    contract = contract_for(match)
    first = prepare_agreement(structure, by=bdt, starts_on=timezone.localdate(), months=24)
    sign_agreement(first, by=bdt, signed_on=timezone.localdate())
    later = timezone.localdate() + timedelta(days=700)
    settings.CNFS_POST_FUNDING = [
        *settings.CNFS_POST_FUNDING,
        {
            "from": later.isoformat(),
            "public": 55000,
            "antilles_guyane": 70000,
            "reunion_mayotte": 67500,
            "private": 32000,
        },
    ]
    response = client.post(
        reverse("funding:agreement_renew", args=[first.pk]), _data(starts_on=later.isoformat(), months="12")
    )
    assert response.status_code == 302
    first.refresh_from_db()
    renewal = GrantAgreement.objects.get(renewal_of=first)
    assert first.status == AgreementStatus.RENEWED
    assert renewal.status == AgreementStatus.TO_SIGN
    assert set(renewal.lines.values_list("state_funding", flat=True)) == {Decimal("55000.00")}
    assert JournalEntry.objects.filter(action="agreement.renewed", object_id=str(first.pk)).exists()
    history = client.get(reverse("funding:post_history", args=[match.post_id]))
    page = history.content.decode()
    assert first.number in page and renewal.number in page
    assert f"Contrat n° {contract.pk}" in page
    assert history.context["tranches"].count() == 3
    assert AgreementPost.objects.filter(post=match.post).count() == 2


def test_only_a_signed_agreement_can_be_renewed(client, bdt):
    agreement = prepare_agreement(activated_structure(), by=bdt, starts_on=timezone.localdate(), months=24)
    assert client.get(reverse("funding:agreement_renew", args=[agreement.pk])).status_code == 404


def test_the_agreement_docx_lists_parties_posts_amounts_duration_tranches_and_co_financing(client, bdt):
    structure = activated_structure(posts=2)
    agreement = prepare_agreement(
        structure, by=bdt, starts_on=timezone.localdate(), months=30, co_financing=Decimal("1234.50")
    )
    response = client.get(reverse("funding:agreement_docx", args=[agreement.pk]))
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [cell.text for row in document.tables[0].rows for cell in row.cells]
    assert agreement.number in text
    assert structure.name in text and structure.siret in text
    assert "Banque des Territoires" in text
    assert "Durée : 30 mois" in text
    assert f"Date de début : {agreement.starts_on:%d/%m/%Y}" in text
    assert "Cofinancement de la structure : 1 234,50 €" in text
    for share in ("20 %", "30 %", "50 %"):
        assert share in text
    for line in agreement.lines.all():
        assert f"Poste n° {line.post_id}" in cells
    assert cells.count("50 000,00 €") == 2
    assert "100 000,00 €" in cells
