"""Races on PostgreSQL, with real concurrent transactions: the same place typed twice at once is one row; two holders
leaving a shared place at once leave it with one holder."""

import pytest
from django.core.exceptions import ValidationError

from cnfs.activity import services
from cnfs.activity.models import Place
from tests.activity.factories import hired_advisor, make_place, place_values
from tests.concurrency import APPS_BUT_JOURNAL, outcomes, race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, available_apps=APPS_BUT_JOURNAL),
    pytest.mark.usefixtures("_journal_cleanup"),
]


def test_two_advisors_creating_the_same_place_at_once_make_one_row():
    advisors = [hired_advisor(), hired_advisor()]
    values = place_values()

    def create(advisor):
        return lambda: services.create_place(advisor, dict(values), by=advisor.candidate.user)

    results = race(create(advisors[0]), create(advisors[1]))
    assert outcomes(results, ValidationError) == ["ok", "refused"]
    refused = next(r for r in results if isinstance(r, ValidationError))
    assert "existe déjà à cette adresse" in refused.message_dict["name"][0]
    place = Place.objects.get()
    assert place.advisors.count() == 1


def test_two_holders_leaving_at_once_leave_the_place_held():
    first, second = hired_advisor(), hired_advisor()
    place = make_place(first)
    services.share_place(place, second, by=first.candidate.user)

    def leave(advisor):
        return lambda: services.leave_place(place, advisor, by=advisor.candidate.user)

    results = race(leave(first), leave(second))
    assert outcomes(results, ValidationError) == ["ok", "refused"]
    assert place.advisors.count() == 1
