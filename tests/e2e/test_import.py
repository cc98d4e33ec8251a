"""`polywire subscribers import`: thousands of lines in seconds, each line whole or not at all, refusals reported."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

from tests.support.server import PolywireServer

GOOD_LINES = 6500


def good_line(number: int) -> str:
    return json.dumps(
        {
            "name": f"Outlet {number}",
            "kind": "outlet",
            "languages": ["en", "de"] if number % 2 else ["fr"],
            "countries": ["DE"] if number % 3 == 0 else [],
            "endpoints": [{"type": "webhook", "url": f"http://127.0.0.1:9/outlet/{number}"}],
        }
    )


# line content → the field its refusal must name
BAD_LINES: list[tuple[str, str]] = [
    ('{"name": "Broken", "kind": "outlet", ', "line"),
    (json.dumps({"name": "Bad language", "kind": "outlet", "languages": ["english"]}), "languages.0"),
    (
        json.dumps({"name": "Bad scheme", "kind": "outlet", "endpoints": [{"type": "webhook", "url": "ftp://x/"}]}),
        "endpoints.0.url",
    ),
    (
        json.dumps(
            {
                "name": "Bad secret",
                "kind": "outlet",
                "endpoints": [{"type": "webhook", "url": "http://127.0.0.1:9/s", "secret": "whsec_notbase64!!"}],
            }
        ),
        "endpoints.0.secret",
    ),
    (
        json.dumps(
            {
                "name": "Half good",
                "kind": "outlet",
                "endpoints": [
                    {"type": "webhook", "url": "http://127.0.0.1:9/half-good"},
                    {"type": "webhook", "url": "http://127.0.0.1:9/half-bad", "secret": "abc"},
                ],
            }
        ),
        "endpoints.1.secret",
    ),
]


def all_subscribers(server: PolywireServer) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    after: str | None = None
    for _ in range(100):  # bounded: 100 pages of 1000 is far more than any test here makes
        query = "/v1/subscribers?limit=1000" + (f"&after={after}" if after else "")
        page = server.request("GET", query, server.keys["admin"])
        assert page.status_code == 200, page.text
        items.extend(page.json()["items"])
        after = page.json()["next_after"]
        if after is None:
            return items
    raise AssertionError("paging did not end")


def test_import_of_6500_lines_with_some_bad_ones(server: PolywireServer, tmp_path: Path) -> None:
    """6,500 good lines import in seconds; bad lines are refused by line and field, exit 1, and store nothing."""
    lines = [good_line(n) for n in range(GOOD_LINES)]
    bad_at: dict[int, str] = {}  # 1-based line number → expected field
    for offset, (content, field) in enumerate(BAD_LINES):
        position = 100 + offset * 1000
        lines.insert(position, content)
        bad_at[position + 1] = field
    source = tmp_path / "subscribers.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")

    started = time.perf_counter()
    result = server.cli("subscribers", "import", str(source), check=False)
    elapsed = time.perf_counter() - started
    print(f"imported {GOOD_LINES} subscribers (+{len(BAD_LINES)} bad lines) in {elapsed:.2f} s")
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert elapsed < 30, f"import took {elapsed:.1f} s"

    for number, field in bad_at.items():
        assert re.search(rf"^line {number}: {re.escape(field)}: ", stderr, re.MULTILINE), (number, field, stderr)
    refusals = re.findall(r"^line \d+: ", stderr, re.MULTILINE)
    assert len(refusals) == len(BAD_LINES), stderr
    assert f"imported {GOOD_LINES} subscribers, rejected {len(BAD_LINES)} lines" in stderr

    # Standard output hands every outlet its generated secret, once, with the line it came from.
    printed = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert len(printed) == GOOD_LINES
    assert {p["line"] for p in printed}.isdisjoint(bad_at)
    assert all(p["endpoints"][0]["secret"].startswith("whsec_") for p in printed)

    stored = all_subscribers(server)
    assert sorted(s["name"] for s in stored) == sorted(f"Outlet {n}" for n in range(GOOD_LINES))
    urls = {ep["url"] for s in stored for ep in s["endpoints"]}
    assert len(urls) == GOOD_LINES
    assert "http://127.0.0.1:9/half-good" not in urls, "a line with one bad endpoint stored its good one"
    sample = {s["name"]: s for s in stored}["Outlet 3"]
    assert (sample["languages"], sample["countries"]) == (["en", "de"], ["DE"])

    # The imported subscribers route like any other: an English release goes to the odd-numbered half. (Without
    # target_languages it would also be translated into French for the other half, which is not under test here.)
    release = server.request(
        "POST",
        "/v1/releases",
        server.keys["acme"],
        json={"headline": "Count", "body_html": "<p>Count</p>", "language": "en", "target_languages": []},
    )
    assert release.status_code == 201, release.text
    report = server.request("GET", f"/v1/releases/{release.json()['id']}/deliveries", server.keys["admin"]).json()
    assert report["summary"]["total"] == GOOD_LINES // 2


def test_import_survives_a_line_that_is_not_utf8(server: PolywireServer) -> None:
    """A line of undecodable bytes (from standard input here) is refused alone; the lines around it import."""
    payload = (
        good_line(1).encode()
        + b"\n"
        + b'{"name": "Caf\xe9", "kind": "outlet"}\n'
        + b"\n"
        + good_line(2).encode()
        + b"\n"
        + b"[1, 2]\n"
    )
    result = server.cli("subscribers", "import", "-", stdin=payload, check=False)
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert re.search(r"^line 2: line: not valid UTF-8", stderr, re.MULTILINE), stderr
    assert re.search(r"^line 5: ", stderr, re.MULTILINE), stderr
    assert "imported 2 subscribers, rejected 2 lines" in stderr
    assert sorted(s["name"] for s in all_subscribers(server)) == ["Outlet 1", "Outlet 2"]


def test_clean_import_exits_zero(server: PolywireServer, tmp_path: Path) -> None:
    """A file with only good lines imports them all and exits 0 with nothing refused."""
    source = tmp_path / "ok.jsonl"
    source.write_text("\n".join(good_line(n) for n in range(20)) + "\n", encoding="utf-8")
    result = server.cli("subscribers", "import", str(source), check=False)
    assert result.returncode == 0, result.stderr.decode()
    assert "imported 20 subscribers, rejected 0 lines" in result.stderr.decode()
    assert len(all_subscribers(server)) == 20
