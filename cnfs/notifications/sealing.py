"""Sealing the secret links of an email (invitation, confirmation, password reset) while it waits to be sent.

An OutgoingEmail must survive a failed SMTP server, a killed worker and a crash between commit and enqueue, so the
row has to hold everything needed to send it later. Its bodies hold a placeholder where the link goes; the link
itself is stored sealed: encrypted with a key derived from SECRET_KEY (never in the database) and authenticated, so
a database dump or backup reveals no usable token. The seal is wiped once the email is sent (see tasks.deliver).

No encryption library is part of the stack, so the construction is the standard encrypt-then-MAC from HMAC-SHA256
alone: a keystream of HMAC(k_enc, nonce ‖ counter) blocks (HMAC as a pseudo-random function in counter mode), XORed
with the JSON, then an HMAC(k_mac, nonce ‖ ciphertext) tag checked in constant time before anything is decrypted.
Both keys are derived from SECRET_KEY with distinct labels; a random 128-bit nonce per seal.
"""

import base64
import hashlib
import hmac
import json
import secrets

from django.conf import settings

NONCE_BYTES = 16
TAG_BYTES = 32


class SealError(ValueError):
    """The sealed value was altered or sealed with another key."""


def _keys(secret: str) -> tuple[bytes, bytes]:
    root = hashlib.sha256(f"cnfs.notifications.sealing:{secret}".encode()).digest()
    return (
        hmac.new(root, b"encryption", hashlib.sha256).digest(),
        hmac.new(root, b"authentication", hashlib.sha256).digest(),
    )


def _keystream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = (length + 31) // 32
    return b"".join(
        hmac.new(key, nonce + counter.to_bytes(8, "big"), hashlib.sha256).digest()
        for counter in range(blocks)
    )[:length]


def _xor(data: bytes, stream: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, stream, strict=True))


def seal(values: dict[str, str]) -> str:
    enc_key, mac_key = _keys(settings.SECRET_KEY)
    plaintext = json.dumps(values).encode()
    nonce = secrets.token_bytes(NONCE_BYTES)
    ciphertext = _xor(plaintext, _keystream(enc_key, nonce, len(plaintext)))
    tag = hmac.new(mac_key, nonce + ciphertext, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(nonce + ciphertext + tag).decode()


def unseal(sealed: str) -> dict[str, str]:
    try:
        raw = base64.urlsafe_b64decode(sealed.encode())
    except ValueError as error:
        raise SealError("valeur scellée illisible") from error
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise SealError("valeur scellée tronquée")
    nonce, ciphertext, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        enc_key, mac_key = _keys(secret)
        expected = hmac.new(mac_key, nonce + ciphertext, hashlib.sha256).digest()
        if hmac.compare_digest(expected, tag):
            return json.loads(_xor(ciphertext, _keystream(enc_key, nonce, len(ciphertext))))
    raise SealError("valeur scellée altérée ou clé différente")
