"""Monthly activity rollups: one row per advisor and month holding every additive figure of their reports that month
(the columns are the figures declared once in cnfs/activity/stats.py, FIGURES). The dashboards, the exports and the
public statistics add these rows up instead of scanning the reports; cnfs/activity/rollups.py keeps them with the
reports and rebuilds them."""

from django.db import models
from django.db.models import Q

from .stats import FIGURES

__all__ = ["ActivityRollup"]


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


for _figure in FIGURES:
    ActivityRollup.add_to_class(_figure.key, models.PositiveIntegerField(_figure.key, default=0))
