"""Pages of the second factor: overview and enrolment (every logged-in person), verification after the password,
recovery codes, and ANCT's reset of a person's devices."""

from django import forms
from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from cnfs.core.forms import DsfrForm

from . import second_factor, webauthn
from .middleware import second_factor_exempt
from .models import User, WebAuthnDevice
from .permissions import any_role, role_required
from .roles import SECOND_FACTOR_ROLES, Role

RECOVERY_SESSION_KEY = "cnfs_recovery_codes"


class CodeForm(DsfrForm):
    code = forms.CharField(
        label="Code",
        max_length=40,
        help_text="Les 6 chiffres affichés par votre application, ou un code de secours (format XXXX-XXXX-XXXX).",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


class TotpConfirmForm(DsfrForm):
    code = forms.CharField(
        label="Code à 6 chiffres affiché par l'application",
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


def _after_verification(request):
    if request.session.get(RECOVERY_SESSION_KEY):
        return redirect("accounts:recovery_codes")
    return redirect(_next_url(request) or "dashboard:home")


@second_factor_exempt
@any_role
def overview(request):
    devices = second_factor.confirmed_devices(request.user)
    return render(
        request,
        "accounts/second_factor/overview.html",
        {
            "devices": devices,
            "remaining_codes": devices["recovery"].remaining() if devices["recovery"] else None,
            "required": second_factor.is_required(request.user, request.role_context.assignments),
            "verified": second_factor.is_verified(request),
        },
    )


def _passed_or_required(request):
    """Adding a device once the person already has one needs this session to have passed the second factor:
    otherwise a stolen password would be enough to add the thief's own authenticator."""
    if second_factor.has_device(request.user) and not second_factor.is_verified(request):
        return redirect("accounts:second_factor_verify")
    return None


@second_factor_exempt
@any_role
def setup_totp(request):
    if (response := _passed_or_required(request)) is not None:
        return response
    device = second_factor.start_totp(request.user)
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = second_factor.confirm_totp(request.user, device, form.cleaned_data["code"])
        except second_factor.SecondFactorError as error:
            form.add_error("code", str(error))
        else:
            otp_login(request, device)
            messages.success(request, "Votre application d'authentification est enregistrée.")
            if codes:
                request.session[RECOVERY_SESSION_KEY] = codes
            return _after_verification(request)
    return render(
        request,
        "accounts/second_factor/setup_totp.html",
        {
            "form": form,
            "qr_svg": second_factor.qr_svg(device.config_url),
            "secret": second_factor.totp_secret(device),
            "required": second_factor.is_required(request.user, request.role_context.assignments),
            "next": _next_url(request),
        },
        status=400 if form.errors else 200,
    )


@second_factor_exempt
@any_role
def verify(request):
    if second_factor.is_verified(request):
        return redirect(_next_url(request) or "dashboard:home")
    if not second_factor.has_device(request.user):
        return redirect("accounts:second_factor_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            kind = second_factor.verify(request, form.cleaned_data["code"])
        except second_factor.SecondFactorError as error:
            form.add_error("code", str(error))
        else:
            if kind == "recovery":
                messages.warning(
                    request,
                    "Vous vous êtes connecté avec un code de secours, qui ne servira plus. "
                    "S'il vous en reste peu, générez-en de nouveaux depuis « Double authentification ».",
                )
            return redirect(_next_url(request) or "dashboard:home")
    return render(
        request,
        "accounts/second_factor/verify.html",
        {
            "form": form,
            "has_webauthn": WebAuthnDevice.objects.filter(user=request.user, confirmed=True).exists(),
            "next": _next_url(request),
        },
        status=400 if form.errors else 200,
    )


@second_factor_exempt
@any_role
def recovery_codes(request):
    """Shows the codes just issued, once: they are taken out of the session as the page is rendered."""
    codes = request.session.pop(RECOVERY_SESSION_KEY, None)
    if not codes:
        return redirect("accounts:second_factor")
    return render(request, "accounts/second_factor/recovery_codes.html", {"codes": codes})


@require_POST
@any_role
def regenerate_recovery_codes(request):
    if not second_factor.has_device(request.user):
        messages.error(
            request, "Enregistrez d'abord une application d'authentification ou une clé de sécurité."
        )
        return redirect("accounts:second_factor")
    if not second_factor.is_verified(request):
        return redirect("accounts:second_factor_verify")
    request.session[RECOVERY_SESSION_KEY] = second_factor.issue_recovery_codes(request.user)
    return redirect("accounts:recovery_codes")


@require_POST
@any_role
def remove_device(request, kind, device_id):
    if kind not in ("totp", "webauthn"):
        raise Http404
    if not second_factor.is_verified(request):
        return redirect("accounts:second_factor_verify")
    try:
        second_factor.remove_device(request.user, kind, device_id, by=request.user)
    except (TOTPDevice.DoesNotExist, WebAuthnDevice.DoesNotExist) as error:
        raise Http404 from error
    except second_factor.SecondFactorError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Ce moyen d'authentification est retiré.")
    return redirect("accounts:second_factor")


def _agents():
    """The accounts whose roles require a second factor: the ones ANCT may reset."""
    from .models import RoleAssignment

    return User.objects.filter(
        Exists(RoleAssignment.objects.filter(user=OuterRef("pk"), role__in=SECOND_FACTOR_ROLES))
    )


@role_required(Role.ANCT)
def agents(request):
    items = (
        _agents()
        .annotate(
            has_totp=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            has_webauthn=Exists(WebAuthnDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
        )
        .prefetch_related("role_assignments")
        .order_by("last_name", "first_name", "pk")[:500]
    )
    return render(request, "accounts/second_factor/agents.html", {"agents": items})


@require_POST
@role_required(Role.ANCT)
def reset_agent(request, user_id):
    agent = get_object_or_404(_agents(), pk=user_id)
    count = second_factor.reset(agent, by=request.user)
    if agent.pk == request.user.pk:
        second_factor.forget_session(request)
    messages.success(
        request,
        f"Double authentification réinitialisée pour {agent.full_name} ({count} moyen(s) supprimé(s)). "
        "La personne en enregistrera un nouveau à sa prochaine connexion.",
    )
    return redirect("accounts:agents")


# --- WebAuthn ---------------------------------------------------------------------------------------------------


@second_factor_exempt
@any_role
def webauthn_register(request):
    if (response := _passed_or_required(request)) is not None:
        return response
    return render(
        request,
        "accounts/second_factor/webauthn_register.html",
        {
            "required": second_factor.is_required(request.user, request.role_context.assignments),
            "next": _next_url(request),
        },
    )


def _json_error(error) -> JsonResponse:
    return JsonResponse({"error": str(error)}, status=400)


@require_POST
@second_factor_exempt
@any_role
def webauthn_register_options(request):
    if second_factor.has_device(request.user) and not second_factor.is_verified(request):
        return JsonResponse({"error": "Passez d'abord la double authentification."}, status=403)
    return HttpResponse(webauthn.registration_options(request), content_type="application/json")


@require_POST
@second_factor_exempt
@any_role
def webauthn_register_verify(request):
    if second_factor.has_device(request.user) and not second_factor.is_verified(request):
        return JsonResponse({"error": "Passez d'abord la double authentification."}, status=403)
    try:
        codes = webauthn.register(request, request.body)
    except second_factor.SecondFactorError as error:
        return _json_error(error)
    messages.success(request, "Votre clé de sécurité est enregistrée.")
    if codes:
        request.session[RECOVERY_SESSION_KEY] = codes
        return JsonResponse({"redirect": reverse("accounts:recovery_codes")})
    return JsonResponse({"redirect": _next_url(request) or reverse("accounts:second_factor")})


@require_POST
@second_factor_exempt
@any_role
def webauthn_login_options(request):
    return HttpResponse(webauthn.authentication_options(request), content_type="application/json")


@require_POST
@second_factor_exempt
@any_role
def webauthn_login_verify(request):
    try:
        webauthn.authenticate(request, request.body)
    except second_factor.SecondFactorError as error:
        return _json_error(error)
    return JsonResponse({"redirect": _next_url(request) or reverse("dashboard:home")})
