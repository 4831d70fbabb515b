"""The request being served, so that the journal knows the role and IP of the actor without passing them around."""

import ipaddress
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

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


def _address(value) -> str | None:
    """The address in its canonical form (an IPv4 mapped in IPv6 as IPv4, no zone), or None if it is not one."""
    try:
        address = ipaddress.ip_address((value or "").strip().split("%", 1)[0])
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind `CNFS_TRUSTED_PROXIES` reverse proxies, the X-Forwarded-For entry
    written by the outermost trusted proxy — the Nth from the right, since each proxy appends the address it received
    the request from. Entries further left come from the client and are ignored, so a client cannot choose its
    address. Also axes' AXES_CLIENT_IP_CALLABLE and the rate limiter's key."""
    if request is None:
        return None
    remote = _address(request.META.get("REMOTE_ADDR"))
    proxies = getattr(settings, "CNFS_TRUSTED_PROXIES", 0)
    if proxies <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        # Not through the whole chain of proxies (a direct connection): the peer is the client.
        return remote
    return _address(forwarded[-proxies]) or remote
