import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cnfs.concertation.models import ApplicationStatus, StructureApplication
from tests.factories import CommuneFactory, StructureApplicationFactory, WaveFactory, valid_siret

pytestmark = pytest.mark.django_db


def identity(**overrides):
    return {
        "type": "commune",
        "siret": valid_siret(900),
        "name": "Commune de Moulins",
        "usual_name": "",
        "address": "Place de l'Hôtel de Ville",
        "commune": "Moulins (03)",
        "commune_insee": "03190",
        **overrides,
    }


CONTACT = {
    "contact_first_name": "Marie",
    "contact_last_name": "Lefèvre",
    "contact_job_title": "DGS",
    "contact_email": "marie.lefevre@moulins.fr",
    "contact_phone": "04 70 00 00 00",
}


def project(**overrides):
    return {
        "advisors_wanted": "2",
        "start_date": (timezone.localdate() + timezone.timedelta(days=30)).isoformat(),
        "missions": ["daily_uses", "procedures"],
        "add_place": "Moulins (03)",
        "qpv": "on",
        **overrides,
    }


MOTIVATION = {"motivation": "Accompagner les habitants éloignés du numérique."}
COMMITMENTS = dict.fromkeys(
    [
        "commit_recruit",
        "commit_training",
        "commit_missions",
        "commit_means",
        "commit_follow_up",
        "commit_full_time",
        "commit_free",
        "commit_meetings",
    ],
    "on",
)


@pytest.fixture
def moulins():
    return CommuneFactory()


def test_a_structure_applies_confirms_its_email_and_the_application_is_transmitted(
    client, moulins, django_capture_on_commit_callbacks, mailoutbox
):
    WaveFactory()  # a wave is open: the application enters it
    response = client.post(reverse("concertation:start"), identity())
    application = StructureApplication.objects.get()
    assert response.url == reverse("concertation:step", args=[application.public_id, 2])
    for number, data in [(2, CONTACT), (3, project()), (4, MOTIVATION), (5, COMMITMENTS)]:
        response = client.post(reverse("concertation:step", args=[application.public_id, number]), data)
        assert response.status_code == 302, response.content.decode()[:3000]
    application.refresh_from_db()
    assert application.last_step == 5
    assert application.latitude == moulins.latitude
    assert list(application.place_communes.all()) == [moulins]
    summary = client.get(reverse("concertation:summary", args=[application.public_id]))
    assert "Et ensuite ?" in summary.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("concertation:transmit", args=[application.public_id]))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    link = re.search(r"http://testserver(/candidatures/confirmer/\S+)", mailoutbox[-1].body).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(link)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.email_confirmed_at is not None
    assert "transmise au préfet" in mailoutbox[-1].subject
    # Once transmitted, the form steps are closed.
    step = client.get(reverse("concertation:step", args=[application.public_id, 1]))
    assert step.url == reverse("concertation:summary", args=[application.public_id])


def test_a_tampered_confirmation_link_is_refused(client):
    assert client.get(reverse("concertation:confirm", args=["abc"])).status_code == 400


def test_a_step_cannot_be_skipped(client, moulins):
    client.post(reverse("concertation:start"), identity())
    application = StructureApplication.objects.get()
    response = client.get(reverse("concertation:step", args=[application.public_id, 4]))
    assert response.url == reverse("concertation:step", args=[application.public_id, 2])


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        ("1234", "14 chiffres"),
        ("21030190500012", "clé de contrôle"),
    ],
)
def test_invalid_siret_is_refused_next_to_the_field(client, moulins, siret, message):
    response = client.post(reverse("concertation:start"), identity(siret=siret, name="Ma commune"))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'id="id_siret-error"' in html
    assert 'value="Ma commune"' in html
    assert not StructureApplication.objects.exists()


def test_a_duplicate_siret_says_where_the_first_application_stands(client, moulins):
    first = StructureApplicationFactory(submitted=True, name="Mairie de Moulins")
    response = client.post(reverse("concertation:start"), identity(siret=first.siret))
    html = response.content.decode()
    assert response.status_code == 400
    assert "déjà en cours" in html and "Transmise au préfet" in html
    assert StructureApplication.objects.count() == 1


