"""The public API (/api/v1/): open data without login, cursor pagination, filters, problem details, rate limit, and
the funnel behind a scoped token."""

import json
from datetime import date, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from cnfs.accounts.roles import Role
from cnfs.api import tokens
from cnfs.api.models import ApiScope
from cnfs.statistics import indicators
from cnfs.structures.models import PostStatus
from cnfs.structures.services import extend_deadline
from tests.factories import CommuneFactory, DepartementFactory, UserFactory
from tests.funding.factories import hired_match
from tests.recruitment.factories import activated_structure

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def get(client, path, **headers):
    response = client.get(path, headers=headers)
    return response, json.loads(response.content)


def puy_de_dome(**kwargs):
    departement = DepartementFactory(code="63", name="Puy-de-Dôme")
    commune = CommuneFactory(insee_code="63113", name="Clermont-Ferrand", departement=departement)
    return activated_structure(commune=commune, latitude=45.78, longitude=3.08, **kwargs)


def bearer(key):
    return {"Authorization": f"Bearer {key}"}


def issue(scopes=(ApiScope.FUNNEL,), departements=(), **kwargs):
    return tokens.issue(
        partner="Région test",
        scopes=scopes,
        departements=departements,
        by=UserFactory(role=Role.ANCT),
        **kwargs,
    )


def test_structures_are_open_data_with_their_posts_and_no_contact(client):
    structure = activated_structure(posts=3)
    response, body = get(client, "/api/v1/structures")
    assert response.status_code == 200
    (row,) = body["results"]
    assert row["id"] == structure.pk and row["departement"] == "03" and row["postes_attribues"] == 3
    assert row["postes_pourvus"] == 0 and body["next"] is None
    assert not any("contact" in key or "email" in key for key in row)


def test_pages_follow_the_cursor_without_repeating_or_losing_a_row(client):
    ids = sorted(activated_structure(posts=1).pk for _ in range(5))
    seen, url = [], "/api/v1/structures?limit=2"
    while url:
        response, body = get(client, url)
        assert response.status_code == 200
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert seen == ids


def test_a_bad_cursor_or_parameter_is_a_problem_in_french(client):
    for query in ("cursor=zz", "cursor=WzEsMl0", "cursor=%00", "limit=0", "limit=501", "departement=ZZ"):
        response, body = get(client, f"/api/v1/structures?{query}")
        assert response.status_code == 400, query
        assert response["Content-Type"] == PROBLEM
        assert body["status"] == 400 and body["title"] == "Requête invalide" and body["detail"]
    _, body = get(client, "/api/v1/structures?limit=0&departement=ZZ")
    assert {e["parametre"] for e in body["errors"]} == {"limit", "departement"}
    assert "au moins 1" in json.dumps(body["errors"], ensure_ascii=False)


def test_an_unknown_territory_is_not_found(client):
    response, body = get(client, "/api/v1/postes?departement=99")
    assert response.status_code == 404 and response["Content-Type"] == PROBLEM
    assert "99" in body["detail"]
    assert get(client, "/api/v1/postes?region=00")[0].status_code == 404


def test_territory_filters(client):
    allier = activated_structure(posts=1)
    auvergne = puy_de_dome(posts=1)
    _, body = get(client, "/api/v1/structures?departement=63")
    assert [r["id"] for r in body["results"]] == [auvergne.pk]
    _, body = get(client, f"/api/v1/structures?region={allier.departement.region_id}")
    assert {r["id"] for r in body["results"]} == {allier.pk, auvergne.pk}  # same région in the factories


def test_updated_since_follows_a_deadline_extension(client, time_machine):
    time_machine.move_to("2026-03-01 10:00:00+01:00", tick=False)
    structure = activated_structure(posts=2)
    first, second = structure.posts.order_by("pk")
    time_machine.move_to("2026-03-10 10:00:00+01:00", tick=False)
    extend_deadline(
        first, by=UserFactory(role=Role.ANCT), deadline=first.deadline + timedelta(days=30), reason="x"
    )
    response, body = get(client, "/api/v1/postes?modifie_depuis=2026-03-05T00:00:00")
    assert response.status_code == 200
    assert [r["id"] for r in body["results"]] == [first.pk]
    _, body = get(client, "/api/v1/postes?modifie_depuis=2026-02-01T00:00:00%2B01:00")
    assert [r["id"] for r in body["results"]] == [first.pk, second.pk]


