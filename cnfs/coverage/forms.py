"""The territory filter of the coverage page: a région or a département, among those of the reader's scope."""

from django import forms
from django.http import Http404

from cnfs.core.forms import DsfrForm
from cnfs.statistics.coverage import WHITE_ZONE_ORDERINGS
from cnfs.territories.models import Departement

ORDERING_LABELS = {
    "population": "Population décroissante",
    "population_asc": "Population croissante",
    "distance": "Distance décroissante",
    "name": "Nom de la commune",
}
assert set(ORDERING_LABELS) == set(WHITE_ZONE_ORDERINGS)


class TerritoryFilterForm(DsfrForm):
    region = forms.ChoiceField(label="Région", required=False)
    departement = forms.ChoiceField(label="Département", required=False)
    ordering = forms.ChoiceField(
        label="Trier les communes en zone blanche par",
        required=False,
        choices=list(ORDERING_LABELS.items()),
    )

    def __init__(self, data, *, scope):
        """`scope`: the reader's départements (None: the whole country)."""
        super().__init__(data)
        self.scope = scope
        departements = Departement.objects.select_related("region").order_by("code")
        if scope is not None:
            departements = departements.filter(code__in=scope)
        self.departements = list(departements)
        regions = {d.region_id: d.region for d in self.departements}
        if scope is not None:  # a région only when the whole of it is in the scope
            regions = {
                code: region
                for code, region in regions.items()
                if set(region.departements.values_list("code", flat=True)) <= set(scope)
            }
        self.regions = sorted(regions.values(), key=lambda region: region.name)
        if self.regions:
            self.fields["region"].choices = [("", "Toutes")] + [(r.code, r.name) for r in self.regions]
        else:  # a département's préfecture: no whole région in its scope
            del self.fields["region"]
        self.fields["departement"].choices = [("", "Tous")] + [
            (d.code, f"{d.code} — {d.name}") for d in self.departements
        ]

    def departement_codes(self):
        """The départements the page shows. A région or a département outside the reader's scope (or unknown) is a
        404, as any object of another territory."""
        data = self.data
        code = str(data.get("departement") or "").strip()
        region = str(data.get("region") or "").strip()
        if code:
            if code not in {d.code for d in self.departements}:
                raise Http404("Ce département n'est pas dans votre territoire.")
            if region and not any(d.code == code and d.region_id == region for d in self.departements):
                raise Http404("Ce département n'est pas dans cette région.")
            return frozenset({code})
        if region:
            if region not in {r.code for r in self.regions}:
                raise Http404("Cette région n'est pas dans votre territoire.")
            return frozenset(d.code for d in self.departements if d.region_id == region)
        return None if self.scope is None else frozenset(self.scope)

    def chosen_ordering(self) -> str:
        value = str(self.data.get("ordering") or "")
        return value if value in ORDERING_LABELS else "population"

    @property
    def chosen_ordering_label(self) -> str:
        return ORDERING_LABELS[self.chosen_ordering()].lower()
