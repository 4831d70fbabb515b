"""SIRET typed with spaces, RIDET for New Caledonia, and the optional SIRENE check (never on the network)."""

import io
import json

import pytest
from django.urls import reverse

from cnfs.concertation import sirene
from cnfs.concertation.models import StructureApplication
from tests.concertation.test_apply import identity
from tests.factories import (
    CommuneFactory,
    DepartementFactory,
    PrefectOpinionFactory,
    RegionFactory,
    valid_siret,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def moulins():
    return CommuneFactory()


@pytest.fixture
def noumea():
    region = RegionFactory(code="988", name="Nouvelle-Calédonie")
    departement = DepartementFactory(code="988", name="Nouvelle-Calédonie", region=region)
    return CommuneFactory(
        insee_code="98818",
        name="Nouméa",
        departement=departement,
        region=region,
        latitude=None,
        longitude=None,
    )


def spaced(siret):
    return f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"


def test_a_siret_typed_with_spaces_is_stored_as_14_digits(client, moulins):
    siret = valid_siret(901)
    response = client.post(reverse("concertation:start"), identity(siret=spaced(siret)))
    assert response.status_code == 302
    assert StructureApplication.objects.get().siret == siret


def test_a_wrong_key_typed_with_spaces_gets_the_check_digit_message(client, moulins):
    siret = valid_siret(902)
    wrong = siret[:-1] + str((int(siret[-1]) + 1) % 10)
    response = client.post(reverse("concertation:start"), identity(siret=spaced(wrong), name="Ma commune"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "clé de contrôle" in html
    assert f'value="{spaced(wrong)}"' in html
    assert not StructureApplication.objects.exists()


@pytest.mark.parametrize("typed", ["1234567.001", "1 234 567 001", "1234567001"])
def test_a_ridet_is_accepted_in_new_caledonia(client, noumea, typed):
    response = client.post(
        reverse("concertation:start"),
        identity(siret=typed, commune="Nouméa (988)", commune_insee="98818", address="1 rue de Sébastopol"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    application = StructureApplication.objects.get()
    assert application.siret == "1234567001"
    assert application.departement_id == "988"


def test_a_ridet_is_refused_outside_new_caledonia(client, moulins):
    response = client.post(reverse("concertation:start"), identity(siret="1234567.001"))
    assert response.status_code == 400
    assert "Nouvelle-Calédonie" in response.content.decode()
    assert not StructureApplication.objects.exists()


# SIRENE: a fake transport stands for recherche-entreprises.api.gouv.fr


def company(siret, *, state="A", name="COMMUNE DE MOULINS"):
    return {
        "results": [
            {
                "siren": siret[:9],
                "nom_complet": "Commune de Moulins",
                "nom_raison_sociale": name,
                "siege": {"siret": siret[:9] + "00019", "etat_administratif": "A"},
                "matching_etablissements": [
                    {
                        "siret": siret,
                        "adresse": "PLACE DE L'HOTEL DE VILLE 03000 MOULINS",
                        "code_postal": "03000",
                        "libelle_commune": "MOULINS",
                        "commune": "03190",
                        "etat_administratif": state,
                    }
                ],
            }
        ],
        "total_results": 1,
    }


class FakeTransport:
    def __init__(self, payload=None, error=None):
        self.payload, self.error, self.requests = payload, error, []

    def __call__(self, request, timeout):
        self.requests.append((request.full_url, timeout))
        if self.error:
            raise self.error
        return io.BytesIO(json.dumps(self.payload).encode())


@pytest.fixture
def directory(settings, monkeypatch):
    settings.CNFS_SIRENE = "api"

    def install(**kwargs):
        transport = FakeTransport(**kwargs)
        monkeypatch.setattr(sirene, "urlopen", transport)
        return transport

    return install


def test_the_directory_is_off_by_default(settings, monkeypatch, client, moulins):
    assert settings.CNFS_SIRENE == "off"
    monkeypatch.setattr(sirene, "urlopen", FakeTransport(error=AssertionError("network touched")))
    response = client.post(reverse("concertation:start"), identity())
    assert response.status_code == 302
    assert "depuis le SIRET" not in client.get(reverse("concertation:start")).content.decode()


def test_sirene_found_prefills_the_legal_name_and_address(client, directory, moulins):
    siret = valid_siret(903)
    transport = directory(payload=company(siret))
    data = identity(siret=spaced(siret), name="", address="", commune="", commune_insee="")
    data[sirene_lookup_name()] = "1"
    response = client.post(reverse("concertation:start"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="COMMUNE DE MOULINS"' in html
    assert 'value="PLACE DE L&#x27;HOTEL DE VILLE"' in html
    assert 'value="Moulins (03)"' in html
    assert "Établissement trouvé" in html
    assert not StructureApplication.objects.exists()
    url, timeout = transport.requests[0]
    assert f"q={siret}" in url and timeout == 3
    response = client.post(reverse("concertation:start"), identity(siret=siret, name="COMMUNE DE MOULINS"))
    assert response.status_code == 302
    assert StructureApplication.objects.get().name == "COMMUNE DE MOULINS"


def sirene_lookup_name():
    from cnfs.concertation.forms import IdentityForm

    return IdentityForm.LOOKUP


def test_sirene_not_found_is_refused_next_to_the_field(client, directory, moulins):
    directory(payload={"results": [], "total_results": 0})
    response = client.post(reverse("concertation:start"), identity(siret=valid_siret(904)))
    html = response.content.decode()
    assert response.status_code == 400
    assert "introuvable dans le répertoire SIRENE" in html
    assert 'id="id_siret-error"' in html
    assert not StructureApplication.objects.exists()


def test_a_closed_establishment_is_refused(client, directory, moulins):
    siret = valid_siret(905)
    directory(payload=company(siret, state="F"))
    response = client.post(reverse("concertation:start"), identity(siret=siret))
    assert response.status_code == 400
    assert "établissement est fermé" in response.content.decode()
    assert not StructureApplication.objects.exists()


@pytest.mark.parametrize(
    "answer",
    [
        {"error": TimeoutError("timed out")},
        {"error": OSError("network unreachable")},
        {"payload": {"message": "quota dépassé"}},
        {"payload": ["not", "an", "object"]},
    ],
)
def test_the_application_proceeds_without_the_check_when_sirene_does_not_answer(
    client, directory, moulins, answer
):
    directory(**answer)
    response = client.post(reverse("concertation:start"), identity(siret=valid_siret(906)))
    assert response.status_code == 302
    assert StructureApplication.objects.count() == 1
    data = identity(siret=valid_siret(907))
    data[sirene_lookup_name()] = "1"
    html = client.post(reverse("concertation:start"), data).content.decode()
    assert "n&#x27;est pas disponible pour le moment" in html
    assert "fr-alert--error" not in html


def test_a_ridet_is_never_sent_to_sirene(client, directory, noumea):
    transport = directory(error=AssertionError("RIDET sent to SIRENE"))
    response = client.post(
        reverse("concertation:start"),
        identity(siret="1234567.001", commune="Nouméa (988)", commune_insee="98818"),
    )
    assert response.status_code == 302
    assert transport.requests == []


def test_a_new_caledonian_structure_is_activated_with_its_ridet(noumea):
    from cnfs.accounts.roles import Role
    from cnfs.concertation import workflow
    from tests.factories import StructureApplicationFactory, UserFactory

    application = StructureApplicationFactory(
        submitted=True, siret="1234567001", commune=noumea, departement=noumea.departement
    )
    PrefectOpinionFactory(application=application)
    workflow.decide(application, by=UserFactory(role=Role.ANCT), outcome="positive", posts=1)
    application.refresh_from_db()
    assert application.structure.siret == "1234567001"
    assert application.structure.departement_id == "988"
