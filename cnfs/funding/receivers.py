"""How funding reacts to the hire request (cnfs.recruitment.signals): "Valider cette candidature" opens the grant
file, a request that ends without a hire cancels it. Sent inside recruitment's transaction: a failure here rolls the
request back. A structure that moves to another département moves its funding totals (cnfs/funding/totals.py).
Connected in FundingConfig.ready."""

from django.dispatch import receiver

from cnfs.recruitment.signals import hire_request_ended, hire_requested
from cnfs.structures.signals import departement_changed

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


@receiver(departement_changed, dispatch_uid="funding.structure_departement_changed")
def move_totals(sender, structure, before, after, **kwargs):
    """A structure that changes département takes its tranches' totals with it."""
    if Tranche.objects.filter(structure_id=structure.pk).exists():
        totals.refresh([before, after])
