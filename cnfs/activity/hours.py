"""Opening hours of a place: an OpenStreetMap `opening_hours` string, parsed and evaluated by `opening-hours-py`
(the Python binding of the Rust crate `opening-hours`, see README "Lieux d'activité").

    validate_opening_hours("Mo-Fr 09:00-12:00,14:00-17:00; PH off")   # the normalized string, or ValidationError
    is_open(place.opening_hours, "974", at=timezone.now())              # evaluated in La Réunion's local time

The weekly grid of the place form is a list of 7 days of at most 2 time ranges; `grid_to_string` writes it (equal
consecutive days grouped, "Mo-Fr 09:00-12:00"), `string_to_grid` reads back what the grid wrote (None for any other
string, which the form then leaves to the text field).
"""

import datetime
import re
import zoneinfo

import opening_hours
from django.core.exceptions import ValidationError
from django.utils import timezone

DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
DAY_LABELS = ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"]
SLOTS_PER_DAY = 2
MAX_LENGTH = 500

COUNTRY = "FR"  # public holidays ("PH off") of France
PARIS = "Europe/Paris"
# Départements and collectivités whose legal time is not Paris's (every other code is in Europe/Paris).
DEPARTEMENT_TIME_ZONES = {
    "971": "America/Guadeloupe",
    "972": "America/Martinique",
    "973": "America/Cayenne",
    "974": "Indian/Reunion",
    "975": "America/Miquelon",
    "976": "Indian/Mayotte",
    "977": "America/St_Barthelemy",
    "978": "America/Marigot",
    "986": "Pacific/Wallis",
    "987": "Pacific/Tahiti",
    "988": "Pacific/Noumea",
}

INVALID_MESSAGE = (
    "Ces horaires ne sont pas au format OpenStreetMap : par exemple « Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00 ». "
    "Vous pouvez aussi les saisir dans la grille."
)
TOO_LONG_MESSAGE = f"Les horaires comptent au plus {MAX_LENGTH} caractères."

TimeRange = tuple[datetime.time, datetime.time]


