"""Every page of every role's navigation, and the first detail page each list links to, is axe-core clean."""

import pytest
from django.urls import reverse

from cnfs.dashboard.navigation import navigation_for
from cnfs.demo.seed import DEMO_ACCOUNTS
from e2e.conftest import assert_accessible
from e2e.test_invitation import login

pytestmark = pytest.mark.e2e

EXTRA_PAGES = {
    "anct": [
        "accounts:invite_agent",
        "concertation:waves",
        "concertation:changes",
        "accounts:agents",
        "training:onboarding_rates",
    ],
    "prefecture": ["concertation:changes"],
    "structure": ["structures:job_posting", "recruitment:invite", "funding:structure_contracts"],
    "candidate": ["candidates:edit_profile", "candidates:withdraw", "candidates:delete_account"],
}
DETAIL_LINKS = {
    "concertation:list": "table a[href^='/candidatures/']",
    "recruitment:candidate_list": "table a[href^='/recrutement/candidatures/']",
    "funding:file_list": "table a[href^='/structure/dossiers/']",
    "funding:queue": "table a[href^='/banque-des-territoires/dossiers/']",
    "funding:termination_list": "table a[href^='/financement/ruptures/']",
    "funding:radar": "table a[href^='/financement/postes/']",
    "exports:list": "table a[href^='/exports/']",
    "training:provider_advisors": "table a[href^='/formation/organisme/conseillers/']",
    "training:sessions": "table a[href^='/formation/organisme/sessions/']",
    "teams:list": "table a[href^='/equipes/']",
}


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=[a.role.value for a in DEMO_ACCOUNTS])
def test_every_page_of_the_role_is_accessible(page, demo_data, account):
    login(page, account.email)
    names = [item.url_name for item in navigation_for(account.role) if item.url_name]
    names += EXTRA_PAGES.get(account.role.value, []) + ["accounts:profile", "accounts:password_change"]
    names += ["accounts:second_factor", "accounts:second_factor_setup", "accounts:webauthn_register"]
    for name in names:
        response = page.goto(reverse(name))
        assert response.status == 200, f"{name} → {response.status}"
        assert_accessible(page, f"{account.role.value}-{name.replace(':', '-')}")
        selector = DETAIL_LINKS.get(name)
        if selector and page.locator(selector).count():
            # Wait for the detail page itself: axe run while the click's navigation commits finds no document.
            with page.expect_navigation():
                page.locator(selector).first.click()
            assert_accessible(page, f"{account.role.value}-{name.replace(':', '-')}-detail")
    # The map pages ask the tile server, unreachable here: they say so and their tables keep every figure.
    assert [error for error in page.console_errors if "tile.openstreetmap.org" not in error] == []
