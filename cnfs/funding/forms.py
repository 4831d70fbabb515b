import datetime
from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone

from cnfs.core import uploads
from cnfs.core.forms import DsfrForm, DsfrModelForm
from cnfs.core.themes import PROGRAMME_MISSIONS, mission_choices
from cnfs.territories.models import Departement

from . import rules
from .agreements import max_months
from .grant_files import ACCEPTED_KINDS, max_bytes
from .models import ContractType, GrantFile, NonConformityReason

BIRTH_DATE_MIN = datetime.date(1900, 1, 1)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class IdentitiesForm(DsfrModelForm):
    """The president's and DGS's identities and the advisor's outfit size. Each may be saved on its own: the file
    says what is still missing."""

    class Meta:
        model = GrantFile
        fields = [
            "president_first_name",
            "president_last_name",
            "president_birth_date",
            "dgs_first_name",
            "dgs_last_name",
            "dgs_birth_date",
            "outfit_size",
        ]
        labels = {
            "president_first_name": "Prénom",
            "president_last_name": "Nom",
            "president_birth_date": "Date de naissance",
            "dgs_first_name": "Prénom",
            "dgs_last_name": "Nom",
            "dgs_birth_date": "Date de naissance",
            "outfit_size": "Taille de tenue du conseiller ou de la conseillère",
        }
        widgets = {"president_birth_date": DateInput(), "dgs_birth_date": DateInput()}

    fieldsets = [
        ("Président ou présidente de la structure", ["president_first_name", "president_last_name", "president_birth_date"]),
        ("Directeur ou directrice général(e) des services (DGS)", ["dgs_first_name", "dgs_last_name", "dgs_birth_date"]),
        ("Tenue", ["outfit_size"]),
    ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A birth date is before the platform's usual date range: its own bounds (an adult born after 1900).
        today = timezone.localdate()
        latest = (
            today.replace(year=today.year - 18)
            if not (today.month == 2 and today.day == 29)
            else today.replace(year=today.year - 18, day=28)
        )
        message = (
            f"Saisissez une date de naissance entre le {BIRTH_DATE_MIN:%d/%m/%Y} et le {latest:%d/%m/%Y}."
        )
        for name in ("president_birth_date", "dgs_birth_date"):
            field = self.fields[name]
            field._cnfs_bounded = True
            field.validators += [
                MinValueValidator(BIRTH_DATE_MIN, message=message),
                MaxValueValidator(latest, message=message),
            ]
            field.widget.attrs.update(min=BIRTH_DATE_MIN.isoformat(), max=latest.isoformat())
            field.error_messages["invalid"] = "Saisissez une date valide, par exemple 14/07/1970."


class DocumentField(forms.FileField):
    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "PDF, JPEG ou PNG, 10 Mo au plus.")
        kwargs.setdefault(
            "widget",
            forms.ClearableFileInput(
                attrs={"accept": "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"}
            ),
        )
        kwargs.setdefault(
            "error_messages",
            {"required": "Choisissez un fichier.", "empty": "Ce fichier est vide : choisissez-en un autre."},
        )
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value:
            value.file_kind = uploads.validate(
                value,
                kinds=ACCEPTED_KINDS,
                max_bytes=max_bytes(),
                too_large="Le fichier pèse {size} Mo : un document ne doit pas dépasser {max} Mo.",
                wrong_type="Ce fichier n'est ni un PDF, ni une image JPEG ou PNG (son contenu a été vérifié, "
                "pas seulement son nom). Enregistrez-le dans l'un de ces formats puis déposez-le à nouveau.",
            )


class DocumentForm(DsfrForm):
    document = DocumentField(label="Document")

    def __init__(self, *args, label="Document", prefix=None, **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)
        self.fields["document"].label = label


class DecisionForm(DsfrForm):
    """The Banque des Territoires' decision on one transmission."""

    conform = forms.TypedChoiceField(
        label="Décision",
        choices=[("yes", "Dossier conforme"), ("no", "Dossier non conforme")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez « conforme » ou « non conforme »."},
    )
    reasons = forms.MultipleChoiceField(
        label="Motifs de non-conformité",
        help_text="Au moins un motif si le dossier n'est pas conforme ; ils sont transmis à la structure.",
        choices=NonConformityReason.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Choisissez les motifs dans la liste."},
    )
    comment = forms.CharField(
        label="Commentaire",
        help_text="Obligatoire pour le motif « autre » ; transmis à la structure.",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("conform") is False:
            reasons = data.get("reasons") or []
            if not reasons and "reasons" not in self.errors:
                self.add_error("reasons", "Cochez au moins un motif de non-conformité.")
            if NonConformityReason.OTHER in reasons and not (data.get("comment") or "").strip():
                self.add_error("comment", "Précisez le motif « autre » dans le commentaire.")
        return data


class QueueFilterForm(DsfrForm):
    overdue = forms.BooleanField(label="Dossiers en retard seulement", required=False)
    departement = forms.ModelChoiceField(
        label="Département",
        queryset=Departement.objects.order_by("code"),
        required=False,
        empty_label="Tous les départements",
        to_field_name="code",
        error_messages={"invalid_choice": "Choisissez un département de la liste."},
    )


class StopHireForm(DsfrForm):
    reason = forms.CharField(
        label="Motif de l'arrêt",
        min_length=10,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Indiquez le motif de l'arrêt.",
            "min_length": "Précisez le motif (10 caractères au moins).",
        },
    )


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
