import io
import json
import logging
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured

from cnfs.territories import geocoding
from cnfs.territories.geocoding import BanGeocoder, OfflineGeocoder, get_geocoder
from cnfs.territories.models import Commune


class Response(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


BAN_ANSWER = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [3.333256, 46.566021]},
            "properties": {
                "label": "1 Place de l'Hôtel de Ville 03000 Moulins",
                "score": 0.9,
                "type": "housenumber",
            },
        }
    ],
}


@pytest.fixture
def moulins(territories):
    return Commune.objects.get(pk="03190")


@pytest.fixture
def fake_urlopen(monkeypatch):
    calls = []

    def install(answer):
        def urlopen(request, timeout):
            calls.append((request.full_url, timeout))
            if isinstance(answer, BaseException):
                raise answer
            return Response(answer if isinstance(answer, bytes) else json.dumps(answer).encode())

        monkeypatch.setattr(geocoding, "urlopen", urlopen)
        return calls

    return install


def test_get_geocoder_follows_the_setting(settings):
    settings.CNFS_GEOCODER = "offline"
    assert isinstance(get_geocoder(), OfflineGeocoder)
    settings.CNFS_GEOCODER = "ban"
    assert isinstance(get_geocoder(), BanGeocoder)
    settings.CNFS_GEOCODER = "google"
    with pytest.raises(ImproperlyConfigured, match="CNFS_GEOCODER"):
        get_geocoder()


def test_offline_geocoder_gives_the_commune_centre(moulins, fake_urlopen):
    calls = fake_urlopen(OSError("no network"))
    result = OfflineGeocoder().geocode("1 place de l'Hôtel de Ville", moulins)
    assert (result.latitude, result.longitude) == (46.55913, 3.32548)
    assert result.precision == "commune" and result.commune == moulins
    assert result.label == "1 place de l'Hôtel de Ville, Moulins"
    assert calls == []
    moulins.latitude = moulins.longitude = None
    assert OfflineGeocoder().geocode("x", moulins) is None


def test_ban_geocoder_success(settings, moulins, fake_urlopen):
    settings.CNFS_BAN_TIMEOUT = 3
    calls = fake_urlopen(BAN_ANSWER)
    result = BanGeocoder().geocode("1 place de l'Hôtel de Ville", moulins)
    assert (result.latitude, result.longitude) == (46.566021, 3.333256)
    assert result.precision == "address"
    assert result.label == "1 Place de l'Hôtel de Ville 03000 Moulins"
    url, timeout = calls[0]
    assert url.startswith(settings.CNFS_BAN_URL) and timeout == 3
    assert parse_qs(urlsplit(url).query) == {
        "q": ["1 place de l'Hôtel de Ville"],
        "citycode": ["03190"],
        "limit": ["1"],
    }


def test_ban_municipality_answer_has_commune_precision(moulins, fake_urlopen):
    answer = json.loads(json.dumps(BAN_ANSWER))
    answer["features"][0]["properties"]["type"] = "municipality"
    fake_urlopen(answer)
    assert BanGeocoder().geocode("Moulins", moulins).precision == "commune"


@pytest.mark.parametrize(
    "answer",
    [
        TimeoutError("timed out"),
        OSError("connection refused"),
        b"<html>502 Bad Gateway</html>",
        {"type": "FeatureCollection", "features": []},
        {"features": [{"geometry": {"coordinates": ["a", "b"]}}]},
        {"features": [{"geometry": {"coordinates": [500, 500]}}]},
        [1, 2, 3],
    ],
)
def test_ban_geocoder_falls_back_to_commune_centre(moulins, fake_urlopen, caplog, answer):
    calls = fake_urlopen(answer)
    with caplog.at_level(logging.INFO, logger="cnfs.territories.geocoding"):
        result = BanGeocoder().geocode("1 rue Inconnue", moulins)
    assert len(calls) == 1
    assert (result.latitude, result.longitude, result.precision) == (46.55913, 3.32548, "commune")
    assert "using the commune centre" in caplog.text


def test_ban_geocoder_without_address_does_not_call_the_api(moulins, fake_urlopen):
    calls = fake_urlopen(BAN_ANSWER)
    assert BanGeocoder().geocode("  ", moulins).precision == "commune"
    assert calls == []
