"""The Banque des Territoires records each tranche's payment once."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cnfs.accounts.roles import Role
from cnfs.core.workflow import TransitionError
from cnfs.funding.agreements import prepare_agreement, sign_agreement
from cnfs.funding.models import Payment, Tranche, TrancheStatus
from cnfs.funding.payments import record_payment
from cnfs.journal.models import JournalEntry
from cnfs.notifications.models import OutgoingEmail
from tests.concurrency import APPS_BUT_JOURNAL, outcomes, race
from tests.factories import UserFactory
from tests.funding.factories import contract_for, hired_match
from tests.recruitment.factories import structure_user

pytestmark = pytest.mark.django_db


def _contract(days_ago=400):
    return contract_for(
        hired_match(), signed_on=timezone.localdate() - timedelta(days=days_ago), agreement=True
    )


@pytest.fixture
def bdt(client):
    user = UserFactory(role=Role.BDT)
    client.force_login(user)
    return user


def _data(tranche, **overrides):
    data = {
        "paid_on": timezone.localdate().isoformat(),
        "amount": str(tranche.amount),
        "reference": "VIR-2026-0042",
    }
    data.update(overrides)
    return data


def test_recording_a_payment_pays_the_tranche_journals_and_mails_the_structure(client, bdt):
    contract = _contract()
    member = structure_user(contract.structure)
    tranche = contract.tranches.get(number=1)
    response = client.post(reverse("funding:payment_create", args=[tranche.pk]), _data(tranche))
    assert response.status_code == 302
    tranche.refresh_from_db()
    assert tranche.status == TrancheStatus.PAID
    payment = Payment.objects.get()
    assert (payment.amount, payment.reference, payment.recorded_by) == (tranche.amount, "VIR-2026-0042", bdt)
    entry = JournalEntry.objects.get(action="payment.recorded")
    assert entry.actor == bdt and entry.object_id == str(tranche.pk)
    assert entry.before == {"status": "scheduled"}
    assert entry.after["amount"] == "10000.00" and entry.after["reference"] == "vir-2026-0042"
    assert entry.after["paid_on"] == timezone.localdate().isoformat()
    assert OutgoingEmail.objects.filter(to=member.email, subject__startswith="Tranche 1 versée").count() == 1


def _refused(client, tranche, data, field, message):
    response = client.post(reverse("funding:payment_create", args=[tranche.pk]), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert any(message in e for e in errors[field]), errors
    assert not Payment.objects.exists()
    tranche.refresh_from_db()
    assert tranche.status == TrancheStatus.SCHEDULED
    return response


def test_an_amount_different_from_the_tranche_gives_the_amount_due(client, bdt):
    tranche = _contract().tranches.get(number=2)
    response = _refused(client, tranche, _data(tranche, amount="14999.99"), "amount", "15\u00a0000,00 €")
    assert 'value="14999.99"' in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("paid_on", "9999-12-31", "Saisissez une date entre"),
        ("paid_on", "", "obligatoire"),
        ("amount", "abc", "nombre"),
        ("amount", "100\x00", "caractère nul"),
        ("reference", "VIR\x00", "caractère nul"),
        ("reference", "", "obligatoire"),
        ("reference", "x" * 51, "caractères"),
    ],
)
def test_bad_input_is_refused_next_to_the_field(client, bdt, field, value, message):
    tranche = _contract().tranches.get(number=1)
    _refused(client, tranche, _data(tranche, **{field: value}), field, message)


def test_a_payment_date_in_the_future_or_before_the_due_date_is_refused(client, bdt):
    tranche = _contract().tranches.get(number=1)
    tomorrow = timezone.localdate() + timedelta(days=1)
    _refused(client, tranche, _data(tranche, paid_on=tomorrow.isoformat()), "paid_on", "dans le futur")
    before = tranche.due_on - timedelta(days=1)
    _refused(
        client, tranche, _data(tranche, paid_on=before.isoformat()), "paid_on", f"{tranche.due_on:%d/%m/%Y}"
    )


def test_a_tranche_not_yet_due_cannot_be_paid():
    tranche = _contract(days_ago=0).tranches.get(number=1)
    with pytest.raises(TransitionError, match="pas encore due"):
        record_payment(
            tranche, by=UserFactory(), paid_on=timezone.localdate(), amount=tranche.amount, reference="R"
        )
    assert not Payment.objects.exists()


def test_a_double_submit_pays_once_and_says_so(client, bdt):
    tranche = _contract().tranches.get(number=1)
    url = reverse("funding:payment_create", args=[tranche.pk])
    client.post(url, _data(tranche))
    response = client.post(url, _data(tranche), follow=True)
    assert response.status_code == 200
    assert "déjà versée" in response.content.decode()
    assert Payment.objects.count() == 1
    assert JournalEntry.objects.filter(action="payment.recorded").count() == 1


def test_the_database_refuses_a_second_payment_of_a_tranche():
    tranche = _contract().tranches.get(number=1)
    by = UserFactory()
    record_payment(tranche, by=by, paid_on=timezone.localdate(), amount=tranche.amount, reference="A")
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            tranche=tranche,
            post_id=tranche.post_id,
            paid_on=timezone.localdate(),
            amount=tranche.amount,
            reference="B",
            recorded_by=by,
        )


def test_the_list_shows_due_tranches_oldest_first_with_overdue_flagged(client, bdt):
    old = _contract(days_ago=400)
    recent = _contract(days_ago=31)  # tranche 1 due today or yesterday; 2 and 3 in the future
    response = client.get(reverse("funding:payments_due"))
    rows = list(response.context["page"].object_list)
    assert [t.due_on for t in rows] == sorted(t.due_on for t in rows)
    assert {t.contract_id for t in rows} == {old.pk, recent.pk}
    assert all(t.due_on <= timezone.localdate() for t in rows)
    assert Tranche.objects.filter(contract=recent, due_on__gt=timezone.localdate()).count() == 2
    assert "En retard" in response.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, available_apps=APPS_BUT_JOURNAL)
@pytest.mark.usefixtures("_journal_cleanup")
def test_two_agents_recording_the_same_tranche_at_once_make_one_payment():
    tranche = _contract().tranches.get(number=1)
    agents = [UserFactory(role=Role.BDT), UserFactory(role=Role.BDT)]

    def pay(agent):
        return lambda: record_payment(
            tranche, by=agent, paid_on=timezone.localdate(), amount=tranche.amount, reference=f"R{agent.pk}"
        )

    results = race(pay(agents[0]), pay(agents[1]))
    assert outcomes(results, TransitionError) == ["ok", "refused"]
    assert Payment.objects.filter(tranche=tranche).count() == 1
    assert Tranche.objects.get(pk=tranche.pk).status == TrancheStatus.PAID
    assert Decimal(Payment.objects.get().amount) == tranche.amount


def test_a_tranche_is_paid_only_on_a_post_a_signed_agreement_carries():
    contract = contract_for(hired_match(), signed_on=timezone.localdate() - timedelta(days=60))
    tranche = contract.tranches.get(number=1)
    pay = lambda: record_payment(  # noqa: E731
        tranche,
        by=UserFactory(role=Role.BDT),
        paid_on=timezone.localdate(),
        amount=tranche.amount,
        reference="A",
    )
    agreement = prepare_agreement(
        contract.structure, by=UserFactory(), starts_on=timezone.localdate(), months=36
    )
    with pytest.raises(TransitionError, match="Aucune convention signée"):
        pay()
    assert not Payment.objects.exists()
    tranche.refresh_from_db()
    assert tranche.status == TrancheStatus.SCHEDULED
    sign_agreement(agreement, by=UserFactory(), signed_on=timezone.localdate())
    assert pay().amount == tranche.amount


def test_the_list_says_which_due_tranches_wait_for_a_signed_agreement(client, bdt):
    waiting = contract_for(hired_match(), signed_on=timezone.localdate() - timedelta(days=60))
    payable = _contract(days_ago=60)
    page = client.get(reverse("funding:payments_due")).content.decode()
    payable_tranche = payable.tranches.get(number=1)
    waiting_tranche = waiting.tranches.get(number=1)
    assert f"/financement/versements/{payable_tranche.pk}/" in page
    assert f"/financement/versements/{waiting_tranche.pk}/" not in page
    assert "Convention non signée" in page
