"""Coordinators' teams: ANCT and structures name coordinators and invite advisors (list, team page); the advisor
answers from their space; the coordinator sees their team with its activity figures ("Mon équipe de conseillers")."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cnfs.accounts.permissions import role_required
from cnfs.accounts.roles import Role
from cnfs.activity import stats
from cnfs.activity.models import ActivityReport, current_advisor

from . import services
from .forms import AdvisorEmailForm
from .models import MembershipStatus, Team, TeamMembership

MANAGERS = (Role.ANCT, Role.STRUCTURE)
# Which role may take which action from the membership page it sees.
ACTIONS = {
    Role.ANCT: {"cancel", "remove"},
    Role.STRUCTURE: {"cancel", "remove"},
    Role.ADVISOR: {"accept", "decline", "leave"},
}
DONE = {
    "accept": "Vous avez rejoint l'équipe.",
    "decline": "Vous avez décliné l'invitation.",
    "leave": "Vous avez quitté l'équipe.",
    "cancel": "L'invitation est annulée.",
    "remove": "Le conseiller est retiré de l'équipe.",
}


def _teams(request):
    return (
        Team.objects.visible_to(request.role_context)
        .select_related("coordinator__candidate__user", "coordinator__structure")
        .annotate(
            members=Count("memberships", filter=Q(memberships__status=MembershipStatus.ACTIVE)),
            pending=Count("memberships", filter=Q(memberships__status=MembershipStatus.INVITED)),
        )
        .order_by("coordinator__candidate__user__last_name", "pk")
    )


@role_required(*MANAGERS)
def team_list(request):
    context = request.role_context
    form = AdvisorEmailForm(
        request.POST or None,
        label="Adresse électronique du conseiller à nommer coordinateur",
        help_text="Un conseiller numérique en poste"
        + (" de votre structure." if context.role == Role.STRUCTURE else "."),
    )
    if request.method == "POST" and form.is_valid():
        advisor = form.advisor
        if context.role == Role.STRUCTURE and advisor.structure_id != context.structure.pk:
            form.add_error("email", "Ce conseiller n'est pas un conseiller numérique de votre structure.")
        else:
            try:
                team = services.name_coordinator(advisor, by=request.user, role=context.role)
            except ValidationError as error:
                form.add_error("email", error.messages[0])
            else:
                messages.success(
                    request, f"{advisor.candidate.user.full_name} coordonne désormais une équipe."
                )
                return redirect("teams:detail", team.pk)
    return render(
        request,
        "teams/team_list.html",
        {"title": "Coordinateurs et équipes", "teams": _teams(request), "form": form},
    )


def _memberships(team):
    return (
        team.memberships.filter(status__in=[MembershipStatus.ACTIVE, MembershipStatus.INVITED])
        .select_related("advisor__candidate__user", "advisor__structure__commune")
        .order_by("status", "advisor__candidate__user__last_name", "pk")
    )


@role_required(*MANAGERS)
def team_detail(request, pk):
    team = get_object_or_404(_teams(request), pk=pk)
    form = AdvisorEmailForm(
        request.POST or None,
        label="Adresse électronique du conseiller à inviter",
        help_text="Un conseiller numérique en poste : il accepte ou décline l'invitation depuis son espace.",
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.invite(team, form.advisor, by=request.user, role=request.role_context.role)
        except services.TransitionError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, "L'invitation est envoyée : le conseiller y répond depuis son espace.")
            return redirect("teams:detail", team.pk)
    return render(
        request,
        "teams/team_detail.html",
        {
            "title": f"Équipe de {team.coordinator.candidate.user.full_name}",
            "team": team,
            "memberships": _memberships(team),
            "form": form,
        },
    )


@role_required(Role.COORDINATOR)
@require_GET
def my_team(request):
    """The coordinator's team: each member with their activity of the last 30 days, from the reports the
    coordinator may read (ActivityReport.objects.visible_to, as the statistics page)."""
    team = Team.objects.visible_to(request.role_context).first()
    members = list(_memberships(team).filter(status=MembershipStatus.ACTIVE)) if team else []
    figures = stats.per_advisor(
        ActivityReport.objects.visible_to(request.role_context), today=timezone.localdate()
    )
    rows = [(member, figures.get(member.advisor_id, stats.AdvisorFigures())) for member in members]
    return render(
        request,
        "teams/my_team.html",
        {
            "title": "Mon équipe de conseillers",
            "team": team,
            "rows": rows,
            "pending": list(_memberships(team).filter(status=MembershipStatus.INVITED)) if team else [],
            "recent_days": stats.RECENT_DAYS,
        },
    )


@role_required(Role.ADVISOR)
@require_GET
def advisor_space(request):
    advisor = current_advisor(request.role_context)
    memberships = (
        TeamMembership.objects.visible_to(request.role_context)
        .filter(status__in=[MembershipStatus.ACTIVE, MembershipStatus.INVITED])
        .select_related("team__coordinator__candidate__user", "team__coordinator__structure")
        .order_by("status", "-invited_at")
    )
    return render(
        request,
        "teams/advisor_space.html",
        {"title": "Mon équipe de coordination", "advisor": advisor, "memberships": memberships},
    )


@role_required(Role.ANCT, Role.STRUCTURE, Role.ADVISOR)
@require_POST
def membership_action(request, pk, action):
    role = request.role_context.role
    membership = get_object_or_404(TeamMembership.objects.visible_to(request.role_context), pk=pk)
    if action not in ACTIONS[role]:
        raise Http404("Action inconnue.")
    try:
        services.act(membership, action, by=request.user, role=role)
    except services.TransitionForbidden as error:
        raise PermissionDenied(str(error)) from error
    except services.TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, DONE[action])
    if role == Role.ADVISOR:
        return redirect("teams:advisor")
    return redirect("teams:detail", membership.team_id)
