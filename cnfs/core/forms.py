"""DSFR form rendering: every field is drawn by one template that ties its label, hint and errors to the input."""

import re

from django import forms
from django.forms.renderers import TemplatesSetting

WIDGET_CLASSES = {
    forms.Select: "fr-select",
    forms.SelectMultiple: "fr-select",
    forms.Textarea: "fr-input",
}
NO_CLASS_WIDGETS = (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple, forms.HiddenInput)


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
        if self.errors:
            attrs["aria-invalid"] = "true"
            described = attrs.get("aria-describedby", "")
            attrs["aria-describedby"] = f"{described} {self.auto_id}-error".strip()
        return attrs


class DsfrFormMixin:
    """Mix into any Form or ModelForm: DSFR classes, errors tied to their field (aria-describedby)."""

    bound_field_class = DsfrBoundField
    required_css_class = "cnfs-required"


class DsfrForm(DsfrFormMixin, forms.Form):
    pass


class DsfrModelForm(DsfrFormMixin, forms.ModelForm):
    pass


class PhoneField(forms.CharField):
    """A French or international phone number, stored without spaces, dots or dashes ("0470000000")."""

    default_error_messages = {
        "invalid": "Saisissez un numéro de téléphone valide, par exemple 04 70 00 00 00 ou +33 4 70 00 00 00."
    }
    PATTERN = re.compile(r"(\+33|0)[1-9]\d{8}|\+\d{8,15}")

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Téléphone")
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = re.sub(r"[\s.\-()]", "", super().to_python(value))
        return value

    def validate(self, value):
        super().validate(value)
        if value and not self.PATTERN.fullmatch(value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
