import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cnfs.accounts.roles import Role
from cnfs.concertation.models import ApplicationStatus, CommitteeDecision, PrefectOpinion, Wave
from cnfs.journal.models import JournalEntry
from tests.factories import (
    CommuneFactory,
    DepartementFactory,
    PrefectOpinionFactory,
    StructureApplicationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
REVIEWERS = {Role.PREFECTURE, Role.ANCT}


@pytest.fixture
def lyon():
    rhone = DepartementFactory(code="69", name="Rhône")
    return CommuneFactory(insee_code="69123", name="Lyon", departement=rhone)


@pytest.fixture
def allier_application():
    return StructureApplicationFactory(submitted=True)


@pytest.fixture
def reviewed_application():
    """An Allier application with the préfet's opinion: ANCT may decide."""
    return PrefectOpinionFactory().application


def test_review_pages_permission_matrix(role_matrix, allier_application):
    role_matrix.check(reverse("concertation:list"), REVIEWERS)
    role_matrix.check(reverse("concertation:export", args=["csv"]), REVIEWERS)
    role_matrix.check(reverse("concertation:detail", args=[allier_application.pk]), REVIEWERS)
    role_matrix.check(reverse("concertation:opinion", args=[allier_application.pk]), {Role.PREFECTURE})
    role_matrix.check(reverse("concertation:decide", args=[allier_application.pk]), {Role.ANCT})
    role_matrix.check(reverse("concertation:waves"), {Role.ANCT})
    role_matrix.check(reverse("concertation:changes"), REVIEWERS)


def test_a_prefecture_agent_of_the_allier_gets_404_on_an_application_of_the_rhone(client, lyon):
    application = StructureApplicationFactory(submitted=True, commune=lyon)
    client.force_login(UserFactory(role=Role.PREFECTURE))
    assert client.get(reverse("concertation:detail", args=[application.pk])).status_code == 404
    assert client.get(reverse("concertation:opinion", args=[application.pk])).status_code == 404
    assert application.display_name not in client.get(reverse("concertation:list")).content.decode()
    client.force_login(UserFactory(role=Role.ANCT))
    assert client.get(reverse("concertation:detail", args=[application.pk])).status_code == 200


def test_drafts_are_not_listed(client):
    draft = StructureApplicationFactory()
    client.force_login(UserFactory(role=Role.ANCT))
    assert client.get(reverse("concertation:detail", args=[draft.pk])).status_code == 404


def test_a_region_agent_sees_every_departement_of_the_region(client, lyon):
    from tests.factories import RegionFactory, grant

    application = StructureApplicationFactory(submitted=True, commune=lyon)
    agent = UserFactory()
    agent.save()
    grant(agent, Role.PREFECTURE, region=RegionFactory())
    client.force_login(agent)
    assert client.get(reverse("concertation:detail", args=[application.pk])).status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
def test_list_runs_a_constant_number_of_queries(client, django_assert_num_queries, rows):
    PrefectOpinionFactory.create_batch(rows)
    client.force_login(UserFactory(role=Role.PREFECTURE))
    client.get(reverse("concertation:list"))  # warm the session
    with django_assert_num_queries(
        8
    ):  # the page's rows, then their posts granted in one query (+ the 2FA device)
        response = client.get(reverse("concertation:list"))
    assert response.status_code == 200


def test_list_filters_sorts_and_paginates(client):
    StructureApplicationFactory.create_batch(55, submitted=True)
    special = StructureApplicationFactory(
        submitted=True, zrr=True, name="Zèbre solidaire", type="association"
    )
    PrefectOpinionFactory(application=special)
    client.force_login(UserFactory(role=Role.PREFECTURE))
    first = client.get(reverse("concertation:list"))
    assert "1 / 2" in first.content.decode()
    assert "56 candidatures" in first.content.decode()
    filtered = client.get(
        reverse("concertation:list"), {"policy": "zrr", "has_opinion": "yes", "type": "association"}
    )
    assert "1 candidature" in filtered.content.decode() and "Zèbre solidaire" in filtered.content.decode()
    none = client.get(reverse("concertation:list"), {"has_opinion": "no", "policy": "zrr"})
    assert "Aucune candidature" in none.content.decode()
    by_name = client.get(reverse("concertation:list"), {"sort": "name"})
    assert by_name.status_code == 200


def test_pending_applications_past_their_wave_are_flagged(client):
    wave = Wave.objects.create(
        name="Vague close",
        opens_on=timezone.localdate() - timezone.timedelta(days=60),
        closes_on=timezone.localdate() - timezone.timedelta(days=1),
        target_posts=10,
    )
    StructureApplicationFactory(submitted=True, wave=wave)
    client.force_login(UserFactory(role=Role.PREFECTURE))
    assert "En attente après clôture" in client.get(reverse("concertation:list")).content.decode()


def test_csv_and_xlsx_exports(client):
    opinion = PrefectOpinionFactory(application__name="Commune d'Yzeure")
    StructureApplicationFactory(submitted=True, name="=HYPERLINK(1)")
    client.force_login(UserFactory(role=Role.PREFECTURE))
    response = client.get(reverse("concertation:export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig")), delimiter=";"))
    assert rows[0][1] == "Structure" and len(rows) == 3
    assert "'=HYPERLINK(1)" in {row[1] for row in rows}
    # Values read from the database, not model objects: labels, related names and the opinion still come out.
    (row,) = [row for row in rows if row[1] == "Commune d'Yzeure"]
    application = opinion.application
    assert row[0] == str(application.pk)
    assert row[3] == application.get_type_display() and row[9] == application.get_status_display()
    assert row[4] == application.commune.name and row[7] == application.departement_id
    assert row[12] == opinion.get_value_display() and row[13] == str(opinion.suggested_posts or "")
    assert row[20] == application.contact_name and row[21] == application.contact_email
    response = client.get(reverse("concertation:export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    assert sheet.max_row == 3
    assert client.get(reverse("concertation:export", args=["pdf"])).status_code == 404


def test_prefect_gives_an_opinion(client, allier_application, django_capture_on_commit_callbacks, mailoutbox):
    agent = UserFactory(role=Role.PREFECTURE)
    client.force_login(agent)
    url = reverse("concertation:opinion", args=[allier_application.pk])
    data = {"value": "favourable", "comment": "Projet cohérent avec le schéma local.", "suggested_posts": "2"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302
    allier_application.refresh_from_db()
    assert allier_application.status == ApplicationStatus.OPINION_GIVEN
    entry = JournalEntry.objects.get(action="application.give_opinion")
    assert entry.before == {"status": "submitted"} and entry.after["opinion"] == "favourable"
    assert entry.actor == agent
    assert mailoutbox[-1].to == ["conseiller-numerique@anct.gouv.fr"]
    again = client.post(url, data)
    assert again.status_code == 400
    assert PrefectOpinion.objects.count() == 1


def test_opinion_comment_under_10_characters_is_shown_next_to_the_field(client, allier_application):
    client.force_login(UserFactory(role=Role.PREFECTURE))
    response = client.post(
        reverse("concertation:opinion", args=[allier_application.pk]),
        {"value": "favourable", "comment": "Bien"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "au moins 10 caractères" in html and 'id="id_comment-error"' in html
    assert "Bien</textarea>" in html
    assert not PrefectOpinion.objects.exists()


def test_anct_decides_and_a_second_decision_is_refused(client, reviewed_application):
    allier_application = reviewed_application
    client.force_login(UserFactory(role=Role.ANCT))
    url = reverse("concertation:decide", args=[allier_application.pk])
    data = {"outcome": "positive", "posts": "2", "committee_date": timezone.localdate().isoformat()}
    assert client.post(url, data).status_code == 302
    allier_application.refresh_from_db()
    assert allier_application.status == ApplicationStatus.ACTIVATED
    again = client.post(url, {**data, "outcome": "negative"})
    assert again.status_code == 400
    assert "impossible" in again.content.decode()
    assert CommitteeDecision.objects.count() == 1


@pytest.mark.parametrize(("posts", "message"), [("", "de 1 à 30"), ("31", "inférieure ou égale à 30")])
def test_decision_posts_are_bounded(client, reviewed_application, posts, message):
    allier_application = reviewed_application
    client.force_login(UserFactory(role=Role.ANCT))
    response = client.post(
        reverse("concertation:decide", args=[allier_application.pk]),
        {"outcome": "positive", "posts": posts, "committee_date": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CommitteeDecision.objects.exists()


def test_batch_decision_for_a_committee_session(client):
    applications = [PrefectOpinionFactory().application for _ in range(3)]
    client.force_login(UserFactory(role=Role.ANCT))
    response = client.post(
        reverse("concertation:decide_batch"),
        {
            "applications": [a.pk for a in applications[:2]],
            "outcome": "negative",
            "committee_date": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    assert CommitteeDecision.objects.filter(outcome="negative").count() == 2
    applications[2].refresh_from_db()
    assert applications[2].status == ApplicationStatus.SUBMITTED


def test_anct_files_an_abandoned_application_with_a_reason(client, role_matrix, allier_application):
    from cnfs.journal.models import JournalEntry

    url = reverse("concertation:abandon", args=[allier_application.pk])
    role_matrix.check(url, {Role.ANCT})
    client.force_login(UserFactory(role=Role.ANCT))
    assert (
        "Classer comme abandonnée"
        in client.get(reverse("concertation:detail", args=[allier_application.pk])).content.decode()
    )
    short = client.post(url, {"reason": "Silence"})
    assert short.status_code == 400
    assert "au moins 10 caractères" in short.content.decode()
    assert "Silence" in short.content.decode()
    allier_application.refresh_from_db()
    assert allier_application.status == ApplicationStatus.SUBMITTED
    client.post(url, {"reason": "La structure ne répond plus depuis trois mois."})
    allier_application.refresh_from_db()
    assert allier_application.status == ApplicationStatus.ABANDONED
    entry = JournalEntry.objects.get(action="application.abandon")
    assert entry.before["status"] == ApplicationStatus.SUBMITTED
    assert entry.after["status"] == ApplicationStatus.ABANDONED
    again = client.post(url, {"reason": "La structure ne répond plus depuis trois mois."})
    assert again.status_code == 400
    assert "impossible" in again.content.decode()


def test_mark_duplicate(client, allier_application):
    copy = StructureApplicationFactory(submitted=True)
    client.force_login(UserFactory(role=Role.ANCT))
    client.post(reverse("concertation:duplicate", args=[copy.pk]), {"original": allier_application.pk})
    copy.refresh_from_db()
    assert copy.status == ApplicationStatus.DUPLICATE and copy.duplicate_of == allier_application


def test_waves_and_gauge(client):
    PrefectOpinionFactory()
    client.force_login(UserFactory(role=Role.ANCT))
    bad = client.post(
        reverse("concertation:waves"),
        {"name": "Vague 9", "opens_on": "2026-03-01", "closes_on": "2026-02-01", "target_posts": "100"},
    )
    assert bad.status_code == 400 and "La clôture doit suivre" in bad.content.decode()
    assert not Wave.objects.exists()
    client.post(
        reverse("concertation:waves"),
        {"name": "Vague 9", "opens_on": "2026-01-01", "closes_on": "2026-02-01", "target_posts": "100"},
    )
    assert Wave.objects.filter(name="Vague 9").exists()
    from cnfs.concertation.workflow import decide

    anct = UserFactory(role=Role.ANCT)
    decide(PrefectOpinionFactory().application, by=anct, outcome="positive", posts=3)
    page = client.get(reverse("concertation:waves")).content.decode()
    assert "3 postes accordés sur 4000" in page


@pytest.mark.parametrize("rows", [1, 30])
def test_national_list_runs_a_constant_number_of_queries(client, django_assert_num_queries, rows, lyon):
    PrefectOpinionFactory.create_batch(rows)
    StructureApplicationFactory.create_batch(rows, submitted=True, commune=lyon)
    client.force_login(UserFactory(role=Role.ANCT))
    client.get(reverse("concertation:list"))
    with django_assert_num_queries(
        11
    ):  # the page's rows, then their posts granted in one query (+ the 2FA device)
        response = client.get(reverse("concertation:list"), {"region": "84"})
    assert response.status_code == 200
    assert "Lyon" in response.content.decode()


def test_national_list_pages_first_then_counts_only_the_visible_rows_posts(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cnfs.concertation.workflow import decide

    anct = UserFactory(role=Role.ANCT)
    StructureApplicationFactory.create_batch(52, submitted=True)
    granted = PrefectOpinionFactory().application
    decide(granted, by=anct, outcome="positive", posts=4)
    client.force_login(anct)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("concertation:list"))
    rows = {a.pk: a.granted for a in response.context["page"].object_list}
    assert len(rows) == 50 and rows.get(granted.pk, 4) == 4
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [s for s in sql if "committeedecision" in s and "SUM(" in s.upper()]  # posts are records now
    (posts_query,) = [s for s in sql if "structures_post" in s]
    ids = posts_query.split(" IN (", 1)[1].split(")", 1)[0].split(",")
    assert len(ids) == 50  # only the page's applications, not the 53
