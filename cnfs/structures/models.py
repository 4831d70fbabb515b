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


class Structure(models.Model):
    """A host organisation. Its application, decisions and posts are built on top of it."""

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

    class Meta:
        verbose_name = "structure"
        ordering = ["name"]

    def __str__(self):
        return self.usual_name or self.name

    @property
    def is_public(self) -> bool:
        return self.type in StructureType.public_types()
