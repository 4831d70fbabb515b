"""A structure that changes département, announced to the apps that keep totals per département (funding's tranche
totals, activity's rollups): structures imports none of them. Sent by a post_save receiver, inside the save's
transaction when there is one, so a receiver's failure rolls the change back."""

from django.db.models.signals import post_save, pre_save
from django.dispatch import Signal, receiver

from .models import Structure

# Arguments: structure, before (the previous département's code), after (the new one).
departement_changed = Signal()


@receiver(pre_save, sender=Structure, dispatch_uid="structures.departement_before")
def _remember_departement(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._departement_before = None
    if raw or instance._state.adding or not instance.pk:
        return
    if update_fields is not None and "departement" not in update_fields:
        return
    instance._departement_before = (
        Structure.objects.filter(pk=instance.pk).values_list("departement_id", flat=True).first()
    )


@receiver(post_save, sender=Structure, dispatch_uid="structures.departement_after")
def _announce_departement(sender, instance, raw=False, **kwargs):
    before = getattr(instance, "_departement_before", None)
    instance._departement_before = None
    if raw or before is None or before == instance.departement_id:
        return
    departement_changed.send(
        sender=Structure, structure=instance, before=before, after=instance.departement_id
    )
