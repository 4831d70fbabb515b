from django.db import models


class DepartementCentre(models.Model):
    """Where a département's figures are drawn on the dashboards' maps: the centre of its communes weighted by their
    population (the territories data has no département outline), computed once from the communes
    (`maps.compute_centres`, `manage.py compute_departement_centres` after an import of the territories)."""

    departement = models.OneToOneField(
        "territories.Departement",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="centre",
        verbose_name="département",
    )
    latitude = models.FloatField()
    longitude = models.FloatField()
    population = models.PositiveBigIntegerField("population des communes", default=0)
    computed_at = models.DateTimeField("calculé le", auto_now=True)

    class Meta:
        verbose_name = "centre d'un département"
        verbose_name_plural = "centres des départements"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180
                ),
                name="departement_centre_on_earth",
            )
        ]

    def __str__(self):
        return f"Centre du département {self.departement_id}"
