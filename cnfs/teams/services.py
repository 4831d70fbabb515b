"""The team workflow: ANCT or the coordinator's structure names a coordinator and invites advisors; the invited
advisor accepts or declines from their space; a member leaves, or is removed. Each step locks its row, checks the
table below and writes the transition log and the journal (ids and statuses only); the invited advisor is emailed
after the commit, with a link to their space (no token)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cnfs.accounts.roles import Role
from cnfs.accounts.services import grant_role
from cnfs.core.workflow import INITIAL, Transition, TransitionError, TransitionForbidden, Workflow
from cnfs.journal.services import record
from cnfs.notifications.services import absolute_url, send_email
from cnfs.recruitment.models import Advisor, AdvisorStatus

from .models import MembershipStatus, Team, TeamMembership, TeamMembershipTransition

__all__ = ["TransitionError", "TransitionForbidden"]

S = MembershipStatus
MANAGERS = {Role.ANCT, Role.STRUCTURE}
ALREADY_IN_A_TEAM = (
    "Ce conseiller fait déjà partie d'une équipe : il doit la quitter avant d'en rejoindre une autre."
)
ALREADY_INVITED = "Ce conseiller a déjà une invitation en attente pour cette équipe."


def _refused(membership, transition):
    return f"Action impossible : « {membership.get_status_display().lower()} »."


def in_post(membership, attempt):
    if membership.advisor.status != AdvisorStatus.ACTIVE:
        return "Ce conseiller n'est plus en poste."
    return None


def not_the_coordinator(membership, attempt):
    if membership.advisor_id == membership.team.coordinator_id:
        return "Le coordinateur ne fait pas partie de sa propre équipe : invitez un autre conseiller."
    return None


def not_in_a_team(membership, attempt):
    if TeamMembership.objects.active().filter(advisor_id=membership.advisor_id).exists():
        return ALREADY_IN_A_TEAM
    return None


def not_invited_yet(membership, attempt):
    pending = TeamMembership.objects.pending().filter(
        team_id=membership.team_id, advisor_id=membership.advisor_id
    )
    if pending.exists():
        return ALREADY_INVITED
    return None


def the_advisor_answers(membership, attempt):
    """Only the invited advisor answers their invitation or leaves the team (ANCT and the structure remove)."""
    if attempt.by is None or membership.advisor.candidate.user_id != attempt.by.pk:
        return "Seul le conseiller invité peut répondre à cette invitation."
    return None


WORKFLOW = Workflow(
    [
        Transition(
            "invite",
            {INITIAL},
            S.INVITED,
            "Inviter dans l'équipe",
            roles=MANAGERS,
            guards=(in_post, not_the_coordinator, not_in_a_team, not_invited_yet),
        ),
        Transition("cancel", {S.INVITED}, S.CANCELLED, "Annuler l'invitation", roles=MANAGERS),
        Transition(
            "accept",
            {S.INVITED},
            S.ACTIVE,
            "Accepter l'invitation",
            roles={Role.ADVISOR},
            guards=(the_advisor_answers, in_post, not_in_a_team),
        ),
        Transition(
            "decline",
            {S.INVITED},
            S.DECLINED,
            "Décliner l'invitation",
            roles={Role.ADVISOR},
            guards=(the_advisor_answers,),
        ),
        Transition(
            "leave",
            {S.ACTIVE},
            S.ENDED,
            "Quitter l'équipe",
            roles={Role.ADVISOR},
            guards=(the_advisor_answers,),
        ),
        Transition("remove", {S.ACTIVE}, S.ENDED, "Retirer de l'équipe", roles=MANAGERS),
    ],
    refused=_refused,
    journal_prefix="team_membership",
    log_model=TeamMembershipTransition,
    log_field="membership",
    changed_at_field="status_changed_at",
)


def name_coordinator(advisor: Advisor, *, by, role) -> Team:
    """The advisor becomes a coordinator: their team (one per coordinator) and the coordinator role on their account.
    Naming an advisor who already coordinates returns their team."""
    if str(role) not in MANAGERS:
        raise TransitionForbidden("Votre rôle ne permet pas de nommer un coordinateur.")
    with transaction.atomic():
        advisor = (
            Advisor.objects.select_for_update(of=("self",))
            .select_related("candidate__user")
            .get(pk=advisor.pk)
        )
        if advisor.status != AdvisorStatus.ACTIVE:
            raise ValidationError("Ce conseiller n'est plus en poste : il ne peut pas coordonner une équipe.")
        existing = Team.objects.filter(coordinator=advisor).first()
        if existing is not None:
            return existing
        if TeamMembership.objects.active().filter(advisor=advisor).exists():
            raise ValidationError(
                "Ce conseiller fait partie d'une équipe : il doit la quitter avant d'en coordonner une."
            )
        team = Team.objects.create(coordinator=advisor, named_by=by)
        grant_role(advisor.candidate.user, by=by, role=Role.COORDINATOR)
        record("team.named", team, by=by, role=str(role), after={"coordinator": advisor.pk})
    return team


def invite(team: Team, advisor: Advisor, *, by, role) -> TeamMembership:
    """An invitation to join the team, emailed to the advisor once committed."""
    membership = TeamMembership(team=team, advisor=advisor, invited_by=by, invited_at=timezone.now())
    try:
        with transaction.atomic():
            WORKFLOW.create(
                membership, "invite", by=by, role=role, details={"team": team.pk, "advisor": advisor.pk}
            )
    except IntegrityError as error:  # the same invitation sent twice at the same instant
        raise TransitionError(ALREADY_INVITED) from error
    user = advisor.candidate.user
    coordinator = team.coordinator.candidate.user
    send_email(
        event_key=f"team_invitation:{membership.pk}",
        to=user.email,
        subject="Vous êtes invité(e) à rejoindre une équipe de conseillers numériques",
        template="teams/emails/invitation",
        context={
            "user": user,
            "coordinator_name": coordinator.full_name,
            "structure": team.coordinator.structure,
            "url": absolute_url(reverse("teams:advisor")),
        },
    )
    return membership


def _joined(membership, attempt):
    membership.joined_at = timezone.now()
    return {"team": membership.team_id, "advisor": membership.advisor_id}


def _ids(membership, attempt):
    return {"team": membership.team_id, "advisor": membership.advisor_id}


def _lock_advisor_first(membership):
    # The advisor's row first: two answers of one advisor (two teams' invitations) take their turns.
    Advisor.objects.select_for_update().filter(pk=membership.advisor_id).first()
    return WORKFLOW.lock(membership)


def act(membership: TeamMembership, action: str, *, by, role) -> TeamMembership:
    """Takes `action` (accept, decline, leave, cancel, remove). Two acceptances at the same instant leave one
    membership: the second waits for the first's lock or its unique row, and is refused."""
    if action not in WORKFLOW.transitions or action == "invite":
        raise TransitionError("Action inconnue.")
    try:
        with transaction.atomic():
            return WORKFLOW.run(
                membership,
                action,
                lock=_lock_advisor_first,
                by=by,
                role=role,
                effect=_joined if action == "accept" else _ids,
                fields=("joined_at",) if action == "accept" else (),
            )
    except IntegrityError as error:
        raise TransitionError(ALREADY_IN_A_TEAM) from error
