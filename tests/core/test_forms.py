import datetime

import pytest
from django import forms
from django.http import QueryDict

from cnfs.core.forms import DsfrForm, PhoneField


class PhoneForm(DsfrForm):
    phone = PhoneField()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("04 70 00 00 00", "+33470000000"),
        ("+33 4.70.00.00.00", "+33470000000"),
        ("0033 4 70 00 00 00", "+33470000000"),
        ("0262 12 34 56", "+262262123456"),  # La Réunion, typed as in France
        ("0696 12 34 56", "+596696123456"),  # Martinique
        ("+1 202-555-0143", "+12025550143"),
    ],
)
def test_phone_numbers_are_stored_in_e164(typed, stored):
    form = PhoneForm({"phone": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == stored


@pytest.mark.parametrize("typed", ["12", "04 70 00", "0070000000", "téléphone", "+33 1"])
def test_a_bad_phone_number_gets_a_french_message_next_to_the_field(typed):
    form = PhoneForm({"phone": typed})
    assert not form.is_valid()
    assert "numéro de téléphone valide" in form.errors["phone"][0]
    html = str(form["phone"].as_field_group())
    assert 'aria-invalid="true"' in html
    assert 'id="id_phone-error"' in html
    assert f'value="{typed}"' in html


def test_a_stored_phone_is_shown_formatted_in_the_form():
    assert 'value="04 70 00 00 00"' in str(PhoneForm(initial={"phone": "+33470000000"})["phone"])


class TextForm(DsfrForm):
    name = forms.CharField(max_length=20)
    comment = forms.CharField(max_length=50, required=False, widget=forms.Textarea)
    password = forms.CharField(widget=forms.PasswordInput, strip=False, required=False)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    choice = forms.ChoiceField(choices=[("a", "A")], required=False)


def test_control_characters_are_removed_at_input_newlines_kept_in_textareas():
    form = TextForm(
        {"name": "Ann\x07e\x1b\nMarie", "comment": "ligne 1\r\n\x0bligne\t2", "password": "a\x01b"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "Anne Marie"
    assert form.cleaned_data["comment"] == "ligne 1\nligne\t2"
    assert form.cleaned_data["password"] == "a\x01b"  # a secret is never altered


def test_a_query_dict_is_cleaned_too_and_the_input_is_kept_for_display():
    form = TextForm(QueryDict("name=Ab%07c&comment=x"))
    assert form.is_valid()
    assert form.cleaned_data["name"] == "Abc"
    assert 'value="Abc"' in str(form["name"])


@pytest.mark.parametrize("field", ["name", "comment", "day", "choice"])
def test_a_nul_byte_is_a_french_error_next_to_its_field(field):
    form = TextForm({"name": "Anne", field: "a\x00b"})
    assert not form.is_valid()
    assert "caractère nul" in form.errors[field][0]


@pytest.mark.parametrize("typed", ["9999-12-31", "0001-01-01", "1999-12-31", "2100-01-01"])
def test_a_date_out_of_bounds_is_refused_with_a_french_message(typed):
    form = TextForm({"name": "Anne", "day": typed})
    assert not form.is_valid()
    assert form.errors["day"] == ["Saisissez une date entre le 01/01/2000 et le 31/12/2099."]


def test_the_date_bounds_are_settings(settings):
    settings.CNFS_DATE_MAX = datetime.date(2030, 12, 31)
    assert not TextForm({"name": "A", "day": "2031-01-01"}).is_valid()
    assert TextForm({"name": "A", "day": "2030-12-31"}).is_valid()
    html = str(TextForm()["day"])
    assert 'min="2000-01-01"' in html and 'max="2030-12-31"' in html


def test_a_long_text_is_refused_with_a_message_never_cut_by_the_browser():
    form = TextForm({"name": "A" * 21, "comment": "é" * 51})
    assert not form.is_valid()
    assert form.errors["name"] == ["Ce texte compte 21 caractères, pour 20 au plus : raccourcissez-le."]
    assert form.errors["comment"] == ["Ce texte compte 51 caractères, pour 50 au plus : raccourcissez-le."]
    assert "maxlength" not in str(form["name"]) and "maxlength" not in str(form["comment"])


def test_a_textarea_with_a_limit_has_a_counter_tied_to_it():
    html = str(TextForm()["comment"].as_field_group())
    assert 'data-cnfs-counter="id_comment-counter"' in html
    assert 'data-cnfs-max-length="50"' in html
    assert 'aria-describedby="id_comment-counter"' in html
    assert 'id="id_comment-counter"' in html and 'aria-live="polite"' in html
    assert "50 caractères maximum." in html


def test_a_refused_form_opens_with_a_summary_linking_to_each_field():
    form = TextForm({"name": "", "day": "9999-12-31"})
    assert not form.is_valid()
    html = str(form)
    assert html.index("cnfs-error-summary") < html.index('id="id_name"')
    assert "data-cnfs-error-summary" in html and 'tabindex="-1"' in html
    assert 'href="#id_name"' in html and 'href="#id_day"' in html
    assert "data-cnfs-error-summary" not in str(TextForm())


class DiplomaForm(DsfrForm):
    required_when = {"diploma": ("situation", "diploma", "Indiquez votre diplôme.")}
    situation = forms.MultipleChoiceField(
        choices=[("diploma", "Diplômé"), ("other", "Autre")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    diploma = forms.CharField(required=False)


def test_a_conditional_field_is_required_and_not_optional_while_its_condition_holds():
    form = DiplomaForm({"situation": ["diploma"], "diploma": " "})
    assert not form.is_valid()
    assert form.errors["diploma"] == ["Indiquez votre diplôme."]
    label = str(form["diploma"].as_field_group())
    assert '<span class="cnfs-optional" hidden>(facultatif)</span>' in label
    assert 'data-cnfs-required-when="situation=diploma"' in label
    free = DiplomaForm({"situation": ["other"]})
    assert free.is_valid()
    assert '<span class="cnfs-optional" >(facultatif)</span>' in str(free["diploma"].as_field_group())
