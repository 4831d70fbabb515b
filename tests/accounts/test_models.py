import pytest
from django.db import IntegrityError, transaction

from cnfs.accounts.models import RoleAssignment, User
from cnfs.accounts.roles import Role
from tests.factories import DepartementFactory, RegionFactory, StructureFactory, UserFactory


@pytest.mark.django_db
def test_email_is_stored_lowercase_and_unique_whatever_its_case():
    user = User.objects.create_user(
        " Alice.Martin@Exemple.FR ", "Mot-de-passe-2026!", first_name="A", last_name="M"
    )
    assert user.email == "alice.martin@exemple.fr"
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="ALICE.MARTIN@exemple.fr", first_name="B", last_name="N")


@pytest.mark.django_db
def test_login_lookup_ignores_case():
    user = UserFactory(email="paul@exemple.fr")
    assert User.objects.get_by_natural_key("PAUL@Exemple.fr") == user


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (Role.STRUCTURE, {}),
        (Role.PREFECTURE, {}),
        (Role.HUB, {}),
        (Role.TRAINING_PROVIDER, {}),
        (Role.ANCT, {"is_admin": True}),
    ],
)
def test_a_role_without_its_scope_is_refused_by_the_database(role, scope):
    user = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role=role, **scope)


@pytest.mark.django_db
def test_a_prefecture_role_has_a_departement_or_a_region_not_both():
    user = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(
            user=user, role=Role.PREFECTURE, departement=DepartementFactory(), region=RegionFactory()
        )


@pytest.mark.django_db
def test_the_same_role_on_the_same_scope_is_held_once():
    user = UserFactory()
    structure = StructureFactory()
    RoleAssignment.objects.create(user=user, role=Role.STRUCTURE, structure=structure)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role=Role.STRUCTURE, structure=structure)
    # Another structure is another role.
    RoleAssignment.objects.create(user=user, role=Role.STRUCTURE, structure=StructureFactory())
    assert user.role_assignments.count() == 2


@pytest.mark.django_db
def test_one_person_can_hold_several_roles():
    user = UserFactory(role=Role.COORDINATOR)
    RoleAssignment.objects.create(user=user, role=Role.ADVISOR)
    assert {a.role for a in user.role_assignments.all()} == {Role.COORDINATOR, Role.ADVISOR}
