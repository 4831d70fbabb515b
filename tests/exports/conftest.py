import pytest

from cnfs.accounts.roles import Role
from tests.factories import CommuneFactory, DepartementFactory, RegionFactory, UserFactory
from tests.recruitment.factories import activated_structure


@pytest.fixture
def cher(db):
    return DepartementFactory(
        code="18", name="Cher", region=RegionFactory(code="24", name="Centre-Val de Loire")
    )


@pytest.fixture
def territory(db, cher):
    """Two activated structures in the Allier (2 posts, then 3) and one in the Cher (4 posts)."""
    allier_a = activated_structure(posts=2)
    allier_b = activated_structure(posts=3)
    cher_commune = CommuneFactory(insee_code="18033", name="Bourges", departement=cher, region=cher.region)
    cher_structure = activated_structure(commune=cher_commune, posts=4)
    return {"allier": [allier_a, allier_b], "cher": [cher_structure]}


@pytest.fixture
def anct(db):
    return UserFactory(role=Role.ANCT)


@pytest.fixture
def prefecture(db):
    return UserFactory(role=Role.PREFECTURE)  # the Allier (03)


def assignment_of(user):
    return user.role_assignments.get()
