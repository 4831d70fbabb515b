"""How funding reacts to the hire request (cnfs.recruitment.signals): "Valider cette candidature" opens the grant
file, a request that ends without a hire cancels it. Sent inside recruitment's transaction: a failure here rolls the
request back. A structure that moves to another département moves its funding totals (cnfs/funding/totals.py).
Connected in FundingConfig.ready."""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from cnfs.recruitment.signals import hire_request_ended, hire_requested
from cnfs.structures.models import Structure

from . import notify, totals
from .grant_files import cancel_live_file, open_file
from .models import Tranche


@receiver(hire_requested, dispatch_uid="funding.open_grant_file")
def on_hire_requested(sender, match, by=None, **kwargs):
    open_file(match, by=by)
    notify.hire_in_progress(match)


@receiver(hire_request_ended, dispatch_uid="funding.cancel_grant_file")
def on_hire_request_ended(sender, match, by=None, **kwargs):
    cancel_live_file(match, by=by)


@receiver(pre_save, sender=Structure, dispatch_uid="funding.structure_departement_before")
def remember_departement(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance._state.adding or not instance.pk:
        return
    if update_fields is not None and "departement" not in update_fields:
        return
    instance._funding_departement_before = (
        Structure.objects.filter(pk=instance.pk).values_list("departement_id", flat=True).first()
    )


@receiver(post_save, sender=Structure, dispatch_uid="funding.structure_departement_after")
def move_totals(sender, instance, raw=False, **kwargs):
    """A structure that changes département takes its tranches' totals with it."""
    before = getattr(instance, "_funding_departement_before", None)
    if raw or before is None or before == instance.departement_id:
        return
    if Tranche.objects.filter(structure_id=instance.pk).exists():
        totals.refresh([before, instance.departement_id])
