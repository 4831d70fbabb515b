from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cnfs.accounts import ratelimit
from cnfs.accounts.models import User
from cnfs.accounts.permissions import role_required
from cnfs.accounts.roles import Role
from cnfs.accounts.services import send_existing_account_notice

from . import pix, services
from .forms import (
    AvailableAgainForm,
    CandidateProfileForm,
    CvForm,
    DeleteAccountForm,
    PixImportForm,
    PixSharingForm,
    RegistrationForm,
    WithdrawForm,
)
from .models import Candidate


def posted(request):
    """The POST data, or None on GET: an empty POST is still a submitted (invalid) form."""
    return request.POST if request.method == "POST" else None


def uploaded(request):
    return request.FILES if request.method == "POST" else None


def current_candidate(request) -> Candidate:
    candidate = (
        Candidate.objects.filter(user=request.user, erased_at__isnull=True)
        .select_related("user", "commune", "pix")
        .first()
    )
    if candidate is None:
        raise Http404("Aucun profil de candidat pour ce compte.")
    return candidate


@login_not_required
def register(request):
    if request.user.is_authenticated and Candidate.objects.filter(user=request.user).exists():
        return redirect("candidates:space")
    form = RegistrationForm(posted(request), uploaded(request))
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if not ratelimit.allow("registration", request, address=email):
            form.add_error("email", ratelimit.message())
            context = {"form": form, "title": "Devenir conseiller numérique"}
            return render(request, "candidates/register.html", context, status=429)
        # Same answer whether the address already has an account or not (no login, the same page): the owner of an
        # existing account is mailed how to log in instead.
        existing = User.objects.filter(email__iexact=email).first()
        if existing is None:
            try:
                services.register(
                    account=form.account_data(),
                    profile=form.profile_data(),
                    cv_upload=form.cleaned_data.get("cv"),
                )
            except IntegrityError:  # the same address registered at the same instant
                existing = User.objects.filter(email__iexact=email).first()
                if existing is None:
                    raise
        if existing is not None:
            # The same hashing work as a new account, so that the answer takes as long.
            make_password(form.cleaned_data["password"])
            send_existing_account_notice(existing)
        return redirect("candidates:registered")
    return render(
        request, "candidates/register.html", {"form": form, "title": "Devenir conseiller numérique"}
    )


@login_not_required
def registered(request):
    return render(request, "candidates/registered.html", {"title": "Vérifiez votre messagerie"})


def _render_space(request, candidate, *, cv_form=None, available_form=None, status=200):
    """The candidate space; a form sent from it and refused comes back bound, its errors next to its fields."""
    return render(
        request,
        "candidates/space.html",
        {
            "title": "Mon profil de candidat",
            "candidate": candidate,
            "pix_result": getattr(candidate, "pix", None),
            "cv_form": cv_form or CvForm(),
            "pix_form": PixSharingForm(initial={"shared": candidate.pix_shared}),
            "available_form": available_form or AvailableAgainForm(),
            "held": services.is_held(candidate),
            "held_message": services.HELD_MESSAGE,
        },
        status=status,
    )


@role_required(Role.CANDIDATE)
def space(request):
    return _render_space(request, current_candidate(request))


@role_required(Role.CANDIDATE)
def structures(request):
    return render(
        request,
        "candidates/structures.html",
        {"title": "Structures intéressées", "candidate": current_candidate(request)},
    )


@role_required(Role.CANDIDATE)
def edit_profile(request):
    candidate = current_candidate(request)
    form = CandidateProfileForm(posted(request), instance=candidate)
    if request.method == "POST" and form.is_valid():
        services.update_profile(candidate, form.profile_data(), by=request.user)
        messages.success(request, "Votre profil est à jour.")
        return redirect("candidates:space")
    return render(request, "candidates/edit_profile.html", {"form": form, "title": "Modifier mon profil"})


@require_POST
@role_required(Role.CANDIDATE)
def upload_cv(request):
    candidate = current_candidate(request)
    form = CvForm(request.POST, request.FILES)
    if form.is_valid():
        services.replace_cv(candidate, form.cleaned_data["cv"], by=request.user)
        messages.success(request, "Votre CV est enregistré.")
        return redirect("candidates:space")
    return _render_space(request, candidate, cv_form=form, status=400)


@require_POST
@role_required(Role.CANDIDATE)
def remove_cv(request):
    candidate = current_candidate(request)
    if candidate.has_cv:
        services.remove_cv(candidate, by=request.user)
        messages.success(request, "Votre CV est supprimé.")
    return redirect("candidates:space")


@require_POST
@role_required(Role.CANDIDATE)
def pix_sharing(request):
    candidate = current_candidate(request)
    form = PixSharingForm(request.POST)
    form.is_valid()
    shared = bool(form.cleaned_data.get("shared"))
    services.set_pix_sharing(candidate, shared, by=request.user)
    messages.success(
        request,
        "Vos résultats Pix sont partagés avec les structures."
        if shared
        else "Vos résultats Pix ne sont plus visibles des structures.",
    )
    return redirect("candidates:space")


@role_required(Role.CANDIDATE)
def withdraw(request):
    candidate = current_candidate(request)
    form = WithdrawForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(
                candidate,
                reason=form.cleaned_data["reason"],
                comment=form.cleaned_data["comment"],
                by=request.user,
            )
        except services.CandidateError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "C'est noté : les structures ne voient plus votre candidature.")
        return redirect("candidates:space")
    return render(request, "candidates/withdraw.html", {"form": form, "title": "Je ne suis plus disponible"})


@require_POST
@role_required(Role.CANDIDATE)
def available_again(request):
    candidate = current_candidate(request)
    form = AvailableAgainForm(request.POST)
    if form.is_valid():
        try:
            services.make_available(
                candidate, available_from=form.cleaned_data["available_from"], by=request.user
            )
        except services.CandidateError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, "Vous êtes de nouveau disponible : les structures voient votre candidature."
            )
    else:
        return _render_space(request, candidate, available_form=form, status=400)
    return redirect("candidates:space")


@role_required(Role.CANDIDATE)
def delete_account(request):
    candidate = current_candidate(request)
    form = DeleteAccountForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.erase(candidate, by=request.user)
        except services.CandidateError as error:
            messages.error(request, str(error))
            return redirect("candidates:space")
        logout(request)
        messages.success(request, "Votre compte et vos données personnelles ont été supprimés.")
        return redirect("public:home")
    return render(request, "candidates/delete_account.html", {"form": form, "title": "Supprimer mon compte"})


@role_required(Role.ANCT)
def import_pix(request):
    form = PixImportForm(posted(request), uploaded(request))
    report = None
    if request.method == "POST" and form.is_valid():
        report = pix.import_pix(form.cleaned_data["file"].read(), by=request.user)
        if report.ok:
            messages.success(
                request,
                f"Import terminé : {report.imported} résultat(s) ajouté(s), {report.updated} mis à jour, "
                f"{len(report.unmatched)} adresse(s) sans candidat.",
            )
    return render(
        request,
        "candidates/import_pix.html",
        {"form": form, "report": report, "title": "Importer les résultats Pix", "header": pix.HEADER},
        status=400 if report is not None and not report.ok else 200,
    )
