"""Standard Webhooks v1 signing of outgoing deliveries (https://www.standardwebhooks.com/).

A subscriber verifies a delivery by recomputing

    "v1," + base64(HMAC-SHA256(key, f"{webhook-id}.{webhook-timestamp}." + body))

with its copy of the endpoint secret and comparing it to one of the space-separated signatures in the
`webhook-signature` header. Signing with several keys at once is how secrets are rotated without a gap: while
a rotation is in progress we sign with the new key and the old one, so receivers holding either still accept.

Secrets travel as "whsec_" + base64 of the raw key, the format the Standard Webhooks libraries read.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Sequence

SECRET_PREFIX = "whsec_"

# We generate 256-bit keys, SHA-256's output size: a longer key adds nothing to HMAC-SHA256's strength. The
# accepted range is wider so subscribers may bring secrets made by other Standard Webhooks tooling, which
# uses 24–64 bytes; below 24 bytes (192 bits) a key is too weak to accept.
GENERATED_SECRET_BYTES = 32
MIN_SECRET_BYTES = 24
MAX_SECRET_BYTES = 64

SIGNATURE_VERSION = "v1"


def generate_secret() -> str:
    """Return a fresh endpoint secret: "whsec_" + standard base64 of 32 bytes from the OS CSPRNG."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(GENERATED_SECRET_BYTES)).decode("ascii")


def parse_secret(secret: str) -> bytes:
    """Return the raw key of a "whsec_…" secret, or raise ValueError saying what is wrong with it.

    The messages never repeat the secret itself: they end up in API error bodies and logs.
    """
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError(f"webhook secret must start with {SECRET_PREFIX}")
    encoded = secret[len(SECRET_PREFIX) :]
    try:
        # validate=True refuses characters outside the standard alphabet (including URL-safe "-" and "_",
        # and whitespace) instead of silently skipping them, so what we store is exactly what was meant.
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("webhook secret is not valid base64 (standard alphabet, with padding)") from None
    if not MIN_SECRET_BYTES <= len(key) <= MAX_SECRET_BYTES:
        raise ValueError(f"webhook secret must decode to {MIN_SECRET_BYTES}–{MAX_SECRET_BYTES} bytes, got {len(key)}")
    return key


def sign(*, key: bytes, msg_id: str, timestamp: int, body: bytes) -> str:
    """Return one "v1,<base64 HMAC-SHA256>" signature of body under key."""
    # The body is signed as the exact bytes sent: re-serialising JSON here could change whitespace or key
    # order and break verification, so callers must pass the very bytes they put on the wire.
    signed_content = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed_content, hashlib.sha256).digest()
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode('ascii')}"


def signature_header(*, keys: Sequence[bytes], msg_id: str, timestamp: int, body: bytes) -> str:
    """Return the `webhook-signature` value: one signature per key, space-separated, in the order given.

    During a secret rotation pass the new key first, then the old one; receivers accept the message if any
    signature matches the secret they hold.
    """
    if not keys:
        # A header with no signature would be rejected by every receiver; failing here points at the bug.
        raise ValueError("at least one signing key is required")
    return " ".join(sign(key=key, msg_id=msg_id, timestamp=timestamp, body=body) for key in keys)


def webhook_headers(*, keys: Sequence[bytes], msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """Return the HTTP headers of a signed delivery of body: any bytes (a JSON envelope or an XML document) are
    signed alike. ``content-type`` says JSON, the envelope's type; a channel sending another format replaces it."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(keys=keys, msg_id=msg_id, timestamp=timestamp, body=body),
        "content-type": "application/json",
    }
