"""The place form (weekly grid or typed OSM string for the hours), the share form and the public map search."""

import re

from django import forms
from stdnum.fr import siret as siret_number

from cnfs.concertation.sirene import SIRET_FORMAT_MESSAGE, SIRET_KEY_MESSAGE, normalize_identifier
from cnfs.core.forms import DsfrForm
from cnfs.territories.forms import CommuneField

from . import hours, standard
from .models import SERVICE_REQUIRED_MESSAGE

RNA_PATTERN = re.compile(r"^W[0-9][0-9A-Z][0-9]{7}$")
RNA_MESSAGE = "Le numéro RNA commence par W suivi de 9 caractères, par exemple W751234567."
BOTH_HOURS_MESSAGE = "Vous avez modifié la grille et le texte des horaires, qui ne disent pas la même chose : gardez l'un des deux."


def _checkboxes(label, choices, help_text=""):
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple, help_text=help_text
    )


def _grid_name(day: int, slot: int, bound: str) -> str:
    return f"h_{hours.DAYS[day].lower()}_{slot}_{bound}"


class PlaceForm(DsfrForm):
    name = forms.CharField(
        label="Nom du lieu", max_length=150, help_text="Par exemple « Médiathèque municipale »."
    )
    address = forms.CharField(
        label="Adresse", max_length=255, help_text="Numéro et voie, par exemple « 12 rue de Paris »."
    )
    commune = CommuneField(label="Commune", help_text="Nom de la commune ou code postal.")
    postal_code = forms.CharField(
        label="Code postal",
        required=False,
        max_length=5,
        help_text="Laissez vide pour le premier code postal de la commune.",
    )
    siret = forms.CharField(
        label="SIRET du lieu", required=False, max_length=20, help_text="14 chiffres, si le lieu en a un."
    )
    rna = forms.CharField(
        label="Numéro RNA (association)", required=False, max_length=12, help_text="Par exemple W751234567."
    )
    opening_hours = forms.CharField(
        label="Horaires au format OpenStreetMap",
        required=False,
        max_length=hours.MAX_LENGTH,
        help_text=(
            "Rempli d'après la grille ci-dessus. Pour des horaires que la grille ne sait pas dire, saisissez-les "
            "ici, par exemple « Mo-Fr 09:00-12:00; We 14:00-18:00; PH off »."
        ),
    )
    holidays_closed = forms.BooleanField(label="Fermé les jours fériés", required=False)
    services = _checkboxes(
        "Services proposés", standard.SERVICES, "Au moins un pour être visible sur la carte."
    )
    access_modes = _checkboxes("Modalités d'accès", standard.ACCESS_MODES)
    support_modes = _checkboxes("Modalités d'accompagnement", standard.SUPPORT_MODES)
    audiences = _checkboxes("Publics spécifiquement adressés", standard.AUDIENCES)
    specific_support = _checkboxes("Prise en charge spécifique", standard.SPECIFIC_SUPPORT)
    fees = _checkboxes("Frais à charge", standard.FEES)
    national_programmes = _checkboxes("Dispositifs et programmes nationaux", standard.NATIONAL_PROGRAMMES)
    mobility = forms.ChoiceField(
        label="Le lieu est", choices=standard.MOBILITY, widget=forms.RadioSelect, initial=standard.FIXED
    )
    visible = forms.BooleanField(
        label="Visible sur la carte publique « Trouver un conseiller numérique »",
        required=False,
        help_text="Le public voit le nom, l'adresse, les horaires, les services et les modalités d'accès.",
    )

    def __init__(self, *args, place=None, **kwargs):
        initial = kwargs.pop("initial", None) or {}
        if place is not None:
            initial = {
                name: getattr(place, name) for name in self.declared_fields if hasattr(place, name)
            } | initial
            initial["commune"] = place.commune
        grid = hours.string_to_grid(initial.get("opening_hours", "")) or [[] for _ in hours.DAYS]
        initial.setdefault("holidays_closed", hours.split_holidays(initial.get("opening_hours", ""))[1])
        for day in range(len(hours.DAYS)):
            for slot in range(hours.SLOTS_PER_DAY):
                ranges = grid[day]
                start, end = ranges[slot] if slot < len(ranges) else (None, None)
                initial[_grid_name(day, slot, "start")] = start
                initial[_grid_name(day, slot, "end")] = end
        super().__init__(*args, initial=initial, **kwargs)
        for day, label in enumerate(hours.DAY_LABELS):
            for slot in range(hours.SLOTS_PER_DAY):
                part = "matin" if slot == 0 else "après-midi"
                for bound, word in (("start", "ouverture"), ("end", "fermeture")):
                    self.fields[_grid_name(day, slot, bound)] = forms.TimeField(
                        label=f"{label}, {part} : {word}",
                        required=False,
                        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                        error_messages={"invalid": "Saisissez une heure, par exemple 09:30."},
                    )

    def grid_rows(self):
        """[(day label, [(start field, end field), …]), …] for the template's table."""
        return [
            (
                label,
                [
                    (self[_grid_name(day, slot, "start")], self[_grid_name(day, slot, "end")])
                    for slot in range(hours.SLOTS_PER_DAY)
                ],
            )
            for day, label in enumerate(hours.DAY_LABELS)
        ]

    def main_fields(self):
        return [self[name] for name in ("name", "address", "commune", "postal_code", "siret", "rna")]

    def offer_fields(self):
        return [
            self[name]
            for name in (
                "services",
                "access_modes",
                "support_modes",
                "audiences",
                "specific_support",
                "fees",
                "national_programmes",
                "mobility",
                "visible",
            )
        ]

    def clean_siret(self):
        value = normalize_identifier(self.cleaned_data.get("siret", ""))
        if not value:
            return ""
        if not value.isdigit() or len(value) != 14:
            raise forms.ValidationError(SIRET_FORMAT_MESSAGE)
        if not siret_number.is_valid(value):
            raise forms.ValidationError(SIRET_KEY_MESSAGE)
        return value

    def clean_rna(self):
        value = normalize_identifier(self.cleaned_data.get("rna", "")).upper()
        if value and not RNA_PATTERN.match(value):
            raise forms.ValidationError(RNA_MESSAGE)
        return value

    def clean_opening_hours(self):
        return hours.validate_opening_hours(self.cleaned_data.get("opening_hours", ""))

    def _clean_grid(self):
        """The grid's string, or None when a slot is half filled or inverted (errors then added to the slot)."""
        grid, valid = [], True
        for day in range(len(hours.DAYS)):
            ranges = []
            for slot in range(hours.SLOTS_PER_DAY):
                start_name, end_name = _grid_name(day, slot, "start"), _grid_name(day, slot, "end")
                if start_name in self.errors or end_name in self.errors:
                    valid = False
                    continue
                start, end = self.cleaned_data.get(start_name), self.cleaned_data.get(end_name)
                if start is None and end is None:
                    continue
                label = hours.DAY_LABELS[day]
                if start is None or end is None:
                    missing = start_name if start is None else end_name
                    self.add_error(
                        missing, f"{label} : indiquez l'heure d'ouverture et l'heure de fermeture."
                    )
                    valid = False
                elif start >= end:
                    self.add_error(end_name, f"{label} : l'heure de fermeture suit l'heure d'ouverture.")
                    valid = False
                elif ranges and start < ranges[-1][1]:
                    self.add_error(start_name, f"{label} : l'après-midi commence après la fin de la matinée.")
                    valid = False
                else:
                    ranges.append((start, end))
            grid.append(ranges)
        return hours.grid_to_string(grid, self.cleaned_data.get("holidays_closed", False)) if valid else None

    def clean(self):
        cleaned = super().clean()
        grid_changed = any(name.startswith("h_") or name == "holidays_closed" for name in self.changed_data)
        grid_string = self._clean_grid()
        typed_changed = "opening_hours" in self.changed_data
        if "opening_hours" in self.errors or grid_string is None:
            pass
        elif grid_changed and typed_changed and cleaned.get("opening_hours") != grid_string:
            self.add_error("opening_hours", BOTH_HOURS_MESSAGE)
        elif grid_changed:
            cleaned["opening_hours"] = grid_string
        if cleaned.get("visible") and not cleaned.get("services") and "services" not in self.errors:
            self.add_error("services", SERVICE_REQUIRED_MESSAGE)
        commune = cleaned.get("commune")
        if commune is not None and "postal_code" not in self.errors:
            codes = sorted(commune.postal_codes.values_list("code", flat=True))
            postal_code = (cleaned.get("postal_code") or "").strip()
            if postal_code and postal_code not in codes:
                self.add_error(
                    "postal_code",
                    f"Ce code postal n'est pas celui de {commune.name} ({', '.join(codes) or 'aucun code connu'}).",
                )
            elif not postal_code and not codes:
                self.add_error("postal_code", f"Indiquez le code postal de {commune.name}.")
            else:
                cleaned["postal_code"] = postal_code or codes[0]
        return cleaned

    def values(self) -> dict:
        """What `services.create_place` / `update_place` take."""
        from .services import EDITABLE_FIELDS

        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}


