"""The structure records the contract of a completed hire: rules with their French messages, the tranches, the
journal and the email, nothing saved when refused."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cnfs.core.text import euros
from cnfs.funding import rules
from cnfs.funding.contracts import record_contract
from cnfs.funding.models import Contract, ContractType, Tranche
from cnfs.journal.models import JournalEntry
from cnfs.notifications.models import OutgoingEmail
from cnfs.structures.models import JobPosting, Post
from cnfs.structures.services import add_months
from tests.funding.factories import hired_match
from tests.recruitment.factories import structure_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def hire(client):
    match = hired_match()
    user = structure_user(match.structure)
    client.force_login(user)
    return match, user


def _data(**overrides):
    today = timezone.localdate()
    data = {
        "type": ContractType.PROJECT,
        "signed_on": today.isoformat(),
        "start_date": today.isoformat(),
        "end_date": add_months(today, 24).isoformat(),
        "weekly_hours": "35",
        "gross_monthly_salary": "2100.00",
        "missions": ["daily_uses", "procedures"],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _url(match):
    return reverse("funding:contract_create", args=[match.pk])


def test_recording_the_contract_schedules_three_tranches_journals_and_mails(client, hire):
    match, user = hire
    response = client.post(_url(match), _data())
    contract = Contract.objects.get(match=match)
    assert response.status_code == 302
    assert response["Location"] == reverse("funding:contract_detail", args=[contract.pk])
    assert contract.missions == ["daily_uses", "procedures"]
    assert contract.recorded_by == user
    amounts = list(
        Tranche.objects.filter(contract=contract).order_by("number").values_list("amount", flat=True)
    )
    assert amounts == [Decimal("10000.00"), Decimal("15000.00"), Decimal("25000.00")]
    entry = JournalEntry.objects.get(action="contract.recorded")
    assert entry.actor == user
    assert entry.object_id == str(contract.pk)
    assert entry.before == {"contract": None}
    assert entry.after["type"] == "project"
    assert entry.after["gross_monthly_salary"] == "2100.00"
    assert entry.after["signed_on"] == timezone.localdate().isoformat()
    assert len(entry.after["tranches"]) == 3
    email = OutgoingEmail.objects.get(to=user.email, subject__startswith="Contrat enregistré")
    assert "10000,00 €" in email.body_text


def test_the_form_proposes_a_project_contract_to_a_public_structure_and_a_cdd_otherwise(client):
    for kind, expected in (("commune", "project"), ("association", "cdd")):
        match = hired_match(type=kind)
        client.force_login(structure_user(match.structure))
        response = client.get(_url(match))
        assert response.status_code == 200
        assert response.context["form"]["type"].value() == expected


def _refused(client, match, data, field, message):
    response = client.post(_url(match), data)
    assert response.status_code == 400, response.content[:500]
    errors = response.context["form"].errors
    assert field in errors, errors
    assert any(message in error for error in errors[field]), errors[field]
    assert not Contract.objects.exists()
    assert not Tranche.objects.exists()
    return response


def test_a_cdi_with_an_end_date_is_refused(client, hire):
    _refused(client, hire[0], _data(type="cdi"), "end_date", "Un CDI n'a pas de date de fin")


def test_a_cdd_without_an_end_date_is_refused(client, hire):
    _refused(client, hire[0], _data(type="cdd", end_date=""), "end_date", "obligatoire sauf pour un CDI")


def test_an_end_before_the_start_is_refused(client, hire):
    today = timezone.localdate()
    _refused(
        client, hire[0], _data(end_date=(today - timedelta(days=1)).isoformat()), "end_date", "postérieure"
    )


def test_a_part_time_contract_is_refused(client, hire):
    _refused(client, hire[0], _data(weekly_hours="28"), "weekly_hours", "temps plein : 35 heures")


def test_a_salary_below_the_minimum_gives_the_minimum_and_its_source(client, hire):
    response = _refused(
        client, hire[0], _data(gross_monthly_salary="1500.00"), "gross_monthly_salary", "SMIC"
    )
    message = response.context["form"].errors["gross_monthly_salary"][0]
    minimum = rules.minimum_wage(timezone.localdate())  # the dated setting in force, with its decree
    assert f"{euros(minimum.monthly_gross)} €" in message  # "1 823,03 €" and minimum.source in message
    assert 'value="1500.00"' in response.content.decode()  # the input is kept


def test_a_contract_signed_before_posting_plus_30_days_gives_the_earliest_date(client, hire):
    match = hire[0]
    published = timezone.localdate() - timedelta(days=10)
    JobPosting.objects.filter(structure=match.structure).update(published_on=published)
    earliest = published + timedelta(days=30)
    response = _refused(client, match, _data(), "signed_on", f"avant le {earliest:%d/%m/%Y}")
    assert "30 jours après la publication" in response.context["form"].errors["signed_on"][0]


def test_a_contract_signed_after_the_posts_deadline_is_refused(client, hire):
    match = hire[0]
    today = timezone.localdate()
    Post.objects.filter(pk=match.post_id).update(
        committee_date=today - timedelta(days=90), deadline=today - timedelta(days=1)
    )
    response = _refused(client, match, _data(), "signed_on", "après la date limite de recrutement")
    assert "ANCT" in response.context["form"].errors["signed_on"][0]


def test_a_signature_in_the_future_is_refused(client, hire):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    _refused(client, hire[0], _data(signed_on=tomorrow, start_date=tomorrow), "signed_on", "dans le futur")


def test_no_mission_is_refused(client, hire):
    _refused(client, hire[0], _data(missions=[]), "missions", "Cochez au moins une mission")


@pytest.mark.parametrize("field", ["signed_on", "start_date", "end_date"])
def test_a_date_in_year_9999_is_refused(client, hire, field):
    _refused(client, hire[0], _data(**{field: "9999-12-31"}), field, "Saisissez une date entre")


@pytest.mark.parametrize("field", ["weekly_hours", "gross_monthly_salary", "type"])
def test_a_nul_byte_is_refused_next_to_the_field(client, hire, field):
    data = _data()
    data[field] = data[field] + "\x00"
    _refused(client, hire[0], data, field, "caractère nul")


def test_control_characters_are_removed(client, hire):
    response = client.post(_url(hire[0]), _data(gross_monthly_salary="2100\x0b.00"))
    assert response.status_code == 302
    assert Contract.objects.get().gross_monthly_salary == Decimal("2100.00")


def test_a_double_submit_records_one_contract_and_says_so(client, hire):
    match = hire[0]
    client.post(_url(match), _data())
    response = client.post(_url(match), _data(), follow=True)
    assert response.status_code == 200
    assert Contract.objects.count() == 1
    assert Tranche.objects.count() == 3
    assert "déjà enregistré" in response.content.decode()


def test_the_service_refuses_a_hire_not_completed():
    from cnfs.core.workflow import TransitionError
    from tests.funding.factories import hire_requested_match

    match = hire_requested_match()
    with pytest.raises(TransitionError, match="n'est pas finalisé"):
        today = timezone.localdate()
        record_contract(
            match,
            by=structure_user(match.structure),
            type="project",
            signed_on=today,
            start_date=today,
            end_date=add_months(today, 24),
            weekly_hours=Decimal("35"),
            gross_monthly_salary=Decimal("2100"),
            missions=["daily_uses"],
        )
    assert not Contract.objects.exists()


def test_a_cdi_needs_no_end_date(client, hire):
    response = client.post(_url(hire[0]), _data(type="cdi", end_date=""))
    assert response.status_code == 302
    assert Contract.objects.get().end_date is None


def test_the_contract_model_docx_is_filled(client, hire):
    import io

    from docx import Document

    match = hire[0]
    client.post(_url(match), _data(gross_monthly_salary="2250.50"))
    contract = Contract.objects.get()
    response = client.get(reverse("funding:contract_docx", args=[contract.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert match.structure.name in text
    assert match.candidate.full_name in text
    assert f"poste n° {match.post_id}" in text
    assert "Contrat de projet" in text
    assert f"Date de début : {contract.start_date:%d/%m/%Y}" in text
    assert f"Date de fin : {contract.end_date:%d/%m/%Y}" in text
    assert "2 250,50 €" in text
    assert "Rendre autonome pour réaliser des démarches administratives en ligne" in text
