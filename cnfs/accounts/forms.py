from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.urls import reverse

from cnfs.core.forms import DsfrForm, DsfrFormMixin, DsfrModelForm, PhoneField
from cnfs.notifications.services import absolute_url, send_email
from cnfs.territories.models import Departement, Region
from cnfs.training.models import TrainingProvider

from .models import User
from .passwords import CnilPasswordValidator
from .roles import Role


class LoginForm(DsfrFormMixin, AuthenticationForm):
    # One message whatever went wrong, so that the form never tells whether an account exists.
    error_messages = {
        "invalid_login": "Adresse électronique ou mot de passe incorrect.",
        "inactive": "Adresse électronique ou mot de passe incorrect.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Adresse électronique"
        self.fields["username"].widget = forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
        self.fields["password"].label = "Mot de passe"


class PasswordFieldsMixin:
    """Two password fields checked against the CNIL rule and the other validators."""

    def add_password_fields(self):
        self.fields["password1"] = forms.CharField(
            label="Mot de passe",
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
            help_text=CnilPasswordValidator().get_help_text(),
        )
        self.fields["password2"] = forms.CharField(
            label="Confirmation du mot de passe",
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        )

    def clean_password_pair(self, user):
        return check_password_pair(self, user, "password1", "password2")


MISMATCH = "Les deux mots de passe ne sont pas identiques."


def check_password_pair(form, user, first: str, second: str):
    """The new password, or None: a weak password and a mismatch are both reported in the same round trip."""
    password1 = form.cleaned_data.get(first)
    password2 = form.cleaned_data.get(second)
    valid = bool(password1)
    if password1 and password2 and password1 != password2:
        form.add_error(second, forms.ValidationError(MISMATCH, code="password_mismatch"))
        valid = False
    if password1:
        try:
            password_validation.validate_password(password1, user)
        except forms.ValidationError as error:
            form.add_error(first, error)
            valid = False
    return password1 if valid else None


class NewPasswordPairMixin:
    """Django's set/change password forms, checking strength and confirmation together (see check_password_pair)."""

    def clean(self):
        check_password_pair(self, self.user, "new_password1", "new_password2")
        return forms.Form.clean(self)


class InvitationAccountForm(PasswordFieldsMixin, DsfrForm):
    first_name = forms.CharField(
        label="Prénom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label="Nom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    phone = PhoneField(required=False)

    def __init__(self, *args, email="", phone_known=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        if phone_known:  # given with the application: not asked again
            del self.fields["phone"]
        self.add_password_fields()

    def clean(self):
        cleaned = super().clean()
        candidate = User(
            email=self.email, first_name=cleaned.get("first_name", ""), last_name=cleaned.get("last_name", "")
        )
        cleaned["password"] = self.clean_password_pair(candidate)
        return cleaned

    def account_data(self) -> dict:
        return {
            "first_name": self.cleaned_data["first_name"],
            "last_name": self.cleaned_data["last_name"],
            "phone": self.cleaned_data.get("phone", ""),
            "password": self.cleaned_data["password"],
        }


class ProfileForm(DsfrModelForm):
    phone = PhoneField(required=False)

    class Meta:
        model = User
        fields = ["first_name", "last_name", "phone"]


class CnfsPasswordResetForm(DsfrFormMixin, PasswordResetForm):
    """Django's reset form (it never says whether the address has an account), mailing through the task queue."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Adresse électronique"

    def get_users(self, email):
        return User.objects.filter(email__iexact=email.strip(), is_active=True)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        user = context["user"]
        send_email(
            event_key=f"password-reset:{user.pk}:{context['token']}",
            to=to_email,
            subject="Réinitialisation de votre mot de passe",
            template="accounts/emails/password_reset",
            context={"user": user},
            links={
                "url": absolute_url(
                    reverse(
                        "accounts:password_reset_confirm",
                        kwargs={"uidb64": context["uid"], "token": context["token"]},
                    )
                ),
            },
        )


class CnfsSetPasswordForm(NewPasswordPairMixin, DsfrFormMixin, SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "Nouveau mot de passe"
        self.fields["new_password2"].label = "Confirmation du nouveau mot de passe"


class CnfsPasswordChangeForm(NewPasswordPairMixin, DsfrFormMixin, PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Mot de passe actuel"
        self.fields["new_password1"].label = "Nouveau mot de passe"
        self.fields["new_password2"].label = "Confirmation du nouveau mot de passe"


class InviteAgentForm(DsfrForm):
    """ANCT invites an agent or a partner: the role and the perimeter it applies to."""

    ROLES = [
        (Role.ANCT, Role.ANCT.label),
        (Role.PREFECTURE, Role.PREFECTURE.label),
        (Role.BDT, Role.BDT.label),
        (Role.HUB, Role.HUB.label),
        (Role.TRAINING_PROVIDER, Role.TRAINING_PROVIDER.label),
        (Role.COORDINATOR, Role.COORDINATOR.label),
    ]
    email = forms.EmailField(
        label="Adresse électronique", widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    first_name = forms.CharField(label="Prénom", max_length=150, required=False)
    last_name = forms.CharField(label="Nom", max_length=150, required=False)
    role = forms.ChoiceField(label="Rôle", choices=ROLES)
    departement = forms.ModelChoiceField(
        label="Département (préfecture)",
        queryset=Departement.objects.all(),
        required=False,
        help_text="Pour un agent de préfecture de département.",
    )
    region = forms.ModelChoiceField(
        label="Région (préfecture)",
        queryset=Region.objects.all(),
        required=False,
        help_text="Pour un agent de préfecture de région.",
    )
    hub = forms.ModelChoiceField(label="Hub territorial", queryset=None, required=False)
    training_provider = forms.ModelChoiceField(
        label="Organisme de formation", queryset=TrainingProvider.objects.all(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from cnfs.territories.models import Hub

        self.fields["hub"].queryset = Hub.objects.all()

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role == Role.PREFECTURE:
            departement, region = cleaned.get("departement"), cleaned.get("region")
            if not departement and not region:
                self.add_error(
                    "departement", "Choisissez le département (ou la région) de l'agent de préfecture."
                )
            elif departement and region:
                self.add_error("region", "Choisissez un département ou une région, pas les deux.")
        if role == Role.HUB and not cleaned.get("hub"):
            self.add_error("hub", "Choisissez le hub territorial.")
        if role == Role.TRAINING_PROVIDER and not cleaned.get("training_provider"):
            self.add_error("training_provider", "Choisissez l'organisme de formation.")
        return cleaned

    def scope(self) -> dict:
        role = self.cleaned_data["role"]
        scope = {"role": role}
        if role == Role.PREFECTURE:
            scope["departement"] = self.cleaned_data.get("departement")
            scope["region"] = None if scope["departement"] else self.cleaned_data.get("region")
        elif role == Role.HUB:
            scope["hub"] = self.cleaned_data["hub"]
        elif role == Role.TRAINING_PROVIDER:
            scope["training_provider"] = self.cleaned_data["training_provider"]
        return scope
