"""The activity report form (radios and checkboxes in fieldsets: fast on a phone, complete without JavaScript), and
the filters of the report list and of the statistics."""

from django import forms
from django.core.exceptions import ValidationError

from cnfs.core.forms import DsfrForm
from cnfs.territories.forms import CommuneField

from . import reports
from .models import Place
from .report_models import (
    BREAKDOWNS,
    MAX_DURATION,
    MAX_PARTICIPANTS,
    Autonomy,
    Equipment,
    PlaceKind,
    ProcedureSubTheme,
    ReportKind,
    StructureType,
    WorkshopLevel,
    report_theme_choices,
)

CUSTOM = "custom"
NO_REDIRECTION = ""


def _minutes_label(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" if not rest else f"{hours} h {rest:02d}"


def _count(label, help_text="", required=False):
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=0,
        max_value=MAX_PARTICIPANTS,
        help_text=help_text,
        error_messages={
            "invalid": "Saisissez un nombre entier.",
            "min_value": "Saisissez un nombre positif ou zéro.",
            "max_value": reports.PARTICIPANTS_MESSAGE,
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class _LazyChoices(forms.models.ModelChoiceIterator):
    """Django's iterator reads the field's queryset when it is created; this one when the choices are listed."""

    def __init__(self, field):
        self.field = field

    @property
    def queryset(self):
        return self.field.queryset


class HeldPlaceField(forms.ModelChoiceField):
    """One of the places of an advisor (`held_by`, called by the form). Its queryset is built the first time the
    field needs it, to check a chosen place or to list the choices, instead of at each form: a report at home or
    remote never builds it, and the report form is the one advisors post all day."""

    advisor = None
    iterator = _LazyChoices

    def held_by(self, advisor):
        self.advisor = advisor
        self.queryset = None  # built again, for this advisor, when needed

    def __init__(self, **kwargs):
        super().__init__(queryset=None, **kwargs)

    @property
    def queryset(self):
        if self._queryset is None:
            self._queryset = (
                Place.objects.held_by(self.advisor).order_by("name", "pk")
                if self.advisor is not None
                else Place.objects.none()
            )
        return self._queryset

    @queryset.setter
    def queryset(self, queryset):
        forms.ModelChoiceField.queryset.fset(self, queryset)

    def __deepcopy__(self, memo):
        # Field's copy (widget, messages), not ModelChoiceField's, which would build the queryset to copy it.
        result = super(forms.ChoiceField, self).__deepcopy__(memo)
        result.queryset = None
        return result


class ReportForm(DsfrForm):
    submission_key = forms.UUIDField(
        label="Formulaire",
        widget=forms.HiddenInput,
        required=False,
        error_messages={"invalid": reports.STALE_FORM_MESSAGE},
    )
    date = forms.DateField(
        label="Date de l'accompagnement",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Indiquez la date.",
            "invalid": "Saisissez une date, par exemple 14/03/2026.",
        },
    )
    kind = forms.ChoiceField(
        label="Type d'accompagnement",
        choices=ReportKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez le type d'accompagnement."},
    )
    title = forms.CharField(label="Titre de l'atelier", required=False, max_length=150)
    level = forms.ChoiceField(
        label="Niveau de l'atelier", required=False, choices=WorkshopLevel.choices, widget=forms.RadioSelect
    )
    participants = _count(
        "Nombre de participants",
        "Pour un atelier ou une information ponctuelle. Un accompagnement individuel compte une personne.",
    )
    place_kind = forms.ChoiceField(
        label="Lieu de l'accompagnement",
        choices=PlaceKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez où a eu lieu l'accompagnement."},
    )
    place = HeldPlaceField(
        label="Lequel de vos lieux d'activité",
        required=False,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"invalid_choice": reports.PLACE_MESSAGE},
    )
    commune = CommuneField(
        label="Commune", required=False, help_text="Pour un accompagnement à domicile ou dans un autre lieu."
    )
    duration = forms.ChoiceField(
        label="Durée",
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez une durée."},
    )
    custom_hours = forms.IntegerField(
        label="Autre durée : heures",
        required=False,
        min_value=0,
        max_value=99,
        error_messages={"invalid": "Saisissez un nombre d'heures.", "max_value": reports.DURATION_MESSAGE},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    custom_minutes = forms.IntegerField(
        label="Autre durée : minutes",
        required=False,
        min_value=0,
        max_value=59,
        error_messages={"invalid": "Saisissez un nombre de minutes.", "max_value": "De 0 à 59 minutes."},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    themes = forms.MultipleChoiceField(
        label="Thématiques",
        choices=report_theme_choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": reports.THEME_MESSAGE},
    )
    sub_themes = forms.MultipleChoiceField(
        label="Démarches administratives en ligne : lesquelles",
        required=False,
        choices=ProcedureSubTheme.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Cocher une démarche coche aussi la thématique « démarches administratives ».",
    )
    equipment = forms.MultipleChoiceField(
        label="Matériel utilisé",
        required=False,
        choices=Equipment.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    already_accompanied = _count("Dont personnes déjà accompagnées auparavant")
    autonomy = forms.ChoiceField(
        label="Autonomie de la personne (accompagnement individuel)",
        required=False,
        choices=Autonomy.choices,
        widget=forms.RadioSelect,
    )
    redirected_to = forms.ChoiceField(
        label="Réorientation vers une autre structure",
        required=False,
        choices=[(NO_REDIRECTION, "Pas de réorientation"), *StructureType.choices],
    )
    aidants_connect = forms.BooleanField(label="Mandat Aidants Connect conclu", required=False)
    pass_numerique = _count("Pass Numérique remis")
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "Pour vous seulement. N'y écrivez aucune donnée personnelle des personnes accompagnées "
            "(nom, adresse, téléphone, numéro de dossier…)."
        ),
    )

    fieldsets = [
        ("Pour un atelier collectif", ["title", "level"]),
        ("Autre durée", ["custom_hours", "custom_minutes"]),
        *[(label, [name for name, _ in bands]) for _, label, bands in BREAKDOWNS],
    ]

    def __init__(self, *args, advisor, presets, **kwargs):
        super().__init__(*args, **kwargs)
        self.advisor = advisor
        self.fields["place"].held_by(advisor)
        self.set_presets(presets)
        # The field order the template shows: the breakdowns after the participants.
        order = [
            "date", "kind", "participants", "title", "level", "place_kind", "place", "commune", "duration",
            "custom_hours", "custom_minutes", "themes", "sub_themes", "equipment", "already_accompanied",
        ]  # fmt: skip
        self.order_fields(order + [n for _, _, bands in BREAKDOWNS for n, _ in bands])

    def set_presets(self, presets):
        """The duration radios: `presets` in this order, then a custom duration."""
        self.fields["duration"].choices = [(str(m), _minutes_label(m)) for m in presets] + [
            (CUSTOM, "Autre durée (ci-dessous)")
        ]

    @classmethod
    def initial_from(cls, values: dict, presets) -> dict:
        """Form initial data from a report's values (edit, duplicate)."""
        initial = dict(values)
        minutes = values.get("duration_minutes")
        if minutes in presets:
            initial["duration"] = str(minutes)
        elif minutes:
            initial["duration"] = CUSTOM
            initial["custom_hours"], initial["custom_minutes"] = divmod(minutes, 60)
        for name in ("participants", "already_accompanied", "pass_numerique"):
            initial.setdefault(name, values.get(name))
        return initial

    def clean(self):
        cleaned = super().clean()
        duration = cleaned.get("duration")
        if duration == CUSTOM:
            hours, minutes = cleaned.get("custom_hours"), cleaned.get("custom_minutes")
            if "custom_hours" in self.errors or "custom_minutes" in self.errors:
                pass
            elif not hours and not minutes:
                self.add_error("custom_hours", "Indiquez la durée en heures et minutes.")
            else:
                total = (hours or 0) * 60 + (minutes or 0)
                if total > MAX_DURATION:
                    self.add_error("custom_hours", reports.DURATION_MESSAGE)
                else:
                    cleaned["duration_minutes"] = total
        elif duration:
            cleaned["duration_minutes"] = int(duration)
        if cleaned.get("kind") == ReportKind.INDIVIDUAL:
            cleaned["participants"] = 1
        if not self.errors:
            try:
                reports.check(self.advisor, reports.normalize(self.values()))
            except ValidationError as error:
                self.apply(error)
        return cleaned

    def values(self) -> dict:
        cleaned = self.cleaned_data
        values = {name: cleaned.get(name) for name in reports.EDITABLE_FIELDS if name in cleaned}
        values["duration_minutes"] = cleaned.get("duration_minutes")
        for name in reports.EDITABLE_FIELDS:
            field = self.fields.get(name)
            if isinstance(field, forms.IntegerField) and values.get(name) is None:
                values[name] = 0
        values["place"] = cleaned.get("place")
        values["commune"] = cleaned.get("commune") or None
        return values

    def apply(self, error: ValidationError):
        """The service's errors, each next to its field (a breakdown's next to its first band)."""
        groups = {key: bands[0][0] for key, _, bands in BREAKDOWNS}
        for key, messages_ in error.message_dict.items():
            field = groups.get(key, key)
            if field in self.fields and field not in self.errors:
                self.add_error(field, messages_)
            elif field not in self.fields:
                self.add_error(None, messages_)


# The breakdowns' counts, one field per band (declared here from the bands' table rather than written out).
for _key, _label, _bands in BREAKDOWNS:
    for _name, _band_label in _bands:
        ReportForm.base_fields[_name] = _count(_band_label)


class ReportFilterForm(DsfrForm):
    """The list's and the statistics' filters (GET): a period, then type, theme and place for the list."""

    start = forms.DateField(
        label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    kind = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Tous les types"), *ReportKind.choices]
    )
    theme = forms.ChoiceField(
        label="Thématique",
        required=False,
        choices=lambda: [("", "Toutes les thématiques"), *report_theme_choices()],
    )
    place = HeldPlaceField(label="Lieu", required=False, empty_label="Tous les lieux")

    def __init__(self, *args, advisor=None, period_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].held_by(advisor)
        if period_only:
            for name in ("kind", "theme", "place"):
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "La fin de la période précède son début : corrigez l'une des deux dates.")
        return cleaned

    def period(self) -> dict:
        """The valid period of the form as `since` and `until` (None: not limited; an invalid filter is ignored)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {"since": data.get("start"), "until": data.get("end")}

    def apply(self, queryset):
        """`queryset` filtered by what is valid in the form (an invalid filter is ignored, and shown)."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("start"):
            queryset = queryset.filter(date__gte=data["start"])
        if data.get("end"):
            queryset = queryset.filter(date__lte=data["end"])
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("theme"):
            queryset = queryset.filter(themes__icontains=f'"{data["theme"]}"')
        if data.get("place"):
            queryset = queryset.filter(place=data["place"])
        return queryset
