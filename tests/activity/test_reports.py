"""Activity reports: who may open each page, the form's refusals (each next to its field, nothing saved), duplicate,
edit, delete, the exports, and the database's own checks."""

import datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.html import escape

from cnfs.accounts.roles import Role
from cnfs.activity.models import ActivityReport
from cnfs.journal.models import JournalEntry
from tests.activity.factories import make_place, make_report, moulins
from tests.permissions import body

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 18)


def form_data(**overrides):
    data = {
        "date": "2026-03-17",
        "kind": "collective",
        "participants": "8",
        "title": "Découvrir sa messagerie",
        "level": "beginner",
        "place_kind": "remote",
        "duration": "90",
        "themes": ["email", "security"],
        "equipment": ["tablet"],
        "already_accompanied": "3",
        "age_over_60": "5",
        "age_35_60": "3",
        "gender_female": "6",
        "gender_male": "2",
        "situation_retired": "5",
        "pass_numerique": "2",
        "notes": "",
        "redirected_to": "",
    }
    data.update(overrides)
    return data


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 3, 18, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


def test_advisor_pages(matrix, advisor):
    report = make_report(advisor)
    for name in ("report_list", "report_create", "report_csv", "report_xlsx", "my_stats", "my_stats_export"):
        matrix.check(reverse(f"activity:{name}"), {Role.ADVISOR})
    for name in ("report_edit", "report_duplicate", "report_delete"):
        matrix.check(reverse(f"activity:{name}", args=[report.pk]), {Role.ADVISOR})


