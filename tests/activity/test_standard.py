"""The place enumerations are the national standard's, spelled exactly as its schema spells them."""

import json
import re
from pathlib import Path

import pytest

from cnfs.activity import standard
from cnfs.activity.forms import PlaceForm
from cnfs.activity.models import Place

SHARED_SCHEMA = Path("/work/shared/data/standards/lieux-de-mediation-numerique-1.0.2.schema.json")


@pytest.mark.skipif(not SHARED_SCHEMA.exists(), reason="the shared data folder is not on this machine")
def test_the_vendored_schema_is_the_shared_one():
    assert json.loads(standard.SCHEMA_PATH.read_text()) == json.loads(SHARED_SCHEMA.read_text())


@pytest.mark.parametrize("column", [*standard.ENUMERATED_COLUMNS, "itinerance"])
def test_every_choice_matches_the_schema_pattern_alone_and_joined(column):
    pattern = re.compile(standard.field(column)["constraints"]["pattern"])
    values = standard.enumeration(column)
    assert values, column
    for value in values:
        assert pattern.search(value), value
    assert pattern.search(standard.SEPARATOR.join(values))
    assert not pattern.search("Valeur inventée")


def test_the_choices_are_the_values_written_in_the_schema():
    services = standard.field("services")["constraints"]["pattern"]
    # Read independently of the module's parser: every listed value appears in the raw pattern, escapes removed.
    raw = services.replace("\\(", "(").replace("\\)", ")")
    assert [value for value, _ in standard.SERVICES] == [v for v, _ in standard.SERVICES if v in raw]
    assert len(standard.SERVICES) == raw.count("|") - 1  # one "|" in "(?:^|\|)", then n-1 between n values
    assert ("Langues étrangères (anglais)", "Langues étrangères (anglais)") in standard.SPECIFIC_SUPPORT
    assert ("Point d'accès numérique CAF", "Point d'accès numérique CAF") in standard.NATIONAL_PROGRAMMES
    assert [v for v, _ in standard.MOBILITY] == ["Itinérant", "Fixe"]


def test_the_form_and_the_model_offer_the_standard_values():
    form = PlaceForm()
    for column, attribute in standard.ENUMERATED_COLUMNS.items():
        assert [value for value, _ in form.fields[attribute].choices] == standard.enumeration(column)
    assert [value for value, _ in Place._meta.get_field("mobility").choices] == standard.enumeration(
        "itinerance"
    )
