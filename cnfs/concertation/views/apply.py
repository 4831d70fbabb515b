"""The public application form ("Accueillir un conseiller numérique"): a few steps, each saved.

A draft is reached through its private link (an unguessable UUID, also kept in the session); once the contact has
confirmed their email, the application is transmitted and can no longer be edited here.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cnfs.accounts import ratelimit
from cnfs.core.workflow import APPLICANT

from .. import cancellation, notify, sirene, workflow
from ..forms import STEPS, CancelForm, CommitmentsForm, IdentityForm, ProjectForm
from ..models import ApplicationStatus, StructureApplication

SESSION_KEY = "cnfs_application_draft"
STEP_COUNT = len(STEPS)


def _step(number):
    for step in STEPS:
        if step[0] == number:
            return step
    return None


def _form(form_class, request, application):
    data = request.POST if request.method == "POST" else None
    if form_class is CommitmentsForm:
        return form_class(data, instance=application)
    return form_class(data, instance=application)


@login_not_required
def start(request):
    """Step 1 of a new application; the draft exists once this step is valid."""
    return _render_step(request, StructureApplication(), 1)


@login_not_required
def step(request, public_id, number):
    application = get_object_or_404(StructureApplication, public_id=public_id)
    if application.status != ApplicationStatus.DRAFT:
        return redirect("concertation:summary", public_id=application.public_id)
    if _step(number) is None:
        return redirect("concertation:step", public_id=public_id, number=1)
    if number > application.last_step + 1:
        return redirect("concertation:step", public_id=public_id, number=application.last_step + 1)
    return _render_step(request, application, number)


def _render_step(request, application, number):
    _, title, form_class = _step(number)
    if request.method == "POST" and form_class is IdentityForm and IdentityForm.LOOKUP in request.POST:
        form, message, level = IdentityForm.prefilled(request.POST, instance=application)
        getattr(messages, level)(request, message)
        return _page(request, application, number, title, form, status=200)
    form = _form(form_class, request, application)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            if (
                application.pk is None
            ):  # the draft's creation is a step of the workflow: its history starts here
                application = form.save(commit=False)
                application.last_step = number
                workflow.create(application)
                form.save_m2m()
            else:
                application = form.save()
            application.last_step = max(application.last_step, number)
            application.save(update_fields=["last_step", "updated_at"])
        request.session[SESSION_KEY] = str(application.public_id)
        if number == 1 and application.last_step == 1:
            messages.info(
                request,
                "Votre candidature est enregistrée. Vous pouvez la reprendre plus tard avec l'adresse de cette page.",
            )
        if form_class is ProjectForm and ProjectForm.ADD_PLACE in request.POST:
            added = form.cleaned_data.get("add_place")
            if added is not None:
                messages.success(request, f"« {added.name} » est ajoutée aux communes d'intervention.")
            return redirect("concertation:step", public_id=application.public_id, number=number)
        if number < STEP_COUNT:
            return redirect("concertation:step", public_id=application.public_id, number=number + 1)
        return redirect("concertation:summary", public_id=application.public_id)
    return _page(request, application, number, title, form, status=400 if request.method == "POST" else 200)


def _page(request, application, number, title, form, *, status):
    next_title = _step(number + 1)[1] if number < STEP_COUNT else "Récapitulatif"
    return render(
        request,
        "concertation/apply_step.html",
        {
            "title": f"{title} — Candidature de structure",
            "application": application,
            "form": form,
            "number": number,
            "step_title": title,
            "next_title": next_title,
            "step_count": STEP_COUNT,
            "steps": [(n, t) for n, t, _ in STEPS],
            "add_place": ProjectForm.ADD_PLACE if number == 3 else "",
            "sirene_lookup": IdentityForm.LOOKUP
            if number == 1 and sirene.get_directory().name != "off"
            else "",
        },
        status=status,
    )


@login_not_required
def summary(request, public_id):
    application = get_object_or_404(
        StructureApplication.objects.select_related("commune__epci", "departement", "wave"),
        public_id=public_id,
    )
    return render(
        request,
        "concertation/apply_summary.html",
        {
            "title": "Récapitulatif de la candidature",
            "application": application,
            "missing": workflow.missing_answers(application)
            if application.status == ApplicationStatus.DRAFT
            else [],
            "steps": [(n, t) for n, t, _ in STEPS],
            "can_cancel": "cancel" in workflow.WORKFLOW.action_names(application, by=None, role=APPLICANT),
            "cancel_needs_link": cancellation.needs_link(application),
        },
    )


@login_not_required
@require_POST
def transmit(request, public_id):
    """Sends the confirmation link to the contact: the application is transmitted when they open it."""
    application = get_object_or_404(StructureApplication, public_id=public_id, status=ApplicationStatus.DRAFT)
    missing = workflow.missing_answers(application)
    if missing:
        messages.error(request, "Complétez d'abord : " + ", ".join(missing) + ".")
        return redirect("concertation:summary", public_id=public_id)
    blocking = workflow.active_application_for_siret(application.siret, exclude=application.pk)
    if blocking is not None:
        messages.error(request, workflow.siret_taken_message(blocking))
        return redirect("concertation:summary", public_id=public_id)
    if not ratelimit.allow("application_confirmation", request, address=application.contact_email):
        messages.error(request, ratelimit.message())
        response = summary(request, public_id)
        response.status_code = 429
        return response
    with transaction.atomic():
        application.confirmation_sent_at = timezone.now()
        application.save(update_fields=["confirmation_sent_at", "updated_at"])
        notify.send_confirmation(application)
    messages.success(
        request,
        f"Un courriel de confirmation a été envoyé à {application.contact_email}. Ouvrez le lien qu'il contient "
        "pour transmettre la candidature au préfet.",
    )
    return redirect("concertation:summary", public_id=public_id)


@login_not_required
def confirm(request, token):
    found = notify.read_confirmation_token(
        token, max_age=settings.EMAIL_CONFIRMATION_VALIDITY.total_seconds()
    )
    application = None
    if found:
        application = StructureApplication.objects.filter(public_id=found[0], contact_email=found[1]).first()
    if application is None:
        return render(request, "concertation/confirm_invalid.html", {"title": "Lien non valide"}, status=400)
    if application.status == ApplicationStatus.DRAFT:
        with transaction.atomic():
            if application.email_confirmed_at is None:
                application.email_confirmed_at = timezone.now()
                application.save(update_fields=["email_confirmed_at", "updated_at"])
            try:
                workflow.submit(application, by=None)
            except workflow.TransitionError as error:
                messages.error(request, str(error))
                return redirect("concertation:summary", public_id=application.public_id)
        if application.status == ApplicationStatus.WAITING_FOR_WAVE:
            messages.success(
                request,
                "Votre adresse est confirmée : la candidature entrera dans la prochaine vague de concertation.",
            )
        else:
            messages.success(request, "Votre adresse est confirmée : la candidature est transmise au préfet.")
    return redirect(reverse("concertation:summary", args=[application.public_id]))


@login_not_required
@require_POST
def cancel(request, public_id):
    """A draft is cancelled at once; a transmitted application needs the link mailed to its contact."""
    application = get_object_or_404(StructureApplication, public_id=public_id)
    if application.status == ApplicationStatus.DRAFT:
        try:
            workflow.cancel(application, by=None)
        except workflow.TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "La candidature est annulée.")
        return redirect("concertation:summary", public_id=public_id)
    try:
        cancellation.send_link(application)
    except cancellation.CancellationError as error:
        messages.error(request, str(error))
    else:
        hours = int(settings.CNFS_CANCELLATION_LINK_VALIDITY.total_seconds() // 3600)
        messages.info(
            request,
            "Pour confirmer l'annulation, ouvrez le lien envoyé à l'adresse du contact de la candidature "
            f"(valable {hours} heures, utilisable une fois). La candidature n'est pas annulée tant que ce lien "
            "n'est pas ouvert.",
        )
    return redirect("concertation:summary", public_id=public_id)


@login_not_required
def cancel_confirm(request, token):
    """The link from the email: a page that asks for confirmation (a GET never cancels: mail scanners open links)."""
    form = CancelForm(request.POST or None)
    try:
        link = cancellation.check_link(token)
    except cancellation.CancellationError as error:
        return _cancel_invalid(request, error)
    if request.method == "POST" and form.is_valid():
        try:
            application = cancellation.cancel_with_link(token, reason=form.cleaned_data["reason"])
        except cancellation.CancellationError as error:
            return _cancel_invalid(request, error)
        messages.success(request, "La candidature est annulée.")
        return redirect("concertation:summary", public_id=application.public_id)
    return render(
        request,
        "concertation/cancel_confirm.html",
        {"title": "Annuler la candidature", "application": link.application, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _cancel_invalid(request, error):
    return render(
        request,
        "concertation/cancel_invalid.html",
        {"title": "Lien d'annulation non valide", "message": str(error)},
        status=400,
    )
