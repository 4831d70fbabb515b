"""One code, two requests at the same instant (PostgreSQL, real concurrent transactions): accepted once."""

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cnfs.accounts import second_factor
from cnfs.accounts.models import RecoveryCodeDevice
from cnfs.accounts.roles import Role
from tests.concurrency import APPS_BUT_JOURNAL, race
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, available_apps=APPS_BUT_JOURNAL),
    pytest.mark.usefixtures("_journal_cleanup"),
]


def test_one_recovery_code_used_twice_at_once_passes_once():
    user = UserFactory(role=Role.ANCT)
    code = second_factor.issue_recovery_codes(user)[0]
    device = RecoveryCodeDevice.objects.get(user=user)
    results = race(lambda: device.verify_token(code), lambda: device.verify_token(code))
    assert sorted(results) == [False, True]
    assert device.remaining() == 9


def test_one_totp_code_checked_twice_at_once_passes_once():
    user = UserFactory(role=Role.ANCT)
    device = TOTPDevice.objects.create(user=user, name="App", confirmed=True)
    code = f"{TOTP(device.bin_key).token():06d}"
    results = race(
        lambda: second_factor._check_totp(device.pk, code), lambda: second_factor._check_totp(device.pk, code)
    )
    assert sorted(results) == [False, True]
