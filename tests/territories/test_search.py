import pytest
from django.urls import reverse

from cnfs.territories.models import Commune
from cnfs.territories.text import normalize_name


def codes(queryset):
    return [c.pk for c in queryset]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("moul", ["03190"]),
        ("MOULINS", ["03190"]),
        ("montlucon", ["03185"]),
        ("Montluçon", ["03185"]),
        ("saint-etienne", ["42218"]),
        ("St Étienne", ["42218"]),
        ("st-e", ["42218"]),
        ("saint", None),
        ("sain", None),
        ("Sainte-Foy", ["69202"]),
        ("ste foy les", ["69202"]),
        ("lyon", ["69123", "69382", "69381"]),
        ("69001", ["69123", "69381"]),
        ("690", ["69123", "69382", "69381"]),
        ("6911", ["69202"]),
        ("35 2", ["35238"]),
        ("03000", ["03190"]),
        ("Saint-Denis (974)", ["97411"]),
        ("Saint-Denis (93200)", ["93066"]),
        ("Xyz", []),
        ("", []),
        ("123456", []),
    ],
)
def test_search(territories, query, expected):
    result = codes(Commune.objects.search(query))
    if expected is None:  # every "saint"/"st" commune, most populated first
        assert result == ["42218", "97411", "93066", "35288", "69202", "35278"]
    else:
        assert result == expected


def test_search_orders_by_population_and_limits(territories):
    assert codes(Commune.objects.search("s", limit=2)) == ["42218", "97411"]
    assert Commune.objects.search("s", limit=None).count() == 6


def test_normalize_name():
    assert normalize_name("Saint-Étienne") == normalize_name("st etienne") == "st etienne"
    assert normalize_name("L'Haÿ-les-Roses") == "l hay les roses"
    assert normalize_name("Sainte-Foy-lès-Lyon") == "ste foy les lyon"


def test_search_view_fragment(client, territories):
    url = reverse("territories:commune_search")
    response = client.get(url, {"q": "lyon", "target": "id_commune"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="listbox"' in html and 'id="id_commune-listbox"' in html
    assert 'data-insee="69123"' in html and 'data-label="Lyon (69)"' in html
    assert "69001, 69002, 69003…" in html
    assert "Rhône (69)" in html
    assert html.index("69123") < html.index("69381")
    assert "3 communes trouvées" in html


def test_search_view_reads_the_field_name_sent_by_htmx(client, territories):
    url = reverse("territories:commune_search")
    response = client.get(
        url, {"field": "lieu", "target": "id_lieu", "lieu": "moulins"}, HTTP_HX_REQUEST="true"
    )
    assert 'id="id_lieu-option-03190"' in response.content.decode()


def test_search_view_short_empty_and_hostile_queries(client, territories, django_assert_max_num_queries):
    url = reverse("territories:commune_search")
    assert client.get(url, {"q": "l"}).content.decode().strip() == ""
    html = client.get(url, {"q": "zzz"}).content.decode()
    assert "Aucune commune ne correspond à « zzz »" in html
    html = client.get(url, {"q": "<b>x", "target": '"><script>'}).content.decode()
    assert "<script>" not in html and "&lt;b&gt;x" in html
    with django_assert_max_num_queries(3):
        client.get(url, {"q": "saint"})
    assert client.post(url, {"q": "lyon"}).status_code == 405
