from urllib.parse import urlparse

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from cnfs.concertation.forms import ContactFieldsForm
from cnfs.core.forms import DsfrForm, DsfrModelForm, PhoneField

from .models import EMPLOI_TERRITORIAL_DOMAIN, JobPosting, Structure


class ContactDetailsForm(DsfrModelForm):
    """The structure's contact (its own columns, the application keeps the one it was filed with), edited from
    "Ma structure"; every field required."""

    contact_phone = PhoneField(label="Téléphone du contact")

    class Meta:
        model = Structure
        fields = ContactFieldsForm.Meta.fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = True


class InviteMemberForm(DsfrForm):
    email = forms.EmailField(label="Adresse électronique")
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    is_admin = forms.BooleanField(
        label="Administrateur de la structure (peut inviter et retirer des personnes)", required=False
    )


class JobPostingForm(DsfrModelForm):
    class Meta:
        model = JobPosting
        fields = ["url", "published_on"]
        widgets = {"published_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {
            "url": f"L'adresse de votre offre sur {EMPLOI_TERRITORIAL_DOMAIN}, commençant par https://."
        }

    def clean_url(self):
        url = self.cleaned_data["url"]
        host = (urlparse(url).hostname or "").lower()
        if urlparse(url).scheme != "https" or host not in (
            EMPLOI_TERRITORIAL_DOMAIN,
            f"www.{EMPLOI_TERRITORIAL_DOMAIN}",
        ):
            raise ValidationError(
                f"L'offre doit être publiée sur {EMPLOI_TERRITORIAL_DOMAIN} (adresse en https://)."
            )
        return url

    def clean_published_on(self):
        value = self.cleaned_data["published_on"]
        if value > timezone.localdate():
            raise ValidationError("La date de publication ne peut pas être dans le futur.")
        return value


class ExtendDeadlineForm(DsfrForm):
    """ANCT moves one post's recruitment deadline later, with a reason."""

    deadline = forms.DateField(
        label="Nouvelle date limite de recrutement",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(
        label="Motif de la prolongation",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="1 000 caractères au plus. Visible par l'ANCT seulement.",
    )

    def __init__(self, *args, post=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.post = post

    def clean_reason(self):
        reason = self.cleaned_data["reason"]
        if any(ord(c) < 32 and c not in "\r\n\t" for c in reason):
            raise ValidationError("Le motif contient des caractères non autorisés.")
        if not reason.strip():
            raise ValidationError("Indiquez le motif de la prolongation.")
        return reason.strip()

    def clean_deadline(self):
        from .services import MAX_EXTENSION_MONTHS, add_months

        value = self.cleaned_data["deadline"]
        if self.post is not None and value <= self.post.deadline:
            raise ValidationError(
                f"La nouvelle date limite doit être postérieure à l'actuelle ({self.post.deadline:%d/%m/%Y})."
            )
        base = (
            max(self.post.deadline, timezone.localdate()) if self.post is not None else timezone.localdate()
        )
        if value > add_months(base, MAX_EXTENSION_MONTHS):
            raise ValidationError("Une prolongation ne peut pas dépasser 12 mois.")
        return value
