"""DSFR form rendering and the input rules every form of the project shares.

Every field is drawn by one template that ties its label, hint and errors to the input; a refused form opens with
an error summary linking to its fields (templates/forms/form.html, static/js/forms.js). Every form built on
`DsfrFormMixin` also:
- removes control characters from what is typed (a textarea keeps its line breaks and tabs; passwords are left
  untouched) and refuses a NUL byte with a message next to the field (PostgreSQL stores no NUL in text);
- keeps every date between DATE_MIN and DATE_MAX (settings CNFS_DATE_MIN / CNFS_DATE_MAX);
- never cuts a long text silently: no `maxlength` attribute, a character counter on textareas, and a French
  message when the text is too long;
- marks a conditional field required while its condition holds (`required_when`), so that its label loses
  "(facultatif)" and a missing value gets the form's own message.
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms.renderers import TemplatesSetting
from django.utils.datastructures import MultiValueDict

from .phones import format_phone, normalize_phone
from .text import strip_control_characters

WIDGET_CLASSES = {
    forms.Select: "fr-select",
    forms.SelectMultiple: "fr-select",
    forms.Textarea: "fr-input",
}
NO_CLASS_WIDGETS = (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple, forms.HiddenInput)

DATE_MIN = datetime.date(2000, 1, 1)
DATE_MAX = datetime.date(2099, 12, 31)
NUL_MESSAGE = "Ce champ contient un caractère non autorisé (caractère nul) : retirez-le et recommencez."
MAX_LENGTH_MESSAGE = (
    "Ce texte compte %(show_value)d caractères, pour %(limit_value)d au plus : raccourcissez-le."
)


def date_bounds() -> tuple[datetime.date, datetime.date]:
    return getattr(settings, "CNFS_DATE_MIN", DATE_MIN), getattr(settings, "CNFS_DATE_MAX", DATE_MAX)


def date_bound_validators() -> list:
    low, high = date_bounds()
    message = f"Saisissez une date entre le {low:%d/%m/%Y} et le {high:%d/%m/%Y}."
    return [
        MinValueValidator(low, message=message),
        MaxValueValidator(high, message=message),
    ]


class DsfrFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class DsfrBoundField(forms.BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if not isinstance(widget, NO_CLASS_WIDGETS):
            css = next((c for cls, c in WIDGET_CLASSES.items() if isinstance(widget, cls)), "fr-input")
            existing = attrs.get("class", "")
            attrs["class"] = f"{existing} {css}".strip()
        max_length = getattr(self.field, "max_length", None)
        if max_length or "maxlength" in widget.attrs:
            # The browser would cut a pasted text silently: the server says it is too long instead.
            attrs["maxlength"] = False
        if max_length and isinstance(widget, forms.Textarea):
            attrs["data-cnfs-counter"] = self.counter_id
            attrs["data-cnfs-max-length"] = str(max_length)
        if isinstance(self.field, forms.DateField) and getattr(widget, "input_type", "") == "date":
            low, high = date_bounds()
            # A field with its own bounds (a birth date) sets them on its widget.
            if "min" not in widget.attrs:
                attrs.setdefault("min", low.isoformat())
            if "max" not in widget.attrs:
                attrs.setdefault("max", high.isoformat())
        condition = self.form.required_when.get(self.name)
        if condition:
            other, value = self.form.add_prefix(condition[0]), condition[1]
            attrs["data-cnfs-required-when"] = f"{other}={'' if value is True else value}"
        described = [attrs.get("aria-describedby", "")]
        if self.errors:
            attrs["aria-invalid"] = "true"
            described.append(f"{self.auto_id}-error")
        if "data-cnfs-counter" in attrs:
            described.append(self.counter_id)
        described = " ".join(d for d in described if d)
        if described:
            attrs["aria-describedby"] = described
        return attrs

    @property
    def counter_id(self):
        return f"{self.auto_id}-counter"

    @property
    def max_length(self):
        """Shown by the counter of a textarea (see forms/field.html)."""
        if isinstance(self.field.widget, forms.Textarea):
            return getattr(self.field, "max_length", None)
        return None


def _is_secret(field) -> bool:
    return isinstance(field.widget, forms.PasswordInput) or isinstance(field, forms.FileField)


def condition_holds(form, other: str, value) -> bool:
    """The submitted data of field `other` holds `value` (True: a ticked checkbox)."""
    field = form.fields.get(other)
    if field is None:
        return False
    sent = field.widget.value_from_datadict(form.data, form.files, form.add_prefix(other))
    if value is True:
        return sent is True
    return value in sent if isinstance(sent, list | tuple) else sent == value


@dataclass
class FieldGroup:
    legend: str
    id: str
    fields: list

    @property
    def errors(self) -> bool:
        return any(field.errors for field in self.fields)


class DsfrFormMixin:
    """Mix into any Form or ModelForm: DSFR classes, errors tied to their field, the shared input rules above.

    `required_when = {"diploma_name": ("situations", "has_diploma", "Indiquez le nom de votre diplôme.")}`:
    the field is required while the field `situations` holds the value `has_diploma` (True: while a checkbox is
    ticked); `message` is its "required" error."""

    bound_field_class = DsfrBoundField
    required_css_class = "cnfs-required"
    required_when: dict = {}
    # `fieldsets = [("Légende", ["field_a", "field_b"])]`: those fields are shown together under a DSFR fieldset and
    # its legend, where the first of them stands.
    fieldsets: list = []

    def layout(self) -> list:
        """The visible fields in order, each fieldset's fields grouped as a `FieldGroup` (what forms/form.html
        renders)."""
        groups = {}
        for index, (legend, names) in enumerate(self.fieldsets):
            for name in names:
                groups[name] = (index, legend)
        items, seen = [], {}
        for field in self.visible_fields():
            group = groups.get(field.name)
            if group is None:
                items.append(field)
            elif group[0] in seen:
                seen[group[0]].fields.append(field)
            else:
                seen[group[0]] = FieldGroup(group[1], f"{self.prefix or 'id'}-fieldset-{group[0]}", [field])
                items.append(seen[group[0]])
        for index, group in seen.items():  # in each group, the order the fieldset gives
            order = self.fieldsets[index][1]
            group.fields.sort(key=lambda field: order.index(field.name))
        return items

    def full_clean(self):
        if self.is_bound:
            self._harden_fields()
            if not hasattr(self, "_nul_fields"):
                self._nul_fields = self._sanitize_data()
            self._apply_conditions()
        super().full_clean()
        if self.is_bound:
            for name in self._nul_fields & set(self.fields):
                # The only message that helps: whatever else the stripped value caused would mislead.
                self._errors.pop(name, None)
                self.add_error(name, forms.ValidationError(NUL_MESSAGE, code="null_characters_not_allowed"))

    def _harden_fields(self):
        for field in self.fields.values():
            if isinstance(field, forms.DateField) and not getattr(field, "_cnfs_bounded", False):
                field.validators.extend(date_bound_validators())
                field._cnfs_bounded = True
            if getattr(field, "max_length", None):
                field.error_messages.setdefault("max_length", MAX_LENGTH_MESSAGE)
            field.error_messages.setdefault("null_characters_not_allowed", NUL_MESSAGE)

    def _sanitize_data(self) -> set:
        """Cleans the submitted text in place (a copy); returns the names of the fields that held a NUL byte."""
        multiline, untouched, owner = set(), set(), {}
        for name, field in self.fields.items():
            html_name = self.add_prefix(name)
            owner[html_name] = name
            if isinstance(field.widget, forms.Textarea):
                multiline.add(html_name)
            if _is_secret(field):
                untouched.add(html_name)
        nul_fields = set()
        lists = (
            self.data.lists()
            if hasattr(self.data, "lists")
            else (
                (key, value if isinstance(value, list | tuple) else [value])
                for key, value in self.data.items()
            )
        )
        cleaned = MultiValueDict()
        for key, values in lists:
            kept = []
            for value in values:
                if isinstance(value, str) and key not in untouched:
                    if "\x00" in value:
                        nul_fields.add(owner.get(key) or owner.get(key.rsplit("_", 1)[0], key))
                    value = strip_control_characters(value.replace("\r\n", "\n"), multiline=key in multiline)
                kept.append(value)
            cleaned.setlist(key, kept)
        self.data = cleaned
        return nul_fields

    def _apply_conditions(self):
        for name, (other, value, message) in self.required_when.items():
            field = self.fields.get(name)
            if field is None:
                continue
            if condition_holds(self, other, value):
                field.required = True
                field.error_messages["required"] = message


class DsfrForm(DsfrFormMixin, forms.Form):
    pass


class DsfrModelForm(DsfrFormMixin, forms.ModelForm):
    pass


class PhoneField(forms.CharField):
    """A French (mainland or overseas) or international phone number, cleaned to E.164 ("+33472000000")."""

    default_error_messages = {
        "invalid": "Saisissez un numéro de téléphone valide, par exemple 04 70 00 00 00 ou +33 4 70 00 00 00."
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Téléphone")
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return ""
        normalized = normalize_phone(value)
        if normalized is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return normalized

    def prepare_value(self, value):
        if isinstance(value, str) and value.startswith("+"):
            return format_phone(value)
        return value
