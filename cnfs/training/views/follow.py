"""Who follows the training and the taking up of the post: the structure (its advisors' plan, each one's
onboarding checklist and welcome booklet), the advisor (their own training and checklist, the community), ANCT
(national table, changing a provider) and ANCT and the préfectures (checklist completion by département)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify

from cnfs.accounts.permissions import role_required
from cnfs.accounts.roles import Role
from cnfs.core.workflow import TransitionError
from cnfs.funding.documents import DOCX_CONTENT_TYPE
from cnfs.recruitment.models import Match, MatchStatus

from .. import documents, figures, onboarding, services
from ..forms import ChangeProviderForm, OnboardingForm
from ..models import (
    FACE_TO_FACE_MINIMUM,
    SessionRegistration,
    Training,
    TrainingProvider,
    TrainingStatus,
)
from .provider import add_errors

HIRED = (MatchStatus.HIRED, MatchStatus.TERMINATION_REQUESTED)


def _with_session(trainings):
    """Each training with its active registration's session (one query)."""
    trainings = list(trainings)
    registrations = SessionRegistration.objects.filter(
        training__in=trainings, withdrawn_at__isnull=True
    ).select_related("session__commune")
    by_training = {r.training_id: r.session for r in registrations}
    for training in trainings:
        training.session = by_training.get(training.pk)
    return trainings


@role_required(Role.STRUCTURE)
def structure_plan(request):
    structure = request.role_context.structure
    trainings = _with_session(
        Training.objects.visible_to(request.role_context)
        .live()
        .select_related("provider", "match__candidate__user")
        .order_by("created_at", "pk")
    )
    hires = (
        Match.objects.filter(structure=structure, status__in=HIRED)
        .select_related("candidate__user", "onboarding")
        .order_by("status_changed_at", "pk")
    )
    context = {"title": "Formation et prise de poste", "trainings": trainings, "hires": hires}
    return render(request, "training/structure_plan.html", context)


def _hire(request, match_pk):
    return get_object_or_404(
        Match.objects.filter(
            structure_id=request.role_context.current.structure_id, status__in=HIRED
        ).select_related("candidate__user", "structure"),
        pk=match_pk,
    )


@role_required(Role.STRUCTURE)
def onboarding_view(request, match_pk):
    match = _hire(request, match_pk)
    checklist = onboarding.checklist_for(match)
    form = OnboardingForm(request.POST or None, checklist=checklist)
    if request.method == "POST" and form.is_valid():
        try:
            onboarding.save_checklist(checklist, form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Prise de poste enregistrée.")
            return redirect("training:onboarding", match_pk=match.pk)
    context = {
        "title": f"Prise de poste de {match.candidate.user.full_name}",
        "match": match,
        "checklist": checklist,
        "outfit_size": onboarding.outfit_size(match),
        "form": form,
    }
    return render(request, "training/onboarding.html", context, status=400 if form.errors else 200)


@role_required(Role.STRUCTURE)
def booklet(request, match_pk):
    match = _hire(request, match_pk)
    content = documents.welcome_booklet(onboarding.checklist_for(match))
    response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
    name = f"livret-de-prise-de-poste-{slugify(match.candidate.user.full_name)}.docx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@role_required(Role.ADVISOR)
def advisor(request):
    trainings = _with_session(
        Training.objects.visible_to(request.role_context).live().select_related("provider", "structure")
    )
    training = trainings[0] if trainings else None
    checklist = None
    if training is not None:
        checklist = onboarding.checklist_for(training.match)
    context = {
        "title": "Ma formation et ma prise de poste",
        "training": training,
        "positioning": getattr(training, "positioning", None) if training else None,
        "checklist": checklist,
        "community_links": settings.CNFS_COMMUNITY_LINKS,
    }
    return render(request, "training/advisor.html", context)


@role_required(Role.ANCT)
def national(request):
    live = Training.objects.live()
    in_progress = Q(
        trainings__status__in=[
            TrainingStatus.TO_POSITION,
            TrainingStatus.POSITIONED,
            TrainingStatus.IN_TRAINING,
        ]
    )
    providers = TrainingProvider.objects.annotate(
        total=Count("trainings", filter=~Q(trainings__status=TrainingStatus.CANCELLED)),
        in_progress=Count("trainings", filter=in_progress),
        completed=Count("trainings", filter=Q(trainings__status=TrainingStatus.COMPLETED)),
        dropped=Count("trainings", filter=Q(trainings__status=TrainingStatus.DROPPED)),
        late=Count(
            "trainings", filter=Q(trainings__late_start=True) & ~Q(trainings__status=TrainingStatus.CANCELLED)
        ),
    ).order_by("name")
    paths = figures.by_path(live)
    below = (
        figures.below_minimum_sessions().select_related("provider", "commune").order_by("start_date", "pk")
    )
    late = (
        live.filter(late_start=True)
        .select_related("provider", "structure", "match__candidate__user")
        .order_by("start_date", "pk")
    )
    unassigned = live.filter(provider__isnull=True).select_related("structure").order_by("created_at", "pk")
    context = {
        "title": "Formation des conseillers",
        "providers": providers,
        "paths": paths,
        "below": below,
        "late": late,
        "unassigned": unassigned,
        "minimum": FACE_TO_FACE_MINIMUM,
        "late_days": services.late_start_days(),
        "counts": services.state_counts(live),
    }
    return render(request, "training/national.html", context)


@role_required(Role.ANCT)
def change_provider(request, pk):
    training = get_object_or_404(
        Training.objects.live().select_related(
            "structure__departement", "provider", "match__candidate__user"
        ),
        pk=pk,
    )
    form = ChangeProviderForm(request.POST or None, initial={"provider": training.provider_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.change_provider(training, form.cleaned_data["provider"], by=request.user)
        except TransitionError as error:
            form.add_error("provider", str(error))
        else:
            messages.success(
                request, "Organisme de formation changé : la structure et le conseiller sont prévenus."
            )
            return redirect("training:national")
    context = {
        "title": "Changer l'organisme de formation",
        "training": training,
        "form": form,
        "covering": TrainingProvider.objects.filter(departements=training.structure.departement_id),
    }
    return render(request, "training/change_provider.html", context, status=400 if form.errors else 200)


@role_required(Role.ANCT, Role.PREFECTURE)
def onboarding_rates(request):
    rows = onboarding.completion_by_departement(request.role_context.departement_codes)
    context = {"title": "Prise de poste des conseillers", "rows": rows}
    return render(request, "training/onboarding_rates.html", context)
