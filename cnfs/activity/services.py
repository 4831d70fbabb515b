"""Writing places: the one path the views, the demo and the tests take. Each change writes the journal (ids and
field names only: a place's name and address are free text)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cnfs.journal.services import record
from cnfs.territories.geocoding import get_geocoder

from . import hours
from .models import DUPLICATE_MESSAGE, SERVICE_REQUIRED_MESSAGE, Place

# The fields a place form writes (coordinates and the carrying structure are set here, not typed).
EDITABLE_FIELDS = [
    "name",
    "address",
    "commune",
    "postal_code",
    "siret",
    "rna",
    "opening_hours",
    "access_modes",
    "support_modes",
    "services",
    "audiences",
    "specific_support",
    "fees",
    "national_programmes",
    "mobility",
    "visible",
]


def check(values: dict) -> None:
    """The rules a place obeys whatever writes it (the form shows them next to their field first)."""
    errors = {}
    if values.get("visible") and not values.get("services"):
        errors["services"] = SERVICE_REQUIRED_MESSAGE
    try:
        values["opening_hours"] = hours.validate_opening_hours(values.get("opening_hours", ""))
    except ValidationError as error:
        errors["opening_hours"] = error.messages
    if errors:
        raise ValidationError(errors)


def locate(address: str, commune) -> tuple[float, float]:
    """Coordinates from the geocoder (the commune centre offline; the address with the BAN, which falls back to the
    commune centre). Called before any row is locked: the BAN is a network call."""
    result = get_geocoder().geocode(address, commune)
    latitude, longitude = (
        (result.latitude, result.longitude) if result else (commune.latitude, commune.longitude)
    )
    if latitude is None or longitude is None:
        raise ValidationError(
            {"commune": "Cette commune n'a pas de coordonnées connues : choisissez-en une autre."}
        )
    return latitude, longitude


def create_place(advisor, values: dict, *, by) -> Place:
    """A new place held by `advisor`, carried by the advisor's structure."""
    check(values)
    place = Place(structure_id=advisor.structure_id, created_by=by)
    for name in EDITABLE_FIELDS:
        if name in values:
            setattr(place, name, values[name])
    place.latitude, place.longitude = locate(place.address, place.commune)
    with transaction.atomic():
        _save(place)
        place.advisors.add(advisor)
        record(
            "place.created",
            place,
            by=by,
            after={"advisor": advisor.pk, "commune": place.commune_id, "visible": place.visible},
        )
    return place


def _save(place: Place) -> None:
    """Saves in a savepoint; the same name at the same address in the commune is a French ValidationError."""
    try:
        with transaction.atomic():
            place.save()
    except IntegrityError as error:
        if _duplicate(place):
            raise ValidationError({"name": DUPLICATE_MESSAGE}) from error
        raise


def _duplicate(place: Place) -> bool:
    """Another row has the same name and address in the commune (what `place_unique_per_address` refuses)."""
    return (
        Place.objects.exclude(pk=place.pk)
        .filter(name__iexact=place.name, address__iexact=place.address, commune_id=place.commune_id)
        .exists()
    )


def update_place(place: Place, values: dict, *, by) -> Place:
    check(values)
    coordinates = None
    if (
        values.get("address", place.address) != place.address
        or values.get("commune", place.commune) != place.commune
    ):
        coordinates = locate(values.get("address", place.address), values.get("commune", place.commune))
    with transaction.atomic():
        place = Place.objects.select_for_update().get(pk=place.pk)
        changed = [
            name for name in EDITABLE_FIELDS if name in values and getattr(place, name) != values[name]
        ]
        if not changed:
            return place
        before_visible = place.visible
        for name in changed:
            setattr(place, name, values[name])
        if coordinates is not None:
            place.latitude, place.longitude = coordinates
        place.updated_at = timezone.now()
        _save(place)
        record(
            "place.updated",
            place,
            by=by,
            before={"visible": before_visible},
            after={"fields": changed, "visible": place.visible},
        )
    return place


def share_place(place: Place, advisor, *, by) -> bool:
    """`advisor` holds the place too; False when they already did."""
    with transaction.atomic():
        place = Place.objects.select_for_update().get(pk=place.pk)
        if place.advisors.filter(pk=advisor.pk).exists():
            return False
        place.advisors.add(advisor)
        record("place.shared", place, by=by, after={"advisor": advisor.pk})
    return True


def leave_place(place: Place, advisor, *, by) -> None:
    """`advisor` no longer holds the place; the last holder cannot leave (the place would belong to nobody)."""
    with transaction.atomic():
        place = Place.objects.select_for_update().get(pk=place.pk)
        if place.advisors.exclude(pk=advisor.pk).count() == 0:
            raise ValidationError(
                "Vous êtes le seul conseiller de ce lieu : il ne peut pas rester sans conseiller. "
                "Retirez-le plutôt de la carte publique."
            )
        place.advisors.remove(advisor)
        record("place.left", place, by=by, after={"advisor": advisor.pk})
