"""What happens to a candidate, announced to the apps above (recruitment reacts; candidates imports none of them)."""

from django.dispatch import Signal

# Sent (inside the transaction) when a candidate is available again; recruitment reopens their closed matches.
# Arguments: candidate, by.
candidate_available_again = Signal()
