import pytest
from django.db import connection

from cnfs.accounts.roles import Role
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _media_and_private_storage(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path / "private"


@pytest.fixture
def users_by_role(db) -> dict:
    """One user per role, each with a scope in the Allier (03) where the role has one."""
    return {role: UserFactory(role=role) for role in Role}


@pytest.fixture
def role_matrix(client, users_by_role):
    from tests.permissions import RoleMatrix

    return RoleMatrix(client, users_by_role)


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(reason="PostgreSQL uniquement (DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords and connection.vendor != "postgresql":
            item.add_marker(skip_pg)