def test_post_status_filter_and_hostile_dates(client):
    match = hired_match()
    _, body = get(client, "/api/v1/postes?statut=occupied")
    assert [r["id"] for r in body["results"]] == [match.post_id]
    assert body["results"][0]["statut_libelle"] == "Pourvu"
    assert get(client, "/api/v1/postes?statut=nope")[0].status_code == 400
    assert get(client, "/api/v1/postes?modifie_depuis=0.5")[0].status_code == 400  # no Unix timestamps
    for value in ("9999-12-31T23:59:59", "0001-01-01T00:00:00", "2026-13-01T00:00:00", "demain"):
        response = client.get(f"/api/v1/postes?modifie_depuis={value}")
        assert response.status_code in (200, 400), value
        assert response["Content-Type"].startswith("application/"), value


def test_monthly_statistics_come_from_the_indicators(client, time_machine):
    time_machine.move_to("2026-04-15 10:00:00+02:00", tick=False)
    hired_match(posts=2)
    puy_de_dome(posts=3)
    _, body = get(client, "/api/v1/statistiques/mensuelles?depuis=2026-04&jusqu_a=2026-04")
    by_departement = {row["departement"]: row for row in body["results"]}
    assert by_departement["03"] == {
        "departement": "03",
        "mois": "2026-04",
        "structures_activees": 1,
        "postes_attribues": 2,
        "recrutements": 1,
    }
    assert by_departement["63"]["postes_attribues"] == 3 and by_departement["63"]["recrutements"] == 0
    _, body = get(client, "/api/v1/statistiques/mensuelles?depuis=2026-05")
    assert body["results"] == []
    response, body = get(client, "/api/v1/statistiques/mensuelles?depuis=2026-05&jusqu_a=2026-01")
    assert response.status_code == 400 and "précéder" in body["detail"]
    assert get(client, "/api/v1/statistiques/mensuelles?depuis=2026-13")[0].status_code == 400
    _, page = get(client, "/api/v1/statistiques/mensuelles?limit=1")
    _, rest = get(client, page["next"])
    assert [r["departement"] for r in page["results"] + rest["results"]] == ["03", "63"]


def test_the_funnel_needs_a_token_with_its_scope(client):
    hired_match()
    response, body = get(client, "/api/v1/recrutement/entonnoir")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"
    assert response["Content-Type"] == PROBLEM
    assert get(client, "/api/v1/recrutement/entonnoir", **bearer("cnfs_nope"))[0].status_code == 401
    _, key = issue(scopes=[ApiScope.ACTIVITY])
    response, body = get(client, "/api/v1/recrutement/entonnoir", **bearer(key))
    assert response.status_code == 403 and "Entonnoir" in body["detail"]
    _, key = issue()
    response, body = get(client, "/api/v1/recrutement/entonnoir", **bearer(key))
    assert response.status_code == 200
    (row,) = body["results"]
    assert row["departement"] == "03" and row["recrutements"] == 1 and row["postes_attribues"] == 2
    assert row["conseillers_en_poste"] == 1 and row["postes_a_pourvoir"] == 1


def test_a_token_sees_its_departements_only(client):
    hired_match()
    puy_de_dome(posts=2)
    _, key = issue(departements=[DepartementFactory(code="63", name="Puy-de-Dôme")])
    _, body = get(client, "/api/v1/recrutement/entonnoir", **bearer(key))
    assert [row["departement"] for row in body["results"]] == ["63"]
    response, body = get(client, "/api/v1/recrutement/entonnoir?departement=03", **bearer(key))
    assert response.status_code == 404 and "périmètre" in body["detail"]
    _, everywhere = issue()
    _, body = get(client, "/api/v1/recrutement/entonnoir", **bearer(everywhere))
    assert [row["departement"] for row in body["results"]] == ["03", "63"]


