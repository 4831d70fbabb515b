from django.db import models


class TrainingProvider(models.Model):
    """Organisme de formation: trains the advisors assigned to it."""

    name = models.CharField("nom", max_length=200, unique=True)
    siret = models.CharField("SIRET", max_length=14, blank=True)

    class Meta:
        verbose_name = "organisme de formation"
        verbose_name_plural = "organismes de formation"
        ordering = ["name"]

    def __str__(self):
        return self.name