def test_another_advisors_report_is_not_found(client, advisor, other_advisor):
    report = make_report(advisor)
    client.force_login(other_advisor.candidate.user)
    for name in ("report_edit", "report_duplicate", "report_delete"):
        url = reverse(f"activity:{name}", args=[report.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, form_data()).status_code == 404
    assert ActivityReport.objects.filter(pk=report.pk).exists()
    assert f'id="cra-{report.pk}"' not in client.get(reverse("activity:report_list")).text
    assert len(body(client.get(reverse("activity:report_csv"))).decode("utf-8-sig").strip().splitlines()) == 1


def test_create_a_workshop(client, advisor):
    client.force_login(advisor.candidate.user)
    response = client.post(reverse("activity:report_create"), form_data())
    assert response.status_code == 302
    report = ActivityReport.objects.get()
    assert (report.advisor, report.kind, report.participants, report.duration_minutes) == (
        advisor,
        "collective",
        8,
        90,
    )
    assert report.themes == ["email", "security"]
    assert (report.age_over_60, report.gender_female, report.title) == (5, 6, "Découvrir sa messagerie")
    entry = JournalEntry.objects.get(action="activity_report.created")
    assert entry.object_id == str(report.pk)
    assert "messagerie" not in str(entry.after)


def test_individual_support_counts_one_person_and_keeps_no_workshop_fields(client, advisor):
    place = make_place(advisor)
    client.force_login(advisor.candidate.user)
    data = form_data(
        kind="individual", participants="", place_kind="place", place=str(place.pk), autonomy="partly",
        age_over_60="1", age_35_60="0", gender_female="1", gender_male="0", situation_retired="1",
        already_accompanied="0", sub_themes=["housing"], themes=["email"],
    )  # fmt: skip
    assert client.post(reverse("activity:report_create"), data).status_code == 302
    report = ActivityReport.objects.get()
    assert (report.participants, report.title, report.level, report.place, report.autonomy) == (
        1,
        "",
        "",
        place,
        "partly",
    )
    assert report.themes == ["email", "procedures"]  # a sub-theme brings its theme


def test_at_home_needs_a_commune(client, advisor):
    commune = moulins()
    client.force_login(advisor.candidate.user)
    response = client.post(reverse("activity:report_create"), form_data(place_kind="home"))
    assert escape("Indiquez la commune où a eu lieu l'accompagnement.") in response.text
    assert (
        client.post(
            reverse("activity:report_create"), form_data(place_kind="home", commune="03000")
        ).status_code
        == 302
    )
    assert ActivityReport.objects.get().commune == commune


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"date": "2026-03-19"}, "date", "La date ne peut pas être dans le futur"),
        ({"date": "9999-12-31"}, "date", "Saisissez une date entre le"),
        ({"themes": []}, "themes", "Cochez au moins une thématique."),
        ({"age_over_60": "9"}, "age_under_12", "Tranches d'âge : la répartition compte 12 personnes pour 8"),
        ({"gender_male": "3"}, "gender_female", "Genre : la répartition compte 9 personnes pour 8"),
        ({"situation_other": "4"}, "situation_student", "Situation : la répartition compte 9 personnes"),
        (
            {"already_accompanied": "9"},
            "already_accompanied",
            "ne peut pas dépasser le nombre de participants",
        ),
        ({"duration": "custom", "custom_hours": "24", "custom_minutes": "0"}, "custom_hours", "23 h 59"),
        (
            {"duration": "custom", "custom_hours": "", "custom_minutes": ""},
            "custom_hours",
            "Indiquez la durée",
        ),
        ({"participants": "10001"}, "participants", "Le nombre de participants va de 1 à 10\u202f000."),
        ({"participants": "0"}, "participants", "Le nombre de participants va de 1 à 10\u202f000."),
        ({"participants": "-3"}, "participants", "Saisissez un nombre positif"),
        ({"title": "Atelier\x00"}, "title", "caractère nul"),
        ({"notes": "a\x00b"}, "notes", "caractère nul"),
        ({"place_kind": "place"}, "place", "Choisissez l'un de vos lieux d'activité."),
        ({"place_kind": "place", "place": "\x00"}, "place", "caractère nul"),
        ({"place_kind": "place", "place": "9999999999"}, "place", "Choisissez l'un de vos lieux d'activité."),
        ({"kind": ""}, "kind", "Choisissez le type d'accompagnement."),
        ({"duration": "17"}, "duration", "Sélectionnez un choix valide"),
    ],
)
def test_bad_input_is_refused_next_to_its_field(client, advisor, overrides, field, message):
    client.force_login(advisor.candidate.user)
    response = client.post(reverse("activity:report_create"), form_data(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert message in " ".join(form.errors[field])
    assert escape(message) in response.text or message in response.text
    assert 'value="Découvrir sa messagerie"' in response.text or "title" in overrides  # input kept
    assert not ActivityReport.objects.exists()
    assert not JournalEntry.objects.filter(action__startswith="activity_report").exists()


def test_a_form_sent_twice_saves_one_report(client, advisor):
    client.force_login(advisor.candidate.user)
    key = client.get(reverse("activity:report_create")).context["form"].initial["submission_key"]
    data = form_data(submission_key=str(key))
    first = client.post(reverse("activity:report_create"), data)
    second = client.post(reverse("activity:report_create"), data)  # a double click, a resent request
    assert first.status_code == second.status_code == 302
    assert ActivityReport.objects.count() == 1
    assert JournalEntry.objects.filter(action="activity_report.created").count() == 1
    data["submission_key"] = "pas-une-clé"
    response = client.post(reverse("activity:report_create"), data)
    assert response.status_code == 200 and "submission_key" in response.context["form"].errors
    assert ActivityReport.objects.count() == 1


def test_another_advisors_place_cannot_be_chosen(client, advisor, other_advisor):
    theirs = make_place(other_advisor)
    client.force_login(advisor.candidate.user)
    response = client.post(
        reverse("activity:report_create"), form_data(place_kind="place", place=str(theirs.pk))
    )
    assert "Choisissez l'un de vos lieux d'activité." in " ".join(response.context["form"].errors["place"])
    assert not ActivityReport.objects.exists()


def test_duplicate_opens_a_copy_dated_today_and_saves_a_new_report(client, advisor):
    original = make_report(advisor, date=datetime.date(2026, 2, 2), duration_minutes=75, themes=["job"])
    client.force_login(advisor.candidate.user)
    url = reverse("activity:report_duplicate", args=[original.pk])
    page = client.get(url)
    form = page.context["form"]
    assert form.initial["date"] == TODAY
    assert (form.initial["duration"], form.initial["custom_hours"], form.initial["custom_minutes"]) == (
        "custom",
        1,
        15,
    )
    data = form_data(kind="individual", participants="", themes=["job"], duration="custom", custom_hours="1",
                     custom_minutes="15", age_over_60="0", age_35_60="0", gender_female="0", gender_male="0",
                     situation_retired="0", already_accompanied="0")  # fmt: skip
    assert client.post(url, data).status_code == 302
    assert ActivityReport.objects.count() == 2
    copy = ActivityReport.objects.exclude(pk=original.pk).get()
    assert (copy.date, copy.duration_minutes, copy.themes) == (datetime.date(2026, 3, 17), 75, ["job"])
    original.refresh_from_db()
    assert original.date == datetime.date(2026, 2, 2)


def test_edit_and_delete_write_the_journal(client, advisor):
    report = make_report(advisor)
    client.force_login(advisor.candidate.user)
    response = client.post(reverse("activity:report_edit", args=[report.pk]), form_data())
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.kind == "collective" and report.participants == 8
    assert "participants" in JournalEntry.objects.get(action="activity_report.updated").after["fields"]
    assert client.post(reverse("activity:report_delete", args=[report.pk])).status_code == 302
    assert not ActivityReport.objects.exists()
    assert JournalEntry.objects.get(action="activity_report.deleted").object_id == str(report.pk)


def test_list_filters_and_exports(client, advisor):
    place = make_place(advisor)
    make_report(advisor, date=datetime.date(2026, 1, 10), themes=["email"])
    make_report(advisor, date=datetime.date(2026, 3, 1), themes=["security"], place_kind="place", place=place)
    make_report(
        advisor, date=datetime.date(2026, 3, 2), kind="information", participants=12, themes=["health"]
    )
    client.force_login(advisor.candidate.user)
    url = reverse("activity:report_list")
    assert client.get(url).context["page"].paginator.count == 3
    assert client.get(url, {"start": "2026-02-01"}).context["page"].paginator.count == 2
    assert client.get(url, {"theme": "security"}).context["page"].paginator.count == 1
    assert client.get(url, {"kind": "information"}).context["page"].paginator.count == 1
    assert client.get(url, {"place": place.pk}).context["page"].paginator.count == 1
    response = client.get(url, {"start": "2026-03-05", "end": "2026-03-01"})
    assert "La fin de la période précède son début" in response.text
    csv = body(client.get(reverse("activity:report_csv"), {"start": "2026-02-01"})).decode("utf-8-sig")
    lines = csv.strip().splitlines()
    assert lines[0].startswith("Date;Type;")
    assert len(lines) == 3
    assert "Information ponctuelle" in lines[1] and "Sécurité numérique" in lines[2]
    xlsx = client.get(reverse("activity:report_xlsx"))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert body(xlsx)[:2] == b"PK"


def test_list_queries_do_not_grow_with_reports(client, advisor, django_assert_max_num_queries):
    for day in range(1, 30):
        make_report(advisor, date=datetime.date(2026, 2, day % 28 + 1))
    client.force_login(advisor.candidate.user)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("activity:report_list")).status_code == 200


def test_presets_come_most_used_first(client, advisor):
    for minutes in (45, 45, 120):
        make_report(advisor, duration_minutes=minutes)
    client.force_login(advisor.candidate.user)
    choices = [
        value
        for value, _ in client.get(reverse("activity:report_create"))
        .context["form"]
        .fields["duration"]
        .choices
    ]
    assert choices == ["45", "120", "15", "30", "60", "90", "custom"]


@pytest.mark.parametrize(
    "fields",
    [
        {"participants": 10_001, "kind": "collective"},
        {"duration_minutes": 1440},
        {"themes": []},
        {"age_over_60": 2},
        {"kind": "information", "participants": 3, "gender_female": 4},
        {"kind": "information", "participants": 3, "already_accompanied": 4},
        {"place_kind": "home"},
        {"kind": "information", "participants": 3, "autonomy": "partly"},
        {"date": datetime.date(1999, 12, 31)},
    ],
)
def test_the_database_refuses_what_the_form_refuses(advisor, fields):
    report = make_report(advisor)
    for name, value in fields.items():
        setattr(report, name, value)
    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityReport.objects.filter(pk=report.pk).update(**fields)


def test_a_submission_runs_a_fixed_number_of_queries(client, advisor, django_assert_max_num_queries):
    for _ in range(20):
        make_report(advisor)
    client.force_login(advisor.candidate.user)
    # session, user, roles, advisor; the report, its advisor's département (share-locked), the two month rows
    # (one upsert each) and its journal entry in one savepoint
    with django_assert_max_num_queries(11):
        assert client.post(reverse("activity:report_create"), form_data()).status_code == 302


def test_an_advisor_account_without_an_active_record_sees_empty_pages(client, advisor):
    from cnfs.recruitment.models import Advisor, AdvisorStatus

    make_report(advisor)
    Advisor.objects.filter(pk=advisor.pk).update(status=AdvisorStatus.TERMINATED, post=None)
    client.force_login(advisor.candidate.user)
    for name in ("report_list", "my_stats"):
        response = client.get(reverse(f"activity:{name}"))
        assert response.status_code == 200
        assert "fiche de conseiller numérique n'est pas active" in response.text
    assert client.get(reverse("activity:report_list")).context["page"].paginator.count == 0
    assert client.get(reverse("activity:report_create")).status_code == 403
    assert client.get(reverse("activity:report_csv")).status_code == 403
