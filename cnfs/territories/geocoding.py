"""Geocoding an address within a known commune.

    from cnfs.territories.geocoding import get_geocoder
    result = get_geocoder().geocode("12 rue de Paris", commune)   # GeocodingResult or None

settings.CNFS_GEOCODER chooses the implementation: "offline" (the commune centre, the default) or "ban"
(Base Adresse Nationale, falling back to the commune centre on any error).
"""

import json
import logging
from dataclasses import dataclass
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .models import Commune

logger = logging.getLogger(__name__)


class Precision:
    COMMUNE = "commune"
    ADDRESS = "address"


@dataclass(frozen=True)
class GeocodingResult:
    latitude: float
    longitude: float
    commune: Commune
    precision: str  # Precision.COMMUNE or Precision.ADDRESS
    label: str


class OfflineGeocoder:
    """The centre of the commune, from the territory tables: no network, always the same answer."""

    name = "offline"

    def geocode(self, address: str, commune: Commune) -> GeocodingResult | None:
        if commune is None or commune.latitude is None or commune.longitude is None:
            return None
        label = f"{address.strip()}, {commune.name}" if address and address.strip() else commune.name
        return GeocodingResult(
            latitude=commune.latitude, longitude=commune.longitude, commune=commune,
            precision=Precision.COMMUNE, label=label,
        )  # fmt: skip


class BanGeocoder:
    """Base Adresse Nationale (api-adresse.data.gouv.fr), restricted to the commune's INSEE code."""

    name = "ban"

    def __init__(self, url=None, timeout=None, fallback=None):
        self.url = url or settings.CNFS_BAN_URL
        self.timeout = timeout if timeout is not None else settings.CNFS_BAN_TIMEOUT
        self.fallback = fallback or OfflineGeocoder()

    def geocode(self, address: str, commune: Commune) -> GeocodingResult | None:
        if commune is None:
            return None
        if not address or not address.strip():
            return self.fallback.geocode(address, commune)
        try:
            result = self._query(address.strip(), commune)
        except Exception as exc:  # network, timeout, HTTP error, unexpected payload: never break the caller
            logger.warning(
                "BAN geocoding failed for %r (%s), using the commune centre: %r", address, commune.pk, exc
            )
            return self.fallback.geocode(address, commune)
        if result is None:
            logger.info(
                "BAN geocoding found nothing for %r (%s), using the commune centre", address, commune.pk
            )
            return self.fallback.geocode(address, commune)
        return result

    def _query(self, address, commune):
        params = urlencode({"q": address, "citycode": commune.pk, "limit": 1})
        request = Request(f"{self.url}?{params}", headers={"Accept": "application/json"})
        with urlopen(request, timeout=self.timeout) as response:
            payload = json.loads(response.read().decode("utf-8"))
        features = payload.get("features") or []
        if not features:
            return None
        feature = features[0]
        lon, lat = feature["geometry"]["coordinates"][:2]
        lat, lon = float(lat), float(lon)
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError(f"coordinates out of range: {lat}, {lon}")
        properties = feature.get("properties") or {}
        kind = properties.get("type")
        precision = Precision.COMMUNE if kind == "municipality" else Precision.ADDRESS
        return GeocodingResult(
            latitude=lat, longitude=lon, commune=commune, precision=precision,
            label=str(properties.get("label") or address),
        )  # fmt: skip


GEOCODERS = {"offline": OfflineGeocoder, "ban": BanGeocoder}


def get_geocoder():
    """The geocoder chosen by settings.CNFS_GEOCODER ("offline" or "ban")."""
    name = getattr(settings, "CNFS_GEOCODER", "offline") or "offline"
    try:
        return GEOCODERS[name]()
    except KeyError:
        raise ImproperlyConfigured(
            f"CNFS_GEOCODER doit valoir « offline » ou « ban » (valeur actuelle : « {name} »)."
        ) from None