def test_start_date_in_the_past_is_refused(client):
    application = StructureApplicationFactory(last_step=2)
    data = project(start_date=(timezone.localdate() - timezone.timedelta(days=1)).isoformat())
    response = client.post(reverse("concertation:step", args=[application.public_id, 3]), data)
    assert response.status_code == 400
    assert "aujourd&#x27;hui ou plus tard" in response.content.decode()
    application.refresh_from_db()
    assert application.last_step == 2


def test_unknown_place_commune_is_reported(client, moulins):
    application = StructureApplicationFactory(last_step=2)
    response = client.post(
        reverse("concertation:step", args=[application.public_id, 3]),
        project(add_place="Zzzville"),
    )
    assert response.status_code == 400
    assert "Aucune commune ne correspond à « Zzzville »" in response.content.decode()
    assert not application.place_communes.exists()


def test_places_are_added_one_by_one_with_the_commune_search_and_removed_by_unticking(client, moulins):
    application = StructureApplicationFactory(last_step=2)
    url = reverse("concertation:step", args=[application.public_id, 3])
    vichy = CommuneFactory(insee_code="03310", name="Vichy", departement=moulins.departement)
    response = client.post(url, {**project(add_place="Moulins (03)"), "ajouter_commune": "1"})
    assert response.status_code == 302 and response["Location"] == url  # stays on the step
    assert list(application.place_communes.values_list("pk", flat=True)) == [moulins.pk]
    # The chosen communes come back ticked; the next one is picked from the search (its INSEE code).
    page = client.get(url).content.decode()
    assert 'value="03190"' in page and "checked" in page
    response = client.post(
        url, {**project(add_place="Vichy", add_place_insee="03310"), "places": [moulins.pk]}
    )
    assert response.status_code == 302 and response["Location"].endswith("/4/")
    assert set(application.place_communes.values_list("pk", flat=True)) == {moulins.pk, vichy.pk}
    # Unticking Moulins removes it.
    client.post(url, {**project(add_place=""), "places": [vichy.pk]})
    assert list(application.place_communes.values_list("pk", flat=True)) == [vichy.pk]
    # No commune at all is refused next to the search field, and nothing changes.
    response = client.post(url, project(add_place=""))
    assert response.status_code == 400
    assert "Indiquez au moins une commune" in response.content.decode()
    assert list(application.place_communes.values_list("pk", flat=True)) == [vichy.pk]


def test_motivation_over_2500_characters_is_refused(client):
    application = StructureApplicationFactory(last_step=3, motivation="Avant")
    response = client.post(
        reverse("concertation:step", args=[application.public_id, 4]), {"motivation": "x" * 2501}
    )
    assert response.status_code == 400
    assert "2500" in response.content.decode().replace("\u202f", "").replace(" ", "")
    application.refresh_from_db()
    assert application.motivation == "Avant"


def test_every_commitment_must_be_accepted(client):
    application = StructureApplicationFactory(last_step=4, commitments_accepted_at=None)
    data = dict(COMMITMENTS)
    del data["commit_free"]
    response = client.post(reverse("concertation:step", args=[application.public_id, 5]), data)
    assert response.status_code == 400
    assert "Cet engagement est nécessaire" in response.content.decode()
    application.refresh_from_db()
    assert application.commitments_accepted_at is None


def test_the_applicant_can_cancel_a_draft(client):
    application = StructureApplicationFactory()
    client.post(reverse("concertation:cancel", args=[application.public_id]))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.CANCELLED


def test_public_pages_need_no_login(client):
    assert client.get(reverse("concertation:start")).status_code == 200


def test_a_hostile_place_value_is_a_field_error_not_a_500(client, moulins):
    application = StructureApplicationFactory(last_step=2)
    url = reverse("concertation:step", args=[application.public_id, 3])
    for value in ("\x00", "03190\x00", "x" * 500, "'; DROP TABLE x; --"):
        response = client.post(url, {**project(add_place=""), "places": [value]})
        assert response.status_code == 400, value
        page = response.content.decode()
        assert 'id="id_places-error"' in page or 'id="id_add_place-error"' in page, value
    assert not application.place_communes.exists()
