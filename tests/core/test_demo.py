import pytest
from django.core.management import call_command

from cnfs.accounts.models import RoleAssignment, User
from cnfs.accounts.roles import Role
from cnfs.demo.seed import DEMO_ACCOUNTS, DEMO_PASSWORD
from cnfs.structures.models import Structure
from tests.factories import CommuneFactory, DepartementFactory, RegionFactory


@pytest.fixture
def territories(db):
    region = RegionFactory()
    for code, name in [("03", "Allier"), ("15", "Cantal"), ("43", "Haute-Loire"), ("63", "Puy-de-Dôme")]:
        DepartementFactory(code=code, name=name, region=region)
    DepartementFactory(code="69", name="Rhône", region=region)
    CommuneFactory()


def test_seed_demo_creates_one_account_per_role_and_is_idempotent(territories):
    call_command("seed_demo")
    counts = (User.objects.count(), RoleAssignment.objects.count(), Structure.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), RoleAssignment.objects.count(), Structure.objects.count()) == counts
    assert {a.role for a in DEMO_ACCOUNTS} == set(Role)
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(email=account.email)
        assert user.check_password(DEMO_PASSWORD)
        assert user.role_assignments.filter(role=account.role).exists()


def test_demo_password_follows_the_project_rules():
    from django.contrib.auth.password_validation import validate_password

    validate_password(DEMO_PASSWORD)


def test_demo_accounts_are_printed(capsys):
    call_command("demo_accounts", url="http://127.0.0.1:8000/")
    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out
    assert all(account.email in out for account in DEMO_ACCOUNTS)
