"""How the département rollups follow a move (cnfs/activity/rollups.py): an advisor re-hired in a structure of another
département, a structure that changes département. Their rows count in the département of the advisor's current
structure, so both départements are rewritten inside the transaction that made the change. (An advisor with rollups
has reports, which protect the advisor from deletion.) Connected in ActivityConfig.ready."""

from django.dispatch import receiver

from cnfs.core.changes import on_change
from cnfs.recruitment.models import Advisor
from cnfs.structures.signals import departement_changed

from . import rollups
from .rollup_models import ActivityRollup


def move_advisor_rollups(advisor, before, after):
    if ActivityRollup.objects.filter(advisor_id=advisor.pk).exists():
        rollups.refresh_departements([before, after])


on_change(Advisor, "structure__departement_id", move_advisor_rollups, uid="activity.advisor_departement")


@receiver(departement_changed, dispatch_uid="activity.structure_departement_changed")
def move_structure_rollups(sender, structure, before, after, **kwargs):
    if ActivityRollup.objects.filter(advisor__structure_id=structure.pk).exists():
        rollups.refresh_departements([before, after])
