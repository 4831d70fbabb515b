"""The permission matrix every view is tested with: each role gets the status it should, anonymous users are sent
to the login page (or served, for public pages)."""

from dataclasses import dataclass

from django.conf import settings
from django.shortcuts import resolve_url

from cnfs.accounts.roles import Role


@dataclass
class RoleMatrix:
    client: object
    users: dict

    def statuses(self, url, method="get", data=None) -> dict:
        result = {}
        for role, user in self.users.items():
            self.client.force_login(user)
            response = getattr(self.client, method)(url, data or {})
            result[role] = response.status_code
            self.client.logout()
        return result

    def check(self, url, allowed, *, method="get", data=None, ok=200, denied=403, public=False):
        """Allowed roles get `ok`, the others `denied`; anonymous users are redirected to login unless `public`."""
        allowed = set(allowed)
        expected = {role: ok if role in allowed else denied for role in Role}
        assert self.statuses(url, method, data) == expected
        response = getattr(self.client, method)(url, data or {})
        if public:
            assert response.status_code == ok, f"{url} should be public"
        else:
            assert response.status_code == 302, f"{url} should require a login"
            assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def body(response) -> bytes:
    """A response's bytes, streamed (exports, downloads) or not."""
    return b"".join(response.streaming_content) if response.streaming else response.content
