from django import forms
from django.utils import timezone

from cnfs.accounts.forms import PasswordFieldsMixin
from cnfs.accounts.models import User
from cnfs.core.forms import DsfrForm, DsfrModelForm, PhoneField
from cnfs.territories.forms import CommuneField

from . import cv
from .models import SITUATIONS, Candidate, Distance, UnavailableReason


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CvField(forms.FileField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "CV")
        kwargs.setdefault("help_text", "Format PDF uniquement, 10 Mo maximum.")
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}))
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value:
            cv.validate_cv(value)


class CandidateProfileForm(DsfrModelForm):
    """Situation, home, availability, mobility and motivation: shared by registration and the candidate space."""

    situations = forms.MultipleChoiceField(
        label="Votre situation",
        help_text="Cochez au moins une case.",
        choices=list(SITUATIONS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins une situation."},
    )
    commune = CommuneField(label="Commune de résidence", help_text="Saisissez le nom ou le code postal.")
    required_when = {"diploma_name": ("situations", "has_diploma", "Indiquez le nom de votre diplôme.")}
    max_distance = forms.TypedChoiceField(
        label="Distance maximale depuis votre domicile",
        choices=Distance.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choisissez une distance de la liste."},
    )

    class Meta:
        model = Candidate
        fields = ["commune", "diploma_name", "was_advisor", "available_from", "max_distance", "motivation"]
        labels = {"was_advisor": "J'ai déjà été conseiller numérique"}
        help_texts = {
            "diploma_name": "Si vous êtes diplômé(e) dans la médiation numérique.",
        }
        widgets = {
            "available_from": DateInput(),
            "motivation": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        order = [
            "situations",
            "diploma_name",
            "was_advisor",
            "commune",
            "available_from",
            "max_distance",
            "motivation",
        ]
        self.order_fields(order)
        self.fields["motivation"].required = True
        self.fields["available_from"].error_messages["invalid"] = "Saisissez une date valide (jj/mm/aaaa)."
        if self.instance.pk:
            self.initial["situations"] = [f for f in SITUATIONS if getattr(self.instance, f)]
            self.initial["commune"] = self.instance.commune

    def clean_available_from(self):
        value = self.cleaned_data["available_from"]
        if value and value < timezone.localdate() and self.has_changed_field("available_from"):
            raise forms.ValidationError("La date de disponibilité doit être aujourd'hui ou plus tard.")
        return value

    def has_changed_field(self, name):
        return not self.instance.pk or name in self.changed_data

    def profile_data(self) -> dict:
        data = {field: self.cleaned_data[field] for field in self.Meta.fields}
        situations = set(self.cleaned_data["situations"])
        data.update({field: field in situations for field in SITUATIONS})
        if not data["has_diploma"]:
            data["diploma_name"] = ""
        return data

    def _post_clean(self):
        # The candidate is saved by the services, not by the form (construct_instance would half-fill it).
        pass


class RegistrationForm(PasswordFieldsMixin, CandidateProfileForm):
    first_name = forms.CharField(
        label="Prénom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label="Nom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    email = forms.EmailField(
        label="Adresse électronique",
        help_text="Format attendu : nom@domaine.fr",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = PhoneField()
    cv = CvField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_password_fields()
        head = ["first_name", "last_name", "email", "phone"]
        self.order_fields([*head, *[f for f in self.fields if f not in head]])

    def clean_email(self):
        # An address that already has an account is not refused here: the form would tell anyone whether it does.
        # The view answers the same page and mails the owner instead (cnfs/candidates/views.py register).
        return User.objects.normalize_email(self.cleaned_data["email"])

    def clean(self):
        cleaned = super().clean()
        user = User(
            email=cleaned.get("email", ""),
            first_name=cleaned.get("first_name", ""),
            last_name=cleaned.get("last_name", ""),
        )
        cleaned["password"] = self.clean_password_pair(user)
        return cleaned

    def account_data(self) -> dict:
        return {
            "email": self.cleaned_data["email"],
            "first_name": self.cleaned_data["first_name"],
            "last_name": self.cleaned_data["last_name"],
            "phone": self.cleaned_data["phone"],
            "password": self.cleaned_data["password"],
        }


class CvForm(DsfrForm):
    cv = CvField(required=True, error_messages={"required": "Choisissez un fichier PDF."})


class PixSharingForm(DsfrForm):
    shared = forms.BooleanField(
        label="Je partage mes résultats Pix avec les structures qui consultent ma candidature", required=False
    )


class WithdrawForm(DsfrForm):
    reason = forms.ChoiceField(
        label="Pourquoi n'êtes-vous plus disponible ?",
        choices=UnavailableReason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez un motif.",
            "invalid_choice": "Choisissez un motif de la liste.",
        },
    )
    comment = forms.CharField(label="Précision", max_length=500, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == UnavailableReason.OTHER and not cleaned.get("comment", "").strip():
            self.add_error("comment", "Précisez la raison.")
        return cleaned


class AvailableAgainForm(DsfrForm):
    available_from = forms.DateField(label="Disponible à partir du", widget=DateInput())

    def clean_available_from(self):
        value = self.cleaned_data["available_from"]
        if value < timezone.localdate():
            raise forms.ValidationError("La date de disponibilité doit être aujourd'hui ou plus tard.")
        return value


class DeleteAccountForm(DsfrForm):
    confirm = forms.BooleanField(
        label="Je comprends que mes données personnelles seront effacées définitivement",
        error_messages={"required": "Cochez la case pour confirmer la suppression."},
    )


class PixImportForm(DsfrForm):
    file = forms.FileField(
        label="Export Pix (CSV)",
        help_text="Colonnes : email, palier, competence_professionnelle, production_ressources, "
        "citoyennete_numerique, date. Séparateur virgule ou point-virgule, encodage UTF-8.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={"required": "Choisissez un fichier CSV."},
    )
