import pytest

from tests.activity.factories import hired_advisor


@pytest.fixture
def advisor(db):
    return hired_advisor()


@pytest.fixture
def other_advisor(db):
    """An advisor of another structure."""
    return hired_advisor()