class ShareForm(DsfrForm):
    email = forms.EmailField(
        label="Adresse électronique du conseiller",
        help_text="Le conseiller numérique en poste avec qui vous tenez ce lieu.",
        error_messages={"invalid": "Saisissez une adresse électronique valide, par exemple nom@exemple.fr."},
    )

    def clean_email(self):
        from cnfs.recruitment.models import Advisor, AdvisorStatus

        email = self.cleaned_data["email"]
        advisor = (
            Advisor.objects.filter(candidate__user__email__iexact=email, status=AdvisorStatus.ACTIVE)
            .select_related("candidate__user")
            .first()
        )
        if advisor is None:
            raise forms.ValidationError("Aucun conseiller numérique en poste n'a cette adresse électronique.")
        self.advisor = advisor
        return email


class NearCommuneField(CommuneField):
    """A postal code shared by several communes (03000: Moulins, Avermes, Bressolles) is a place to search around,
    not a question to ask back: its most populated commune is the centre of the search."""

    def resolve(self, text, queryset=None):
        queryset = queryset if queryset is not None else self.queryset
        compact = text.replace(" ", "")
        if compact.isdigit() and len(compact) == 5:
            first = queryset.search(compact, limit=1)
            if first:
                return first[0]
        return super().resolve(text, queryset)


class MapSearchForm(DsfrForm):
    commune = NearCommuneField(
        label="Commune ou code postal", help_text="Par exemple « Moulins » ou « 03000 »."
    )
