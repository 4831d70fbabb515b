"""A structure that changes département, announced to the apps that keep totals per département (funding's tranche
totals, activity's rollups): structures imports none of them. Sent after the save, inside its transaction when there
is one, so a receiver's failure rolls the change back."""

from django.dispatch import Signal

from cnfs.core.changes import on_change

from .models import Structure

# Arguments: structure, before (the previous département's code), after (the new one).
departement_changed = Signal()


def _announce(structure, before, after):
    departement_changed.send(sender=Structure, structure=structure, before=before, after=after)


on_change(Structure, "departement_id", _announce, uid="structures.departement_changed")
