"""The shared form rules seen on real pages: no silent maxlength cut, counters, error summary, conditional fields."""

import re

import pytest
from django.urls import reverse

from cnfs.accounts.roles import Role
from tests.candidates.test_registration import form_data
from tests.factories import CommuneFactory, StructureApplicationFactory, UserFactory
from tests.recruitment.factories import CandidateFactory

pytestmark = pytest.mark.django_db


def optional_marker(html, field_id):
    """The "(facultatif)" marker of the field's label: 'shown', 'hidden' or None."""
    label = re.search(rf'<label class="fr-label" for="{field_id}">(.*?)</label>', html, re.S).group(1)
    marker = re.search(r'<span class="cnfs-optional"\s*(hidden)?\s*>', label)
    if marker is None:
        return None
    return "hidden" if marker.group(1) else "shown"


def test_no_page_cuts_a_long_text_and_long_texts_have_a_counter(client):
    CommuneFactory()
    pages = [client.get(reverse("candidates:register")).text]
    candidate = CandidateFactory()
    client.force_login(candidate.user)
    pages.append(client.get(reverse("candidates:edit_profile")).text)
    application = StructureApplicationFactory(last_step=3)
    pages.append(client.get(reverse("concertation:step", args=[application.public_id, 4])).text)
    client.force_login(UserFactory(role=Role.PREFECTURE))
    pages.append(
        client.get(reverse("concertation:detail", args=[StructureApplicationFactory(submitted=True).pk])).text
    )
    for html in pages:
        assert "maxlength" not in html
        for textarea in re.findall(r"<textarea[^>]*>", html):
            assert "data-cnfs-counter=" in textarea, textarea
    assert 'data-cnfs-max-length="2500"' in pages[0]
    assert "forms.js" in pages[0]


def test_a_long_motivation_gets_a_french_message_and_is_kept(client):
    CommuneFactory()
    response = client.post(reverse("candidates:register"), form_data(motivation="é" * 2501))
    assert "Ce texte compte 2501 caractères, pour 2500 au plus : raccourcissez-le." in response.text
    assert "é" * 2501 in response.text


def test_the_diploma_name_is_not_optional_once_the_diploma_is_ticked(client):
    CommuneFactory()
    html = client.get(reverse("candidates:register")).text
    assert optional_marker(html, "id_diploma_name") == "shown"
    assert 'data-cnfs-required-when="situations=has_diploma"' in html
    response = client.post(
        reverse("candidates:register"), form_data(situations=["has_diploma"], diploma_name="  ")
    )
    assert response.context["form"].errors["diploma_name"] == ["Indiquez le nom de votre diplôme."]
    assert optional_marker(response.text, "id_diploma_name") == "hidden"
    assert 'href="#id_diploma_name"' in response.text


def test_partners_and_the_identified_candidate_are_not_optional_once_ticked(client):
    application = StructureApplicationFactory(last_step=3)
    url = reverse("concertation:step", args=[application.public_id, 4])
    assert optional_marker(client.get(url).text, "id_partners") == "shown"
    response = client.post(
        url,
        {"shared_recruitment": "on", "candidate_identified": "on", "motivation": "Nous voulons recruter."},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["partners"] == ["Listez les structures partenaires du recrutement mutualisé."]
    assert errors["candidate_email"] == ["Indiquez l'adresse du candidat identifié."]
    for field_id in ("id_partners", "id_candidate_name", "id_candidate_email"):
        assert optional_marker(response.text, field_id) == "hidden"
    application.refresh_from_db()
    assert not application.shared_recruitment


def test_a_refused_page_form_starts_with_a_focusable_summary(client):
    CommuneFactory()
    response = client.post(reverse("candidates:register"), form_data(email="", phone="12"))
    html = response.text
    summary = html[
        html.index("data-cnfs-error-summary") - 300 : html.index(
            "</ul>", html.index("data-cnfs-error-summary")
        )
    ]
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    assert 'href="#id_email"' in summary and 'href="#id_phone"' in summary
    assert html.index("data-cnfs-error-summary") < html.index('name="first_name"')
