"""Forms of the life of a post: termination request and refusal, contract extension, quarterly report, and the
filters of the radar and of the late reports."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from cnfs.core.forms import DsfrForm
from cnfs.territories.models import Departement

from .models import TerminationMotive
from .radar import RISK_CHOICES
from .terminations import END_DATE_MESSAGE, START_DATE_MESSAGE

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TerminationRequestForm(DsfrForm):
    motive = forms.ChoiceField(
        label="Motif de la rupture",
        choices=[("", "Choisissez un motif")] + TerminationMotive.choices,
        error_messages={
            "required": "Choisissez un motif dans la liste.",
            "invalid_choice": "Choisissez un motif dans la liste.",
        },
    )
    date = forms.DateField(
        label="Date de fin du contrat",
        widget=DATE_WIDGET,
        help_text="Dernier jour travaillé, au plus tard la date de fin prévue du contrat.",
        error_messages={
            "required": "Indiquez la date de fin du contrat.",
            "invalid": "Saisissez une date valide.",
        },
    )
    comment = forms.CharField(
        label="Commentaire",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="2 000 caractères au plus. Visible par l'ANCT.",
    )

    def __init__(self, *args, contract=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.contract = contract

    def clean_date(self):
        value = self.cleaned_data["date"]
        contract = self.contract
        if contract is not None:
            if contract.end_date is not None and value > contract.end_date:
                raise ValidationError(END_DATE_MESSAGE.format(contract.end_date))
            if value < contract.start_date:
                raise ValidationError(START_DATE_MESSAGE.format(contract.start_date))
        return value


class RefuseTerminationForm(DsfrForm):
    reason = forms.CharField(
        label="Motif du refus",
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Transmis à la structure.",
        error_messages={
            "required": "Indiquez le motif du refus.",
            "min_length": "Précisez le motif (10 caractères au moins).",
        },
    )


class ContractExtensionForm(DsfrForm):
    end_date = forms.DateField(
        label="Nouvelle date de fin du contrat",
        widget=DATE_WIDGET,
        error_messages={
            "required": "Indiquez la nouvelle date de fin.",
            "invalid": "Saisissez une date valide.",
        },
    )

    def __init__(self, *args, contract=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.contract = contract

    def clean_end_date(self):
        value = self.cleaned_data["end_date"]
        current = self.contract.end_date if self.contract is not None else None
        if current is not None and value <= current:
            raise ValidationError(
                f"La nouvelle date de fin doit être postérieure à l'actuelle ({current:%d/%m/%Y})."
            )
        return value


class QuarterlyReportForm(DsfrForm):
    fieldsets = [("Trimestre", ["year", "quarter"])]

    year = forms.IntegerField(
        label="Année",
        min_value=2020,
        max_value=2099,
        error_messages={
            "required": "Indiquez l'année.",
            "invalid": "Saisissez une année en chiffres, par exemple 2026.",
            "min_value": "Saisissez une année entre 2020 et 2099.",
            "max_value": "Saisissez une année entre 2020 et 2099.",
        },
    )
    quarter = forms.TypedChoiceField(
        label="Trimestre",
        coerce=int,
        choices=[
            ("", "Choisissez un trimestre"),
            (1, "1er trimestre"),
            (2, "2e trimestre"),
            (3, "3e trimestre"),
            (4, "4e trimestre"),
        ],
        error_messages={
            "required": "Choisissez un trimestre.",
            "invalid_choice": "Choisissez un trimestre de 1 à 4.",
        },
    )
    amount_spent = forms.DecimalField(
        label="Dépenses du trimestre (€)",
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        localize=True,
        error_messages={
            "required": "Indiquez le montant dépensé (0 si aucun).",
            "invalid": "Saisissez un montant en euros, par exemple 6300,50.",
            "min_value": "Le montant ne peut pas être négatif.",
        },
    )
    advisors_in_post = forms.IntegerField(
        label="Conseillers en poste à la fin du trimestre",
        min_value=0,
        max_value=1000,
        error_messages={
            "required": "Indiquez le nombre de conseillers en poste (0 si aucun).",
            "invalid": "Saisissez un nombre entier.",
            "min_value": "Le nombre ne peut pas être négatif.",
            "max_value": "Saisissez un nombre de conseillers inférieur à 1 000.",
        },
    )
    summary = forms.CharField(
        label="Bilan du trimestre",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Quelques lignes sur l'utilisation de la subvention : 2 000 caractères au plus.",
        error_messages={"required": "Rédigez un court bilan du trimestre."},
    )

    def clean_summary(self):
        summary = self.cleaned_data["summary"].strip()
        if not summary:
            raise ValidationError("Rédigez un court bilan du trimestre.")
        return summary


class DepartementFilterForm(DsfrForm):
    departement = forms.ModelChoiceField(
        label="Département", queryset=Departement.objects.all(), required=False, empty_label="Tous"
    )


class RadarFilterForm(DepartementFilterForm):
    risk = forms.ChoiceField(label="Risque", choices=[("", "Tous")] + RISK_CHOICES, required=False)
