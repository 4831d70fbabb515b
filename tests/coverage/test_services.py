"""The stored distances: computed on a hand-made territory, kept up to date when a place changes (after the commit, by
the task), equal to a full rebuild, checked by the consistency rule."""

import math
import random

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from cnfs.accounts.roles import Role
from cnfs.activity import services as places
from cnfs.coverage import services
from cnfs.coverage.models import CommuneCoverage
from cnfs.recruitment import workflow
from cnfs.recruitment.models import Match
from tests.factories import UserFactory
from tests.recruitment.factories import structure_user

from .conftest import commune, place_in

pytestmark = pytest.mark.django_db


def stored() -> dict:
    return {
        row.commune_id: (row.nearest_place_id, row.distance_km)
        for row in CommuneCoverage.objects.order_by("pk")
    }


def edit(place, **changes):
    """The place's form values with `changes`, through the real service (as the edit form sends them all)."""
    values = {name: getattr(place, name) for name in places.EDITABLE_FIELDS}
    values.update(changes)
    return places.update_place(place, values, by=place.created_by)


def white() -> set:
    return set(CommuneCoverage.objects.white_zone().values_list("pk", flat=True))


def test_each_commune_gets_its_nearest_visible_place(territory, advisor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        place = place_in(advisor, territory["origine"])
    rows = stored()
    assert rows["03001"] == (place.pk, 0.0)
    assert rows["03002"][0] == place.pk and rows["03002"][1] == pytest.approx(10, abs=1e-6)
    assert rows["03003"][1] == pytest.approx(30, abs=1e-6)
    assert white() == {"03003", "03004", "03190"}  # Loin (30 km), Perdue (60 km), Moulins (~63 km)


def test_without_any_visible_place_every_commune_is_in_a_white_zone(territory, advisor):
    place_in(advisor, territory["origine"], visible=False)
    services.rebuild()
    assert set(stored().values()) == {(None, None)}
    assert white() == {"03001", "03002", "03003", "03004", "03190"}


def test_a_commune_exactly_at_the_threshold_is_covered_one_metre_farther_it_is_not(
    territory, advisor, settings
):
    """The rule: a white zone is strictly farther than the threshold (a commune at 20 km is covered)."""
    at_20 = commune("03005", "Vingt", 20, 500)
    place_in(advisor, territory["origine"])
    services.rebuild()
    distance = CommuneCoverage.objects.get(pk=at_20.pk).distance_km
    assert distance == pytest.approx(20, abs=1e-6)
    settings.CNFS_COVERAGE_WHITE_ZONE_KM = distance  # exactly the commune's distance: covered
    assert "03005" not in white()
    settings.CNFS_COVERAGE_WHITE_ZONE_KM = math.nextafter(distance, 0)  # a hair shorter: white zone
    assert "03005" in white()
    settings.CNFS_COVERAGE_WHITE_ZONE_KM = 20
    farther = commune("03006", "Vingt et un mètre", 20.001, 500)
    services.rebuild()
    assert "03006" in white()
    assert CommuneCoverage.objects.get(pk=farther.pk).distance_km > 20


def test_a_place_shown_hidden_and_moved_updates_the_communes(
    territory, advisor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        place = place_in(advisor, territory["origine"], visible=False)
    assert white() == {"03001", "03002", "03003", "03004", "03190"}
    with django_capture_on_commit_callbacks(execute=True):
        place = edit(place, visible=True)
    assert white() == {"03003", "03004", "03190"}
    with django_capture_on_commit_callbacks(execute=True):  # moved to Perdue (60 km north)
        place = edit(place, commune=territory["perdue"])
    assert stored()["03004"] == (place.pk, 0.0)
    assert white() == {"03001", "03002", "03003", "03190"}  # 60, 50, 30 and ~26 km away
    with django_capture_on_commit_callbacks(execute=True):
        edit(place, visible=False)
    assert white() == {"03001", "03002", "03003", "03004", "03190"}
    assert services.differences() == []


def test_a_place_leaves_the_map_when_its_last_advisor_leaves_his_post(
    territory, advisor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        place_in(advisor, territory["origine"])
    assert "03001" not in white()
    match = Match.objects.get(pk=advisor.match_id)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.request_termination(match, by=structure_user(advisor.structure))
        workflow.terminate(match, by=UserFactory(role=Role.ANCT))
    assert "03001" in white()
    assert services.differences() == []


def test_a_change_rolled_back_changes_nothing(territory, advisor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        place = place_in(advisor, territory["origine"])
    before = stored()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        edit(place, visible=False)
    assert callbacks  # queued for after the commit, not run inside the transaction
    assert stored() == before


def test_the_incremental_updates_give_the_rebuilds_rows(
    territory, advisor, django_capture_on_commit_callbacks
):
    """Random places created, shown, hidden and moved: after each change the stored rows are those of a rebuild."""
    rng = random.Random(7)
    communes = [territory[name] for name in ("origine", "proche", "loin", "perdue", "moulins")]
    communes += [
        commune(f"0310{n}", f"Village {n}", rng.uniform(0, 80), 100 * n, lon=3 + rng.uniform(-0.5, 0.5))
        for n in range(6)
    ]
    created = []
    with django_capture_on_commit_callbacks(execute=True):
        services.rebuild()
    for step in range(14):
        with django_capture_on_commit_callbacks(execute=True):
            if not created or rng.random() < 0.4:
                created.append(
                    place_in(advisor, rng.choice(communes), name=f"Lieu {step}", visible=rng.random() < 0.7)
                )
            else:
                place = rng.choice(created)
                change = rng.choice([{"visible": not place.visible}, {"commune": rng.choice(communes)}])
                try:
                    updated = edit(place, **change)
                except ValidationError:  # the same name already at that commune: skip
                    continue
                created[created.index(place)] = updated
        incremental = stored()
        services.rebuild()
        assert stored() == incremental, step


def test_the_consistency_rule_finds_a_stale_row_and_the_command_repairs_it(territory, advisor):
    place_in(advisor, territory["origine"])
    call_command("compute_coverage", verbosity=0)
    assert services.differences() == []
    CommuneCoverage.objects.filter(pk="03002").update(distance_km=99)
    CommuneCoverage.objects.filter(pk="03003").delete()
    assert services.differences() == ["03002", "03003"]
    call_command("compute_coverage", verbosity=0)
    assert services.differences() == []


def test_an_update_before_any_computation_builds_every_row(
    territory, advisor, django_capture_on_commit_callbacks
):
    assert not CommuneCoverage.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        place_in(advisor, territory["proche"])
    assert CommuneCoverage.objects.count() == 5


def test_before_the_first_computation_the_rule_has_nothing_to_compare(territory, advisor):
    from cnfs.coverage.consistency import distances_are_current

    assert distances_are_current() == []
    services.rebuild()
    CommuneCoverage.objects.filter(pk="03002").delete()
    assert distances_are_current() == ["03002"]
