from django.db import models

from .text import normalize_name


class Zone(models.TextChoices):
    METRO = "metro", "France métropolitaine"
    DROM = "drom", "Département ou région d'outre-mer"
    COM = "com", "Collectivité d'outre-mer"


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)
    chef_lieu = models.CharField("chef-lieu (code INSEE)", max_length=5, blank=True)
    zone = models.CharField(max_length=5, choices=Zone.choices, default=Zone.METRO)

    class Meta:
        verbose_name = "région"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Departement(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements", verbose_name="région")
    chef_lieu = models.CharField("chef-lieu (code INSEE)", max_length=5, blank=True)
    zone = models.CharField(max_length=5, choices=Zone.choices, default=Zone.METRO)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def is_overseas(self) -> bool:
        return self.zone != Zone.METRO


class Epci(models.Model):
    siren = models.CharField("SIREN", max_length=9, primary_key=True)
    name = models.CharField("nom", max_length=200)
    type = models.CharField(max_length=10, blank=True)
    population = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"
        ordering = ["name"]

    def __str__(self):
        return self.name


class CommuneType(models.TextChoices):
    COMMUNE = "commune-actuelle", "Commune"
    ARRONDISSEMENT = "arrondissement-municipal", "Arrondissement municipal"


class CommuneQuerySet(models.QuerySet):
    def search(self, query: str, limit: int = 20):
        """Prefix search on the name (accent-, case- and 'st'/'saint'-insensitive) or on a postal code."""
        query = (query or "").strip()
        if not query:
            return self.none()
        if query.isdigit():
            if len(query) == 5:
                return self.filter(postal_codes__code=query).order_by("insee_code").distinct()
            return self.filter(postal_codes__code__startswith=query).order_by("-population").distinct()[:limit]
        normalized = normalize_name(query)
        if not normalized:
            return self.none()
        return self.filter(search_name__startswith=normalized).order_by("-population", "name")[:limit]


class Commune(models.Model):
    insee_code = models.CharField("code INSEE", max_length=5, primary_key=True)
    name = models.CharField("nom", max_length=150)
    search_name = models.CharField(max_length=150, db_index=True, editable=False)
    type = models.CharField(max_length=30, choices=CommuneType.choices, default=CommuneType.COMMUNE)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="arrondissements",
        verbose_name="commune de rattachement",
    )
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="communes")
    epci = models.ForeignKey(Epci, on_delete=models.SET_NULL, null=True, blank=True, related_name="communes")
    population = models.PositiveIntegerField(default=0)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = "commune"
        ordering = ["name"]
        indexes = [models.Index(fields=["latitude", "longitude"], name="commune_lat_lon")]

    def __str__(self):
        return f"{self.name} ({self.departement_id})"

    def save(self, *args, **kwargs):
        self.search_name = normalize_name(self.name)
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        codes = [p.code for p in self.postal_codes.all()]
        return f"{self.name} ({codes[0] if codes else self.departement_id})"


class PostalCode(models.Model):
    """One row per (postal code, commune): a commune can have several codes, a code several communes."""

    code = models.CharField("code postal", max_length=5, db_index=True)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="postal_codes")

    class Meta:
        verbose_name = "code postal"
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["code", "commune"], name="postal_code_unique_per_commune")]

    def __str__(self):
        return self.code


class Hub(models.Model):
    """Territorial hub for digital inclusion, scoped to a set of départements."""

    name = models.CharField("nom", max_length=200, unique=True)
    departements = models.ManyToManyField(Departement, related_name="hubs", verbose_name="départements")

    class Meta:
        verbose_name = "hub territorial"
        ordering = ["name"]

    def __str__(self):
        return self.name
