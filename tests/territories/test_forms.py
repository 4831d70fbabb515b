import pytest
from django.urls import reverse

from cnfs.core.forms import DsfrForm
from cnfs.territories.forms import CommuneAutocompleteWidget, CommuneField
from cnfs.territories.models import Commune


class PlaceForm(DsfrForm):
    commune = CommuneField(label="Commune", help_text="Nom ou code postal")


class OptionalForm(DsfrForm):
    commune = CommuneField(label="Commune", required=False, allow_arrondissements=False)


def clean(data, form_class=PlaceForm):
    form = form_class(data=data)
    form.is_valid()
    return form


def rendered(bound_field) -> str:
    """The widget's HTML with white space folded (templates wrap long tags over several lines)."""
    return " ".join(str(bound_field).split())


def test_widget_renders_htmx_text_input_and_hidden_code(db):
    html = rendered(PlaceForm()["commune"])
    assert 'type="text" name="commune"' in html
    assert 'class="fr-input"' in html
    assert f'hx-get="{reverse("territories:commune_search")}?field=commune&amp;target=id_commune"' in html
    assert 'hx-trigger="input changed delay:250ms"' in html
    assert 'hx-target="#id_commune-results"' in html
    assert 'role="combobox"' in html and 'aria-controls="id_commune-listbox"' in html
    assert 'id="id_commune-results"' in html
    assert '<input type="hidden" name="commune_insee" value=""' in html
    assert 'type="module" src="/static/territories/commune-autocomplete.js"' in html
    assert 'autocomplete="off"' in html
    assert "onclick" not in html and "<script>" not in html


def test_whole_form_renders_label_and_hint(db):
    html = PlaceForm().as_div()
    assert 'for="id_commune"' in html and "Nom ou code postal" in html


def test_initial_commune_is_rendered_as_label(territories):
    html = rendered(PlaceForm(initial={"commune": Commune.objects.get(pk="03190")})["commune"])
    assert 'value="Moulins (03)"' in html and 'name="commune_insee" value="03190"' in html
    html = str(PlaceForm(initial={"commune": "35238"})["commune"])
    assert 'value="Rennes (35)"' in html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Moulins", "03190"),
        ("  moulins ", "03190"),
        ("Moulins (03)", "03190"),
        ("Moulins (03000)", "03190"),
        ("03000", "03190"),
        ("moul", "03190"),
        ("Lyon", "69123"),
        ("Lyon 1er", "69381"),
        ("st etienne", "42218"),
        ("Saint-Denis (93)", "93066"),
        ("Saint-Denis (97400)", "97411"),
        ("35700", "35238"),
    ],
)
def test_typed_text_resolves_to_one_commune(territories, text, expected):
    form = clean({"commune": text})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["commune"] == Commune.objects.get(pk=expected)


def test_picked_commune_travels_in_the_hidden_input(territories):
    form = clean({"commune": "Saint-Denis (974)", "commune_insee": "97411"})
    assert form.cleaned_data["commune"].pk == "97411"
    # The text was edited after picking: the text wins.
    form = clean({"commune": "Vichy", "commune_insee": "97411"})
    assert form.cleaned_data["commune"].pk == "03310"
    # Unknown code: the text is resolved.
    form = clean({"commune": "Vichy", "commune_insee": "99999"})
    assert form.cleaned_data["commune"].pk == "03310"
    # A code alone (no text) is enough.
    form = clean({"commune": "", "commune_insee": "03185"})
    assert form.cleaned_data["commune"].pk == "03185"


def test_ambiguous_text_asks_to_be_more_precise(territories):
    form = clean({"commune": "Saint-Denis"})
    assert form.errors["commune"] == [
        "Précisez : plusieurs communes correspondent (Saint-Denis (974), Saint-Denis (93))."
    ]
    form = clean({"commune": "saint"})
    assert form.errors["commune"] == [
        "Précisez : plusieurs communes correspondent (Saint-Étienne (42), Saint-Denis (974), Saint-Denis (93), "
        "Saint-Malo (35), Sainte-Foy-lès-Lyon (69)…)."
    ]
    form = clean({"commune": "69001"})
    assert "Lyon (69), Lyon 1er Arrondissement (69)" in form.errors["commune"][0]


def test_unknown_and_missing_commune(territories):
    form = clean({"commune": "Atlantis"})
    assert form.errors["commune"] == [
        "Aucune commune ne correspond à « Atlantis ». Vérifiez l'orthographe ou saisissez le code postal."
    ]
    assert clean({"commune": "  "}).errors["commune"] == ["Indiquez une commune."]
    assert clean({}).errors["commune"] == ["Indiquez une commune."]


def test_error_keeps_the_typed_text_and_marks_the_input(territories):
    html = str(clean({"commune": "Atlantis"})["commune"])
    assert 'value="Atlantis"' in html and 'aria-invalid="true"' in html


def test_optional_field_and_arrondissements_refused(territories):
    form = clean({"commune": ""}, OptionalForm)
    assert form.is_valid() and form.cleaned_data["commune"] is None
    form = clean({"commune": "69001"}, OptionalForm)
    assert form.cleaned_data["commune"].pk == "69123"
    form = clean({"commune": "Lyon 1er Arrondissement (69)", "commune_insee": "69381"}, OptionalForm)
    assert form.errors["commune"] == ["Choisissez la commune plutôt que l'arrondissement (Lyon (69))."]


def test_has_changed(territories):
    moulins = Commune.objects.get(pk="03190")
    form = PlaceForm(initial={"commune": moulins}, data={"commune": "Moulins (03)", "commune_insee": "03190"})
    assert not form.has_changed()
    form = PlaceForm(initial={"commune": moulins}, data={"commune": "Vichy", "commune_insee": ""})
    assert form.has_changed()


def test_widget_value_omitted():
    widget = CommuneAutocompleteWidget()
    assert widget.value_omitted_from_data({}, {}, "commune")
    assert not widget.value_omitted_from_data({"commune_insee": "03190"}, {}, "commune")
