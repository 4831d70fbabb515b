"""What happens to a hire request, announced to the apps above recruitment (funding opens and cancels the grant
file): recruitment imports none of them. Sent inside the transaction of the change, so a receiver's failure rolls it
back."""

from django.dispatch import Signal

# "Valider cette candidature" held a post. Arguments: match, by.
hire_requested = Signal()

# A hire request ended without a hire (cancelled by the structure, stopped by ANCT, closed because the candidate is
# no longer available). Arguments: match, by.
hire_request_ended = Signal()
