"""Every funding view of contracts, agreements, payments and overviews: who may open it (every role), another
structure's or territory's object → 404; the overview pages' constant query count and their totals."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from cnfs.accounts.roles import Role
from cnfs.funding.agreements import prepare_agreement, sign_agreement
from cnfs.funding.models import Tranche
from cnfs.funding.payments import record_payment
from tests.factories import DepartementFactory, UserFactory
from tests.funding.factories import contract_for, hire_requested_match, hired_match
from tests.permissions import body
from tests.recruitment.factories import structure_user

pytestmark = pytest.mark.django_db

READERS = {Role.STRUCTURE, Role.BDT, Role.ANCT, Role.PREFECTURE}


@pytest.fixture
def world():
    match = hired_match()
    contract = contract_for(match, signed_on=timezone.localdate() - timedelta(days=40))
    agreement = prepare_agreement(
        match.structure, by=UserFactory(), starts_on=timezone.localdate(), months=24
    )
    signed = prepare_agreement(
        hired_match().structure, by=UserFactory(), starts_on=timezone.localdate(), months=24
    )
    sign_agreement(signed, by=UserFactory(), signed_on=timezone.localdate())
    waiting = hired_match()  # a hire awaiting its contract
    return {
        "match": match,
        "contract": contract,
        "agreement": agreement,
        "signed": signed,
        "waiting": waiting,
        "tranche": contract.tranches.get(number=1),
    }


def expected(allowed, *, other_structure=None):
    """Allowed roles 200, others 403; the users_by_role structure user (another structure) gets `other_structure`."""
    result = {role: 200 if role in allowed else 403 for role in Role}
    if other_structure is not None:
        result[Role.STRUCTURE] = other_structure
    return result


def test_permission_matrix_of_every_view(role_matrix, world):
    contract, agreement, tranche = world["contract"], world["agreement"], world["tranche"]
    cases = [
        (reverse("funding:structure"), expected({Role.STRUCTURE})),
        (
            reverse("funding:contract_create", args=[world["waiting"].pk]),
            expected(set(), other_structure=404),
        ),
        (reverse("funding:contract_detail", args=[contract.pk]), expected(READERS, other_structure=404)),
        (reverse("funding:contract_docx", args=[contract.pk]), expected(READERS, other_structure=404)),
        (reverse("funding:agreements"), expected({Role.BDT, Role.ANCT})),
        (reverse("funding:agreement_create", args=[world["waiting"].structure_id]), expected({Role.BDT})),
        (reverse("funding:agreement_detail", args=[agreement.pk]), expected(READERS, other_structure=404)),
        (reverse("funding:agreement_docx", args=[agreement.pk]), expected(READERS, other_structure=404)),
        (reverse("funding:agreement_renew", args=[world["signed"].pk]), expected({Role.BDT})),
        (reverse("funding:post_history", args=[contract.post_id]), expected(READERS, other_structure=404)),
        (reverse("funding:payments_due"), expected({Role.BDT})),
        (reverse("funding:payment_create", args=[tranche.pk]), expected({Role.BDT})),
        (reverse("funding:national"), expected({Role.BDT, Role.ANCT})),
        (reverse("funding:national_export", args=["csv"]), expected({Role.BDT, Role.ANCT})),
        (reverse("funding:national_export", args=["xlsx"]), expected({Role.BDT, Role.ANCT})),
        (reverse("funding:territory"), expected({Role.PREFECTURE})),
    ]
    for url, statuses in cases:
        assert role_matrix.statuses(url) == statuses, url
        anonymous = role_matrix.client.get(url)
        assert anonymous.status_code == 302, url
    sign = reverse("funding:agreement_sign", args=[agreement.pk])
    assert role_matrix.statuses(sign, "post", {}) == {role: 400 if role == Role.BDT else 403 for role in Role}


def test_the_owner_structure_sees_its_objects(client, world):
    match, contract = world["match"], world["contract"]
    client.force_login(structure_user(match.structure))
    for url in [
        reverse("funding:structure"),
        reverse("funding:contract_detail", args=[contract.pk]),
        reverse("funding:contract_docx", args=[contract.pk]),
        reverse("funding:agreement_detail", args=[world["agreement"].pk]),
        reverse("funding:agreement_docx", args=[world["agreement"].pk]),
        reverse("funding:post_history", args=[contract.post_id]),
    ]:
        assert client.get(url).status_code == 200, url
    waiting_elsewhere = world["waiting"]
    assert client.get(reverse("funding:contract_create", args=[waiting_elsewhere.pk])).status_code == 404


def test_a_hire_not_completed_has_no_contract_form(client):
    match = hire_requested_match()
    client.force_login(structure_user(match.structure))
    assert client.get(reverse("funding:contract_create", args=[match.pk])).status_code == 404


def test_another_territorys_prefecture_gets_404(client, world):
    user = UserFactory(role=Role.PREFECTURE, role__departement=DepartementFactory(code="75", name="Paris"))
    client.force_login(user)
    contract = world["contract"]
    for url in [
        reverse("funding:contract_detail", args=[contract.pk]),
        reverse("funding:agreement_detail", args=[world["agreement"].pk]),
        reverse("funding:post_history", args=[contract.post_id]),
    ]:
        assert client.get(url).status_code == 404, url
    page = client.get(reverse("funding:territory"))
    assert page.context["totals"]["forecast"] == 0


def _contracts(n, paid=1):
    for _ in range(n):
        contract = contract_for(
            hired_match(), signed_on=timezone.localdate() - timedelta(days=200), agreement=True
        )
        for tranche in contract.tranches.order_by("number")[:paid]:
            record_payment(
                tranche, by=UserFactory(), paid_on=timezone.localdate(), amount=tranche.amount, reference="R"
            )


def _queries(client, url, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("role", "url_name"),
    [
        (Role.BDT, "funding:national"),
        (Role.PREFECTURE, "funding:territory"),
        (Role.BDT, "funding:payments_due"),
    ],
)
def test_overview_pages_run_a_constant_number_of_queries(client, role, url_name, django_assert_num_queries):
    client.force_login(UserFactory(role=role))
    url = reverse(url_name)
    _contracts(1)
    small = _queries(client, url, django_assert_num_queries)
    _contracts(4, paid=2)
    assert _queries(client, url, django_assert_num_queries) == small


def test_structure_page_runs_a_constant_number_of_queries(client):
    match = hired_match(posts=6)
    user = structure_user(match.structure)
    client.force_login(user)
    contract_for(match, signed_on=timezone.localdate() - timedelta(days=200))
    url = reverse("funding:structure")
    small = _queries(client, url, None)
    for _ in range(3):
        contract_for(hired_match(match.structure), signed_on=timezone.localdate() - timedelta(days=200))
    assert _queries(client, url, None) == small


def test_national_totals_forecast_vs_paid_and_cash_flow(client):
    _contracts(2, paid=2)
    client.force_login(UserFactory(role=Role.ANCT))
    response = client.get(reverse("funding:national"))
    totals = response.context["totals"]
    assert totals["forecast"] == Decimal("100000.00")
    assert totals["paid"] == Decimal("2") * (Decimal("10000") + Decimal("15000"))
    by_number = {row["number"]: row for row in response.context["by_number"]}
    assert by_number[1]["paid"] == by_number[1]["forecast"] == Decimal("20000.00")
    assert by_number[3]["paid"] == 0 and by_number[3]["to_pay"] == Decimal("50000.00")
    (row,) = response.context["departements"]
    assert row["departement_id"] == "03" and row["tranches"] == 6
    flow = response.context["cash_flow"]
    assert len(flow["months"]) == 12
    assert flow["total"] == Decimal("50000.00")  # the two third tranches, due in ~165 days
    assert flow["overdue"]["amount"] == 0


def test_national_export_csv_and_xlsx(client):
    _contracts(1)
    client.force_login(UserFactory(role=Role.BDT))
    csv = body(client.get(reverse("funding:national_export", args=["csv"]))).decode("utf-8-sig")
    lines = csv.strip().splitlines()
    assert lines[0].startswith("Département;")
    assert lines[1].startswith("03;Allier;3;50000.00;10000.00;40000.00")
    response = client.get(reverse("funding:national_export", args=["xlsx"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(reverse("funding:national_export", args=["pdf"])).status_code == 404


def test_the_structure_page_shows_forecast_vs_paid(client):
    match = hired_match()
    contract = contract_for(match, signed_on=timezone.localdate() - timedelta(days=200), agreement=True)
    tranche = contract.tranches.get(number=1)
    record_payment(
        tranche, by=UserFactory(), paid_on=timezone.localdate(), amount=tranche.amount, reference="R"
    )
    client.force_login(structure_user(match.structure))
    response = client.get(reverse("funding:structure"))
    assert response.context["totals"]["paid"] == Decimal("10000.00")
    assert response.context["totals"]["forecast"] == Tranche.objects.aggregate(s=Sum("amount"))["s"]
