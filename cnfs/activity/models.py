"""Places of activity (lieux d'activité, permanences) where advisors receive the public (SPEC §11).

A place is shared: several advisors can hold it, an advisor holds several; activity reports will point at it. Its
enumerated fields hold the values of the national standard "lieux de médiation numérique" (`standard.py`), as lists.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone

from cnfs.core.compiled import CompiledQuery

from . import standard

SERVICE_REQUIRED_MESSAGE = "Un lieu visible sur la carte publique propose au moins un service : cochez-en un."
DUPLICATE_MESSAGE = "Un lieu de ce nom existe déjà à cette adresse : demandez à l'un de ses conseillers de le partager avec vous."


class PlaceQuerySet(models.QuerySet):
    def public(self):
        """The places the public map and the open-data files show: visible, and held by at least one advisor in post
        (an advisor whose contract ended does not keep a place on the map on their own)."""
        from cnfs.recruitment.models import Advisor, AdvisorStatus

        in_post = Advisor.objects.filter(places=OuterRef("pk"), status=AdvisorStatus.ACTIVE)
        return self.filter(visible=True).filter(Exists(in_post))

    def held_by(self, advisor):
        return self.filter(advisors=advisor)

    def visible_to(self, role_context):
        """Places in the current role's scope: an advisor the places they hold, a structure those its advisors hold
        (or that it carries), a préfecture or a hub those of its départements, ANCT all."""
        from cnfs.accounts.roles import Role
        from cnfs.recruitment.models import Advisor

        role = role_context.role
        if role == Role.ANCT:
            return self
        if role in (Role.PREFECTURE, Role.HUB):
            return self.filter(commune__departement_id__in=role_context.departement_codes)
        if role == Role.STRUCTURE:
            structure_id = role_context.current.structure_id
            held = Advisor.objects.filter(places=OuterRef("pk"), structure_id=structure_id)
            return self.filter(Q(structure_id=structure_id) | Exists(held))
        if role == Role.ADVISOR:
            advisor = current_advisor(role_context)
            return self.held_by(advisor) if advisor else self.none()
        return self.none()


def current_advisor(role_context):
    """The active Advisor record of the user acting as advisor (None: not, or no longer, in post)."""

    if not role_context.user.is_authenticated:
        return None
    cache = role_context.__dict__
    if "_activity_advisor" not in cache:
        found = _ACTIVE_ADVISOR(role_context.user.pk)
        cache["_activity_advisor"] = found[0] if found else None
    return cache["_activity_advisor"]


def _active_advisor(user_id):
    from cnfs.recruitment.models import Advisor, AdvisorStatus

    return Advisor.objects.filter(candidate__user_id=user_id, status=AdvisorStatus.ACTIVE)[:1]


# Every advisor page asks: compiled once (cnfs/core/compiled.py).
_ACTIVE_ADVISOR = CompiledQuery("recruitment.Advisor", _active_advisor)


def _list():
    return []


class Place(models.Model):
    name = models.CharField("nom du lieu", max_length=150)
    address = models.CharField(
        "adresse", max_length=255, help_text="Numéro et voie, par exemple « 12 rue de Paris »."
    )
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.PROTECT, related_name="places", verbose_name="commune"
    )
    postal_code = models.CharField("code postal", max_length=5)
    latitude = models.FloatField()
    longitude = models.FloatField()
    siret = models.CharField("SIRET du lieu", max_length=14, blank=True)
    rna = models.CharField("numéro RNA du lieu", max_length=10, blank=True)
    opening_hours = models.CharField("horaires (format OpenStreetMap)", max_length=500, blank=True)
    access_modes = models.JSONField("modalités d'accès", default=_list, blank=True)
    support_modes = models.JSONField("modalités d'accompagnement", default=_list, blank=True)
    services = models.JSONField("services", default=_list, blank=True)
    audiences = models.JSONField("publics spécifiquement adressés", default=_list, blank=True)
    specific_support = models.JSONField("prise en charge spécifique", default=_list, blank=True)
    fees = models.JSONField("frais à charge", default=_list, blank=True)
    national_programmes = models.JSONField("dispositifs et programmes nationaux", default=_list, blank=True)
    mobility = models.CharField(
        "itinérance", max_length=10, choices=standard.MOBILITY, default=standard.FIXED
    )
    visible = models.BooleanField("visible sur la carte publique", default=False)
    structure = models.ForeignKey(
        "structures.Structure",
        on_delete=models.PROTECT,
        related_name="places",
        verbose_name="structure porteuse",
        help_text="La structure du conseiller qui a créé le lieu.",
    )
    advisors = models.ManyToManyField(
        "recruitment.Advisor", related_name="places", verbose_name="conseillers", blank=True
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField("mis à jour le", default=timezone.now)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = "lieu d'activité"
        verbose_name_plural = "lieux d'activité"
        ordering = ["name", "pk"]
        indexes = [
            # The public map's bounding box: visible places first, then latitude/longitude ranges.
            models.Index(fields=["visible", "latitude", "longitude"], name="place_visible_lat_lon"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(visible=False) | ~Q(services=[]), name="place_visible_has_a_service"
            ),
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="place_coordinates_in_range",
            ),
            models.CheckConstraint(
                condition=Q(siret="") | Q(siret__regex=r"^[0-9]{14}$"), name="place_siret_format"
            ),
            models.CheckConstraint(
                condition=Q(rna="") | Q(rna__regex=r"^W[0-9][0-9A-Z][0-9]{7}$"), name="place_rna_format"
            ),
            models.CheckConstraint(
                condition=Q(postal_code__regex=r"^[0-9]{5}$"), name="place_postal_code_format"
            ),
            models.CheckConstraint(
                condition=Q(mobility__in=[v for v, _ in standard.MOBILITY]), name="place_mobility"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="place_has_a_name"),
            # One row per physical place (a double submit, or a colleague's place typed again, is refused).
            models.UniqueConstraint(
                Lower("name"), Lower("address"), "commune", name="place_unique_per_address"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def departement_code(self) -> str:
        return self.commune.departement_id


from .report_models import *  # noqa: E402, F403 — activity reports (report_models.py)
from .rollup_models import *  # noqa: E402, F403 — monthly rollups of the reports (rollup_models.py)
