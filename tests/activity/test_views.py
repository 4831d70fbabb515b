"""The advisor's places: who may open each page, the form (weekly grid or typed string) and what a refused form
leaves behind (nothing), sharing, and what a structure, a préfecture and a hub see."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from cnfs.accounts.roles import Role
from cnfs.activity import standard
from cnfs.activity.models import Place
from cnfs.journal.models import JournalEntry
from tests.activity.factories import make_place, moulins
from tests.factories import DepartementFactory, HubFactory, UserFactory
from tests.recruitment.factories import structure_user

pytestmark = pytest.mark.django_db

SCOPE_ROLES = {Role.STRUCTURE, Role.PREFECTURE, Role.HUB, Role.ANCT}


def form_data(**overrides):
    data = {
        "name": "Mairie annexe",
        "address": "12 rue de Paris",
        "commune": "03000",
        "postal_code": "",
        "siret": "",
        "rna": "",
        "opening_hours": "",
        "services": [standard.SERVICES[0][0], standard.SERVICES[1][0]],
        "access_modes": ["Se présenter", "Téléphoner"],
        "fees": ["Gratuit"],
        "mobility": standard.FIXED,
        "visible": "on",
    }
    for day in ("mo", "tu", "we", "th", "fr"):
        data[f"h_{day}_0_start"], data[f"h_{day}_0_end"] = "09:00", "12:00"
        data[f"h_{day}_1_start"], data[f"h_{day}_1_end"] = "14:00", "17:00"
    data.update(overrides)
    return data


def test_advisor_pages(matrix, place):
    matrix.check(reverse("activity:my_places"), {Role.ADVISOR})
    matrix.check(reverse("activity:place_create"), {Role.ADVISOR})
    matrix.check(reverse("activity:place_edit", args=[place.pk]), {Role.ADVISOR})
    matrix.check(reverse("activity:place_share", args=[place.pk]), {Role.ADVISOR})


def test_scope_page(matrix, place):
    matrix.check(reverse("activity:scope_places"), SCOPE_ROLES)


def test_another_advisors_place_is_not_found(client, place, other_advisor):
    client.force_login(other_advisor.candidate.user)
    for name in ("place_edit", "place_share"):
        assert client.get(reverse(f"activity:{name}", args=[place.pk])).status_code == 404
        assert client.post(reverse(f"activity:{name}", args=[place.pk]), form_data()).status_code == 404
    response = client.get(reverse("activity:my_places"))
    assert place.name not in response.text
    place.refresh_from_db()
    assert place.name == "Médiathèque de Moulins"


def test_an_advisor_without_an_advisor_record_cannot_create(client):
    client.force_login(UserFactory(role=Role.ADVISOR))
    assert client.get(reverse("activity:my_places")).status_code == 200
    assert client.get(reverse("activity:place_create")).status_code == 403


def test_the_advisor_creates_a_place_with_the_weekly_grid(client, advisor):
    moulins()
    client.force_login(advisor.candidate.user)
    response = client.post(reverse("activity:place_create"), form_data())
    assert response.status_code == 302, response.context["form"].errors
    place = Place.objects.get()
    assert place.opening_hours == "Mo-Fr 09:00-12:00,14:00-17:00"
    assert place.commune_id == "03190" and place.postal_code == "03000"
    assert (place.latitude, place.longitude) == (46.5646, 3.3326)
    assert list(place.advisors.all()) == [advisor]
    assert place.structure == advisor.structure
    entry = JournalEntry.objects.get(action="place.created")
    assert entry.actor == advisor.candidate.user
    assert entry.after == {"advisor": advisor.pk, "commune": "03190", "visible": True}


def test_a_typed_string_is_accepted_and_the_grid_shows_it_back(client, advisor):
    moulins()
    client.force_login(advisor.candidate.user)
    data = {
        k: v
        for k, v in form_data(opening_hours="Tu,Th 14:00-18:00; Aug off").items()
        if not k.startswith("h_")
    }
    assert client.post(reverse("activity:place_create"), data).status_code == 302
    place = Place.objects.get()
    assert place.opening_hours == "Tu,Th 14:00-18:00; Aug off"
    # Editing: the grid cannot say "Aug off", so it stays empty and the text keeps the string.
    response = client.get(reverse("activity:place_edit", args=[place.pk]))
    assert 'value="Tu,Th 14:00-18:00; Aug off"' in response.text
    # Changing the grid only replaces the string.
    data = form_data(opening_hours=place.opening_hours)
    response = client.post(reverse("activity:place_edit", args=[place.pk]), data)
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.opening_hours == "Mo-Fr 09:00-12:00,14:00-17:00"
    entry = JournalEntry.objects.get(action="place.updated")
    assert entry.after == {"fields": ["opening_hours"], "visible": True}


def test_the_grid_says_closed_on_public_holidays(client, advisor):
    moulins()
    client.force_login(advisor.candidate.user)
    assert client.post(reverse("activity:place_create"), form_data(holidays_closed="on")).status_code == 302
    place = Place.objects.get()
    assert place.opening_hours == "Mo-Fr 09:00-12:00,14:00-17:00; PH off"
    response = client.get(reverse("activity:place_edit", args=[place.pk]))
    assert response.context["form"]["holidays_closed"].value() is True
    assert response.context["form"]["h_mo_1_end"].value().strftime("%H:%M") == "17:00"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"opening_hours": "du lundi au vendredi 9h-12h", "h_mo_0_start": "", "h_mo_0_end": ""},
            "opening_hours",
            "format OpenStreetMap",
        ),
        ({"commune": "Ville-qui-n-existe-pas"}, "commune", "Aucune commune ne correspond"),
        ({"commune": "99999"}, "commune", "Aucune commune ne correspond"),
        ({"name": "Mairie\x00annexe"}, "name", "caractère nul"),
        ({"address": "12 rue\x00"}, "address", "caractère nul"),
        ({"services": []}, "services", "au moins un service"),
        ({"siret": "21030190500012"}, "siret", "clé de contrôle"),
        ({"siret": "1234"}, "siret", "14 chiffres"),
        ({"rna": "12345"}, "rna", "RNA"),
        ({"postal_code": "75001"}, "postal_code", "n'est pas celui de Moulins"),
        ({"h_mo_0_end": ""}, "h_mo_0_end", "l'heure de fermeture"),
        ({"h_mo_0_start": "13:00"}, "h_mo_0_end", "suit l'heure d'ouverture"),
        ({"h_tu_1_start": "11:00"}, "h_tu_1_start", "après la fin de la matinée"),
        ({"h_we_0_start": "25:99"}, "h_we_0_start", "Saisissez une heure"),
        ({"mobility": "Volant"}, "mobility", "choix valide"),
        ({"services": ["Service inventé"]}, "services", "choix valide"),
        ({"opening_hours": "Sa 09:00-12:00"}, "opening_hours", "ne disent pas la même chose"),
    ],
)
def test_bad_input_is_answered_next_to_the_field_and_nothing_is_saved(
    client, advisor, overrides, field, message
):
    moulins()
    client.force_login(advisor.candidate.user)
    response = client.post(reverse("activity:place_create"), form_data(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    assert escape(message) in response.text  # shown on the page, not only in the form object
    assert 'value="12 rue de Paris"' in response.text or field == "address"  # the input is kept
    assert not Place.objects.exists()
    assert not JournalEntry.objects.filter(action__startswith="place.").exists()


def test_a_visible_place_without_service_is_refused_by_the_database_too(advisor, place):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Place.objects.filter(pk=place.pk).update(services=[])
    Place.objects.filter(pk=place.pk).update(visible=False)
    Place.objects.filter(pk=place.pk).update(services=[])  # hidden: allowed
    with pytest.raises(IntegrityError), transaction.atomic():
        Place.objects.filter(pk=place.pk).update(visible=True)


def test_the_database_refuses_a_malformed_siret(place):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Place.objects.filter(pk=place.pk).update(siret="abc")


def test_sharing_a_place_with_another_advisor(client, advisor, other_advisor, place):
    client.force_login(advisor.candidate.user)
    url = reverse("activity:place_share", args=[place.pk])
    response = client.post(url, {"email": "personne@inconnue.fr"})
    assert "Aucun conseiller numérique en poste" in response.text
    response = client.post(url, {"email": advisor.candidate.user.email})
    assert "votre propre adresse" in response.text
    response = client.post(url, {"email": other_advisor.candidate.user.email.upper()})
    assert response.status_code == 302
    assert set(place.advisors.all()) == {advisor, other_advisor}
    response = client.post(url, {"email": other_advisor.candidate.user.email})
    assert "tient déjà ce lieu" in response.text
    assert JournalEntry.objects.filter(action="place.shared").count() == 1
    # The other advisor now sees and edits it; each one's place list shows it.
    client.force_login(other_advisor.candidate.user)
    assert place.name in client.get(reverse("activity:my_places")).text
    assert client.get(reverse("activity:place_edit", args=[place.pk])).status_code == 200


def test_a_structure_sees_its_advisors_places_only(client, advisor, other_advisor, place):
    other_place = make_place(other_advisor, name="Espace numérique de Vichy")
    client.force_login(structure_user(advisor.structure))
    response = client.get(reverse("activity:scope_places"))
    assert place.name in response.text and other_place.name not in response.text
    # A place of another structure shared with one of its advisors is listed too.
    from cnfs.activity.services import share_place

    share_place(other_place, advisor, by=other_advisor.candidate.user)
    assert other_place.name in client.get(reverse("activity:scope_places")).text


def test_a_prefecture_and_a_hub_see_their_departements_places(client, place):
    elsewhere = DepartementFactory(code="69", name="Rhône")
    client.force_login(UserFactory(role=Role.PREFECTURE, role__departement=elsewhere))
    assert place.name not in client.get(reverse("activity:scope_places")).text
    hub = HubFactory()
    hub.departements.set([place.commune.departement])
    client.force_login(UserFactory(role=Role.HUB, role__hub=hub))
    assert place.name in client.get(reverse("activity:scope_places")).text


def test_the_scope_list_has_constant_queries(client, advisor, django_assert_max_num_queries):
    for n in range(12):
        make_place(advisor, name=f"Lieu {n}")
    client.force_login(UserFactory(role=Role.ANCT))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("activity:scope_places"))
    assert "12 lieux" in response.text


def test_leaving_a_shared_place(client, advisor, other_advisor, place):
    from cnfs.activity.services import share_place

    url = reverse("activity:place_leave", args=[place.pk])
    client.force_login(other_advisor.candidate.user)
    assert client.post(url).status_code == 404  # not theirs yet
    client.force_login(advisor.candidate.user)
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "seul conseiller de ce lieu" in response.text
    assert list(place.advisors.all()) == [advisor]
    share_place(place, other_advisor, by=advisor.candidate.user)
    response = client.post(url, follow=True)
    assert f"Vous ne tenez plus le lieu « {place.name} »" in response.text
    assert list(place.advisors.all()) == [other_advisor]
    assert JournalEntry.objects.filter(action="place.left", object_id=str(place.pk)).count() == 1
    assert client.get(reverse("activity:place_edit", args=[place.pk])).status_code == 404


def test_the_leave_action_is_for_advisors_only(matrix, place):
    matrix.check(reverse("activity:place_leave", args=[place.pk]), {Role.ADVISOR}, method="post", ok=302)


def test_every_place_is_held_by_an_advisor(place):
    from cnfs.core.consistency import run_checks

    results = {r.check.name: r for r in run_checks()}
    assert results["activity.place_held"].ok
    place.advisors.clear()
    assert [r.ids for r in run_checks() if r.check.name == "activity.place_held"] == [[place.pk]]


def test_a_double_submit_creates_one_place(client, advisor):
    moulins()
    client.force_login(advisor.candidate.user)
    assert client.post(reverse("activity:place_create"), form_data()).status_code == 302
    response = client.post(reverse("activity:place_create"), form_data(name="MAIRIE ANNEXE"))
    assert response.status_code == 200
    assert "Un lieu de ce nom existe déjà à cette adresse" in response.context["form"].errors["name"][0]
    assert Place.objects.count() == 1
    assert JournalEntry.objects.filter(action="place.created").count() == 1


def test_renaming_onto_another_place_is_refused(client, advisor, place):
    other = make_place(advisor, name="Mairie", address=place.address)
    client.force_login(advisor.candidate.user)
    data = form_data(name=place.name, address=place.address, commune="03000")
    response = client.post(reverse("activity:place_edit", args=[other.pk]), data)
    assert response.status_code == 200
    assert "existe déjà à cette adresse" in response.text
    other.refresh_from_db()
    assert other.name == "Mairie"
