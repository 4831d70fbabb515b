"""The public map: no login, a commune or a postal code, the nearest visible places by distance, "ouvert maintenant",
the place page, and a map that only adds to the list (tiles allowed by the CSP of these pages only)."""

import pytest
from django.urls import reverse

from cnfs.activity import services
from cnfs.activity.models import Place
from cnfs.activity.nearby import nearest_places
from cnfs.territories.geo import distance_km
from cnfs.territories.models import PostalCode
from tests.activity.factories import make_place, moulins, place_values
from tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def commune(code, name, lat, lon, postal_code):
    created = CommuneFactory(insee_code=code, name=name, latitude=lat, longitude=lon)
    PostalCode.objects.get_or_create(code=postal_code, commune=created)
    return created


@pytest.fixture
def towns():
    return {
        "moulins": moulins(),
        "yzeure": commune("03321", "Yzeure", 46.5657, 3.3546, "03400"),
        "vichy": commune("03310", "Vichy", 46.1279, 3.4255, "03200"),
        "montlucon": commune("03185", "Montluçon", 46.3402, 2.6036, "03100"),
    }


def test_the_map_needs_no_login_and_answers_a_postal_code_with_the_nearest_places(client, advisor, towns):
    far = make_place(advisor, name="Espace Montluçon", commune=towns["montlucon"], postal_code="03100")
    near = make_place(advisor, name="Mairie d'Yzeure", commune=towns["yzeure"], postal_code="03400")
    middle = make_place(advisor, name="Médiathèque de Vichy", commune=towns["vichy"], postal_code="03200")
    hidden = make_place(advisor, name="Bureau fermé au public", visible=False, services=[])
    response = client.get(reverse("activity:map"), {"commune": "03000"})
    assert response.status_code == 200
    text = response.text
    assert text.index(near.name.replace("'", "&#x27;")) < text.index(middle.name) < text.index(far.name)
    assert hidden.name not in text
    places = response.context["result"].places
    assert [p.pk for p in places] == [near.pk, middle.pk, far.pk]
    expected = distance_km(46.5646, 3.3326, 46.1279, 3.4255)
    assert places[1].distance_km == pytest.approx(expected, abs=1e-6)
    assert f"à {expected:.1f} km".replace(".", ",") in text


def test_a_commune_name_works_too_and_an_unknown_one_is_answered(client, towns, advisor):
    make_place(advisor)
    response = client.get(reverse("activity:map"), {"commune": "Moulins"})
    assert "Médiathèque de Moulins" in response.text
    response = client.get(reverse("activity:map"), {"commune": "Nullepart-sur-Mer"})
    assert response.status_code == 200
    assert "Aucune commune ne correspond" in response.text
    response = client.get(reverse("activity:map"), {"commune": "Mou\x00lins"})
    assert response.status_code == 200
    assert "caractère nul" in response.text


def test_a_postal_code_shared_by_several_communes_centres_on_the_most_populated(client, advisor, towns):
    avermes = commune("03013", "Avermes", 46.5869, 3.3075, "03000")
    avermes.population = 3800
    avermes.save()
    make_place(advisor)
    response = client.get(reverse("activity:map"), {"commune": "03000"})
    assert response.context["commune"] == towns["moulins"]
    assert "Médiathèque de Moulins" in response.text


def test_the_radius_widens_until_enough_places_are_found(advisor, towns):
    for n in range(3):
        make_place(advisor, name=f"Lieu {n}", commune=towns["montlucon"], postal_code="03100")
    result = nearest_places(46.5646, 3.3326, limit=2)
    assert len(result.places) == 2 and result.radius_km == 100  # Montluçon is 57 km from Moulins
    assert nearest_places(46.5646, 3.3326, limit=5).radius_km == 250


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        ("2026-11-27 08:59:59+01:00", "Fermé maintenant"),
        ("2026-11-27 09:00:00+01:00", "Ouvert maintenant"),
        ("2026-11-27 11:59:59+01:00", "Ouvert maintenant"),
        ("2026-11-27 12:00:00+01:00", "Fermé maintenant"),
        ("2026-11-28 10:00:00+01:00", "Fermé maintenant"),  # Saturday
    ],
)
def test_open_now_is_shown_from_the_hours_at_the_boundary(
    client, advisor, towns, time_machine, moment, shown
):
    make_place(advisor, opening_hours="Mo-Fr 09:00-12:00")
    time_machine.move_to(moment, tick=False)
    response = client.get(reverse("activity:map"), {"commune": "03000"})
    other = {"Fermé maintenant": "Ouvert maintenant", "Ouvert maintenant": "Fermé maintenant"}[shown]
    assert shown in response.text and other not in response.text


