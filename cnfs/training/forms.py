from django import forms

from cnfs.core.forms import DsfrForm
from cnfs.territories.forms import CommuneField

from .models import (
    DropoutReason,
    OnboardingChecklist,
    PositioningResult,
    SessionMode,
    TrainingPath,
    TrainingProvider,
)
from .services import PATH_MESSAGE


def date_field(label, **kwargs):
    kwargs.setdefault("error_messages", {"invalid": "Saisissez une date valide, par exemple 14/07/2026."})
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs
    )


class BookPositioningForm(DsfrForm):
    scheduled_on = date_field("Date du test de positionnement")


class PositioningResultForm(DsfrForm):
    result = forms.ChoiceField(
        label="Résultat du test",
        choices=PositioningResult.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez le résultat du test.",
            "invalid_choice": "Choisissez le résultat dans la liste.",
        },
    )
    score = forms.IntegerField(
        label="Score (sur 100)",
        required=False,
        min_value=0,
        max_value=100,
        error_messages={
            "min_value": "Le score est compris entre 0 et 100.",
            "max_value": "Le score est compris entre 0 et 100.",
        },
    )


class PathForm(DsfrForm):
    path = forms.TypedChoiceField(
        label="Parcours",
        choices=TrainingPath.choices,
        coerce=int,
        widget=forms.RadioSelect,
        help_text="105 h en alternance pour un profil expérimenté, 280, 350 ou 420 h à temps plein (35 h par semaine).",
        error_messages={"required": PATH_MESSAGE, "invalid_choice": PATH_MESSAGE},
    )


class RegisterForm(DsfrForm):
    session = forms.ModelChoiceField(
        label="Session",
        queryset=None,
        empty_label="Choisissez une session",
        error_messages={
            "required": "Choisissez une session.",
            "invalid_choice": "Choisissez une session de la liste (sessions à venir du parcours du conseiller).",
        },
    )

    def __init__(self, *args, sessions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions
        self.fields["session"].label_from_instance = lambda s: (
            f"{s.start_date:%d/%m/%Y} — {s.centre_name}, {s.commune} — {s.get_mode_display().lower()} "
            f"({s.registered_count} inscrit{'s' if s.registered_count > 1 else ''})"
        )


class AttendanceForm(DsfrForm):
    week = date_field("Semaine", help_text="Un jour de la semaine : elle est comptée à partir du lundi.")
    hours = forms.DecimalField(
        label="Heures effectuées",
        max_digits=4,
        decimal_places=1,
        error_messages={
            "invalid": "Saisissez un nombre d'heures, par exemple 35 ou 7,5.",
            "max_decimal_places": "Une décimale au plus.",
        },
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )


class DropForm(DsfrForm):
    day = date_field("Date de l'abandon")
    reason = forms.ChoiceField(label="Motif", choices=DropoutReason.choices)


class CompletionForm(DsfrForm):
    ccp1_on = date_field(
        "Date d'obtention du CCP1",
        help_text="Premier bloc du titre « responsable d'espace de médiation numérique ».",
    )
    pix_on = date_field("Date de la certification Pix")
    pix_score = forms.IntegerField(
        label="Score de la certification Pix",
        min_value=0,
        max_value=1024,
        error_messages={
            "min_value": "Le score Pix est compris entre 0 et 1 024.",
            "max_value": "Le score Pix est compris entre 0 et 1 024.",
        },
    )


class SessionForm(DsfrForm):
    centre_name = forms.CharField(label="Centre de formation", max_length=200)
    address = forms.CharField(label="Adresse du centre", max_length=250)
    commune = CommuneField(label="Commune", help_text="Nom ou code postal, par exemple « Moulins (03) ».")
    start_date = date_field("Date de début")
    path = forms.TypedChoiceField(
        label="Parcours",
        choices=TrainingPath.choices,
        coerce=int,
        error_messages={"invalid_choice": PATH_MESSAGE},
    )
    mode = forms.ChoiceField(
        label="Modalité prévue",
        choices=SessionMode.choices,
        widget=forms.RadioSelect,
        initial=SessionMode.FACE_TO_FACE,
        help_text="En présentiel seulement si au moins 8 conseillers commencent ce jour-là dans ce centre.",
    )


class ConfirmForm(DsfrForm):
    mode = forms.ChoiceField(
        label="Confirmer la session",
        choices=SessionMode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez la modalité : en présentiel ou à distance."},
    )


class ChangeProviderForm(DsfrForm):
    provider = forms.ModelChoiceField(
        label="Organisme de formation",
        queryset=TrainingProvider.objects.order_by("name"),
        empty_label="Choisissez un organisme",
        error_messages={
            "required": "Choisissez un organisme.",
            "invalid_choice": "Choisissez un organisme de la liste.",
        },
    )


class OnboardingForm(DsfrForm):
    """One date per item of the checklist (empty: not done yet); the vehicle only for an itinerant post."""

    def __init__(self, *args, checklist, **kwargs):
        super().__init__(*args, **kwargs)
        for item, name in OnboardingChecklist.ITEM_FIELDS.items():
            if item == "vehicle" and not checklist.vehicle_needed:
                continue
            self.fields[name] = date_field(
                OnboardingChecklist._meta.get_field(name).verbose_name.capitalize(),
                required=False,
                initial=getattr(checklist, name),
                help_text="Laissez vide tant que ce n'est pas fait.",
            )
