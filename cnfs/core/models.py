from django.conf import settings
from django.db import models
from django.utils import timezone


class TransitionLog(models.Model):
    """One row per status change of a workflow object: who, when, from, to, why.

    A subclass adds the foreign key to its object (named by `subject_field`) and redeclares `from_status` and
    `to_status` with its status choices.
    """

    subject_field = ""

    name = models.CharField("transition", max_length=40)
    from_status = models.CharField(max_length=24)
    to_status = models.CharField(max_length=24)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self):
        return f"{getattr(self, f'{self.subject_field}_id')}: {self.from_status} → {self.to_status}"
