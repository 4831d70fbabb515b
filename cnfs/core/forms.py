"""DSFR form rendering: every field is drawn by one template that ties its label, hint and errors to the input."""

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
