import re

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
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="departements", verbose_name="région"
    )
    chef_lieu = models.CharField("chef-lieu (code INSEE)", max_length=5, blank=True)
    zone = models.CharField(max_length=5, choices=Zone.choices, default=Zone.METRO)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


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


_QUALIFIED = re.compile(r"^(?P<name>.*\S)\s*\((?P<qualifier>\d{5}|\d[\dAB]{1,2})\)$")
_SAINT_PREFIXES = ("sai", "sain")  # typed while "saint" is not complete yet: also match "st"


class CommuneQuerySet(models.QuerySet):
    def search(self, query: str, limit: int | None = 20):
        """Communes matching a name prefix or a postal code, most populated first.

        The name is compared accent-, case- and punctuation-insensitively, "st" and "saint" alike
        ("St Etienne", "saint-étienne"). A postal code of 5 digits gives every commune of that code, fewer
        digits a prefix search. "Moulins (03)" or "Moulins (03000)" restrict to a département or postal code.
        """
        query = (query or "").strip()
        queryset = self
        qualified = _QUALIFIED.match(query)
        if qualified:
            query, qualifier = qualified["name"], qualified["qualifier"]
            if len(qualifier) == 5:
                queryset = queryset.filter(postal_codes__code=qualifier)
            else:
                queryset = queryset.filter(departement_id=qualifier)
        compact = query.replace(" ", "")
        if compact.isdigit():
            if len(compact) == 5:
                queryset = queryset.filter(postal_codes__code=compact)
            elif len(compact) < 5:
                queryset = queryset.filter(postal_codes__code__startswith=compact).distinct()
            else:
                return self.none()
        else:
            normalized = normalize_name(query)
            if not normalized:
                return self.none()
            condition = models.Q(search_name__startswith=normalized)
            head, _, last = normalized.rpartition(" ")
            if last in _SAINT_PREFIXES:
                condition |= models.Q(search_name__startswith=f"{head} st".lstrip())
            queryset = queryset.filter(condition)
        queryset = queryset.order_by("-population", "name", "insee_code")
        return queryset[:limit] if limit else queryset


class Commune(models.Model):
    insee_code = models.CharField("code INSEE", max_length=5, primary_key=True)
    name = models.CharField("nom", max_length=150)
    search_name = models.CharField(max_length=150, db_index=True, editable=False)
    type = models.CharField(max_length=30, choices=CommuneType.choices, default=CommuneType.COMMUNE)
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="arrondissements",
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
        constraints = [
            models.UniqueConstraint(fields=["code", "commune"], name="postal_code_unique_per_commune")
        ]

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
