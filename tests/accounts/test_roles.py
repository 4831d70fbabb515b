import pytest
from django.urls import reverse

from cnfs.accounts.models import RoleAssignment
from cnfs.accounts.roles import Role
from tests.factories import DepartementFactory, RegionFactory, UserFactory


@pytest.mark.django_db
def test_every_role_lands_on_its_own_space(client, users_by_role):
    for role, user in users_by_role.items():
        client.force_login(user)
        response = client.get(reverse("dashboard:home"))
        assert response.status_code == 200
        assert response.context["role"] == role
        assert Role(role).label in response.content.decode()


@pytest.mark.django_db
def test_a_person_with_several_roles_switches_from_the_header(client):
    user = UserFactory(role=Role.COORDINATOR)
    advisor = RoleAssignment.objects.create(user=user, role=Role.ADVISOR)
    client.force_login(user)
    page = client.get(reverse("dashboard:home")).content.decode()
    assert "Changer de rôle" in page
    response = client.post(reverse("accounts:switch_role"), {"assignment": advisor.pk}, follow=True)
    assert response.context["role"] == Role.ADVISOR
    assert "Mes lieux d" in response.content.decode()


@pytest.mark.django_db
def test_switching_to_a_role_of_someone_else_is_refused(client):
    user = UserFactory(role=Role.CANDIDATE)
    other = UserFactory(role=Role.ANCT).role_assignments.get()
    client.force_login(user)
    response = client.post(reverse("accounts:switch_role"), {"assignment": other.pk}, follow=True)
    assert response.context["role"] == Role.CANDIDATE
    assert "ne vous est pas attribué" in response.content.decode()


@pytest.mark.django_db
def test_role_context_gives_the_departements_of_the_scope(rf):
    from django.contrib.sessions.backends.db import SessionStore

    from cnfs.accounts.context import RoleContext

    region = RegionFactory()
    DepartementFactory(code="03", name="Allier", region=region)
    DepartementFactory(code="63", name="Puy-de-Dôme", region=region)

    def context_for(user):
        request = rf.get("/")
        request.user = user
        request.session = SessionStore()
        return RoleContext(request)

    assert context_for(UserFactory(role=Role.ANCT)).departement_codes is None
    departemental = UserFactory(role=Role.PREFECTURE)
    assert context_for(departemental).departement_codes == {"03"}
    regional = UserFactory()
    RoleAssignment.objects.create(user=regional, role=Role.PREFECTURE, region=region)
    assert context_for(regional).departement_codes == {"03", "63"}


def test_role_switch_is_a_post(role_matrix):
    role_matrix.check(reverse("accounts:switch_role"), set(Role), ok=405, denied=405)
