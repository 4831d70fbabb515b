import pytest

from cnfs.accounts.roles import Role
from tests.activity.factories import hired_advisor, make_place
from tests.factories import UserFactory


@pytest.fixture
def advisor(db):
    return hired_advisor()


@pytest.fixture
def other_advisor(db):
    """An advisor of another structure."""
    return hired_advisor()


@pytest.fixture
def place(advisor):
    return make_place(advisor)


@pytest.fixture
def matrix(role_matrix, users_by_role, advisor):
    """The advisor is in post (an Advisor record); the préfecture agent's département is the place's (03)."""
    users_by_role[Role.ADVISOR] = advisor.candidate.user
    users_by_role[Role.PREFECTURE] = UserFactory(
        role=Role.PREFECTURE, role__departement=advisor.structure.departement
    )
    return role_matrix
