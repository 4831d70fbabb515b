import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from cnfs.accounts.passwords import CnilPasswordValidator


@pytest.mark.parametrize(
    "password",
    [
        "Abcdefgh12!x",  # 12 characters, 4 classes
        "abcdefghij12!x",  # 14 characters, 3 classes (no upper case)
        "Abcdefghijklm1",  # 14 characters, 3 classes (no special)
    ],
)
def test_cnil_rule_accepts(password):
    CnilPasswordValidator().validate(password)


@pytest.mark.parametrize(
    "password",
    [
        "Abcdefgh12!",  # 11 characters
        "Abcdefghij12x",  # 13 characters, 3 classes
        "abcdefghijklmnop",  # 16 characters, 1 class
        "abcdefghijklmn12",  # 16 characters, 2 classes
    ],
)
def test_cnil_rule_refuses_with_a_french_message(password):
    with pytest.raises(ValidationError) as error:
        CnilPasswordValidator().validate(password)
    assert "au moins 12 caractères" in error.value.messages[0]


def test_cnil_rule_is_among_the_project_validators():
    with pytest.raises(ValidationError):
        validate_password("Abcdefghij12x")


def test_production_hasher_is_argon2():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert settings.AUTH_USER_MODEL == "accounts.User"


def test_a_weak_password_and_a_mismatch_are_reported_in_the_same_round_trip_on_every_form(client, db):
    from django.urls import reverse

    from cnfs.accounts.forms import CnfsPasswordChangeForm, CnfsSetPasswordForm
    from tests.factories import CommuneFactory, UserFactory

    CommuneFactory()
    user = UserFactory()
    pair = {"new_password1": "court", "new_password2": "autre"}
    for form in (
        CnfsSetPasswordForm(user, pair),
        CnfsPasswordChangeForm(user, {**pair, "old_password": "x"}),
    ):
        assert not form.is_valid()
        assert "12 caractères" in form.errors["new_password1"][0]
        assert form.errors["new_password2"] == ["Les deux mots de passe ne sont pas identiques."]
    from tests.candidates.test_registration import form_data

    response = client.post(reverse("candidates:register"), form_data(password1="court", password2="autre"))
    errors = response.context["form"].errors
    assert "12 caractères" in errors["password1"][0]
    assert errors["password2"] == ["Les deux mots de passe ne sont pas identiques."]
    assert "cnfs-error-summary" in response.text and 'href="#id_password1"' in response.text
