"""/feeds: the public feeds of released items, per language, in Atom 1.0, RSS 2.0 and JSON Feed 1.1.

``/feeds/{lang}.atom|.rss|.json`` list the items a reader of ``lang`` gets (``/feeds/all.*`` every language), newest
release first, optionally only one ``category`` or ``region``; ``before`` is the paging cursor of a ``next``
link. No key is needed: only released items are listed (``services.published``), so there is nothing to hide.

HTTP caching, since thousands of outlets poll these:

* ``ETag`` is strong and made from the bytes sent (a gzip body has its own), so it changes exactly when the
  document does; ``If-None-Match`` answers 304 when it matches.
* ``Last-Modified`` is the last public change anywhere on the wire (``services.published.last_changed``, read
  before the page, so it never runs ahead of what is shown). That is conservative: a change in another feed moves
  it too, which costs a 200 now and then but never a wrong 304. It is left out while that change is less than a
  second old, because HTTP dates have whole seconds and a second change within the same second would be invisible
  to ``If-Modified-Since``. ``If-Modified-Since`` is consulted only without ``If-None-Match`` (RFC 9110).
* ``Cache-Control: public, max-age=60``: shared caches may serve a feed for a minute. An embargo cannot leak
  through a cache (a page is only ever made of what was released when it was made); the minute is how late a
  release or a withdrawal may show in a cached copy, and the WebSub hub is the way to hear of them at once.
* ``Vary: Accept-Encoding``: the body is gzip-compressed for clients that take it.
"""

from __future__ import annotations

import gzip
import hashlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from polywire.clock import utc_now
from polywire.feeds import (
    EVERY_LANGUAGE,
    FEED_FORMATS,
    FeedFormat,
    feed_document,
)
from polywire.services.published import Cursor, last_changed, published, selection
from polywire.web.deps import RuntimeDep

router = APIRouter(prefix="/feeds", tags=["feeds"])

CACHE_CONTROL = "public, max-age=60"
# When nothing was ever released, an empty feed still needs an ``updated``.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"

Category = Annotated[
    str | None,
    Query(
        max_length=200,
        description="Only items in this category: an IPTC Media Topic (medtop:04000000, 04000000 or its URI) or "
        "a category as publishers write it (ignoring ASCII case).",
    ),
]
Region = Annotated[str | None, Query(max_length=10, description="Only items about this ISO 3166-1 alpha-2 region.")]
Before = Annotated[str | None, Query(max_length=200, description="The paging cursor of a feed's next link (opaque).")]
Language = Annotated[str, Path(description="A BCP 47 language tag, or `all` for every language.")]


def _responses(media_type: str) -> dict[int | str, dict[str, object]]:
    return {
        200: {"description": "The feed", "content": {media_type: {}}},
        304: {"description": "Not modified since the ETag or date the client holds"},
    }


@router.get(
    "/{lang}.atom",
    response_class=Response,
    responses=_responses(FEED_FORMATS["atom"].media_type),
    summary="Atom 1.0 feed (with RFC 6721 deleted entries)",
)
def atom_feed(
    lang: Language,
    request: Request,
    runtime: RuntimeDep,
    category: Category = None,
    region: Region = None,
    before: Before = None,
) -> Response:
    """Released items as Atom 1.0; withdrawn ones as ``at:deleted-entry`` on the first page."""
    return _serve(FEED_FORMATS["atom"], lang, request, runtime, category, region, before)


@router.get(
    "/{lang}.rss",
    response_class=Response,
    responses=_responses(FEED_FORMATS["rss"].media_type),
    summary="RSS 2.0 feed",
)
def rss_feed(
    lang: Language,
    request: Request,
    runtime: RuntimeDep,
    category: Category = None,
    region: Region = None,
    before: Before = None,
) -> Response:
    """Released items as RSS 2.0; withdrawn ones leave it."""
    return _serve(FEED_FORMATS["rss"], lang, request, runtime, category, region, before)


