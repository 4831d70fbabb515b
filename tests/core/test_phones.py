import importlib

import pytest
from django.apps import apps
from django.template import Context, Template

from cnfs.accounts.models import User
from cnfs.core.phones import format_phone
from cnfs.core.text import elide_de
from tests.factories import StructureApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+33472000000", "04 72 00 00 00"),
        ("+262692123456", "0692 12 34 56"),
        ("+49301234567", "+49 30 1234567"),
        ("pas un numéro", "pas un numéro"),
        ("", ""),
    ],
)
def test_phones_are_shown_formatted_by_one_filter(stored, shown):
    assert format_phone(stored) == shown
    assert Template("{% load cnfs %}{{ value|phone }}").render(Context({"value": stored})) == shown


def test_the_data_migration_stores_every_phone_in_e164():
    typed = UserFactory(phone="04 72 00 00 00")
    same = UserFactory(phone="+33472000000")
    foreign = UserFactory(phone="0049 30 1234567")
    broken = UserFactory(phone="n/c")
    application = StructureApplicationFactory(contact_phone="04.70.00.00.00")
    for module in (
        "cnfs.accounts.migrations.0003_normalize_phones",
        "cnfs.concertation.migrations.0003_normalize_contact_phones",
    ):
        importlib.import_module(module).forwards(apps, None)
    phones = dict(User.objects.values_list("pk", "phone"))
    assert phones[typed.pk] == phones[same.pk] == "+33472000000"
    assert phones[foreign.pk] == "+49301234567"
    assert phones[broken.pk] == "n/c"
    application.refresh_from_db()
    assert application.contact_phone == "+33470000000"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Apolline", "d'Apolline"),
        ("Étienne Durand", "d'Étienne Durand"),
        ("Olivier", "d'Olivier"),
        ("Hélène", "d'Hélène"),
        ("Bruno", "de Bruno"),
        ("Yannick", "de Yannick"),
    ],
)
def test_de_is_elided_before_a_vowel(name, expected):
    assert elide_de(name) == expected
    assert Template("{% load cnfs %}Candidature {{ name|de }}").render(Context({"name": name})) == (
        f"Candidature {expected}"
    )


def test_the_elided_name_is_still_escaped():
    html = Template("{% load cnfs %}{{ name|de }}").render(Context({"name": "<b>Ève</b>"}))
    assert html == "de &lt;b&gt;Ève&lt;/b&gt;"
    assert (
        Template("{% load cnfs %}{{ name|de }}").render(Context({"name": "Ève & Léo"})) == "d'Ève &amp; Léo"
    )
