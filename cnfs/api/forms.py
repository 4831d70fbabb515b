import re

from django import forms
from django.utils import timezone

from cnfs.core.forms import DsfrForm
from cnfs.territories.models import Departement

from .models import ApiScope

CODE = re.compile(r"^(?:[0-9]{2}|2[AB]|97[1-6])$")


class TokenForm(DsfrForm):
    submission_key = forms.UUIDField(
        label="Formulaire",
        widget=forms.HiddenInput,
        required=False,
        error_messages={
            "invalid": "Ce formulaire n'est plus valable : rechargez la page et saisissez-le à nouveau."
        },
    )
    partner = forms.CharField(
        label="Partenaire",
        max_length=200,
        help_text="Organisme qui recevra le jeton (il apparaît dans la liste des jetons).",
    )
    scopes = forms.MultipleChoiceField(
        label="Données ouvertes à ce jeton",
        choices=ApiScope.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins une donnée ouverte à ce jeton."},
    )
    departements = forms.CharField(
        label="Départements",
        required=False,
        max_length=500,
        help_text="Codes séparés par des virgules (exemple : 03, 63, 2A). Vide : tout le territoire.",
    )
    expires_on = forms.DateField(
        label="Expire le",
        required=False,
        help_text="Format attendu : JJ/MM/AAAA. Vide : sans expiration (révocable à tout moment).",
    )

    def clean_partner(self):
        partner = self.cleaned_data["partner"].strip()
        if not partner:
            raise forms.ValidationError("Indiquez le partenaire qui recevra le jeton.")
        return partner

    def clean_departements(self):
        raw = self.cleaned_data.get("departements", "")
        codes = sorted({code.strip().upper() for code in raw.split(",") if code.strip()})
        malformed = [code for code in codes if not CODE.match(code)]
        if malformed:
            raise forms.ValidationError(f"Codes de département mal écrits : {', '.join(malformed)}.")
        found = list(Departement.objects.filter(code__in=codes).order_by("code"))
        unknown = sorted(set(codes) - {d.code for d in found})
        if unknown:
            raise forms.ValidationError(f"Départements inconnus : {', '.join(unknown)}.")
        return found

    def clean_expires_on(self):
        day = self.cleaned_data.get("expires_on")
        if day is not None and day <= timezone.localdate():
            raise forms.ValidationError("La date d'expiration doit être postérieure à aujourd'hui.")
        return day
