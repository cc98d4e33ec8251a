"""Standard Webhooks signing, checked against the reference `standardwebhooks` verifier."""

from __future__ import annotations

import base64
import time

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from polywire.deliver.signing import (
    generate_secret,
    parse_secret,
    sign,
    signature_header,
    webhook_headers,
)

BODY = b'{"type":"release.published","data":{"id":"rel_1","headline":"\xc3\x89lections"}}'


def _secret(n_bytes: int, fill: int = 7) -> str:
    return "whsec_" + base64.b64encode(bytes([fill]) * n_bytes).decode()


def test_generated_secret_is_whsec_base64_of_32_bytes() -> None:
    """A generated secret is "whsec_" + base64 of 32 random bytes, different every time."""
    first, second = generate_secret(), generate_secret()
    assert first.startswith("whsec_")
    assert len(parse_secret(first)) == 32
    assert first != second


@pytest.mark.parametrize("n_bytes", [24, 32, 64])
def test_parse_secret_accepts_24_to_64_bytes(n_bytes: int) -> None:
    """A well-formed secret of 24 to 64 bytes parses back to its raw key."""
    assert parse_secret(_secret(n_bytes)) == bytes([7]) * n_bytes


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        (base64.b64encode(bytes(32)).decode(), "must start with whsec_"),
        ("WHSEC_" + base64.b64encode(bytes(32)).decode(), "must start with whsec_"),
        ("whsec_not*base64!", "is not valid base64"),
        ("whsec_" + base64.urlsafe_b64encode(bytes([0xFB]) * 33).decode(), "is not valid base64"),
        ("whsec_" + base64.b64encode(bytes(32)).decode().rstrip("="), "is not valid base64"),
        (_secret(10), "must decode to 24–64 bytes, got 10"),
        (_secret(65), "must decode to 24–64 bytes, got 65"),
        ("whsec_", "must decode to 24–64 bytes, got 0"),
    ],
)
def test_parse_secret_says_what_is_wrong(secret: str, message: str) -> None:
    """A malformed secret is refused with a ValueError naming the problem, without echoing the secret."""
    with pytest.raises(ValueError, match=message) as caught:
        parse_secret(secret)
    if len(secret) > len("whsec_"):
        assert secret[len("whsec_") :] not in str(caught.value)


def test_sign_matches_the_standard_webhooks_test_vector() -> None:
    """sign() reproduces the published Standard Webhooks / Svix example signature."""
    key = parse_secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    signature = sign(key=key, msg_id="msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp=1614265330, body=b'{"test": 2432232314}')
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_headers_verify_with_the_reference_library() -> None:
    """Headers from webhook_headers() verify with the standardwebhooks library and carry the JSON type."""
    secret = generate_secret()
    headers = webhook_headers(keys=[parse_secret(secret)], msg_id="dlv_1", timestamp=int(time.time()), body=BODY)
    assert set(headers) == {"webhook-id", "webhook-timestamp", "webhook-signature", "content-type"}
    assert headers["content-type"] == "application/json"
    assert headers["webhook-id"] == "dlv_1"
    assert Webhook(secret).verify(BODY, headers) == {
        "type": "release.published",
        "data": {"id": "rel_1", "headline": "Élections"},
    }


def test_rotation_header_verifies_with_old_and_new_secret() -> None:
    """During rotation, receivers holding either the new or the old secret accept the delivery."""
    old, new, unrelated = generate_secret(), generate_secret(), generate_secret()
    headers = webhook_headers(
        keys=[parse_secret(new), parse_secret(old)], msg_id="dlv_2", timestamp=int(time.time()), body=BODY
    )
    Webhook(new).verify(BODY, headers)
    Webhook(old).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(unrelated).verify(BODY, headers)


def test_tampered_body_fails_verification() -> None:
    """Changing a single byte of the body makes every signature in the header fail."""
    old, new = generate_secret(), generate_secret()
    headers = webhook_headers(
        keys=[parse_secret(new), parse_secret(old)], msg_id="dlv_3", timestamp=int(time.time()), body=BODY
    )
    tampered = BODY.replace(b"rel_1", b"rel_2")
    for secret in (new, old):
        with pytest.raises(WebhookVerificationError):
            Webhook(secret).verify(tampered, headers)


def test_signature_header_lists_one_signature_per_key_in_order() -> None:
    """The rotation header holds one v1 signature per key, new key first, separated by single spaces."""
    new, old = parse_secret(generate_secret()), parse_secret(generate_secret())
    header = signature_header(keys=[new, old], msg_id="m", timestamp=1, body=b"{}")
    assert header.split(" ") == [
        sign(key=new, msg_id="m", timestamp=1, body=b"{}"),
        sign(key=old, msg_id="m", timestamp=1, body=b"{}"),
    ]


def test_signature_header_needs_a_key() -> None:
    """Asking for a signature header with no keys is a programming error, not an empty header."""
    with pytest.raises(ValueError, match="at least one signing key"):
        signature_header(keys=[], msg_id="m", timestamp=1, body=b"{}")
