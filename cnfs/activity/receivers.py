"""How the département rollups follow a move (cnfs/activity/rollups.py): an advisor re-hired in a structure of another
département, a structure that changes département. Their rows count in the département of the advisor's current
structure, so both départements are rewritten inside the transaction that made the change. (An advisor with rollups
has reports, which protect the advisor from deletion.) Connected in ActivityConfig.ready."""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from cnfs.recruitment.models import Advisor
from cnfs.structures.models import Structure
from cnfs.structures.signals import departement_changed

from . import rollups
from .rollup_models import ActivityRollup


def _departement_of(structure_id):
    return Structure.objects.filter(pk=structure_id).values_list("departement_id", flat=True).first()


@receiver(pre_save, sender=Advisor, dispatch_uid="activity.advisor_departement_before")
def remember_advisor_departement(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance._state.adding or not instance.pk:
        return
    if update_fields is not None and "structure" not in update_fields:
        return
    instance._activity_departement_before = (
        Advisor.objects.filter(pk=instance.pk).values_list("structure__departement_id", flat=True).first()
    )


@receiver(post_save, sender=Advisor, dispatch_uid="activity.advisor_departement_after")
def move_advisor_rollups(sender, instance, raw=False, **kwargs):
    before = getattr(instance, "_activity_departement_before", None)
    instance._activity_departement_before = None
    if raw or before is None:
        return
    after = _departement_of(instance.structure_id)
    if before != after and ActivityRollup.objects.filter(advisor_id=instance.pk).exists():
        rollups.refresh_departements([before, after])


@receiver(departement_changed, dispatch_uid="activity.structure_departement_changed")
def move_structure_rollups(sender, structure, before, after, **kwargs):
    if ActivityRollup.objects.filter(advisor__structure_id=structure.pk).exists():
        rollups.refresh_departements([before, after])
