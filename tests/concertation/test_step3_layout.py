"""Application step 3: the policy checkboxes and the places sit under their own legend (DSFR fieldsets)."""

import re
from html import escape

import pytest

from cnfs.concertation.forms import ProjectForm

pytestmark = pytest.mark.django_db


def fieldset(html: str, legend: str) -> str:
    match = re.search(
        r'<fieldset class="fr-fieldset[^"]*"[^>]*>\s*<legend[^>]*>' + re.escape(escape(legend)), html
    )
    assert match, f"no fieldset « {legend} »"
    # Up to the next group (a group may hold a field drawn as its own fieldset, e.g. the ticked communes).
    following = html.find('id="id-fieldset-', match.end())
    return html[match.start() : following if following != -1 else len(html)]


def test_policy_checkboxes_are_grouped_under_one_legend():
    html = str(ProjectForm())
    group = fieldset(html, "Contexte des politiques publiques")
    for name in ("qpv", "petites_villes", "coeur_de_ville", "zrr", "france_services"):
        assert f'name="{name}"' in group
    assert 'name="missions"' not in group
    places = fieldset(html, "Lieux d'intervention")
    assert 'name="add_place"' in places and 'name="itinerant"' in places


def test_the_fieldset_is_marked_in_error_with_its_fields():
    form = ProjectForm(data={"add_place": "Nulle-Part-Sur-Rien (00)"})
    assert not form.is_valid()
    assert "fr-fieldset--error" in fieldset(str(form), "Lieux d'intervention")
