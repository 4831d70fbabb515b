"""The dashboards' filters (GET): a period in months and, for a scope of départements, a région or a département of
it. A territory outside the scope is not refused here but answered 404 by the view (statistics.scope.narrowed), as
any object outside one's scope."""

import datetime

from django import forms

from cnfs.core.forms import DsfrForm, date_bound_validators
from cnfs.structures.services import add_months
from cnfs.territories.models import Departement, Region

MONTH_FORMAT = "%Y-%m"
MONTH_ERROR = "Saisissez un mois au format AAAA-MM, par exemple 2026-01."
LEVELS = [("departement", "Par département"), ("region", "Par région")]


def _month_field(label):
    return forms.DateField(
        label=label,
        required=False,
        input_formats=[MONTH_FORMAT],
        widget=forms.DateInput(attrs={"type": "month"}, format=MONTH_FORMAT),
        validators=date_bound_validators(),
        error_messages={"invalid": MONTH_ERROR},
        help_text="Format AAAA-MM",
    )


class DashboardFilterForm(DsfrForm):
    since = _month_field("Du mois")
    until = _month_field("Au mois (inclus)")
    region = forms.CharField(label="Région", required=False, max_length=3)
    departement = forms.CharField(label="Département", required=False, max_length=3)
    level = forms.ChoiceField(
        label="Carte et tableau",
        required=False,
        choices=LEVELS,
        error_messages={"invalid_choice": "Choisissez « Par département » ou « Par région »."},
    )

    def __init__(self, *args, scope, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        # The period shown when none is asked for: the last twelve months.
        self.fields["since"].initial = self.default_since()
        self.fields["until"].initial = today.replace(day=1)
        if scope.by_territory:
            departements = Departement.objects.order_by("code")
            if scope.departements is not None:
                departements = departements.filter(code__in=list(scope.departements))
            departements = list(departements.values_list("code", "name", "region_id"))
            region_codes = {region for _, _, region in departements}
            regions = (
                Region.objects.filter(code__in=region_codes).order_by("name").values_list("code", "name")
            )
            self.fields["region"].widget = forms.Select(choices=[("", "Toutes"), *regions])
            self.fields["departement"].widget = forms.Select(
                choices=[("", "Tous"), *((code, f"{code} — {name}") for code, name, _ in departements)]
            )
            # A choice of one is not offered; the field stays, so that another territory asked for is refused.
            if len(region_codes) <= 1:
                self.fields["region"].widget = forms.HiddenInput()
                self.fields["level"].widget = forms.HiddenInput()
            if len(departements) <= 1:
                self.fields["departement"].widget = forms.HiddenInput()
        else:
            del self.fields["region"], self.fields["departement"], self.fields["level"]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "Le mois de fin précède le mois de début : corrigez l'un des deux.")
        return cleaned

    def default_since(self) -> datetime.date:
        """The last twelve months, this one included."""
        return add_months(self.today.replace(day=1), -11)

    def period(self) -> tuple[datetime.date, datetime.date]:
        """The valid period (first day of the first month, last day of the last), the last twelve months when not
        given or invalid."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        since = (data.get("since") or self.default_since()).replace(day=1)
        last = (data.get("until") or self.today).replace(day=1)
        return since, add_months(last, 1) - datetime.timedelta(days=1)

    def territory(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {"region": data.get("region") or "", "departement": data.get("departement") or ""}

    def map_level(self) -> str:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return data.get("level") or "departement"
