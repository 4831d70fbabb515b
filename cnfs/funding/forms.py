from decimal import Decimal

from django import forms

from cnfs.core.forms import DsfrForm
from cnfs.core.themes import PROGRAMME_MISSIONS, mission_choices

from . import rules
from .agreements import max_months
from .models import ContractType


def _date(**kwargs):
    return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs)


def _money(label, **kwargs):
    return forms.DecimalField(
        label=label,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        **kwargs,
    )


class ContractForm(DsfrForm):
    """The advisor's contract; the rules that need the hire (30-day posting rule, deadline, minimum wage) are added
    by the view from contracts.contract_errors."""

    type = forms.ChoiceField(label="Type de contrat", choices=ContractType.choices)
    signed_on = _date(label="Date de signature")
    start_date = _date(label="Date de début")
    end_date = _date(label="Date de fin", required=False, help_text="Obligatoire sauf pour un CDI.")
    weekly_hours = forms.DecimalField(
        label="Durée hebdomadaire (heures)",
        max_digits=4,
        decimal_places=2,
        help_text="Le poste est à temps plein.",
    )
    gross_monthly_salary = _money(
        "Salaire mensuel brut (€)",
        help_text="Au moins le SMIC mensuel brut en vigueur à la date de signature.",
    )
    missions = forms.MultipleChoiceField(
        label="Missions du conseiller", choices=mission_choices(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, structure=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .contracts import default_type

        if structure is not None:
            self.fields["type"].initial = default_type(structure)
        self.fields["weekly_hours"].initial = rules.full_time_hours()
        self.fields["missions"].initial = [m.value for m in PROGRAMME_MISSIONS]
        self.fields["missions"].error_messages["required"] = "Cochez au moins une mission."


class AgreementForm(DsfrForm):
    starts_on = _date(label="Date de début de la convention")
    months = forms.IntegerField(
        label="Durée (mois)",
        min_value=1,
        help_text=f"Au plus {max_months()} mois.",
        error_messages={"min_value": "Saisissez une durée d'au moins 1 mois."},
    )
    co_financing = _money(
        "Cofinancement de la structure (€)", initial=Decimal("0"), help_text="Saisissez 0 s'il n'y en a pas."
    )

    def clean_months(self):
        from .agreements import agreement_errors

        months = self.cleaned_data["months"]
        error = agreement_errors({"months": months}).get("months")
        if error:
            raise forms.ValidationError(error)
        return months


class AgreementSignatureForm(DsfrForm):
    signed_on = _date(label="Date de signature de la convention")


class PaymentForm(DsfrForm):
    paid_on = _date(label="Date du versement")
    amount = _money("Montant versé (€)")
    reference = forms.CharField(
        label="Référence du versement",
        max_length=50,
        help_text="La référence du virement, par exemple VIR-2026-00042.",
    )
