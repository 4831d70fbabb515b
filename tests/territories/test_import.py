import io
import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from cnfs.territories import importer, sources
from cnfs.territories.models import Commune, CommuneType, Departement, Epci, PostalCode, Region

from .conftest import CSV_DIR, FIXTURES


def run(*args):
    out = io.StringIO()
    call_command("import_territories", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def csv_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(CSV_DIR, target)
    return target


def rewrite(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.django_db
def test_first_import_creates_everything_and_second_changes_nothing():
    out = run("--source", str(CSV_DIR))
    assert "20 communes : 20 créées, 0 modifiées, 0 supprimées" in out
    assert "5 régions : 5 créées, 0 modifiées, 0 supprimées" in out
    assert "8 départements : 8 créés, 0 modifiés, 0 supprimés" in out
    assert "Import terminé" in out
    assert Commune.objects.count() == 20
    assert Epci.objects.count() == 12

    out = run("--source", str(CSV_DIR))
    assert "20 communes : 0 créées, 0 modifiées, 0 supprimées" in out
    assert "codes postaux : 0 créés, 0 modifiés, 0 supprimés" in out


def test_imported_rows(territories):
    lyon_1 = Commune.objects.get(pk="69381")
    assert lyon_1.type == CommuneType.ARRONDISSEMENT
    assert lyon_1.parent_id == "69123"
    assert lyon_1.epci_id is None
    etienne = Commune.objects.get(pk="42218")
    assert etienne.search_name == "st etienne"
    assert (etienne.latitude, etienne.longitude) == (45.4241, 4.36647)
    assert etienne.departement.region.name == "Auvergne-Rhône-Alpes"
    assert set(Commune.objects.get(pk="35238").postal_codes.values_list("code", flat=True)) == {
        "35000", "35200", "35700",
    }  # fmt: skip
    assert Departement.objects.get(pk="974").zone == "drom"


def test_changes_are_applied_as_a_diff(territories, csv_copy):
    communes = csv_copy / "communes.csv"
    rewrite(
        communes,
        "Vichy,commune-actuelle,,03200,03,84,200071363,25115",
        "Vichy,commune-actuelle,,03200 03300,03,84,200071363,25200",
    )
    text = communes.read_text(encoding="utf-8")
    communes.write_text("\n".join(line for line in text.splitlines() if not line.startswith("35047,")) + "\n")
    rewrite(csv_copy / "regions.csv", "Bretagne", "Région Bretagne")
    vichy_before = Commune.objects.get(pk="03310")

    report = importer.sync(sources.read_csv_directory(csv_copy))
    assert report.lines() == [
        "5 régions : 0 créées, 1 modifiées, 0 supprimées",
        "8 départements : 0 créés, 0 modifiés, 0 supprimés",
        "12 EPCI : 0 créés, 0 modifiés, 0 supprimés",
        "19 communes : 0 créées, 1 modifiées, 1 supprimées",
        f"{PostalCode.objects.count()} codes postaux : 1 créés, 0 modifiés, 1 supprimés",
    ]
    vichy = Commune.objects.get(pk="03310")
    assert vichy.population == 25200 and vichy_before.population == 25115
    assert not Commune.objects.filter(pk="35047").exists()
    assert not PostalCode.objects.filter(code="35170").exists()
    assert Region.objects.get(pk="53").name == "Région Bretagne"


@pytest.mark.parametrize(
    ("filename", "old", "new", "message"),
    [
        ("communes.csv", "46.13183", "abc", "communes.csv, ligne 4 : latitude invalide « abc »"),
        (
            "communes.csv",
            "03310,Vichy,commune-actuelle,,03200,03,",
            "03310,Vichy,commune-actuelle,,03200,07,",
            "communes.csv, ligne 4 : code de département inconnu « 07 »",
        ),
        ("communes.csv", ",03200,", ",3200,", "communes.csv, ligne 4 : code postal invalide « 3200 »"),
        ("communes.csv", "19206", "beaucoup", "communes.csv, ligne 3 : population invalide « beaucoup »"),
        (
            "communes.csv",
            "03190,Moulins",
            "03185,Moulins",
            "communes.csv, ligne 3 : code INSEE en double « 03185 »",
        ),
        (
            "communes.csv",
            "69382,Lyon 2e Arrondissement,arrondissement-municipal,69123",
            "69382,Lyon 2e Arrondissement,arrondissement-municipal,69999",
            "communes.csv, ligne 18 : commune de rattachement inconnue « 69999 » pour 69382",
        ),
        ("communes.csv", "latitude,", "lat,", "communes.csv : colonne(s) manquante(s) : latitude"),
        (
            "departements.csv",
            "03,Allier,84",
            "03,Allier,99",
            "departements.csv, ligne 2 : code de région inconnu « 99 »",
        ),
        ("epci.csv", "200071082", "2000710", "epci.csv, ligne"),
    ],
)
def test_malformed_source_stops_before_writing(territories, csv_copy, filename, old, new, message):
    rewrite(csv_copy / filename, old, new)
    rewrite(csv_copy / "regions.csv", "Bretagne", "Région Bretagne")  # a valid change, not applied either
    with pytest.raises(CommandError) as excinfo:
        run("--source", str(csv_copy))
    assert message in str(excinfo.value)
    assert "aucune donnée n'a été modifiée" in str(excinfo.value)
    assert Region.objects.get(pk="53").name == "Bretagne"
    assert Commune.objects.count() == 20


@pytest.mark.django_db
def test_missing_file_and_missing_source(tmp_path):
    shutil.copytree(CSV_DIR, tmp_path / "data")
    (tmp_path / "data" / "epci.csv").unlink()
    with pytest.raises(CommandError, match="epci.csv : fichier manquant"):
        run("--source", str(tmp_path / "data"))
    with pytest.raises(CommandError, match="Source introuvable"):
        run("--source", str(tmp_path / "nowhere"))
    assert not Commune.objects.exists()


@pytest.mark.django_db
def test_geo_api_json_with_departements_and_regions():
    out = run("--source", str(FIXTURES / "geo_api" / "communes.json"))
    assert "6 communes : 6 créées, 0 modifiées, 0 supprimées" in out
    assert "EPCI" not in out
    assert Departement.objects.get(pk="03").name == "Allier"
    assert Departement.objects.get(pk="974").name == "974"  # unknown: its code as name
    assert Region.objects.get(pk="975").zone == "com"
    assert Departement.objects.get(pk="974").zone == "drom"
    lyon_1 = Commune.objects.get(pk="69381")
    assert lyon_1.parent_id == "69123" and lyon_1.type == CommuneType.ARRONDISSEMENT
    assert (lyon_1.latitude, lyon_1.longitude) == (45.7701, 4.82637)
    assert Commune.objects.get(pk="97501").latitude is None
    assert sorted(PostalCode.objects.filter(code="69001").values_list("commune_id", flat=True)) == [
        "69123",
        "69381",
    ]
    out = run("--source", str(FIXTURES / "geo_api"))  # the directory works too
    assert "6 communes : 0 créées, 0 modifiées, 0 supprimées" in out


@pytest.mark.django_db
def test_geo_api_json_alone_and_json_errors(tmp_path):
    communes = json.loads((FIXTURES / "geo_api" / "communes.json").read_text())
    alone = tmp_path / "sample.json"
    alone.write_text(json.dumps(communes[:2]))
    run("--source", str(alone))
    assert Departement.objects.get(pk="03").name == "03"
    assert Region.objects.get(pk="84").name == "84"

    communes[1]["centre"] = {"type": "Point", "coordinates": ["est", 46.1]}
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(communes))
    with pytest.raises(CommandError, match="broken.json, élément 2 : longitude invalide « est »"):
        run("--source", str(broken))
    broken.write_text('[{"nom": "Moulins",\n "code": }]')
    with pytest.raises(CommandError, match="broken.json, ligne 2 : JSON invalide"):
        run("--source", str(broken))
    assert Commune.objects.count() == 2


@pytest.mark.django_db
def test_fallback_to_builtin_set_when_offline(no_network):
    out = run("--source", "/nonexistent/territories", "--fallback")
    assert "Données de référence absentes : import du jeu intégré de 42 communes" in out
    assert Commune.objects.filter(parent_id="69123").count() == 9
    assert Departement.objects.count() == 109 and Region.objects.count() == 26
    for code in ("03190", "03310", "03185", "75056", "35238", "13055", "59350", "97120", "97411"):
        assert Commune.objects.get(pk=code).latitude is not None
    assert Commune.objects.get(pk="69123").epci.name


def test_fallback_never_deletes_existing_communes(territories, no_network):
    run("--source", "/nonexistent/territories", "--fallback")
    assert Commune.objects.filter(pk="35047").exists()  # Bruz: not in the built-in set, kept


@pytest.mark.django_db
def test_fallback_online(monkeypatch):
    payloads = {
        "/regions": json.loads((FIXTURES / "geo_api" / "regions.json").read_text()),
        "/departements": json.loads((FIXTURES / "geo_api" / "departements.json").read_text()),
        "/communes": json.loads((FIXTURES / "geo_api" / "communes.json").read_text()),
    }
    calls = []

    class Response(io.BytesIO):
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    def fake_urlopen(request, timeout):
        calls.append((request.full_url, timeout))
        path = request.full_url.removeprefix("https://geo.api.test").split("?")[0]
        return Response(json.dumps(payloads[path]).encode())

    monkeypatch.setattr(importer, "urlopen", fake_urlopen)
    dataset = importer.fallback_dataset(log=lambda message: None, base_url="https://geo.api.test")
    importer.sync(dataset)
    assert Commune.objects.count() == 6
    assert Region.objects.get(pk="84").name == "Auvergne-Rhône-Alpes"
    assert all(timeout == importer.GEO_API_TIMEOUT for _, timeout in calls)
    assert "fields=nom%2Ccode%2CcodesPostaux%2Ccentre" in calls[-1][0]
