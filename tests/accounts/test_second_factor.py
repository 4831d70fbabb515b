"""Second factor (SPEC §15): forced enrolment for agents and training providers, TOTP, recovery codes, ANCT reset."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cnfs.accounts import second_factor
from cnfs.accounts.models import RecoveryCode, RecoveryCodeDevice
from cnfs.accounts.roles import SECOND_FACTOR_ROLES, Role
from cnfs.journal.models import JournalEntry
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SETUP = reverse("accounts:second_factor_setup")
VERIFY = reverse("accounts:second_factor_verify")
HOME = reverse("dashboard:home")
# Pages of every agent role: none reachable before the second factor.
AGENT_PAGES = {
    Role.ANCT: ["dashboard:home", "accounts:invitations", "accounts:agents", "accounts:profile"],
    Role.PREFECTURE: ["dashboard:home", "accounts:profile"],
    Role.BDT: ["dashboard:home", "accounts:profile"],
    Role.TRAINING_PROVIDER: ["dashboard:home", "accounts:profile"],
}


@pytest.fixture(autouse=True)
def _reset_axes():
    from axes.utils import reset

    reset()


def code_for(device, steps_ahead=0) -> str:
    device.refresh_from_db()
    return f"{TOTP(device.bin_key, step=device.step, t0=device.t0, drift=steps_ahead).token():06d}"


def login_with_password(client, user):
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def enrol(client, user):
    """The real path: password, enrolment page, first code; returns (device, recovery codes shown)."""
    login_with_password(client, user)
    assert client.get(SETUP).status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SETUP, {"code": code_for(device)}, follow=True)
    codes = re.findall(r"<code>([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})</code>", response.text)
    device.refresh_from_db()
    return device, codes


@pytest.mark.parametrize("role", sorted(SECOND_FACTOR_ROLES))
def test_an_agent_without_a_second_factor_reaches_no_agent_page(client, role):
    user = UserFactory(role=role)
    login_with_password(client, user)
    for name in AGENT_PAGES[Role(role)]:
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(SETUP), name
    assert client.get(SETUP).status_code == 200
    assert client.get(reverse("public:home")).status_code == 200  # public pages stay public


def test_an_agent_with_a_device_is_sent_to_verification_and_keeps_the_page_asked_for(client):
    user = UserFactory(role=Role.ANCT)
    TOTPDevice.objects.create(user=user, name="App", confirmed=True)
    login_with_password(client, user)
    response = client.get(reverse("accounts:invitations"))
    assert response["Location"] == f"{VERIFY}?next={reverse('accounts:invitations')}"


def test_switching_to_a_role_without_the_requirement_does_not_skip_it(client):
    user = UserFactory(role=Role.STRUCTURE)
    user.role_assignments.create(role=Role.BDT)
    login_with_password(client, user)
    structure_role = user.role_assignments.get(role=Role.STRUCTURE)
    client.post(reverse("accounts:switch_role"), {"assignment": structure_role.pk})
    assert client.get(HOME)["Location"].startswith(SETUP)


@pytest.mark.parametrize("role", [Role.STRUCTURE, Role.CANDIDATE, Role.ADVISOR, Role.HUB, Role.COORDINATOR])
def test_other_roles_are_not_forced_but_may_enrol(client, role):
    user = UserFactory(role=role)
    login_with_password(client, user)
    assert client.get(HOME).status_code == 200
    device, codes = enrol(client, user)
    assert device.confirmed and len(codes) == 10
    assert client.get(reverse("accounts:second_factor")).status_code == 200


def test_totp_enrolment_shows_a_qr_code_and_the_key_then_recovery_codes_once(client):
    user = UserFactory(role=Role.PREFECTURE)
    login_with_password(client, user)
    page = client.get(SETUP)
    assert "<svg" in page.text and "<script" not in page.text.split("<footer")[0].split("<main")[-1]
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert second_factor.totp_secret(device).replace(" ", "") in page.text.replace(" ", "")
    assert client.get(SETUP).context["secret"] == page.context["secret"]  # reloading keeps the same key
    device, codes = enrol(client, user)
    assert device.confirmed
    assert len(set(codes)) == 10
    # Stored hashed only, shown once.
    stored = set(RecoveryCode.objects.filter(device__user=user).values_list("code_hash", flat=True))
    assert not any(code.replace("-", "") in h for code in codes for h in stored)
    assert client.get(reverse("accounts:recovery_codes"))["Location"] == reverse("accounts:second_factor")
    assert client.get(HOME).status_code == 200
    entry = JournalEntry.objects.get(action="account.second_factor_enrolled")
    assert entry.after == {"device": "totp", "device_id": device.pk}
    journal = str(list(JournalEntry.objects.values_list("before", "after")))
    assert device.key not in journal and all(code not in journal for code in codes)


def test_login_then_totp_code(client):
    user = UserFactory(role=Role.BDT)
    device, _ = enrol(client, user)
    client.logout()
    login_with_password(client, user)
    assert client.get(HOME).status_code == 302
    response = client.post(VERIFY, {"code": code_for(device, 1), "next": "/compte/mon-compte/"})
    assert response["Location"] == "/compte/mon-compte/"
    assert client.get(HOME).status_code == 200
    assert JournalEntry.objects.filter(action="account.second_factor_passed", actor=user).exists()


def test_a_totp_code_cannot_be_used_twice(client):
    user = UserFactory(role=Role.BDT)
    device, _ = enrol(client, user)
    code = code_for(device, 1)
    client.logout()
    login_with_password(client, user)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    client.logout()
    login_with_password(client, user)
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 400
    assert "Ce code n&#x27;est pas valide." in response.text


@pytest.mark.parametrize(
    "code",
    ["000000", "12345", "1234567", "abcdef", "12\x0034", "\x00", "ZZZZ-ZZZZ-ZZZZ", "9" * 41, " ", "<script>"],
)
def test_wrong_or_hostile_codes_are_refused_with_a_message_never_a_500(client, code):
    user = UserFactory(role=Role.ANCT)
    enrol(client, user)
    client.logout()
    login_with_password(client, user)
    response = client.post(VERIFY, {"code": code})
    assert response.status_code in (200, 400)
    assert 'class="fr-error-text"' in response.text or "fr-input-group--error" in response.text
    assert client.get(HOME).status_code == 302


def test_enrolment_with_a_wrong_code_keeps_the_device_unconfirmed(client):
    user = UserFactory(role=Role.ANCT)
    login_with_password(client, user)
    client.get(SETUP)
    response = client.post(SETUP, {"code": "000000"})
    assert response.status_code == 400
    assert "Ce code n&#x27;est pas valide" in response.text
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert not RecoveryCodeDevice.objects.filter(user=user).exists()


def test_recovery_code_works_once(client):
    user = UserFactory(role=Role.PREFECTURE)
    _, codes = enrol(client, user)
    client.logout()
    login_with_password(client, user)
    response = client.post(VERIFY, {"code": codes[0].lower().replace("-", " ")})
    assert response.status_code == 302
    assert client.get(HOME).status_code == 200
    assert JournalEntry.objects.get(action="account.recovery_code_used").after["remaining"] == 9
    client.logout()
    login_with_password(client, user)
    assert client.post(VERIFY, {"code": codes[0]}).status_code == 400  # used
    assert client.post(VERIFY, {"code": codes[1]}).status_code == 302


def test_new_recovery_codes_replace_the_old_ones(client):
    user = UserFactory(role=Role.PREFECTURE)
    _, old = enrol(client, user)
    response = client.post(reverse("accounts:regenerate_recovery_codes"), follow=True)
    new = re.findall(r"<code>([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})</code>", response.text)
    assert len(new) == 10 and not set(new) & set(old)
    client.logout()
    login_with_password(client, user)
    assert client.post(VERIFY, {"code": old[2]}).status_code == 400
    assert client.post(VERIFY, {"code": new[2]}).status_code == 302


def test_code_attempts_are_rate_limited_per_account(client, settings):
    settings.CNFS_SECOND_FACTOR_ATTEMPTS = (3, settings.CNFS_SECOND_FACTOR_ATTEMPTS[1])
    user = UserFactory(role=Role.ANCT)
    device, _ = enrol(client, user)  # the enrolment code counted once
    client.logout()
    login_with_password(client, user)
    client.post(VERIFY, {"code": "000000"})
    client.post(VERIFY, {"code": "000000"})
    response = client.post(VERIFY, {"code": code_for(device, 1)})  # right code, but past the limit
    assert response.status_code == 400
    assert "Trop d&#x27;essais" in response.text
    assert client.get(HOME).status_code == 302
    assert JournalEntry.objects.filter(action="account.second_factor_rate_limited", actor=user).exists()


def test_an_agent_cannot_remove_their_last_device(client):
    user = UserFactory(role=Role.ANCT)
    device, _ = enrol(client, user)
    response = client.post(reverse("accounts:remove_device", args=["totp", device.pk]), follow=True)
    assert "ajoutez un autre moyen" in response.text
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_removing_someone_elses_device_is_a_404(client):
    owner = UserFactory(role=Role.STRUCTURE)
    device = TOTPDevice.objects.create(user=owner, name="App", confirmed=True)
    other = UserFactory(role=Role.BDT)
    client.force_login(other)  # second factor passed
    assert client.post(reverse("accounts:remove_device", args=["totp", device.pk])).status_code == 404
    assert client.post(reverse("accounts:remove_device", args=["sms", device.pk])).status_code == 404


def test_adding_a_device_needs_the_second_factor_already_passed(client):
    user = UserFactory(role=Role.STRUCTURE)
    enrol(client, user)
    client.logout()
    login_with_password(client, user)  # password only
    assert client.get(SETUP)["Location"] == VERIFY
    assert client.get(reverse("accounts:webauthn_register"))["Location"] == VERIFY


def test_anct_resets_an_agents_devices_and_the_agent_enrols_again(client):
    agent = UserFactory(role=Role.PREFECTURE)
    agent_client = client.__class__()
    device, _ = enrol(agent_client, agent)
    assert agent_client.get(HOME).status_code == 200
    anct = UserFactory(role=Role.ANCT)
    client.force_login(anct)
    page = client.get(reverse("accounts:agents"))
    assert agent.email in page.text
    response = client.post(reverse("accounts:reset_agent", args=[agent.pk]), follow=True)
    assert "réinitialisée" in response.text
    assert not TOTPDevice.objects.filter(user=agent).exists()
    assert not RecoveryCodeDevice.objects.filter(user=agent).exists()
    entry = JournalEntry.objects.get(action="account.second_factor_reset")
    assert entry.actor == anct and entry.object_id == str(agent.pk)
    assert entry.before["totp"] == [device.pk] and device.key not in str(entry.before)
    # The agent's open session no longer counts as verified: back to enrolment.
    assert agent_client.get(HOME)["Location"].startswith(SETUP)


def test_reset_is_only_for_accounts_that_require_a_second_factor(client):
    anct = UserFactory(role=Role.ANCT)
    candidate = UserFactory(role=Role.CANDIDATE)
    client.force_login(anct)
    assert client.post(reverse("accounts:reset_agent", args=[candidate.pk])).status_code == 404
    assert client.post(reverse("accounts:reset_agent", args=[999999])).status_code == 404


def test_permissions_of_the_anct_pages(role_matrix, users_by_role):
    target = users_by_role[Role.PREFECTURE]
    role_matrix.check(reverse("accounts:agents"), {Role.ANCT})
    role_matrix.check(reverse("accounts:reset_agent", args=[target.pk]), {Role.ANCT}, method="post", ok=302)


def test_permissions_of_the_personal_pages(role_matrix):
    # Every logged-in person may see their own second factor page; anonymous goes to login.
    role_matrix.check(reverse("accounts:second_factor"), set(Role))
    role_matrix.check(reverse("accounts:second_factor_setup"), set(Role))


def test_throttling_after_wrong_totp_codes(client):
    user = UserFactory(role=Role.ANCT)
    device, _ = enrol(client, user)
    client.logout()
    login_with_password(client, user)
    client.post(VERIFY, {"code": "000000"})
    response = client.post(VERIFY, {"code": code_for(device, 1)})  # right, but too soon after a wrong one
    assert "patientez quelques secondes" in response.text


PERSONAL_PAGES = [
    ("get", "accounts:second_factor"),
    ("get", "accounts:second_factor_setup"),
    ("get", "accounts:second_factor_verify"),
    ("get", "accounts:recovery_codes"),
    ("get", "accounts:webauthn_register"),
    ("post", "accounts:regenerate_recovery_codes"),
    ("post", "accounts:webauthn_register_options"),
    ("post", "accounts:webauthn_login_options"),
    ("post", "accounts:webauthn_register_verify"),
    ("post", "accounts:webauthn_login_verify"),
]


@pytest.mark.parametrize(("method", "name"), PERSONAL_PAGES)
def test_personal_second_factor_pages_serve_every_role_and_send_anonymous_to_login(
    client, users_by_role, method, name
):
    """Each person acts on their own devices only (no object of another person is addressed), so every role is
    served: a page, a redirection to the next step, or a refusal of the empty submission — never a 403 or a 500."""
    url = reverse(name)
    for role, user in users_by_role.items():
        client.force_login(user)
        status = getattr(client, method)(url).status_code
        assert status in (200, 302, 400), (role, status)
        client.logout()
    response = getattr(client, method)(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert client.get(reverse("accounts:remove_device", args=["totp", 1])).status_code == 302  # anonymous


def test_get_is_refused_on_the_actions(client):
    client.force_login(UserFactory(role=Role.ANCT))
    for name in ("accounts:regenerate_recovery_codes", "accounts:webauthn_login_verify"):
        assert client.get(reverse(name)).status_code == 405


def test_a_structure_user_who_enrolled_is_asked_for_it_at_each_login(client):
    user = UserFactory(role=Role.STRUCTURE)
    device, _ = enrol(client, user)
    client.logout()
    login_with_password(client, user)
    assert client.get(HOME)["Location"].startswith(VERIFY)
    assert client.post(VERIFY, {"code": code_for(device, 1)}).status_code == 302
    assert client.get(HOME).status_code == 200
    # Removing their only device (allowed: not required for the role) ends it.
    assert client.post(reverse("accounts:remove_device", args=["totp", device.pk])).status_code == 302
    client.logout()
    login_with_password(client, user)
    assert client.get(HOME).status_code == 200


def test_the_agents_page_costs_the_same_whatever_the_number_of_agents(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(UserFactory(role=Role.ANCT))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("accounts:agents")).status_code == 200
        return len(captured)

    UserFactory(role=Role.PREFECTURE)
    few = queries()
    for role in (Role.BDT, Role.TRAINING_PROVIDER, Role.PREFECTURE, Role.ANCT):
        agent = UserFactory(role=role)
        TOTPDevice.objects.create(user=agent, name="App", confirmed=True)
    assert queries() == few


@pytest.mark.parametrize("code", ["\x00\x00\x00\x00\x00\x00", "12 34 5\x00", "9" * 11, "１２３４５６"])
def test_hostile_enrolment_codes_are_refused_next_to_the_field(client, code):
    user = UserFactory(role=Role.PREFECTURE)
    login_with_password(client, user)
    client.get(SETUP)
    response = client.post(SETUP, {"code": code})
    assert response.status_code == 400
    assert "fr-input-group--error" in response.text or 'class="fr-error-text"' in response.text
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
