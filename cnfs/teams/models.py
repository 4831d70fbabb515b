"""Coordinators' teams (SPEC §1): a coordinator is an advisor in post with a team, named by ANCT or by their
structure; advisors join it by accepting an invitation from their space.

One row per invitation, whose status carries the membership that follows from it (invited → active → ended, or
declined, cancelled): the history of a team is its rows. The rules that must hold whatever writes them are database
constraints: one team per coordinator, one pending invitation per advisor and team, an advisor in at most one team
at a time.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cnfs.core.models import TransitionLog


class TeamQuerySet(models.QuerySet):
    def visible_to(self, role_context):
        """ANCT every team, a structure the teams of its coordinators, a coordinator their own."""
        from cnfs.accounts.roles import Role

        role = role_context.role
        if role == Role.ANCT:
            return self
        if role == Role.STRUCTURE:
            return self.filter(coordinator__structure_id=role_context.current.structure_id)
        if role == Role.COORDINATOR:
            advisor = _advisor_of(role_context)
            return self.filter(coordinator=advisor) if advisor else self.none()
        return self.none()


class Team(models.Model):
    coordinator = models.OneToOneField(
        "recruitment.Advisor",
        on_delete=models.PROTECT,
        related_name="coordinated_team",
        verbose_name="coordinateur",
    )
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    named_at = models.DateTimeField("nommé le", default=timezone.now)

    objects = TeamQuerySet.as_manager()

    class Meta:
        verbose_name = "équipe d'un coordinateur"
        verbose_name_plural = "équipes des coordinateurs"
        ordering = ["-named_at", "-pk"]

    def __str__(self):
        return f"Équipe n° {self.pk}"


class MembershipStatus(models.TextChoices):
    INVITED = "invited", "Invitation en attente"
    DECLINED = "declined", "Invitation déclinée"
    CANCELLED = "cancelled", "Invitation annulée"
    ACTIVE = "active", "Membre de l'équipe"
    ENDED = "ended", "A quitté l'équipe"


class TeamMembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=MembershipStatus.ACTIVE)

    def pending(self):
        return self.filter(status=MembershipStatus.INVITED)

    def visible_to(self, role_context):
        """ANCT every row, a structure those of its coordinators' teams, a coordinator their team's, an advisor the
        invitations sent to them."""
        from cnfs.accounts.roles import Role

        role = role_context.role
        if role == Role.ANCT:
            return self
        if role == Role.STRUCTURE:
            return self.filter(team__coordinator__structure_id=role_context.current.structure_id)
        if role in (Role.COORDINATOR, Role.ADVISOR):
            advisor = _advisor_of(role_context)
            if advisor is None:
                return self.none()
            return (
                self.filter(team__coordinator=advisor)
                if role == Role.COORDINATOR
                else self.filter(advisor=advisor)
            )
        return self.none()


class TeamMembership(models.Model):
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="memberships", verbose_name="équipe"
    )
    advisor = models.ForeignKey(
        "recruitment.Advisor",
        on_delete=models.PROTECT,
        related_name="team_memberships",
        verbose_name="conseiller numérique",
    )
    status = models.CharField("statut", max_length=20, choices=MembershipStatus.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invited_at = models.DateTimeField("invité le", default=timezone.now)
    joined_at = models.DateTimeField("membre depuis le", null=True, blank=True)
    status_changed_at = models.DateTimeField(default=timezone.now)

    objects = TeamMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "membre d'une équipe"
        verbose_name_plural = "membres des équipes"
        ordering = ["-invited_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "advisor"],
                condition=Q(status=MembershipStatus.INVITED),
                name="team_one_pending_invitation",
            ),
            models.UniqueConstraint(
                fields=["advisor"],
                condition=Q(status=MembershipStatus.ACTIVE),
                name="team_one_team_per_advisor",
            ),
            models.CheckConstraint(condition=Q(status__in=MembershipStatus.values), name="team_status_known"),
            models.CheckConstraint(
                condition=~Q(status__in=[MembershipStatus.ACTIVE, MembershipStatus.ENDED])
                | Q(joined_at__isnull=False),
                name="team_member_has_joined",
            ),
        ]

    def __str__(self):
        return f"{self.get_status_display()} (équipe n° {self.team_id})"


class TeamMembershipTransition(TransitionLog):
    subject_field = "membership"

    membership = models.ForeignKey(TeamMembership, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=MembershipStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=MembershipStatus.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = "changement de statut d'un membre d'équipe"


def _advisor_of(role_context):
    from cnfs.activity.models import current_advisor

    return current_advisor(role_context)
