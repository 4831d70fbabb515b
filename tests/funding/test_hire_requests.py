"""ANCT "Recrutements en cours": cards naming the candidate and the structure with the grant file's status, a
search, "Arrêter ce recrutement" on demand (ANCT no longer validates hires: the conformity decision does)."""

import re

import pytest
from django.urls import reverse

from cnfs.accounts.roles import Role
from cnfs.recruitment.models import MatchStatus
from tests.factories import UserFactory
from tests.recruitment.factories import CandidateFactory, MatchFactory, activated_structure

pytestmark = pytest.mark.django_db

URL = reverse("funding:hire_requests")


@pytest.fixture
def anct(client):
    client.force_login(UserFactory(role=Role.ANCT))
    return client


def _match(first_name, last_name, structure_name):
    candidate = CandidateFactory(user__first_name=first_name, user__last_name=last_name)
    return MatchFactory(
        hire_requested=True, candidate=candidate, structure=activated_structure(name=structure_name)
    )


def _button_names(html):
    """Accessible names of the buttons: their text, markup removed, spaces collapsed."""
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip()
        for text in re.findall(r"<(?:button|summary)[^>]*>(.*?)</(?:button|summary)>", html, re.S)
    ]


def test_every_action_names_the_person_and_the_structure_with_elision(anct):
    _match("Apolline", "Martin", "Commune de Vichy")
    _match("Jean", "Dupont", "Commune d'Yzeure")
    names = _button_names(anct.get(URL).text)
    assert "Arrêter ce recrutement d'Apolline Martin par Commune de Vichy" in names
    assert "Confirmer l'arrêt du recrutement d'Apolline Martin par Commune de Vichy" in names
    assert "Arrêter ce recrutement de Jean Dupont par Commune d&#x27;Yzeure" in names
    assert not [name for name in names if name.startswith("Valider")]


def test_the_stop_form_stays_closed_until_asked_for(anct):
    _match("Apolline", "Martin", "Commune de Vichy")
    html = anct.get(URL).text
    details = re.search(r"<details[^>]*>(.*?)</details>", html, re.S)
    assert details and "<details open" not in html
    assert 'name="reason"' in details.group(1)  # the refusal field lives only inside the closed disclosure
    assert html.count('name="reason"') == 1
    assert "<script" not in details.group(1)


def test_the_search_finds_the_candidate_or_the_structure_without_javascript(anct):
    apolline = _match("Apolline", "Martin", "Commune de Vichy")
    jean = _match("Jean", "Dupont", "Communauté de communes du Bocage")
    for query, expected in [
        ("apolline", {apolline}),
        ("Martin Apolline", {apolline}),
        ("bocage", {jean}),
        ("dupont bocage", {jean}),
        ("vichy jean", set()),
        ("", {apolline, jean}),
    ]:
        response = anct.get(URL, {"q": query})
        assert response.status_code == 200
        assert set(response.context["page"].object_list) == expected, query
        assert "<html" in response.text  # a plain GET gets the whole page


def test_an_htmx_search_gets_only_the_results(anct):
    _match("Apolline", "Martin", "Commune de Vichy")
    _match("Jean", "Dupont", "Commune de Cusset")
    response = anct.get(URL, {"q": "cusset"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<div id="resultats-recrutements">')
    assert "Jean Dupont" in response.text and "Apolline" not in response.text
    # Going back in the browser's history, HTMX asks for the whole page again.
    restore = anct.get(
        URL, {"q": "cusset"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in restore.text


@pytest.mark.parametrize("query", ["\x00", "Apolline\x00", "x" * 101])
def test_a_hostile_search_is_a_field_error_not_a_500(anct, query):
    _match("Apolline", "Martin", "Commune de Vichy")
    response = anct.get(URL, {"q": query})
    assert response.status_code == 200
    assert response.context["form"].errors["q"]
    assert list(response.context["page"].object_list) == []


def test_only_hire_requests_are_listed_and_the_page_costs_the_same_whatever_the_rows(
    anct, django_assert_num_queries
):
    _match("Apolline", "Martin", "Commune de Vichy")
    MatchFactory(shortlisted=True)
    anct.get(URL)  # warm the session and role lookups
    with django_assert_num_queries(7) as one:  # + the grant files of the page, + the 2FA device
        anct.get(URL, {"q": "a"})
    for n in range(3):
        _match("Léa", f"Martin{n}", f"Commune {n}")
    with django_assert_num_queries(len(one.captured_queries)):
        response = anct.get(URL, {"q": "a"})
    assert {m.status for m in response.context["page"].object_list} == {MatchStatus.HIRE_REQUESTED}