@router.get(
    "/{lang}.json",
    response_class=Response,
    responses=_responses(FEED_FORMATS["json"].media_type),
    summary="JSON Feed 1.1",
)
def json_feed(
    lang: Language,
    request: Request,
    runtime: RuntimeDep,
    category: Category = None,
    region: Region = None,
    before: Before = None,
) -> Response:
    """Released items as JSON Feed 1.1; withdrawn ones leave it."""
    return _serve(FEED_FORMATS["json"], lang, request, runtime, category, region, before)


def _serve(
    output: FeedFormat,
    lang: str,
    request: Request,
    runtime: RuntimeDep,
    category: str | None,
    region: str | None,
    before: str | None,
) -> Response:
    choice = selection(language=None if lang == EVERY_LANGUAGE else lang, category=category, region=region)
    cursor = Cursor.parse(before) if before is not None else None
    settings = runtime.settings.feeds
    base = settings.public_url or str(request.base_url).rstrip("/")
    now = utc_now()
    with runtime.reading() as db:
        # Read first, so that Last-Modified never runs ahead of the page below.
        changed = last_changed(db=db, now=now)
        page = published(db=db, choice=choice, now=now, before=cursor, limit=settings.page_size)
    token = cursor.token() if cursor is not None else None
    document = feed_document(
        output=output, choice=choice, page=page, changed=changed, settings=settings, base=base, before=token
    )
    body = output.render(document)
    etag = hashlib.sha256(body).hexdigest()[:32]
    headers = {
        "Cache-Control": CACHE_CONTROL,
        "Vary": "Accept-Encoding",
        "Link": f'<{quote(document.hub_url or "", safe=_URL_SAFE)}>; rel="hub", '
        f'<{quote(document.self_url, safe=_URL_SAFE)}>; rel="self"',
        "X-Content-Type-Options": "nosniff",
    }
    if choice.language is not None:
        headers["Content-Language"] = choice.language
    compress = _accepts_gzip(request.headers.get("accept-encoding"))
    if compress:
        # The compressed body is another representation, so it has another strong ETag.
        etag += "-gzip"
        headers["Content-Encoding"] = "gzip"
    headers["ETag"] = f'"{etag}"'
    modified = _last_modified(changed, now)
    if modified is not None:
        headers["Last-Modified"] = format_datetime(modified, usegmt=True)
    if _not_modified(request, headers["ETag"], modified):
        return Response(status_code=304, headers=headers)
    if compress:
        # mtime=0: the same document always compresses to the same bytes.
        body = gzip.compress(body, compresslevel=6, mtime=0)
    return Response(body, media_type=output.media_type, headers=headers)


def _accepts_gzip(header: str | None) -> bool:
    for part in (header or "").split(","):
        coding, _, parameters = part.partition(";")
        if coding.strip().lower() not in ("gzip", "x-gzip"):
            continue
        for parameter in parameters.split(";"):
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    return float(value) > 0
                except ValueError:
                    return False
        return True
    return False


def _last_modified(changed: datetime | None, now: datetime) -> datetime | None:
    """The Last-Modified date (whole seconds), or None while the last change is in the current second."""
    if changed is None:
        return None
    second = changed.astimezone(UTC).replace(microsecond=0)
    if now.astimezone(UTC) < second + timedelta(seconds=1):
        return None
    return second


def _not_modified(request: Request, etag: str, modified: datetime | None) -> bool:
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        # Weak comparison, as RFC 9110 prescribes for If-None-Match.
        offered = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in offered or etag in offered
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since is None or modified is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return modified <= since


# Feed readers check for changes with HEAD too. Routed alongside GET but left out of the OpenAPI document, where a
# second method on the same function would repeat its operation id.
for _path, _endpoint in (("/{lang}.atom", atom_feed), ("/{lang}.rss", rss_feed), ("/{lang}.json", json_feed)):
    router.add_api_route(_path, _endpoint, methods=["HEAD"], response_class=Response, include_in_schema=False)
