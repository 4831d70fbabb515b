from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    """The journal is append-only: an entry is never changed nor deleted."""


class JournalEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Le journal ne peut pas être modifié.")

    def delete(self):
        raise AppendOnlyError("Le journal ne peut pas être effacé.")

    def for_object(self, obj):
        return self.filter(object_type=object_type_of(obj), object_id=str(obj.pk))


def object_type_of(obj) -> str:
    return obj._meta.label_lower if obj is not None else ""


class JournalEntry(models.Model):
    """Who did what, when, on which object, with the state before and after. Insert only (also enforced in SQL)."""

    created_at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    # No database constraint and no cascade: the entry keeps the actor's id even after their account is erased,
    # so the journal never has to change and holds no personal data of its own.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        verbose_name="auteur",
    )
    role = models.CharField("rôle", max_length=20, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField("type d'objet", max_length=100, blank=True)
    object_id = models.CharField("identifiant de l'objet", max_length=64, blank=True)
    before = models.JSONField("avant", null=True, blank=True)
    after = models.JSONField("après", null=True, blank=True)
    ip_address = models.GenericIPAddressField("adresse IP", null=True, blank=True)

    objects = JournalEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "entrée du journal"
        verbose_name_plural = "journal"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="journal_object")]

    def __str__(self):
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.actor_id or 'système'} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Le journal ne peut pas être modifié.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Le journal ne peut pas être effacé.")
