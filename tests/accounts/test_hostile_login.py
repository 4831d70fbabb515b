import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("accounts:login", {"username": "lea\x00@exemple.fr", "password": "x"}),
        ("accounts:password_reset", {"email": "lea\x00@exemple.fr"}),
        ("candidates:register", {"email": "lea\x00@exemple.fr", "first_name": "L\x00a"}),
    ],
)
def test_a_nul_byte_in_an_anonymous_form_is_a_field_error_not_a_500(client, url, data):
    response = client.post(reverse(url), data)
    assert response.status_code in (200, 400)
    assert "caractère nul" in response.text
