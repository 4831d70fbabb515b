import datetime

import pytest
import time_machine
from django.core.cache import cache

from cnfs.statistics import maps
from tests.activity.factories import hired_advisor, make_place, make_report
from tests.factories import CommuneFactory, DepartementFactory
from tests.recruitment.factories import activated_structure

TODAY = datetime.datetime(2026, 3, 18, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _fresh_statistics_cache():
    """The public statistics are cached per day: each test computes its own."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def programme(db, frozen):
    """What the real services leave behind: two structures in the Allier (03) and one in the Puy-de-Dôme (63), each
    activated with two posts; one advisor hired in each département; one public place (Allier) and one hidden; and
    reports in January, February and March (the current month) 2026."""
    allier = hired_advisor()
    puy_de_dome = DepartementFactory(code="63", name="Puy-de-Dôme", latitude=45.72, longitude=3.14)
    clermont = CommuneFactory(insee_code="63113", name="Clermont-Ferrand", departement=puy_de_dome)
    auvergne = hired_advisor(activated_structure(commune=clermont, latitude=45.78, longitude=3.08))
    idle = activated_structure(posts=2)  # no advisor, no report
    place = make_place(allier)
    make_place(allier, name="Bureau interne", visible=False)
    make_report(allier, date=datetime.date(2026, 1, 31))
    make_report(allier, date=datetime.date(2026, 2, 1), kind="collective", participants=7, title="Courriel")
    make_report(auvergne, date=datetime.date(2026, 2, 28), kind="information", participants=3)
    make_report(auvergne, date=datetime.date(2026, 3, 2), participants=1)
    maps.compute_centres()  # kept once after the territories, as after an import
    return {"allier": allier, "auvergne": auvergne, "idle": idle, "place": place}