def test_the_place_page(client, place, time_machine):
    time_machine.move_to("2026-11-27 10:00:00+01:00", tick=False)
    response = client.get(reverse("activity:public_place", args=[place.pk]))
    assert response.status_code == 200
    assert "Ouvert maintenant" in response.text
    assert "Ferme le vendredi 27 novembre à 12:00" in response.text
    assert "Lundi" in response.text and "09:00–12:00, 14:00–17:00" in response.text
    Place.objects.filter(pk=place.pk).update(visible=False)
    assert client.get(reverse("activity:public_place", args=[place.pk])).status_code == 404
    assert client.get(reverse("activity:public_place", args=[99999])).status_code == 404


def test_the_map_pages_allow_the_tile_server_in_their_csp_only(client, place, settings):
    settings.CNFS_MAP_TILES_URL = "https://tuiles.exemple.fr/{z}/{x}/{y}.png"
    response = client.get(reverse("activity:map"), {"commune": "03000"})
    assert "img-src 'self' data: https://tuiles.exemple.fr" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert 'data-tiles-url="https://tuiles.exemple.fr/{z}/{x}/{y}.png"' in response.text
    assert "<script>" not in response.text  # no inline script
    assert "/static/vendor/leaflet/leaflet.js" in response.text
    other = client.get(reverse("activity:open_data"))
    assert "tuiles.exemple.fr" not in other["Content-Security-Policy"]


@pytest.mark.django_db
def test_ten_thousand_places_are_searched_through_the_bounding_box(
    advisor, towns, django_assert_max_num_queries
):
    """10,000 visible places spread over mainland France: a search reads a few rows per radius, not the table."""
    import random

    from django.utils import timezone

    rng = random.Random(11)
    base = Place.objects.get(pk=make_place(advisor).pk)
    rows = []
    for n in range(10_000):
        rows.append(
            Place(
                name=f"Lieu {n}",
                address="1 rue",
                commune=towns["moulins"],
                postal_code="03000",
                latitude=rng.uniform(42.5, 51),
                longitude=rng.uniform(-4.5, 7.5),
                services=base.services,
                visible=True,
                structure=base.structure,
                created_by=base.created_by,
                updated_at=timezone.now(),
            )
        )
    Place.objects.bulk_create(rows, batch_size=2000)
    Holding = Place.advisors.through
    Holding.objects.bulk_create([Holding(place=p, advisor=advisor) for p in rows], batch_size=2000)
    with django_assert_max_num_queries(5):
        result = nearest_places(46.5646, 3.3326)
    distances = [p.distance_km for p in result.places]
    assert len(distances) == 20 and distances == sorted(distances)
    # The twenty nearest indeed: none of the other places is closer than the farthest listed.
    listed = {p.pk for p in result.places}
    closer = [
        p
        for p in Place.objects.public().exclude(pk__in=listed).values_list("latitude", "longitude")
        if distance_km(46.5646, 3.3326, *p) < distances[-1]
    ]
    assert closer == []


def test_values_go_through_the_service_for_hidden_places_without_service(advisor, towns):
    place = services.create_place(
        advisor, place_values(visible=False, services=[]), by=advisor.candidate.user
    )
    assert not place.visible and place.services == []


def test_the_public_pages_answer_every_role_and_anonymous_visitors(matrix, place):
    from cnfs.accounts.roles import Role

    for url in (
        reverse("activity:map") + "?commune=03000",
        reverse("activity:public_place", args=[place.pk]),
        reverse("activity:open_data"),
        reverse("activity:open_data_csv"),
        reverse("activity:open_data_json"),
        reverse("activity:open_data_data_inclusion"),
    ):
        matrix.check(url, set(Role), public=True)


@pytest.mark.parametrize(
    "query",
    [
        {"commune": "a" * 5000},
        {"commune": "Moulins", "commune_insee": "'; DROP TABLE activity_place; --"},
        {"commune": "\x01\x02"},
        {"commune": ""},
        {"commune_insee": "99999"},
    ],
)
def test_hostile_searches_get_a_page_with_a_message(client, towns, query):
    response = client.get(reverse("activity:map"), query)
    assert response.status_code == 200
    assert response.context["result"] is None or response.context["commune"] == towns["moulins"]


def test_a_place_whose_advisors_all_left_is_off_the_map(client, advisor, other_advisor, towns):
    from django.utils import timezone

    from cnfs.activity.services import share_place
    from cnfs.recruitment.models import Advisor, AdvisorStatus

    alone = make_place(advisor, name="Permanence de la mairie")
    shared = make_place(advisor, name="Espace partagé")
    share_place(shared, other_advisor, by=advisor.candidate.user)
    # The contract ended (the termination itself is the funding app's; only its outcome matters here).
    Advisor.objects.filter(pk=advisor.pk).update(
        status=AdvisorStatus.TERMINATED, terminated_at=timezone.now()
    )
    response = client.get(reverse("activity:map"), {"commune": "03000"})
    assert [p.pk for p in response.context["result"].places] == [shared.pk]
    assert client.get(reverse("activity:public_place", args=[alone.pk])).status_code == 404
    csv_text = b"".join(client.get(reverse("activity:open_data_csv")).streaming_content).decode()
    assert "Espace partagé" in csv_text and "Permanence de la mairie" not in csv_text
