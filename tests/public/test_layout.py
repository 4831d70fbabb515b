import pytest
from django.test import override_settings
from django.urls import reverse


@pytest.mark.django_db
def test_home_presents_the_programme_and_its_entry_points(client):
    body = client.get(reverse("public:home")).content.decode()
    for text in [
        "13 millions",
        "4 000",
        "200 M€",
        "Accueillir un conseiller numérique",
        "Devenir conseiller numérique",
        "Trouver un conseiller numérique",
    ]:
        assert text in body, text


@pytest.mark.django_db
def test_every_page_has_skip_links_and_the_mandatory_footer_links(client):
    body = client.get(reverse("public:home")).content.decode()
    assert 'href="#contenu"' in body
    for name in ["accessibility", "legal", "privacy", "sitemap"]:
        assert f'href="{reverse(f"public:{name}")}"' in body
    assert "Accessibilité : non conforme" in body
    accessibility = client.get(reverse("public:accessibility")).content.decode()
    assert "non conforme" in accessibility


@pytest.mark.django_db
def test_no_inline_script_and_a_strict_content_security_policy(client):
    response = client.get(reverse("public:home"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    body = response.content.decode()
    assert "<script>" not in body
    assert "onclick=" not in body


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_unknown_page_uses_the_dsfr_404(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert "Page non trouvée" in response.content.decode()


def test_403_page_for_a_role_without_access(role_matrix, client, users_by_role):
    from cnfs.accounts.roles import Role

    client.force_login(users_by_role[Role.CANDIDATE])
    response = client.get(reverse("accounts:invitations"))
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


def test_500_template_renders_without_context():
    from django.template.loader import render_to_string

    assert "Erreur inattendue" in render_to_string("500.html")


@pytest.mark.django_db
def test_entry_pages_lead_to_the_forms(client):
    structures = client.get(reverse("public:structures")).content.decode()
    assert f'href="{reverse("concertation:start")}"' in structures
    candidates = client.get(reverse("public:candidates")).content.decode()
    assert f'href="{reverse("candidates:register")}"' in candidates
