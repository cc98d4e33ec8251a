"""Bad input end to end: every refusal is a 4xx problem document naming the field, and nothing partial is stored."""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.support.server import PolywireServer

GOOD_RELEASE: dict[str, Any] = {
    "headline": "Acme opens a plant",
    "body_html": "<p>Acme opens a plant in Leipzig.</p>",
    "language": "en",
}
GOOD_SUBSCRIBER: dict[str, Any] = {
    "name": "Daily Planet",
    "kind": "outlet",
    "languages": ["en"],
    "endpoints": [{"type": "webhook", "url": "http://127.0.0.1:9/hook"}],
}
ONE_MIB = 1024 * 1024


@pytest.fixture(scope="module")
def wire(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PolywireServer]:
    """One server for the whole module: every case here is a refusal, so they cannot disturb each other."""
    instance = PolywireServer(tmp_path_factory.mktemp("bad-input") / "var")
    instance.keys["admin"] = instance.create_key("admin", "ops")
    instance.keys["acme"] = instance.create_key("publisher", "acme-press", "--org", "Acme")
    instance.start()
    yield instance
    instance.close()


def release(**changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(GOOD_RELEASE)
    for name, value in changes.items():
        if value is None:
            body.pop(name, None)
        else:
            body[name] = value
    return body


def subscriber(**changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(GOOD_SUBSCRIBER)
    body.update(changes)
    return body


def rfc3339(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def assert_problem(response: httpx.Response, status: int, field: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    problem = response.json()
    assert problem["status"] == status
    assert problem["field"] == field, problem
    assert field in problem["detail"], problem


def release_ids(wire: PolywireServer) -> list[str]:
    answer = wire.request("GET", "/v1/releases?limit=500", wire.keys["acme"])
    assert answer.status_code == 200, answer.text
    return [item["id"] for item in answer.json()["items"]]


def subscriber_ids(wire: PolywireServer) -> list[str]:
    answer = wire.request("GET", "/v1/subscribers?limit=1000", wire.keys["admin"])
    assert answer.status_code == 200, answer.text
    return [item["id"] for item in answer.json()["items"]]


def server_log_errors(wire: PolywireServer) -> list[str]:
    return [line for line in wire.log_path.read_text().splitlines() if "unhandled error" in line or "Traceback" in line]


BAD_RELEASES: list[tuple[str, dict[str, Any], str]] = [
    ("missing headline", release(headline=None), "headline"),
    ("empty headline", release(headline=""), "headline"),
    ("blank headline", release(headline="   "), "headline"),
    ("language 'english'", release(language="english"), "language"),
    ("language 'xx-!!'", release(language="xx-!!"), "language"),
    ("region XX", release(regions=["XX"]), "regions.0"),
    ("region usa", release(regions=["DE", "usa"]), "regions.1"),
    ("embargo in the past", release(embargo_until=rfc3339(datetime.now(UTC) - timedelta(hours=1))), "embargo_until"),
    ("embargo 'tomorrow'", release(embargo_until="tomorrow"), "embargo_until"),
    ("embargo month 13", release(embargo_until="2026-13-01T00:00:00Z"), "embargo_until"),
    ("naive embargo", release(embargo_until="2030-01-01T00:00:00"), "embargo_until"),
    ("NUL in headline", release(headline="Acme\u0000opens"), "headline"),
    ("BEL in headline", release(headline="Acme\u0007opens"), "headline"),
    ("unknown field", release(embargo_untill="2030-01-01T00:00:00Z"), "embargo_untill"),
    ("urgency 0", release(urgency=0), "urgency"),
    ("urgency 10", release(urgency=10), "urgency"),
    ("urgency true", release(urgency=True), "urgency"),
    ("body only unsafe markup", release(body_html="<script>alert(1)</script>"), "body_html"),
    ("target language 'spanish'", release(target_languages=["spanish"]), "target_languages.0"),
    ("target languages not a list", release(target_languages="es"), "target_languages"),
    ("blank protected term", release(protected_terms=["Acme", " "]), "protected_terms.1"),
]


@pytest.mark.parametrize(("body", "field"), [(b, f) for _, b, f in BAD_RELEASES], ids=[n for n, _, _ in BAD_RELEASES])
def test_bad_release_is_refused_naming_the_field(wire: PolywireServer, body: dict[str, Any], field: str) -> None:
    """A release with one bad field gets 422 problem+json naming that field, and no release is stored."""
    before = release_ids(wire)
    answer = wire.request("POST", "/v1/releases", wire.keys["acme"], json=body)
    assert_problem(answer, 422, field)
    assert release_ids(wire) == before


def test_malformed_json_is_400_naming_the_body(wire: PolywireServer) -> None:
    """Broken JSON gets 400 problem+json with field "body", and no release is stored."""
    before = release_ids(wire)
    for raw in (b'{"headline": "Acme", ', b"\xff\xfe{}", b"[" * 50_000 + b"]" * 50_000):
        answer = wire.request(
            "POST", "/v1/releases", wire.keys["acme"], content=raw, headers={"content-type": "application/json"}
        )
        assert_problem(answer, 400, "body")
    assert release_ids(wire) == before


def test_body_over_one_mib_is_413_with_content_length(wire: PolywireServer) -> None:
    """A body over 1 MiB with a declared Content-Length gets 413 naming the body, and nothing is stored."""
    before = release_ids(wire)
    raw = json.dumps(release(body_html="<p>" + "x" * ONE_MIB + "</p>")).encode()
    answer = wire.request(
        "POST", "/v1/releases", wire.keys["acme"], content=raw, headers={"content-type": "application/json"}
    )
    assert_problem(answer, 413, "body")
    assert release_ids(wire) == before


def test_body_over_one_mib_is_413_when_chunked(wire: PolywireServer) -> None:
    """A chunked upload over 1 MiB (no Content-Length) is cut off with 413 too, not a 400 or a stored release."""
    before = release_ids(wire)
    raw = json.dumps(release(body_html="<p>" + "x" * ONE_MIB + "</p>")).encode()

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(raw), 64 * 1024):
            yield raw[start : start + 64 * 1024]

    answer = wire.request(
        "POST", "/v1/releases", wire.keys["acme"], content=chunks(), headers={"content-type": "application/json"}
    )
    assert answer.request.headers.get("transfer-encoding") == "chunked"
    assert "content-length" not in answer.request.headers
    assert_problem(answer, 413, "body")
    answer = wire.request(
        "POST", "/v1/subscribers", wire.keys["admin"], content=chunks(), headers={"content-type": "application/json"}
    )
    assert_problem(answer, 413, "body")
    assert release_ids(wire) == before


def test_body_just_under_the_limit_is_accepted_when_chunked(wire: PolywireServer) -> None:
    """The size guard counts bytes, not chunks: a chunked body under the limit is accepted as usual."""
    raw = json.dumps(release(body_html="<p>" + "y" * (ONE_MIB - 1024) + "</p>")).encode()
    assert len(raw) <= ONE_MIB
    answer = wire.request(
        "POST",
        "/v1/releases",
        wire.keys["acme"],
        content=iter([raw[: len(raw) // 2], raw[len(raw) // 2 :]]),
        headers={"content-type": "application/json"},
    )
    assert answer.status_code == 201, answer.text[:300]
    assert answer.json()["id"] in release_ids(wire)


BAD_SUBSCRIBERS: list[tuple[str, dict[str, Any], str]] = [
    ("endpoint type ftp", subscriber(endpoints=[{"type": "ftp", "url": "http://127.0.0.1:9/"}]), "endpoints.0.type"),
    (
        "secret 'abc'",
        subscriber(endpoints=[{"type": "webhook", "url": "http://127.0.0.1:9/", "secret": "abc"}]),
        "endpoints.0.secret",
    ),
    (
        "secret not base64",
        subscriber(endpoints=[{"type": "webhook", "url": "http://127.0.0.1:9/", "secret": "whsec_notbase64!!"}]),
        "endpoints.0.secret",
    ),
    (
        "secret too short",
        subscriber(endpoints=[{"type": "webhook", "url": "http://127.0.0.1:9/", "secret": "whsec_YWJjZGVm"}]),
        "endpoints.0.secret",
    ),
    (
        "second endpoint bad, first good",
        subscriber(
            endpoints=[
                {"type": "webhook", "url": "http://127.0.0.1:9/a"},
                {"type": "webhook", "url": "http://127.0.0.1:9/b", "secret": "abc"},
            ]
        ),
        "endpoints.1.secret",
    ),
    (
        "same URL twice",
        subscriber(
            endpoints=[
                {"type": "webhook", "url": "http://127.0.0.1:9/a"},
                {"type": "webhook", "url": "http://127.0.0.1:9/a"},
            ]
        ),
        "endpoints.1.url",
    ),
    ("url scheme ftp", subscriber(endpoints=[{"type": "webhook", "url": "ftp://127.0.0.1/"}]), "endpoints.0.url"),
    ("country XX", subscriber(countries=["XX"]), "countries.0"),
    ("country usa", subscriber(countries=["usa"]), "countries.0"),
    ("language 'english'", subscriber(languages=["english"]), "languages.0"),
    ("unknown field", subscriber(secret="whsec_x"), "secret"),
    ("unknown kind", subscriber(kind="robot"), "kind"),
    ("NUL in name", subscriber(name="Daily\u0000Planet"), "name"),
]


@pytest.mark.parametrize(
    ("body", "field"), [(b, f) for _, b, f in BAD_SUBSCRIBERS], ids=[n for n, _, _ in BAD_SUBSCRIBERS]
)
def test_bad_subscriber_is_refused_naming_the_field(wire: PolywireServer, body: dict[str, Any], field: str) -> None:
    """A subscriber with one bad field gets 422 problem+json naming it, and no subscriber is created."""
    before = subscriber_ids(wire)
    answer = wire.request("POST", "/v1/subscribers", wire.keys["admin"], json=body)
    assert_problem(answer, 422, field)
    assert subscriber_ids(wire) == before


def test_bad_patch_leaves_the_subscriber_unchanged(wire: PolywireServer) -> None:
    """A PATCH with one good and one bad endpoint is refused whole: filters and endpoints stay as they were."""
    created = wire.request("POST", "/v1/subscribers", wire.keys["admin"], json=GOOD_SUBSCRIBER)
    assert created.status_code == 201, created.text
    sub_id = created.json()["id"]
    before = wire.request("GET", f"/v1/subscribers/{sub_id}", wire.keys["admin"]).json()
    answer = wire.request(
        "PATCH",
        f"/v1/subscribers/{sub_id}",
        wire.keys["admin"],
        json={
            "languages": ["fr"],
            "endpoints": [
                {"type": "webhook", "url": "http://127.0.0.1:9/new"},
                {"type": "webhook", "url": "http://127.0.0.1:9/other", "secret": "whsec_notbase64!!"},
            ],
        },
    )
    assert_problem(answer, 422, "endpoints.1.secret")
    assert wire.request("GET", f"/v1/subscribers/{sub_id}", wire.keys["admin"]).json() == before


def test_no_5xx_and_no_traceback_for_mutated_bodies(wire: PolywireServer) -> None:
    """200 randomly mutated bodies (fixed seed) to each of /v1/releases and /v1/subscribers never get a 5xx."""
    rng = random.Random(20261125)
    weird_values: list[Any] = [
        None,
        True,
        0,
        -1,
        10**30,
        1.5,
        "",
        " ",
        "\u0000",
        "\u0007",
        "\ud7ff\ue000",
        "x" * 5000,
        "<script>alert(1)</script>",
        "2030-01-01T00:00:00Z",
        "de-DE",
        "zz",
        [],
        [None],
        ["XX"],
        [{"type": "webhook", "url": "http://127.0.0.1:9/x", "secret": "whsec_"}],
        {},
        {"a": {"b": []}},
    ]

    def mutate(base: dict[str, Any]) -> bytes:
        body = copy.deepcopy(base)
        for _ in range(rng.randint(1, 3)):
            keys = list(body)
            choice = rng.randrange(5)
            if choice == 0 and keys:
                body.pop(rng.choice(keys))
            elif choice == 1 and keys:
                body[rng.choice(keys)] = rng.choice(weird_values)
            elif choice == 2:
                body[rng.choice(["extra", "urgency", "regions", "countries", "categories", "embargo_until"])] = (
                    rng.choice(weird_values)
                )
            elif choice == 3 and keys:
                key = rng.choice(keys)
                value = body[key]
                if isinstance(value, str) and value:
                    position = rng.randrange(len(value))
                    body[key] = value[:position] + chr(rng.randrange(0, 0x3000)) + value[position + 1 :]
            else:
                raw = json.dumps(body).encode()
                cut = rng.randrange(len(raw) + 1)
                return raw[:cut] + bytes([rng.randrange(256)]) * rng.randint(0, 2)
        return json.dumps(body).encode()

    statuses: dict[str, dict[int, int]] = {}
    for path, key, base in (
        ("/v1/releases", wire.keys["acme"], GOOD_RELEASE),
        ("/v1/subscribers", wire.keys["admin"], GOOD_SUBSCRIBER),
    ):
        seen = statuses.setdefault(path, {})
        for _ in range(200):
            raw = mutate(base)
            answer = wire.request("POST", path, key, content=raw, headers={"content-type": "application/json"})
            assert answer.status_code < 500, (path, raw[:300], answer.text[:300])
            if answer.status_code >= 400:
                assert answer.headers["content-type"].startswith("application/problem+json"), answer.headers
                assert answer.json()["detail"], answer.text
            seen[answer.status_code] = seen.get(answer.status_code, 0) + 1
    print(f"mutated bodies, status counts: {statuses}")
    # The loop must actually have exercised refusals, not only happy paths.
    assert all(sum(c for s, c in counts.items() if 400 <= s < 500) >= 50 for counts in statuses.values())
    assert server_log_errors(wire) == []


def test_server_log_is_free_of_unhandled_errors(wire: PolywireServer) -> None:
    """After every bad request in this module, the server logged no unhandled error (no hidden 500 path)."""
    assert wire.process is not None and wire.process.poll() is None, "the server died"
    assert server_log_errors(wire) == []
