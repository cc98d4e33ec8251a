"""The public feeds end to end: a real ``polywire serve``, read without a key, as feed readers read them.

Atom and RSS documents are parsed with feedparser and must not be "bozo" (malformed); JSON Feed documents, which
feedparser 6 does not read, are checked against the JSON Feed 1.1 rules written down below. Deleted entries (RFC
6721) are checked in the raw XML, as feedparser ignores them. The server lists two releases a page, so paging
shows with few releases; each test tags its releases with a category of its own and reads its feeds filtered
by it, except where it checks that nothing leaks into the unfiltered ones.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any

import feedparser
import httpx
import jsonschema
import pytest
from lxml import etree

from tests.conftest import missing
from tests.e2e.test_delivery_support import custom_server, embargo_in, submit, unique_tag
from tests.support.server import PolywireServer

ATOM = "{http://www.w3.org/2005/Atom}"
TOMBSTONE = "{http://purl.org/atompub/tombstones/1.0}deleted-entry"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
HUB = "https://hub.example/websub"
MEDIA_TYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml", "json": "application/feed+json"}
# A sentence apertium translates into Spanish well enough for the gate to pass it, and one it does not.
PASSING = {
    "headline": "Acme Robotics opens a new factory in Barcelona",
    "body_html": "<p>Acme Robotics will open a new factory in Barcelona next year. "
    "The factory will employ three hundred workers.</p>",
    "protected_terms": ["Acme Robotics"],
}
HELD = {"headline": "Acme reports its results", "body_html": "<p>Acme will build two substations on the mainland.</p>"}

_DATE = {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$"}
_URL = {"type": "string", "pattern": "^https?://"}
_AUTHORS = {
    "type": "array",
    "items": {"type": "object", "properties": {"name": {"type": "string"}, "url": _URL}, "minProperties": 1},
}
# JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) as a JSON Schema: the required members, every member's
# type, and nothing unknown except extensions, whose names start with an underscore.
JSON_FEED_SCHEMA = {
    "type": "object",
    "required": ["version", "title", "items"],
    "properties": {
        "version": {"const": "https://jsonfeed.org/version/1.1"},
        "title": {"type": "string"},
        "home_page_url": _URL,
        "feed_url": _URL,
        "description": {"type": "string"},
        "user_comment": {"type": "string"},
        "next_url": _URL,
        "icon": _URL,
        "favicon": _URL,
        "authors": _AUTHORS,
        "language": {"type": "string"},
        "expired": {"type": "boolean"},
        "hubs": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "url"],
                "properties": {"type": {"type": "string"}, "url": _URL},
            },
        },
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id"],
                "anyOf": [{"required": ["content_html"]}, {"required": ["content_text"]}],
                "properties": {
                    "id": {"type": "string", "minLength": 1},
                    "url": _URL,
                    "external_url": _URL,
                    "title": {"type": "string"},
                    "content_html": {"type": "string"},
                    "content_text": {"type": "string"},
                    "summary": {"type": "string"},
                    "image": _URL,
                    "banner_image": _URL,
                    "date_published": _DATE,
                    "date_modified": _DATE,
                    "authors": _AUTHORS,
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "language": {"type": "string"},
                    "attachments": {"type": "array"},
                },
                "patternProperties": {"^_": {"type": "object"}},
                "additionalProperties": False,
            },
        },
    },
    "patternProperties": {"^_": {"type": "object"}},
    "additionalProperties": False,
}


@pytest.fixture(scope="module")
def wire(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PolywireServer]:
    """A server listing two releases a page, advertising an outside hub, and linking entries to item pages."""
    with custom_server(
        tmp_path_factory.mktemp("feeds") / "var",
        POLYWIRE_FEED_PAGE_SIZE="2",
        POLYWIRE_WEBSUB_HUB=HUB,
        POLYWIRE_FEED_ITEM_URL="https://news.example/{release_id}/{language}",
    ) as instance:
        yield instance


def _apertium() -> None:
    if shutil.which("apertium") is None:
        missing("apertium is not installed (apt-get install apertium apertium-eng-spa)")
    if not (Path("/usr/share/apertium/modes") / "eng-spa.mode").exists():
        missing("the apertium pair eng-spa is not installed (apt-get install apertium-eng-spa)")


def _get(wire: PolywireServer, path: str, **params: str) -> httpx.Response:
    # Feeds are public: no Authorization header, ever. (httpx replaces a query in the path with params, even
    # with none, so paths that carry their own query are sent as they are.)
    answer = wire.http.get(path, params=params) if params else wire.http.get(path)
    assert answer.status_code == 200, answer.text
    return answer


def _atom(wire: PolywireServer, lang: str, **params: str) -> tuple[Any, etree._Element]:
    """The Atom feed, parsed by feedparser (which must find nothing malformed) and as raw XML."""
    answer = _get(wire, f"/feeds/{lang}.atom", **params)
    assert answer.headers["content-type"] == MEDIA_TYPES["atom"]
    parsed = feedparser.parse(answer.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed, etree.fromstring(answer.content)


def _rss(wire: PolywireServer, lang: str, **params: str) -> Any:
    answer = _get(wire, f"/feeds/{lang}.rss", **params)
    assert answer.headers["content-type"] == MEDIA_TYPES["rss"]
    parsed = feedparser.parse(answer.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    return parsed


def _json(wire: PolywireServer, lang: str, **params: str) -> dict[str, Any]:
    answer = _get(wire, f"/feeds/{lang}.json", **params)
    assert answer.headers["content-type"] == MEDIA_TYPES["json"]
    feed: dict[str, Any] = answer.json()
    jsonschema.validate(feed, JSON_FEED_SCHEMA)
    for item in feed["items"]:
        for key in ("date_published", "date_modified"):
            datetime.fromisoformat(item[key].replace("Z", "+00:00"))
    return feed


def _ids(parsed: Any) -> list[str]:
    return [entry.id for entry in parsed.entries]


def _deleted(root: etree._Element) -> dict[str, str]:
    return {element.get("ref"): element.get("when") for element in root.iter(TOMBSTONE)}


def _wait_past(moment: datetime) -> None:
    time.sleep(max(0.0, (moment - datetime.now(UTC)).total_seconds()) + 0.3)


def test_an_embargoed_release_is_in_no_feed_until_its_instant_and_then_in_each_of_its_languages(
    wire: PolywireServer,
) -> None:
    """Before the instant neither the release's uri, id nor headline appears in any feed of any format, filtered
    or not, in its language, its translation's or every language; at the instant the original is in the English
    feeds, the translation in the Spanish ones, both in all.atom, published at the embargo instant."""
    _apertium()
    tag = unique_tag("embargo")
    embargo = embargo_in(15)
    release = submit(wire, embargo=embargo, categories=[tag], target_languages=["es"], **PASSING)
    assert datetime.now(UTC) < embargo, "the submission took longer than the embargo allowed for"
    secrets = [release["id"].encode(), release["uri"].encode(), PASSING["headline"].encode(), b"Barcelona"]
    for lang in ("en", "es", "all"):
        for extension in ("atom", "rss", "json"):
            for params in ({}, {"category": tag}):
                body = _get(wire, f"/feeds/{lang}.{extension}", **params).content
                assert not [secret for secret in secrets if secret in body], (lang, extension, params)
    assert _ids(_atom(wire, "all", category=tag)[0]) == []

    _wait_past(embargo)
    english, _ = _atom(wire, "en", category=tag)
    assert _ids(english) == [release["uri"]]
    assert datetime.fromisoformat(english.entries[0].published.replace("Z", "+00:00")) == embargo
    assert parsedate_to_datetime(_rss(wire, "en", category=tag).entries[0].published) == embargo.replace(microsecond=0)
    spanish, root = _atom(wire, "es", category=tag)
    assert _ids(spanish) == [f"{release['uri']}/es"]
    entry = spanish.entries[0]
    assert "fábrica" in entry.content[0].value
    assert "Acme Robotics" in entry.title
    assert root.find(f"{ATOM}entry").get(XML_LANG) == "es"
    assert root.get(XML_LANG) == "es"
    assert entry.link == f"https://news.example/{release['id']}/es"
    assert datetime.fromisoformat(entry.published.replace("Z", "+00:00")) == embargo
    assert [item["id"] for item in _json(wire, "es", category=tag)["items"]] == [f"{release['uri']}/es"]
    every, root = _atom(wire, "all", category=tag)
    assert _ids(every) == [release["uri"], f"{release['uri']}/es"]
    assert [element.get(XML_LANG) for element in root.iter(f"{ATOM}entry")] == ["en", "es"]
    assert root.get(XML_LANG) is None


def test_a_held_translation_is_in_no_feed_until_a_person_approves_it(wire: PolywireServer) -> None:
    """The gate holds the Spanish copy: the Spanish feeds do not list the release and all.atom lists only the
    original; once approved with an edited text, the Spanish feeds list the edited text."""
    _apertium()
    tag = unique_tag("held")
    release = submit(wire, categories=[tag], target_languages=["es"], **HELD)
    assert _ids(_atom(wire, "es", category=tag)[0]) == []
    assert _rss(wire, "es", category=tag).entries == []
    assert _json(wire, "es", category=tag)["items"] == []
    assert _ids(_atom(wire, "all", category=tag)[0]) == [release["uri"]]

    edited = "<p>Acme construirá dos subestaciones en el continente.</p>"
    answer = wire.request(
        "POST",
        f"/v1/releases/{release['id']}/localizations/es/approve",
        wire.keys["acme"],
        json={"body_html": edited},
    )
    assert answer.status_code == 200, answer.text
    spanish, _ = _atom(wire, "es", category=tag)
    assert _ids(spanish) == [f"{release['uri']}/es"]
    assert spanish.entries[0].content[0].value == edited
    assert spanish.entries[0].updated > spanish.entries[0].published
    assert [item["content_html"] for item in _json(wire, "es", category=tag)["items"]] == [edited]


def test_a_correction_updates_the_entry_under_the_same_id(wire: PolywireServer) -> None:
    """A correction keeps the entry's id (Atom), guid (RSS) and id (JSON Feed) and its publication time, and
    changes its text and its updated time."""
    tag = unique_tag("correction")
    release = submit(wire, categories=[tag], headline="Acme opens a plant in Leipzig")
    before, _ = _atom(wire, "en", category=tag)
    time.sleep(0.01)
    answer = wire.request(
        "POST",
        f"/v1/releases/{release['id']}/corrections",
        wire.keys["acme"],
        json={"headline": "Acme opens a plant in Halle", "ednote": "Corrects the city"},
    )
    assert answer.status_code == 201, answer.text
    after, _ = _atom(wire, "en", category=tag)
    assert _ids(after) == _ids(before) == [release["uri"]]
    old, new = before.entries[0], after.entries[0]
    assert (old.title, new.title) == ("Acme opens a plant in Leipzig", "Acme opens a plant in Halle")
    assert new.published == old.published
    assert new.updated > old.updated
    rss = _rss(wire, "en", category=tag)
    assert [(entry.id, entry.title) for entry in rss.entries] == [(release["uri"], "Acme opens a plant in Halle")]
    assert rss.entries[0].guidislink is False
    item = _json(wire, "en", category=tag)["items"][0]
    assert (item["id"], item["title"]) == (release["uri"], "Acme opens a plant in Halle")
    assert item["date_modified"] > item["date_published"]
    assert item["_polywire"]["version"] == 2
    # The editorial note is for desks, not for readers.
    assert b"Corrects the city" not in _get(wire, "/feeds/en.atom", category=tag).content


def test_a_withdrawal_is_a_deleted_entry_in_atom_and_leaves_rss_and_json_feed(wire: PolywireServer) -> None:
    """After a withdrawal the Atom feeds carry an at:deleted-entry for each language the public saw (ref the item's
    id, when the withdrawal) and no entry; RSS and JSON Feed no longer list it; the reason is not published."""
    _apertium()
    tag = unique_tag("withdrawal")
    release = submit(wire, categories=[tag], target_languages=["es"], **PASSING)
    assert _ids(_atom(wire, "es", category=tag)[0]) == [f"{release['uri']}/es"]
    answer = wire.request(
        "POST", f"/v1/releases/{release['id']}/withdraw", wire.keys["acme"], json={"reason": "Issued in error"}
    )
    assert answer.status_code == 200, answer.text
    when = answer.json()["versioncreated"]

    english, root = _atom(wire, "en", category=tag)
    assert english.entries == []
    assert _deleted(root) == {release["uri"]: when}
    spanish, root = _atom(wire, "es", category=tag)
    assert spanish.entries == []
    assert _deleted(root) == {f"{release['uri']}/es": when}
    every, root = _atom(wire, "all", category=tag)
    assert every.entries == []
    assert _deleted(root) == {release["uri"]: when, f"{release['uri']}/es": when}
    assert _deleted(_atom(wire, "all")[1])[release["uri"]] == when
    for lang in ("en", "es", "all"):
        assert _rss(wire, lang, category=tag).entries == []
        assert _json(wire, lang, category=tag)["items"] == []
        assert b"Issued in error" not in _get(wire, f"/feeds/{lang}.atom", category=tag).content


def test_category_and_region_filters_select_what_the_publisher_tagged(wire: PolywireServer) -> None:
    """?category= matches a free category ignoring case and a Media Topic in any spelling; ?region= an ISO code in
    any case; the feed says what it was filtered by, in its self link too."""
    tag = unique_tag("filters")
    austria = submit(wire, categories=[tag, "medtop:04000000"], regions=["AT"], headline="Acme in Vienna")
    france = submit(wire, categories=[tag], regions=["FR"], headline="Acme in Lyon")
    assert _ids(_atom(wire, "en", category=tag)[0]) == [france["uri"], austria["uri"]]
    assert _ids(_atom(wire, "en", category=tag.upper(), region="at")[0]) == [austria["uri"]]
    assert _ids(_atom(wire, "en", category=tag, region="FR")[0]) == [france["uri"]]
    assert _ids(_atom(wire, "en", category=tag, region="DE")[0]) == []
    parsed, root = _atom(wire, "en", category="04000000", region="AT")
    assert austria["uri"] in _ids(parsed)
    entry = next(entry for entry in parsed.entries if entry.id == austria["uri"])
    assert {(tag_.term, tag_.scheme) for tag_ in entry.tags} >= {
        ("04000000", "http://cv.iptc.org/newscodes/mediatopic/"),
        ("AT", "http://cv.iptc.org/newscodes/iso3166-1a2/"),
        (tag, None),
    }
    self_link = next(link for link in root.iter(f"{ATOM}link") if link.get("rel") == "self")
    assert self_link.get("href") == f"{wire.url}/feeds/en.atom?category=04000000&region=AT"
    assert (
        "medtop:04000000"
        in next(
            item for item in _json(wire, "en", category="medtop:04000000")["items"] if item["id"] == austria["uri"]
        )["tags"]
    )


def test_pages_follow_next_links_and_stay_put_while_releases_arrive(wire: PolywireServer) -> None:
    """Two releases a page, newest first; the next link continues after the page's last release even when a newer
    one arrived meanwhile, the last page has no next link, and later pages link the first."""
    tag = unique_tag("paging")
    first, second, third = (submit(wire, categories=[tag], headline=f"Acme plant {n}") for n in (1, 2, 3))
    page, root = _atom(wire, "en", category=tag)
    assert _ids(page) == [third["uri"], second["uri"]]
    links = {link.get("rel"): link.get("href") for link in root.iter(f"{ATOM}link")}
    assert "first" not in links
    newest = submit(wire, categories=[tag], headline="Acme plant 4")

    following = wire.http.get(links["next"])
    assert following.status_code == 200, following.text
    parsed = feedparser.parse(following.content)
    assert parsed.bozo == 0
    assert _ids(parsed) == [first["uri"]]
    following_links = {
        link.get("rel"): link.get("href") for link in etree.fromstring(following.content).iter(f"{ATOM}link")
    }
    assert "next" not in following_links
    assert following_links["first"] == f"{wire.url}/feeds/en.atom?category={tag}"
    assert following_links["self"] == links["next"]
    assert _ids(_atom(wire, "en", category=tag)[0]) == [newest["uri"], third["uri"]]

    feed = _json(wire, "en", category=tag)
    assert [item["id"] for item in feed["items"]] == [newest["uri"], third["uri"]]
    rest = _get(wire, feed["next_url"].removeprefix(wire.url)).json()
    assert [item["id"] for item in rest["items"]] == [second["uri"], first["uri"]]
    assert "next_url" not in rest
    rss_next = [link for link in _rss(wire, "en", category=tag).feed.links if link.rel == "next"]
    assert [link.href for link in rss_next] == [feed["next_url"].replace(".json", ".rss")]


def test_conditional_requests_and_caching_headers(wire: PolywireServer) -> None:
    """A feed carries a strong ETag, Last-Modified, public caching for a minute, Vary, Link to hub and self;
    If-None-Match and If-Modified-Since answer 304 (with the same headers and no body) until something changes."""
    tag = unique_tag("caching")
    submit(wire, categories=[tag])
    time.sleep(1.1)  # Last-Modified is left out while the last change is in the current second
    path = "/feeds/en.atom"
    answer = _get(wire, path, category=tag)
    headers = answer.headers
    etag = headers["etag"]
    assert etag.startswith('"') and etag.endswith('"') and not etag.startswith("W/")
    assert headers["cache-control"] == "public, max-age=60"
    assert "Accept-Encoding" in headers["vary"]
    assert headers["content-encoding"] == "gzip"
    assert headers["content-language"] == "en"
    self_url = f"{wire.url}/feeds/en.atom?category={tag}"
    assert headers["link"] == f'<{HUB}>; rel="hub", <{self_url}>; rel="self"'
    hub = [link for link in feedparser.parse(answer.content).feed.links if link.rel == "hub"]
    assert [link.href for link in hub] == [HUB]
    modified = headers["last-modified"]
    assert parsedate_to_datetime(modified) <= datetime.now(UTC)

    for conditional in (
        {"If-None-Match": etag},
        {"If-None-Match": f'"other", W/{etag}'},
        {"If-Modified-Since": modified},
    ):
        again = wire.http.get(path, params={"category": tag}, headers=conditional)
        assert again.status_code == 304, conditional
        assert again.content == b""
        assert (again.headers["etag"], again.headers["cache-control"]) == (etag, "public, max-age=60")
    stale = format_datetime(parsedate_to_datetime(modified).replace(year=2000), usegmt=True)
    assert wire.http.get(path, params={"category": tag}, headers={"If-Modified-Since": stale}).status_code == 200
    plain = wire.http.get(path, params={"category": tag}, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.headers["etag"] != etag
    assert plain.content == answer.content
    head = wire.http.head(path, params={"category": tag})
    assert (head.status_code, head.content, head.headers["etag"]) == (200, b"", etag)
    for extension in ("rss", "json"):
        other = _get(wire, f"/feeds/en.{extension}", category=tag)
        assert other.headers["content-type"] == MEDIA_TYPES[extension]
        assert (
            wire.http.get(
                f"/feeds/en.{extension}", params={"category": tag}, headers={"If-None-Match": other.headers["etag"]}
            ).status_code
            == 304
        )

    submit(wire, categories=[tag], headline="Acme opens another plant")
    changed = wire.http.get(path, params={"category": tag}, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    later = wire.http.get(path, params={"category": tag}, headers={"If-Modified-Since": modified})
    assert later.status_code == 200


def test_bad_parameters_are_refused_with_a_problem_naming_the_parameter(wire: PolywireServer) -> None:
    """An invalid language tag, a blank category, an unknown region and a made-up cursor are 4xx problem
    documents naming the parameter, never a 500; an unknown feed format is a 404."""
    for path, params, field in (
        ("/feeds/!!.atom", {}, "lang"),
        ("/feeds/en-.rss", {}, "lang"),
        ("/feeds/en.json", {"category": " "}, "category"),
        ("/feeds/en.atom", {"category": "x" * 300}, "category"),
        ("/feeds/en.atom", {"region": "XX"}, "region"),
        ("/feeds/all.atom", {"region": "Germany"}, "region"),
        ("/feeds/en.atom", {"before": "yesterday"}, "before"),
        ("/feeds/en.atom", {"before": "MjAyNi0xMi0wMQ"}, "before"),
    ):
        answer = wire.http.get(path, params=params)
        assert answer.status_code == 422, (path, params, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["field"] == field, (path, params)
    assert wire.http.get("/feeds/en.xml").status_code == 404
