"""How recruitment reacts to what happens to a candidate (cnfs.candidates.signals): the lower app announces, this
one acts, so that candidates never imports recruitment. Connected in RecruitmentConfig.ready."""

from django.dispatch import receiver

from cnfs.candidates.services import CandidateError
from cnfs.candidates.signals import (
    candidate_available_again,
    candidate_erasing,
    candidate_held,
    candidate_registered,
    candidate_withdrawn,
)

from .invitations import attach_invitations
from .models import HOLDING_STATUSES, InterviewEvaluation, Match, MatchStatus
from .workflow import close_other_matches, reopen_closed_matches


@receiver(candidate_registered, dispatch_uid="recruitment.attach_invitations")
def on_candidate_registered(sender, candidate, **kwargs):
    attach_invitations(candidate)


@receiver(candidate_withdrawn, dispatch_uid="recruitment.close_matches_of_withdrawn")
def on_candidate_withdrawn(sender, candidate, by=None, **kwargs):
    close_other_matches(candidate, by=by, reason="Le candidat n'est plus disponible")


@receiver(candidate_available_again, dispatch_uid="recruitment.reopen_closed_matches")
def on_candidate_available_again(sender, candidate, by=None, **kwargs):
    reopen_closed_matches(candidate, by=by)


@receiver(candidate_held, dispatch_uid="recruitment.candidate_held")
def on_candidate_held(sender, candidate, **kwargs):
    return Match.objects.filter(candidate=candidate, status__in=HOLDING_STATUSES).exists()


@receiver(candidate_erasing, dispatch_uid="recruitment.before_erasure")
def on_candidate_erasing(sender, candidate, by=None, **kwargs):
    """An advisor under contract cannot erase their account; otherwise their matches close and the structures'
    interview grids about them are deleted."""
    under_contract = (MatchStatus.HIRED, MatchStatus.TERMINATION_REQUESTED)
    if Match.objects.filter(candidate=candidate, status__in=under_contract).exists():
        raise CandidateError(
            "Vous êtes recruté(e) comme conseiller numérique : votre compte ne peut pas être supprimé tant que "
            "votre contrat est en cours. Contactez votre structure."
        )
    close_other_matches(candidate, by=by, reason="Compte supprimé par le candidat")
    InterviewEvaluation.objects.filter(match__candidate=candidate).delete()