def time_zone_for(departement_code: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(DEPARTEMENT_TIME_ZONES.get(departement_code or "", PARIS))


def parse(value: str) -> opening_hours.OpeningHours:
    """The parsed expression; raises ValidationError (in French) when the parser refuses it."""
    if len(value) > MAX_LENGTH:
        raise ValidationError(TOO_LONG_MESSAGE, code="too_long")
    try:
        return opening_hours.OpeningHours(value, country=COUNTRY)
    except (opening_hours.ParserError, SyntaxError, ValueError) as error:
        raise ValidationError(INVALID_MESSAGE, code="invalid_opening_hours") from error


def validate_opening_hours(value: str) -> str:
    """The string as stored: stripped of surrounding spaces, "" when empty, checked by the parser."""
    value = (value or "").strip()
    if value:
        parse(value)
    return value


def local_now(departement_code: str, at: datetime.datetime | None = None) -> datetime.datetime:
    """`at` (default: now) as the naive wall-clock time of the département: what the opening hours speak of."""
    at = at or timezone.now()
    return at.astimezone(time_zone_for(departement_code)).replace(tzinfo=None)


def is_open(value: str, departement_code: str, at: datetime.datetime | None = None) -> bool | None:
    """Open at `at` in the place's local time; None when there are no hours or they no longer parse."""
    if not value:
        return None
    try:
        parsed = opening_hours.OpeningHours(value, country=COUNTRY)
    except (opening_hours.ParserError, SyntaxError, ValueError):
        return None
    return bool(parsed.is_open(local_now(departement_code, at)))


def next_change(
    value: str, departement_code: str, at: datetime.datetime | None = None
) -> datetime.datetime | None:
    """The local wall-clock time at which the state changes next (None: never, or no hours)."""
    if not value:
        return None
    try:
        parsed = opening_hours.OpeningHours(value, country=COUNTRY)
        return parsed.next_change(local_now(departement_code, at))
    except (opening_hours.ParserError, SyntaxError, ValueError, OverflowError):
        return None


def _ranges_text(ranges: list[TimeRange]) -> str:
    return ",".join(f"{start:%H:%M}-{end:%H:%M}" for start, end in ranges)


PH_OFF = "PH off"


def split_holidays(value: str) -> tuple[str, bool]:
    """("Mo-Fr 09:00-12:00", True) for "Mo-Fr 09:00-12:00; PH off": the week, and whether public holidays close."""
    value = (value or "").strip()
    head, sep, last = value.rpartition(";")
    if sep and last.strip() == PH_OFF:
        return head.strip(), True
    return value, False


def grid_to_string(grid: list[list[TimeRange]], holidays_closed: bool = False) -> str:
    """The grid as "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00": consecutive days with the same ranges grouped,
    closed days left out (OSM: a day no rule mentions is closed), "; PH off" when public holidays close."""
    rules, index = [], 0
    while index < len(DAYS):
        ranges = grid[index]
        end = index
        while end + 1 < len(DAYS) and grid[end + 1] == ranges:
            end += 1
        if ranges:
            days = (
                DAYS[index] if end == index else f"{DAYS[index]}{',' if end == index + 1 else '-'}{DAYS[end]}"
            )
            rules.append(f"{days} {_ranges_text(ranges)}")
        index = end + 1
    if rules and holidays_closed:
        rules.append(PH_OFF)
    return "; ".join(rules)


_RULE = re.compile(
    r"^(?P<days>[A-Z][a-z](?:[-,][A-Z][a-z])?) (?P<ranges>\d\d:\d\d-\d\d:\d\d(?:,\d\d:\d\d-\d\d:\d\d)*)$"
)


def string_to_grid(value: str) -> list[list[TimeRange]] | None:
    """The grid a string written by `grid_to_string` came from (public holidays aside, see `split_holidays`); None
    for any other string."""
    grid: list[list[TimeRange]] = [[] for _ in DAYS]
    value, _ = split_holidays(value)
    if not value:
        return grid
    for rule in value.split(";"):
        match = _RULE.match(rule.strip())
        if match is None:
            return None
        days = re.split(r"([-,])", match["days"])
        if any(day not in DAYS for day in days[::2]):
            return None
        first = DAYS.index(days[0])
        last = DAYS.index(days[-1])
        if last < first or (len(days) == 3 and days[1] == "," and last != first + 1):
            return None
        ranges = []
        for text in match["ranges"].split(","):
            start, end = text.split("-")
            try:
                ranges.append((datetime.time.fromisoformat(start), datetime.time.fromisoformat(end)))
            except ValueError:
                return None
        if len(ranges) > SLOTS_PER_DAY:
            return None
        for day in range(first, last + 1):
            if grid[day]:
                return None
            grid[day] = ranges
    return grid if grid_to_string(grid) == value else None


def weekly_summary(value: str) -> list[tuple[str, str]] | None:
    """[("Lundi", "09:00–12:00, 14:00–17:00"), …, ("Dimanche", "Fermé")] for hours the grid can show; None otherwise
    (the page then shows the raw string)."""
    grid = string_to_grid(value)
    if grid is None:
        return None
    return [
        (label, ", ".join(f"{start:%H:%M}–{end:%H:%M}" for start, end in ranges) if ranges else "Fermé")
        for label, ranges in zip(DAY_LABELS, grid, strict=True)
    ]


def describe(value: str) -> str:
    """One line for a list: "Lundi 09:00–12:00 ; Mardi 09:00–12:00, 14:00–17:00" for hours the grid can show, the
    OSM string itself otherwise."""
    week = weekly_summary(value)
    if week is None:
        return value
    text = " ; ".join(f"{day} {ranges}" for day, ranges in week if ranges != "Fermé")
    return f"{text} ; fermé les jours fériés" if split_holidays(value)[1] else text
