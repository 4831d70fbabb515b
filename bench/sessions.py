"""A logged-in session for a bench's HTTP client, as the login page would leave it: the user, the project's password
backend, the password's hash, and the second factor marked as passed where the user's role requires one."""


def session_for(user) -> str:
    """The key (the `sessionid` cookie) of a new session of `user`."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from bench.second_factor import mark_passed
    from cnfs.accounts.backends import PASSWORD_BACKEND

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = PASSWORD_BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    mark_passed(store, user)
    store.create()
    return store.session_key
