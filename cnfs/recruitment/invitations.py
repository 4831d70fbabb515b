"""A structure invites a candidate it has identified: an email to register; the match appears when they do."""

from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from cnfs.concertation.signals import structure_activated
from cnfs.journal.services import record
from cnfs.notifications.services import absolute_url, send_email

from .models import MatchInvitation


def invite_candidate(structure, email: str, *, by) -> MatchInvitation | None:
    """None when this structure already invited this address."""
    from cnfs.accounts.models import User

    email = User.objects.normalize_email(email)
    try:
        with transaction.atomic():
            invitation = MatchInvitation.objects.create(structure=structure, email=email, invited_by=by)
    except IntegrityError:
        return None
    record("match.candidate_invited", invitation, by=by, after={"structure": structure.pk})
    existing = User.objects.filter(email__iexact=email).select_related("candidate").first()
    candidate = getattr(existing, "candidate", None) if existing else None
    if candidate is not None:
        attach_invitations(candidate)
    send_email(
        event_key=f"match-invitation:{invitation.pk}",
        to=email,
        subject=f"{structure} vous invite à candidater comme conseiller numérique",
        template="recruitment/emails/candidate_invitation",
        context={
            "structure": structure,
            "url": absolute_url(reverse("candidates:register")),
            "has_account": candidate is not None,
        },
    )
    return invitation


def attach_invitations(candidate) -> int:
    """Opens a match with every structure that invited this candidate's address."""
    from .workflow import open_match

    if candidate.user_id is None:
        return 0
    invitations = MatchInvitation.objects.filter(email__iexact=candidate.user.email, used_at__isnull=True)
    count = 0
    for invitation in invitations.select_related("structure"):
        open_match(invitation.structure, candidate, by=invitation.invited_by, invited=True)
        invitation.used_at = timezone.now()
        invitation.save(update_fields=["used_at"])
        count += 1
    return count


@receiver(structure_activated, dispatch_uid="recruitment.invite_identified_candidate")
def invite_identified_candidate(sender, *, application, structure, by=None, **kwargs):
    """Question 12 of the application: the candidate the structure had identified is invited to register once the
    structure is activated; they show in its list, as invited, when they register."""
    if application.candidate_email:
        invite_candidate(structure, application.candidate_email, by=by)
