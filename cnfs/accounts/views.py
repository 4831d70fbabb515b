from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from cnfs.journal.services import record

from . import ratelimit, services
from .backends import PASSWORD_BACKEND
from .context import SESSION_KEY
from .forms import (
    CnfsPasswordChangeForm,
    CnfsPasswordResetForm,
    CnfsSetPasswordForm,
    InvitationAccountForm,
    InviteAgentForm,
    LoginForm,
    ProfileForm,
)
from .models import Invitation, User
from .permissions import any_role, role_required
from .roles import Role


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(proconnect_enabled=settings.PROCONNECT_ENABLED, **kwargs)


class LogoutView(auth_views.LogoutView):
    """After a ProConnect login, logging out here also ends the ProConnect session (its end-session endpoint, with
    the ID token as hint), as the federation asks of every service."""

    def post(self, request, *args, **kwargs):
        id_token = request.session.get("oidc_id_token") if settings.PROCONNECT_ENABLED else None
        response = super().post(request, *args, **kwargs)
        if id_token:
            from .proconnect import end_session_url

            return redirect(end_session_url(id_token))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = CnfsPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        # Counted whether or not the address has an account: the refusal says nothing about it either.
        if not ratelimit.allow("password_reset", self.request, address=form.cleaned_data["email"]):
            form.add_error("email", ratelimit.message())
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = CnfsSetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        record("account.password_reset", form.user, by=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = CnfsPasswordChangeForm
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        record("account.password_changed", form.user, by=form.user)
        messages.success(self.request, "Votre mot de passe a été modifié.")
        return response


@login_not_required
def invitation(request, token):
    invitation = services.find_invitation(token)
    if invitation is None or not invitation.is_usable:
        reason = "Ce lien d'invitation n'est pas valide."
        if invitation is not None and invitation.accepted_at:
            reason = "Cette invitation a déjà été utilisée. Connectez-vous avec votre adresse électronique."
        elif invitation is not None:
            reason = "Cette invitation a expiré : demandez à la personne qui vous a invité(e) de vous en envoyer une nouvelle."
        return render(
            request, "accounts/invitation_invalid.html", {"reason": reason}, status=410 if invitation else 404
        )
    has_account = User.objects.filter(email__iexact=invitation.email).exists()
    user = request.user if request.user.is_authenticated else None
    form = None
    if not has_account:
        form = InvitationAccountForm(
            request.POST or None,
            email=invitation.email,
            phone_known=bool(invitation.phone),
            initial={"first_name": invitation.first_name, "last_name": invitation.last_name},
        )
    if request.method == "POST":
        try:
            if has_account and user is not None:
                assignment = services.accept_invitation(token, user=user)
            elif not has_account and form.is_valid():
                assignment = services.accept_invitation(token, account_data=form.account_data())
                login(request, assignment.user, backend=PASSWORD_BACKEND)
            else:
                assignment = None
        except services.InvitationError as error:
            messages.error(request, str(error))
            return redirect("public:home")
        if assignment is not None:
            request.session[SESSION_KEY] = assignment.pk
            messages.success(request, f"Bienvenue ! Votre rôle « {assignment.label} » est activé.")
            return redirect("dashboard:home")
    return render(
        request,
        "accounts/invitation.html",
        {
            "invitation": invitation,
            "form": form,
            "has_account": has_account,
            "email_matches": user is not None and user.email.lower() == invitation.email.lower(),
        },
    )


@login_not_required
def confirm_email(request, token):
    user = services.confirm_email(token)
    if user is None:
        return render(request, "accounts/confirm_email_invalid.html", status=400)
    messages.success(request, "Votre adresse électronique est confirmée. Merci !")
    return redirect("dashboard:home" if request.user.is_authenticated else "accounts:login")


@require_POST
@any_role
def resend_confirmation(request):
    if request.user.email_confirmed:
        messages.info(request, "Votre adresse électronique est déjà confirmée.")
    elif not ratelimit.allow("resend_confirmation", request, address=request.user.email):
        messages.error(request, ratelimit.message())
    else:
        services.send_email_confirmation(request.user)
        messages.success(request, f"Un nouveau lien de confirmation a été envoyé à {request.user.email}.")
    return redirect("dashboard:home")


@require_POST
@any_role
def switch_role(request):
    try:
        assignment_id = int(request.POST.get("assignment", ""))
    except ValueError:
        assignment_id = None
    assignment = request.role_context.switch_to(assignment_id) if assignment_id else None
    if assignment is None:
        messages.error(request, "Ce rôle ne vous est pas attribué.")
    else:
        messages.success(request, f"Vous agissez maintenant en tant que : {assignment.label}.")
    return redirect("dashboard:home")


@any_role
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        before = {field: form.initial.get(field) for field in form.changed_data}
        form.save()
        record(
            "account.profile_updated",
            request.user,
            before=before,
            after={field: form.cleaned_data[field] for field in form.changed_data},
        )
        messages.success(request, "Vos informations ont été enregistrées.")
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@role_required(Role.ANCT)
def invite_agent(request):
    form = InviteAgentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitation = services.invite(
            email=form.cleaned_data["email"],
            by=request.user,
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
            **form.scope(),
        )
        messages.success(request, f"Invitation envoyée à {invitation.email}. Le lien est valable 7 jours.")
        return redirect("accounts:invitations")
    return render(request, "accounts/invite_agent.html", {"form": form})


@role_required(Role.ANCT)
def invitations(request):
    items = Invitation.objects.with_scope().select_related("invited_by")[:100]
    return render(request, "accounts/invitations.html", {"invitations": items})
