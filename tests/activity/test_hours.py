"""Opening hours: the grid's string, the parser's verdict, and "ouvert maintenant" at each boundary, in the place's
own time zone."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from cnfs.activity import hours

T = datetime.time
UTC = datetime.UTC
WEEKDAYS = [[(T(9), T(12)), (T(14), T(17, 30))]] * 5 + [[(T(9), T(12))], []]


def test_the_grid_groups_equal_consecutive_days_and_reads_back():
    text = hours.grid_to_string(WEEKDAYS)
    assert text == "Mo-Fr 09:00-12:00,14:00-17:30; Sa 09:00-12:00"
    assert hours.string_to_grid(text) == WEEKDAYS
    assert hours.validate_opening_hours(text) == text


def test_two_days_apart_and_a_pair_of_days():
    grid = [[(T(9), T(12))], [(T(9), T(12))], [], [(T(10), T(11))], [], [], [(T(10), T(12))]]
    text = hours.grid_to_string(grid)
    assert text == "Mo,Tu 09:00-12:00; Th 10:00-11:00; Su 10:00-12:00"
    assert hours.string_to_grid(text) == grid


def test_a_string_the_grid_cannot_say_is_left_to_the_text_field():
    assert hours.string_to_grid("Mo-Fr 09:00-12:00; Aug off") is None
    assert hours.string_to_grid("24/7") is None
    assert hours.weekly_summary("24/7") is None
    assert hours.weekly_summary("Mo 09:00-12:00")[1] == ("Mardi", "Fermé")


def test_public_holidays_closed_is_a_grid_option():
    text = hours.grid_to_string(WEEKDAYS, holidays_closed=True)
    assert text == "Mo-Fr 09:00-12:00,14:00-17:30; Sa 09:00-12:00; PH off"
    assert hours.split_holidays(text) == ("Mo-Fr 09:00-12:00,14:00-17:30; Sa 09:00-12:00", True)
    assert hours.string_to_grid(text) == WEEKDAYS
    assert hours.describe(text) == (
        "Lundi 09:00–12:00, 14:00–17:30 ; Mardi 09:00–12:00, 14:00–17:30 ; Mercredi 09:00–12:00, 14:00–17:30 ; "
        "Jeudi 09:00–12:00, 14:00–17:30 ; Vendredi 09:00–12:00, 14:00–17:30 ; Samedi 09:00–12:00 ; "
        "fermé les jours fériés"
    )
    assert hours.grid_to_string([[] for _ in hours.DAYS], holidays_closed=True) == ""


@pytest.mark.parametrize("value", ["lundi 9h-12h", "Mo-Fr 25:00-26:00", "Mo-Fr 09:00-", "x" * 501])
def test_invalid_hours_are_refused_in_french(value):
    with pytest.raises(ValidationError) as error:
        hours.validate_opening_hours(value)
    assert "OpenStreetMap" in error.value.messages[0] or "500" in error.value.messages[0]


# Friday 27 November 2026: Paris is UTC+1 (winter time).
@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        (datetime.datetime(2026, 11, 27, 7, 59, 59, tzinfo=UTC), False),  # 08:59:59 in Paris
        (datetime.datetime(2026, 11, 27, 8, 0, tzinfo=UTC), True),  # 09:00 opens
        (datetime.datetime(2026, 11, 27, 10, 59, 59, tzinfo=UTC), True),  # 11:59:59
        (datetime.datetime(2026, 11, 27, 11, 0, tzinfo=UTC), False),  # 12:00 closes
        (datetime.datetime(2026, 11, 27, 16, 29, 59, tzinfo=UTC), True),  # 17:29:59
        (datetime.datetime(2026, 11, 27, 16, 30, tzinfo=UTC), False),  # 17:30
        (datetime.datetime(2026, 11, 29, 9, 0, tzinfo=UTC), False),  # Sunday
    ],
)
def test_open_now_at_the_boundaries_in_paris(utc, expected):
    assert hours.is_open("Mo-Fr 09:00-12:00,14:00-17:30; Sa 09:00-12:00", "03", utc) is expected


def test_summer_time_moves_the_utc_boundary():
    july = datetime.datetime(2026, 7, 3, 7, 0, tzinfo=UTC)  # 09:00 in Paris (UTC+2)
    assert hours.is_open("Mo-Fr 09:00-12:00", "03", july) is True
    assert hours.is_open("Mo-Fr 09:00-12:00", "03", july - datetime.timedelta(seconds=1)) is False


def test_overseas_places_are_evaluated_in_their_own_time_zone():
    # 05:00 UTC = 09:00 in La Réunion (UTC+4), 06:00 in Paris, 01:00 in Guadeloupe (UTC-4).
    at = datetime.datetime(2026, 11, 27, 5, 0, tzinfo=UTC)
    assert hours.is_open("Mo-Fr 09:00-12:00", "974", at) is True
    assert hours.is_open("Mo-Fr 09:00-12:00", "75", at) is False
    assert (
        hours.is_open("Mo-Fr 09:00-12:00", "971", datetime.datetime(2026, 11, 27, 13, 0, tzinfo=UTC)) is True
    )
    assert str(hours.time_zone_for("973")) == "America/Cayenne"
    assert str(hours.time_zone_for("2A")) == "Europe/Paris"


def test_public_holidays_close_a_place_that_says_ph_off():
    christmas = datetime.datetime(2026, 12, 25, 9, 0, tzinfo=UTC)  # a Friday
    assert hours.is_open("Mo-Fr 09:00-12:00; PH off", "03", christmas) is False
    assert hours.is_open("Mo-Fr 09:00-12:00", "03", christmas) is True


def test_no_hours_means_unknown():
    assert hours.is_open("", "03") is None
