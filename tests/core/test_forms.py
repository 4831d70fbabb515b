import pytest

from cnfs.core.forms import DsfrForm, PhoneField


class PhoneForm(DsfrForm):
    phone = PhoneField()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("04 70 00 00 00", "0470000000"),
        ("+33 4.70.00.00.00", "+33470000000"),
        ("+1 202-555-0143", "+12025550143"),
    ],
)
def test_phone_numbers_are_stored_without_separators(typed, stored):
    form = PhoneForm({"phone": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == stored


@pytest.mark.parametrize("typed", ["12", "04 70 00", "0070000000", "téléphone"])
def test_a_bad_phone_number_gets_a_french_message_next_to_the_field(typed):
    form = PhoneForm({"phone": typed})
    assert not form.is_valid()
    assert "numéro de téléphone valide" in form.errors["phone"][0]
    html = str(form["phone"].as_field_group())
    assert 'aria-invalid="true"' in html
    assert 'id="id_phone-error"' in html
    assert f'value="{typed}"' in html
