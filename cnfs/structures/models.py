from django.conf import settings
from django.core.validators import URLValidator
from django.db import models


class StructureType(models.TextChoices):
    COMMUNE = "commune", "Commune"
    EPCI = "epci", "EPCI"
    DEPARTEMENT = "departement", "Département"
    REGION = "region", "Région"
    OTHER_PUBLIC = "other_public", "Autre structure publique (GIP, syndicat…)"
    ASSOCIATION = "association", "Association"
    PRIVATE_ESS = "private_ess", "Entreprise privée de l'économie sociale et solidaire"

    @classmethod
    def public_types(cls):
        return {cls.COMMUNE, cls.EPCI, cls.DEPARTEMENT, cls.REGION, cls.OTHER_PUBLIC}


class StructureQuerySet(models.QuerySet):
    def visible_to(self, role_context):
        """Structures in the current role's scope: ANCT and BDT all, a préfecture its territory, a structure itself."""
        from cnfs.accounts.roles import Role

        role = role_context.role
        if role in (Role.ANCT, Role.BDT):
            return self
        if role == Role.PREFECTURE:
            return self.filter(departement_id__in=role_context.departement_codes)
        if role == Role.STRUCTURE:
            return self.filter(pk=role_context.current.structure_id)
        return self.none()


class Structure(models.Model):
    """A host organisation, created when its application is accepted (or earlier, for legacy data)."""

    name = models.CharField("raison sociale", max_length=200)
    usual_name = models.CharField("nom d'usage", max_length=200, blank=True)
    siret = models.CharField("SIRET", max_length=14, db_index=True)
    type = models.CharField("type de structure", max_length=20, choices=StructureType.choices)
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.PROTECT, related_name="structures", null=True, blank=True
    )
    departement = models.ForeignKey(
        "territories.Departement",
        on_delete=models.PROTECT,
        related_name="structures",
        verbose_name="département",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    objects = StructureQuerySet.as_manager()

    class Meta:
        verbose_name = "structure"
        ordering = ["name"]

    def __str__(self):
        return self.usual_name or self.name

    @property
    def is_public(self) -> bool:
        return self.type in StructureType.public_types()


EMPLOI_TERRITORIAL_DOMAIN = "emploi-territorial.fr"


class JobPosting(models.Model):
    """The job offer published on emploi-territorial.fr (§4): a contract is signable 30 days after publication."""

    structure = models.OneToOneField(
        Structure, on_delete=models.CASCADE, related_name="job_posting", verbose_name="structure"
    )
    url = models.URLField("adresse de l'offre", max_length=500, validators=[URLValidator(schemes=["https"])])
    published_on = models.DateField("date de publication")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "offre d'emploi"
        verbose_name_plural = "offres d'emploi"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(url__startswith="https://www.emploi-territorial.fr/")
                | models.Q(url__startswith="https://emploi-territorial.fr/"),
                name="job_posting_on_emploi_territorial",
            ),
        ]

    def __str__(self):
        return self.url

    @property
    def contract_signable_from(self):
        from datetime import timedelta

        return self.published_on + timedelta(days=getattr(settings, "CNFS_JOB_POSTING_MIN_DAYS", 30))
