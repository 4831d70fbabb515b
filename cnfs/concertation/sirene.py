"""Company identifiers of an application (SPEC §2): SIRET (14 digits, Luhn key), RIDET for New Caledonia, and the
optional check against the State's company search API.

    from cnfs.concertation.sirene import get_directory
    answer = get_directory().lookup("21030190500011")   # Establishment, NOT_FOUND, or None (not checked)

settings.CNFS_SIRENE chooses the directory: "off" (no check, the default) or "api"
(recherche-entreprises.api.gouv.fr, short timeout). Like the BAN geocoder, a network error, a timeout or an
unexpected answer never blocks the applicant: the application proceeds without the check (None).
"""

import json
import logging
import re
from dataclasses import dataclass
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from stdnum.fr import siret as siret_number

logger = logging.getLogger(__name__)

NEW_CALEDONIA = "988"
SIRET_FORMAT_MESSAGE = "Le SIRET compte 14 chiffres, par exemple 210 301 905 00011."
SIRET_KEY_MESSAGE = "Ce SIRET n'est pas valide : vérifiez les chiffres (clé de contrôle incorrecte)."
NOT_FOUND_MESSAGE = "Ce SIRET est introuvable dans le répertoire SIRENE : vérifiez-le sur l'avis de situation de votre structure."
CLOSED_MESSAGE = "Cet établissement est fermé selon le répertoire SIRENE : indiquez le SIRET d'un établissement en activité."
RIDET_OUTSIDE_MESSAGE = (
    "Ce numéro ressemble à un RIDET : il n'est accepté que pour une structure de Nouvelle-Calédonie (988). "
    "Ailleurs, indiquez le SIRET à 14 chiffres."
)


def normalize_identifier(value: str) -> str:
    """Drops the spaces, dots, dashes and non-breaking spaces people type between groups of digits."""
    return re.sub(r"[\s.\-\u00a0\u202f]", "", value or "")


def is_ridet(value: str) -> bool:
    """A RIDET (Répertoire d'identification des entreprises et des établissements de Nouvelle-Calédonie): the
    company's 7-digit RID followed by the 3-digit rank of the establishment, e.g. "1234567.001" → "1234567001"."""
    return len(value) == 10 and value.isdigit()


def clean_identifier(value: str) -> str:
    """The SIRET (14 digits, valid Luhn key) or RIDET (10 digits) as stored, or a French ValidationError."""
    value = normalize_identifier(value)
    if is_ridet(value):
        return value
    if not value.isdigit() or len(value) != 14:
        raise ValidationError(SIRET_FORMAT_MESSAGE, code="format")
    if not siret_number.is_valid(value):
        raise ValidationError(SIRET_KEY_MESSAGE, code="key")
    return value


@dataclass(frozen=True)
class Establishment:
    siret: str
    name: str
    address: str
    commune_code: str
    closed: bool


NOT_FOUND = "not_found"


class OffDirectory:
    """No check: every well-formed SIRET is accepted as typed."""

    name = "off"

    def lookup(self, siret: str):
        return None


class RechercheEntreprisesDirectory:
    """The State's company search (recherche-entreprises.api.gouv.fr), queried with the SIRET."""

    name = "api"

    def __init__(self, url=None, timeout=None, opener=None):
        self.url = url or settings.CNFS_SIRENE_URL
        self.timeout = timeout if timeout is not None else settings.CNFS_SIRENE_TIMEOUT
        self.opener = opener or urlopen

    def lookup(self, siret: str):
        """Establishment, NOT_FOUND, or None when the directory could not answer."""
        try:
            payload = self._query(siret)
            return self._parse(siret, payload)
        except (
            Exception
        ) as exc:  # network, timeout, HTTP error, unexpected payload: never block the applicant
            logger.warning("SIRENE check unavailable for an application (%s): %r", type(exc).__name__, exc)
            return None

    def _query(self, siret):
        request = Request(
            f"{self.url}?{urlencode({'q': siret, 'page': 1, 'per_page': 1})}",
            headers={"Accept": "application/json"},
        )
        with self.opener(request, timeout=self.timeout) as response:
            return json.loads(response.read().decode("utf-8"))

    @staticmethod
    def _parse(siret, payload):
        results = payload[
            "results"
        ]  # an answer without it is unexpected: treated as no answer, not as "not found"
        for company in results:
            candidates = list(company.get("matching_etablissements") or []) + [company.get("siege") or {}]
            for place in candidates:
                if str(place.get("siret") or "") != siret:
                    continue
                name = company.get("nom_raison_sociale") or company.get("nom_complet") or ""
                street = place.get("adresse") or ""
                # The API repeats postal code and commune at the end of "adresse": the form has its own commune field.
                postal, city = place.get("code_postal") or "", place.get("libelle_commune") or ""
                if postal and city and street.endswith(f"{postal} {city}"):
                    street = street[: -len(f"{postal} {city}")].strip(" ,")
                return Establishment(
                    siret=siret,
                    name=str(name)[:200],
                    address=str(street)[:250],
                    commune_code=str(place.get("commune") or ""),
                    closed=(place.get("etat_administratif") or "A") != "A",
                )
        return NOT_FOUND


DIRECTORIES = {"off": OffDirectory, "api": RechercheEntreprisesDirectory}


def get_directory():
    """The directory chosen by settings.CNFS_SIRENE ("off" or "api")."""
    name = getattr(settings, "CNFS_SIRENE", "off") or "off"
    try:
        return DIRECTORIES[name]()
    except KeyError:
        raise ImproperlyConfigured(
            f"CNFS_SIRENE doit valoir « off » ou « api » (valeur actuelle : « {name} »)."
        ) from None
