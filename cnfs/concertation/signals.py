"""Domain events of the concertation, for the apps above it (recruitment…) to react to without being imported here."""

from django.dispatch import Signal

# A positive decision has activated a structure. Sent inside the activation's transaction, with
# `application` (the StructureApplication), `structure` and `by` (the acting user, or None).
structure_activated = Signal()
