"""Commune picker: a text input with HTMX suggestions that also works as a plain text field without JavaScript.

    from cnfs.territories.forms import CommuneField

    class PlaceForm(DsfrForm):
        commune = CommuneField(label="Commune")

`cleaned_data["commune"]` is a `Commune`. The user may type "Moulins", "Moulins (03)", "Moulins (03000)",
"03000" or pick a suggestion (its INSEE code travels in a hidden input named `<field>_insee`).
"""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from .models import Commune, CommuneType
from .text import normalize_name

MAX_LISTED = 5


@dataclass(frozen=True)
class CommuneInput:
    """What the browser sent: the typed text and, when picked from the list, the INSEE code."""

    text: str = ""
    insee: str = ""


def commune_label(commune: Commune) -> str:
    return f"{commune.name} ({commune.departement_id})"


class CommuneAutocompleteWidget(forms.TextInput):
    template_name = "territories/widgets/commune_autocomplete.html"

    def __init__(self, attrs=None, search_url_name="territories:commune_search"):
        attrs = {"autocomplete": "off", "spellcheck": "false", **(attrs or {})}
        super().__init__(attrs)
        self.search_url_name = search_url_name

    def value_from_datadict(self, data, files, name):
        return CommuneInput(text=data.get(name, "") or "", insee=data.get(f"{name}_insee", "") or "")

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}_insee" not in data

    def _resolve_initial(self, value):
        if isinstance(value, Commune) or not value:
            return value
        if isinstance(value, str):
            return Commune.objects.filter(pk=value).first() or value
        return value

    def get_context(self, name, value, attrs):
        value = self._resolve_initial(value)
        if isinstance(value, CommuneInput):
            text, insee = value.text, value.insee
        elif isinstance(value, Commune):
            text, insee = commune_label(value), value.pk
        else:
            text, insee = ("" if value is None else str(value)), ""
        context = super().get_context(name, text or None, attrs)
        widget_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        context["widget"].update(
            insee=insee,
            widget_id=widget_id,
            results_id=f"{widget_id}-results",
            search_url=f"{reverse(self.search_url_name)}?field={name}&target={widget_id}",
        )
        return context


def _listing(communes) -> str:
    names = ", ".join(commune_label(c) for c in communes[:MAX_LISTED])
    return names + ("…" if len(communes) > MAX_LISTED else "")


class CommuneField(forms.Field):
    widget = CommuneAutocompleteWidget
    default_error_messages = {
        "required": "Indiquez une commune.",
        "not_found": "Aucune commune ne correspond à « %(value)s ». Vérifiez l'orthographe ou saisissez le code postal.",
        "ambiguous": "Précisez : plusieurs communes correspondent (%(communes)s).",
        "arrondissement": "Choisissez la commune plutôt que l'arrondissement (%(commune)s).",
    }

    def __init__(self, *, queryset=None, allow_arrondissements=True, **kwargs):
        self.queryset = queryset if queryset is not None else Commune.objects.all()
        self.allow_arrondissements = allow_arrondissements
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return value

    def bound_data(self, data, initial):
        return data

    def has_changed(self, initial, data):
        initial_pk = initial.pk if isinstance(initial, Commune) else (initial or "")
        if isinstance(data, CommuneInput):
            if data.insee:
                return data.insee != initial_pk
            return bool(data.text.strip()) or bool(initial_pk)
        return super().has_changed(initial, data)

    def to_python(self, value):
        if isinstance(value, Commune):
            return value
        if isinstance(value, str):
            value = CommuneInput(text=value)
        if not isinstance(value, CommuneInput) or not (value.text.strip() or value.insee):
            return None
        queryset = self.queryset.select_related("departement", "parent")
        if value.insee:
            commune = queryset.filter(pk=value.insee).first()
            if commune is not None and (not value.text.strip() or self._text_matches(value.text, commune)):
                return self._check(commune)
        return self._check(self.resolve(value.text.strip(), queryset))

    @staticmethod
    def _text_matches(text, commune):
        """The picked commune still fits the text (it was not edited afterwards)."""
        typed = normalize_name(text)
        return (
            typed in {normalize_name(commune_label(commune)), commune.search_name}
            or typed == commune.pk.lower()
        )

    def resolve(self, text, queryset=None):
        """The one commune the text designates, or a ValidationError (none found / ambiguous)."""
        queryset = queryset if queryset is not None else self.queryset
        if len(text) == 5 and text[:2].isalnum() and not text.isdigit():  # Corsican INSEE code, e.g. 2A004
            exact = list(queryset.filter(pk=text.upper()))
            if exact:
                return exact[0]
        candidates = list(queryset.search(text, limit=None)[:50])
        if not candidates and text.isdigit() and len(text) == 5:  # an INSEE code typed by hand
            candidates = list(queryset.filter(pk=text))
        if not text.isdigit():
            # "Lyon" means Lyon, not Lyon 1er Arrondissement: exact names first, then prefixes.
            base = normalize_name(text.split("(")[0])
            exact = [c for c in candidates if c.search_name == base]
            candidates = exact or candidates
        if not self.allow_arrondissements and len(candidates) > 1:
            candidates = [c for c in candidates if c.type != CommuneType.ARRONDISSEMENT] or candidates
        if not candidates:
            raise ValidationError(self.error_messages["not_found"], code="not_found", params={"value": text})
        if len(candidates) > 1:
            raise ValidationError(
                self.error_messages["ambiguous"], code="ambiguous", params={"communes": _listing(candidates)}
            )
        return candidates[0]

    def _check(self, commune):
        if not self.allow_arrondissements and commune.type == CommuneType.ARRONDISSEMENT:
            raise ValidationError(
                self.error_messages["arrondissement"], code="arrondissement",
                params={"commune": commune_label(commune.parent) if commune.parent else ""},
            )  # fmt: skip
        return commune
