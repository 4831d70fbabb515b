"""The request being served, so that the journal knows the role and IP of the actor without passing them around."""

from contextlib import contextmanager
from contextvars import ContextVar

_current_request = ContextVar("cnfs_current_request", default=None)


@contextmanager
def request_context(request):
    token = _current_request.set(request)
    try:
        yield
    finally:
        _current_request.reset(token)


def current_request():
    return _current_request.get()


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None
