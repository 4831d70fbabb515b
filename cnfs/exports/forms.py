"""The request for a background export: its kind, its format and its filters, checked against the requester's role
and territory. The normalised filters (only the kind's, empty ones left out) are the export's parameters."""

from django import forms

from cnfs.core.forms import DsfrForm
from cnfs.territories.models import Departement

from .models import ExportFormat
from .registry import POST_STATUS_LABELS, kinds_for

DEPARTEMENT_OUT_OF_SCOPE = "Choisissez un département de votre territoire dans la liste."


class ExportRequestForm(DsfrForm):
    kind = forms.ChoiceField(
        label="Liste à exporter",
        error_messages={"invalid_choice": "Choisissez une liste à exporter parmi celles proposées."},
    )
    format = forms.ChoiceField(
        label="Format",
        choices=ExportFormat.choices,
        initial=ExportFormat.XLSX,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choisissez le format CSV ou XLSX."},
    )
    departement = forms.ChoiceField(
        label="Département",
        required=False,
        error_messages={"invalid_choice": DEPARTEMENT_OUT_OF_SCOPE},
    )
    status = forms.ChoiceField(
        label="Statut du poste (postes seulement)",
        required=False,
        error_messages={"invalid_choice": "Choisissez un statut de poste dans la liste."},
    )

    def __init__(self, *args, role_context, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = {kind.key: kind for kind in kinds_for(role_context.role)}
        self.fields["kind"].choices = [(key, kind.label) for key, kind in self.kinds.items()]
        codes = role_context.departement_codes
        departements = Departement.objects.order_by("code")
        if codes is not None:
            departements = departements.filter(code__in=codes)
        self.fields["departement"].choices = [("", "Tous")] + [
            (d.code, f"{d.code} — {d.name}") for d in departements
        ]
        self.fields["status"].choices = [("", "Tous")] + list(POST_STATUS_LABELS.items())

    @property
    def export_kind(self):
        return self.kinds[self.cleaned_data["kind"]]

    def params(self) -> dict:
        """The kind's filters that were given, and only those: two requests for the same list get the same key."""
        return {
            name: self.cleaned_data[name] for name in self.export_kind.filters if self.cleaned_data.get(name)
        }
