"""What happens to a candidate, announced to the apps above them (recruitment reacts): the candidates app imports
none of them. Every signal is sent inside the transaction of the change, so a receiver's failure rolls it back."""

from django.dispatch import Signal

# A candidate registered. Arguments: candidate. (Recruitment opens the matches of the structures that invited them.)
candidate_registered = Signal()

# A candidate is no longer available. Arguments: candidate, by. (Recruitment closes their open matches.)
candidate_withdrawn = Signal()

# A candidate is available again. Arguments: candidate, by. (Recruitment reopens their closed matches.)
candidate_available_again = Signal()

# A candidate asks to be erased. Arguments: candidate, by. A receiver refuses by raising CandidateError (e.g. an
# advisor under contract), or removes what it holds about the person (matches closed, interview grids deleted).
candidate_erasing = Signal()

# Is the candidate held by a structure (hired, or a hire requested)? Arguments: candidate. Each receiver answers
# True or False.
candidate_held = Signal()
