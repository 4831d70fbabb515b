"""Monthly activity rollups: one row per advisor and month holding every additive figure of their reports that month
(the columns are the figures declared once in cnfs/activity/stats.py, FIGURES). The dashboards, the exports and the
public statistics add these rows up instead of scanning the reports; cnfs/activity/rollups.py keeps them with the
reports and rebuilds them."""

from django.db import models
from django.db.models import Q

from .stats import FIGURES

__all__ = ["ActivityRollup", "DepartementRollup"]


class ActivityRollup(models.Model):
    advisor = models.ForeignKey(
        "recruitment.Advisor",
        on_delete=models.CASCADE,
        related_name="activity_rollups",
        verbose_name="conseiller numérique",
    )
    month = models.DateField("mois (premier jour)")

    class Meta:
        verbose_name = "cumul mensuel d'activité"
        verbose_name_plural = "cumuls mensuels d'activité"
        indexes = [models.Index(fields=["month"], name="rollup_month")]
        constraints = [
            models.UniqueConstraint(fields=["advisor", "month"], name="rollup_one_per_advisor_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="rollup_month_first_day"),
        ]

    def __str__(self):
        return f"Activité de {self.month:%m/%Y}"


class DepartementRollup(models.Model):
    """The advisor rows of one month added up per département of the advisor's CURRENT structure (the scope the
    dashboards, the public statistics and the open data read): about a hundred départements × months, instead of
    every advisor's month. Kept with the advisor rows (cnfs/activity/rollups.py) and moved with an advisor who
    changes structure or a structure that changes département."""

    departement = models.ForeignKey(
        "territories.Departement",
        on_delete=models.PROTECT,
        related_name="activity_rollups",
        verbose_name="département",
    )
    month = models.DateField("mois (premier jour)")

    class Meta:
        verbose_name = "cumul mensuel d'activité d'un département"
        verbose_name_plural = "cumuls mensuels d'activité des départements"
        constraints = [
            models.UniqueConstraint(fields=["departement", "month"], name="dep_rollup_one_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="dep_rollup_month_first_day"),
        ]

    def __str__(self):
        return f"Activité de {self.departement_id} en {self.month:%m/%Y}"


for _figure in FIGURES:
    ActivityRollup.add_to_class(_figure.key, models.PositiveIntegerField(_figure.key, default=0))
    DepartementRollup.add_to_class(_figure.key, models.PositiveIntegerField(_figure.key, default=0))