def test_revoked_and_expired_tokens_are_refused(client, time_machine):
    time_machine.move_to("2026-05-01 10:00:00+02:00", tick=False)
    token, key = issue(expires_at=timezone.now() + timedelta(days=1))
    assert get(client, "/api/v1/recrutement/entonnoir", **bearer(key))[0].status_code == 200
    time_machine.move_to("2026-05-02 10:00:01+02:00", tick=False)
    assert get(client, "/api/v1/recrutement/entonnoir", **bearer(key))[0].status_code == 401
    token, key = issue()
    tokens.revoke(token, by=UserFactory(role=Role.ANCT))
    assert get(client, "/api/v1/recrutement/entonnoir", **bearer(key))[0].status_code == 401


def test_the_funnel_counts_what_the_recruitment_left_behind(time_machine):
    """Posts granted, a hire, a free post whose deadline is within the at-risk window."""
    time_machine.move_to("2026-01-10 10:00:00+01:00", tick=False)
    match = hired_match(posts=3)
    free = match.structure.posts.filter(status=PostStatus.FREE).order_by("pk")
    (row,) = indicators.funnel(today=min(p.deadline for p in free) - timedelta(days=15))
    assert row.counts["posts_granted"] == 3 and row.counts["hires"] == 1
    assert row.counts["open_posts"] == 2 and row.counts["deadlines_at_risk"] >= 1
    (row,) = indicators.funnel(today=min(p.deadline for p in free) - timedelta(days=16))
    assert row.counts["deadlines_at_risk"] == 0
    assert indicators.funnel(["63"]) == []


@override_settings(
    CNFS_RATE_LIMITS={"api_client": (2, timedelta(hours=1)), "api_token": (1, timedelta(hours=1))}
)
def test_clients_are_rate_limited_with_retry_after(client):
    assert client.get("/api/v1/structures").status_code == 200
    assert client.get("/api/v1/structures").status_code == 200
    response, body = get(client, "/api/v1/structures")
    assert response.status_code == 429 and response["Content-Type"] == PROBLEM
    assert 0 < int(response["Retry-After"]) <= 3600
    _, key = issue()
    assert get(client, "/api/v1/recrutement/entonnoir", **bearer(key))[0].status_code == 200
    assert get(client, "/api/v1/recrutement/entonnoir", **bearer(key))[0].status_code == 429


def test_the_openapi_document_describes_problems_and_the_bearer_scheme(client):
    response, schema = get(client, "/api/v1/openapi.json")
    assert response.status_code == 200 and schema["openapi"].startswith("3.")
    funnel = schema["paths"]["/api/v1/recrutement/entonnoir"]["get"]
    assert funnel["security"] and set(funnel["responses"]) >= {"200", "400", "401", "403", "404", "429"}
    assert list(funnel["responses"]["401"]["content"]) == [PROBLEM]
    assert list(schema["paths"]["/api/v1/structures"]["get"]["responses"]["200"]["content"]) == [
        "application/json"
    ]


def test_the_documentation_page_is_public_and_lists_every_endpoint(client):
    response = client.get("/api/")
    assert response.status_code == 200
    text = response.content.decode()
    for path in ("/api/v1/structures", "/api/v1/postes", "/api/v1/statistiques/mensuelles"):
        assert path in text
    assert "Jeton requis" in text and "/api/v1/openapi.json" in text


def test_the_key_is_never_stored_nor_journaled():
    from cnfs.api.models import ApiToken
    from cnfs.journal.models import JournalEntry

    token, key = issue(departements=[DepartementFactory()], expires_at=timezone.now() + timedelta(days=30))
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert key not in json.dumps(stored, default=str)
    assert key.startswith(stored["prefix"]) and len(stored["prefix"]) < len(key) // 4
    entry = JournalEntry.objects.get(action="api_token.issued")
    assert key not in json.dumps([entry.before, entry.after])
    assert entry.after["scopes"] == ["funnel"] and entry.after["departements"] == ["03"]
    assert date.fromisoformat(entry.after["expires_at"][:10]) > timezone.localdate()
