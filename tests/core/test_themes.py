"""One enumeration for the programme's missions and the activity themes (SPEC §2 question 8, §11)."""

import pytest
from django.urls import reverse

from cnfs.concertation.models import StructureApplication
from cnfs.core.themes import ACTIVITY_THEMES, PROGRAMME_MISSIONS, Theme, mission_choices, theme_choices
from tests.factories import CommuneFactory, StructureApplicationFactory


def test_the_activity_themes_are_the_seed_list_of_fourteen():
    assert len(ACTIVITY_THEMES) == len(set(ACTIVITY_THEMES)) == 14
    assert Theme.VOCABULARY in ACTIVITY_THEMES
    assert dict(theme_choices())["vocabulary"] == "Connaître l'environnement et le vocabulaire numérique"


def test_question_8_offers_each_mission_and_theme_once_programme_missions_first():
    codes = [code for code, _ in mission_choices()]
    assert codes[:3] == [m.value for m in PROGRAMME_MISSIONS]
    assert sorted(codes) == sorted(Theme.values)
    assert len(codes) == len(set(codes))


@pytest.mark.django_db
def test_the_application_form_offers_and_stores_the_vocabulary_mission(client):
    CommuneFactory()
    application = StructureApplicationFactory(last_step=2)
    url = reverse("concertation:step", args=[application.public_id, 3])
    page = client.get(url).content.decode()
    assert "Connaître l&#x27;environnement et le vocabulaire numérique" in page
    from tests.concertation.test_apply import project

    response = client.post(url, project(missions=["daily_uses", "vocabulary"]))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.missions == ["daily_uses", "vocabulary"]
    assert application.mission_labels[1] == "Connaître l'environnement et le vocabulaire numérique"


@pytest.mark.django_db
def test_codes_stored_before_the_shared_enumeration_keep_their_labels():
    application = StructureApplicationFactory(missions=["daily_uses", "procedures", "email", "security"])
    stored = StructureApplication.objects.get(pk=application.pk)
    assert stored.mission_labels == [
        "Soutenir les Français dans leurs usages quotidiens du numérique",
        "Rendre autonome pour réaliser des démarches administratives en ligne",
        "Envoyer, recevoir, gérer ses courriels",
        "Sécurité numérique",
    ]
