"""The structure space: Ma structure, Mes postes, Mon équipe, and the job posting (§4)."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from cnfs.accounts.models import Invitation, RoleAssignment
from cnfs.accounts.permissions import role_required
from cnfs.accounts.roles import Role
from cnfs.accounts.services import invite
from cnfs.concertation import changes
from cnfs.concertation.forms import ChangeRequestForm
from cnfs.concertation.models import ApplicationStatus, PostChangeRequest, StructureApplication
from cnfs.concertation.workflow import TransitionError
from cnfs.journal.services import record

from .docx import job_description
from .forms import ContactDetailsForm, ExtendDeadlineForm, InviteMemberForm, JobPostingForm
from .models import JobPosting, Post
from .services import extend_deadline, posts_summary, record_job_posting


def _structure(request):
    return request.role_context.structure


def _application(structure):
    """The structure's application that was accepted (the one its posts hang on), else its latest one."""
    applications = StructureApplication.objects.filter(structure=structure).select_related(
        "commune__epci", "wave"
    )
    return applications.filter(status=ApplicationStatus.ACTIVATED).first() or applications.first()


@role_required(Role.STRUCTURE)
def my_structure(request):
    structure = _structure(request)
    application = _application(structure)
    form = ContactDetailsForm(request.POST or None, instance=structure) if application else None
    if request.method == "POST" and form is not None and form.is_valid():
        form.save()
        # Field names only: the contact's name, email and phone stay out of the journal.
        record("structure.contact_updated", structure, by=request.user, after={"fields": form.changed_data})
        messages.success(request, "Les coordonnées du contact sont enregistrées.")
        return redirect("structures:home")
    return render(
        request,
        "structures/home.html",
        {
            "title": "Ma structure",
            "structure": structure,
            "application": application,
            "form": form,
            "decisions": application.decisions.all() if application else [],
        },
        status=400 if request.method == "POST" else 200,
    )


@role_required(Role.STRUCTURE)
def my_posts(request):
    structure = _structure(request)
    application = _application(structure)
    form = ChangeRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            changes.request_change(application, by=request.user, **form.cleaned_data)
        except (TransitionError, AttributeError) as error:
            form.add_error(
                None, str(error) if isinstance(error, TransitionError) else "Aucune candidature acceptée."
            )
        else:
            messages.success(
                request, "Votre demande est transmise. Vous serez prévenu(e) de la décision par courriel."
            )
            return redirect("structures:posts")
    return render(
        request,
        "structures/posts.html",
        {
            "title": "Mes postes",
            "structure": structure,
            "summary": posts_summary(structure),
            "posts": Post.objects.granted().filter(structure=structure).order_by("deadline", "pk"),
            "application": application,
            "form": form if application and application.status == ApplicationStatus.ACTIVATED else None,
            "change_requests": PostChangeRequest.objects.filter(application__structure=structure),
        },
        status=400 if request.method == "POST" else 200,
    )


@role_required(Role.STRUCTURE)
def my_team(request):
    structure = _structure(request)
    members = RoleAssignment.objects.filter(role=Role.STRUCTURE, structure=structure).select_related("user")
    pending = Invitation.objects.pending().filter(role=Role.STRUCTURE, structure=structure)
    is_admin = request.role_context.is_structure_admin
    form = InviteMemberForm(request.POST or None) if is_admin else None
    if request.method == "POST":
        if not is_admin:
            return HttpResponse(status=403)
        if form.is_valid():
            data = form.cleaned_data
            if members.filter(user__email__iexact=data["email"]).exists():
                form.add_error("email", "Cette personne fait déjà partie de l'équipe.")
            else:
                invite(
                    email=data["email"],
                    by=request.user,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    role=Role.STRUCTURE,
                    structure=structure,
                    is_admin=data["is_admin"],
                )
                messages.success(request, f"Invitation envoyée à {data['email']}.")
                return redirect("structures:team")
    return render(
        request,
        "structures/team.html",
        {
            "title": "Mon équipe",
            "members": members,
            "pending": pending,
            "form": form,
            "is_admin": is_admin,
        },
        status=400 if request.method == "POST" else 200,
    )


@role_required(Role.STRUCTURE, admin=True)
@require_POST
def remove_member(request, pk):
    structure = _structure(request)
    with transaction.atomic():
        members = RoleAssignment.objects.select_for_update().filter(role=Role.STRUCTURE, structure=structure)
        member = get_object_or_404(members, pk=pk)
        if member.is_admin and members.filter(is_admin=True).count() <= 1:
            messages.error(request, "La structure doit garder au moins un administrateur.")
            return redirect("structures:team")
        record(
            "role.removed",
            member,
            by=request.user,
            before={"user": member.user_id, "role": member.role, "scope": member.scope_id},
        )
        member.delete()
    messages.success(request, f"{member.user} ne fait plus partie de l'équipe.")
    return redirect("structures:team")


def _posting_in_use(posting) -> bool:
    """A posting a recruitment already relies on (a grant file links it) is kept as it was: a new recruitment
    publishes a new posting."""
    return posting is not None and posting.grant_files.exists()


@role_required(Role.STRUCTURE)
def job_posting(request):
    """The structure's current job posting (the latest published): edited while no recruitment relies on it;
    "Publier une nouvelle offre" records a new one (a post freed again is recruited with a new posting)."""
    structure = _structure(request)
    current = JobPosting.objects.current_for(structure)
    in_use = _posting_in_use(current)
    new = (
        current is None or in_use or request.GET.get("nouvelle") == "1" or request.POST.get("nouvelle") == "1"
    )
    instance = JobPosting(structure=structure) if new else current
    form = JobPostingForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        record_job_posting(form.save(commit=False), by=request.user)
        messages.success(request, "L'offre d'emploi est enregistrée.")
        return redirect("structures:job_posting")
    return render(
        request,
        "structures/job_posting.html",
        {
            "title": "Offre d'emploi et fiche de poste",
            "form": form,
            "posting": current,
            "new": new,
            "in_use": in_use,
            "previous": JobPosting.objects.filter(structure=structure).exclude(
                pk=getattr(current, "pk", None)
            )[:10],
        },
        status=400 if request.method == "POST" else 200,
    )


@role_required(Role.STRUCTURE)
def job_description_docx(request):
    structure = _structure(request)
    content = job_description(structure, _application(structure))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f'attachment; filename="fiche-de-poste-{slugify(structure.name)}.docx"'
    return response


@role_required(Role.ANCT)
def extend_post_deadline(request, pk):
    """ANCT extends one post's recruitment deadline, with a reason (journaled)."""
    post = get_object_or_404(Post.objects.granted().select_related("structure"), pk=pk)
    form = ExtendDeadlineForm(request.POST or None, post=post)
    if request.method == "POST" and form.is_valid():
        try:
            extend_deadline(post, by=request.user, **form.cleaned_data)
        except TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"La date limite du poste n° {post.pk} est reportée au {form.cleaned_data['deadline']:%d/%m/%Y}.",
            )
            application = post.granted_by.application
            return redirect("concertation:detail", pk=application.pk)
    return render(
        request,
        "structures/extend_deadline.html",
        {"title": f"Prolonger le délai de recrutement — poste n° {post.pk}", "post": post, "form": form},
        status=400 if request.method == "POST" else 200,
    )
