"""The public newsroom: server-rendered HTML pages of released items, readable without JavaScript or a key.

``GET /`` lists the latest releases (each once, in its original language) with a language switcher and their
categories; ``GET /{lang}/`` lists what a reader of ``lang`` gets (``services.published``: the original in that
language, else its released translation); ``GET /{lang}/releases/{release_id}`` is one release in one language,
canonical at that URL, with ``hreflang`` links to its other languages; ``GET /search?q=&lang=`` searches released
items (``services.search``). Unknown, embargoed and held items are the same 404, so no page tells that an
embargoed release exists; a withdrawn one is a 410 with a notice and no text.

Templates are Jinja2 with autoescaping on. A body is the one value rendered as markup, because it was sanitised
with nh3 when submitted (and a translation is made from, and checked against, sanitised HTML). The pages carry a
Content-Security-Policy without any script source, so even a sanitiser miss could not run a script. Pages may be
stored by caches but are revalidated on every view (``no-cache``, a strong ``ETag`` from the bytes, 304 on
``If-None-Match``), so that an embargo lifting, a correction or a withdrawal shows at once; a cached page is only
ever made of what was released when it was made, so an embargo cannot leak through a cache. Errors are
``no-store``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import Annotated, Any
from urllib.parse import urlencode

import langcodes
from babel import Locale, UnknownLocaleError
from babel.dates import format_datetime
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from polywire.clock import utc_now
from polywire.errors import InvalidInput
from polywire.feeds import feed_url
from polywire.newsroom.topics import Category, spell_out
from polywire.newsroom.ui import ui_text
from polywire.services.newsroom import ItemPage, public_languages, released_item
from polywire.services.published import Cursor, PublishedItem, Selection, published, selection
from polywire.services.search import SearchHit, search_released, search_words
from polywire.web.deps import RuntimeDep

router = APIRouter(tags=["newsroom"], include_in_schema=False)

# Caches keep pages but ask again each time (a 304 when the ETag still matches): an embargo lifting, a correction
# or a withdrawal must show on the next view, not a max-age later. Error pages are not kept at all, so that the
# 404 of a release before its embargo never outlives the embargo.
CACHE_CONTROL = "public, no-cache"
PAGE_SIZE = 20
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' https: data:; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
_HTML = "text/html; charset=utf-8"

_templates = Environment(
    loader=PackageLoader("polywire.newsroom", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _iso(moment: datetime) -> str:
    """A moment as HTML's valid global date and time string (at most three digits of fraction)."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


_templates.filters["iso"] = _iso
_STYLESHEET = resources.files("polywire.newsroom").joinpath("static/newsroom.css").read_bytes()
_STYLESHEET_TAG = hashlib.sha256(_STYLESHEET).hexdigest()[:16]

Before = Annotated[str | None, Query(max_length=200)]
CategoryFilter = Annotated[str | None, Query(max_length=200)]


@dataclass(frozen=True, slots=True)
class LanguageLink:
    """A language as a link: its tag, its name in itself, its direction, and where it leads."""

    tag: str
    name: str
    dir: str
    href: str
    current: bool = False


@dataclass(frozen=True, slots=True)
class ListedItem:
    """An item in a list: headline, summary, language, release time shown in the page's language, page URL."""

    headline: str
    summary: str | None
    language: str
    dir: str
    href: str
    released_at: datetime
    released_text: str
    categories: tuple[Category, ...]


def _base(request: Request, runtime: RuntimeDep) -> str:
    return runtime.settings.feeds.public_url or str(request.base_url).rstrip("/")


def _locale(tag: str) -> Locale | None:
    try:
        return Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        try:
            return Locale.parse(tag.split("-")[0])
        except (UnknownLocaleError, ValueError, TypeError):
            return None


def direction(tag: str) -> str:
    """``rtl`` for languages written right to left (Arabic, Hebrew, Persian, Urdu…), else ``ltr``."""
    locale = _locale(tag)
    return "rtl" if locale is not None and locale.character_order == "right-to-left" else "ltr"


def autonym(tag: str) -> str:
    """The language's name in itself ("español"), or the tag when CLDR does not know it."""
    locale = _locale(tag)
    name = locale.get_display_name(locale) if locale is not None else None
    return name[:1].upper() + name[1:] if name else tag


def _when(moment: datetime, tag: str) -> str:
    try:
        return format_datetime(moment, "long", tzinfo=moment.tzinfo, locale=(_locale(tag) or Locale("en")))
    except (ValueError, KeyError):
        return moment.isoformat()


def _standard_language(lang: str) -> str | None:
    """The BCP 47 tag of a path segment, or None when it is not one (then the path is not a newsroom page)."""
    if len(lang) > 35 or not langcodes.tag_is_valid(lang):
        return None
    return str(langcodes.standardize_tag(lang))


def _item_href(base: str, language: str, release_id: str) -> str:
    return f"{base}/{language}/releases/{release_id}"


def _feeds(base: str, language: str | None) -> list[dict[str, str]]:
    scope = Selection(language=language)
    name = language or "every language"
    return [
        {"type": "application/atom+xml", "title": f"Atom feed ({name})", "href": feed_url(base, "atom", scope)},
        {"type": "application/rss+xml", "title": f"RSS feed ({name})", "href": feed_url(base, "rss", scope)},
        {"type": "application/feed+json", "title": f"JSON Feed ({name})", "href": feed_url(base, "json", scope)},
    ]


def _switcher(base: str, languages: Iterable[str], current: str | None) -> list[LanguageLink]:
    return [
        LanguageLink(tag=tag, name=autonym(tag), dir=direction(tag), href=f"{base}/{tag}/", current=tag == current)
        for tag in languages
    ]


def _item_links(base: str, item: ItemPage, languages: Iterable[str]) -> list[LanguageLink]:
    """Links to the same release in ``languages``, the page's own marked current."""
    return [
        LanguageLink(
            tag=tag,
            name=autonym(tag),
            dir=direction(tag),
            href=_item_href(base, tag, item.release_id),
            current=tag == item.language,
        )
        for tag in languages
    ]


def _listed(base: str, item: PublishedItem | SearchHit, page_language: str, categories: Iterable[str]) -> ListedItem:
    headline = item.content.headline if isinstance(item, PublishedItem) else item.headline
    summary = item.content.summary if isinstance(item, PublishedItem) else item.summary
    return ListedItem(
        headline=headline,
        summary=summary,
        language=item.language,
        dir=direction(item.language),
        href=_item_href(base, item.language, item.release_id),
        released_at=item.released_at,
        released_text=_when(item.released_at, page_language),
        categories=tuple(spell_out(category, page_language) for category in categories),
    )


def _render(request: Request, template: str, *, status: int = 200, language: str = "en", **context: Any) -> Response:
    ui = ui_text(language)
    page = _templates.get_template(template).render(
        lang=language,
        dir=direction(language),
        ui=ui.strings,
        # Where the newsroom has no words of its own in the page's language, its English ones say so, so that a
        # screen reader pronounces each part in its language.
        chrome=Markup("") if ui.language == language.split("-")[0].lower() else Markup(' lang="en" dir="ltr"'),
        stylesheet=f"/static/newsroom.css?v={_STYLESHEET_TAG}",
        **context,
    )
    body = page.encode()
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    headers = {
        "Cache-Control": CACHE_CONTROL if status in (200, 410) else "no-store",
        "Content-Language": language,
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "ETag": etag,
        "Vary": "Accept-Encoding",
    }
    if status == 200 and _matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(body, status_code=status, media_type=_HTML, headers=headers)


def _matches(if_none_match: str | None, etag: str) -> bool:
    if if_none_match is None:
        return False
    offered = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in offered or etag in offered


def _not_found(request: Request, runtime: RuntimeDep, language: str = "en") -> Response:
    base = _base(request, runtime)
    return _render(
        request,
        "not_found.html",
        status=404,
        # The page holds nothing but the newsroom's words, so it is in their language.
        language=ui_text(language).language,
        base=base,
        languages=[],
        feeds=_feeds(base, None),
        alternates=[],
        canonical=None,
    )


@router.get("/static/newsroom.css")
def stylesheet() -> Response:
    """The newsroom's only stylesheet; its URL carries its hash, so it may be cached for a year."""
    return Response(
        _STYLESHEET,
        media_type="text/css; charset=utf-8",
        headers={"Cache-Control": "public, max-age=31536000, immutable", "X-Content-Type-Options": "nosniff"},
    )


@router.get("/")
def home(request: Request, runtime: RuntimeDep, before: Before = None) -> Response:
    """The latest releases, each in its original language, with the language switcher and their categories."""
    return _list_page(request, runtime, language=None, category=None, before=before)


@router.get("/search")
def search_page(
    request: Request,
    runtime: RuntimeDep,
    q: Annotated[str | None, Query(max_length=1000)] = None,
    lang: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    """Released items whose headline, summary or body hold every word of ``q``, in ``lang`` if given."""
    base = _base(request, runtime)
    now = utc_now()
    language: str | None = None
    problem: str | None = None
    hits: list[SearchHit] = []
    try:
        if lang:
            language = selection(language=lang).language
        if q is not None:
            words = search_words(q)
            with runtime.reading() as db:
                hits = search_released(db=db, words=words, language=language, now=now)
    except InvalidInput as exc:
        problem = f"{exc.field}: {exc.message}"
    with runtime.reading() as db:
        languages = public_languages(db=db, now=now)
    page_language = language or "en"
    return _render(
        request,
        "search.html",
        status=400 if problem else 200,
        language=page_language,
        base=base,
        query=q or "",
        query_language=language or "",
        problem=problem,
        searched=q is not None and problem is None,
        results=[_listed(base, hit, page_language, ()) for hit in hits],
        languages=_switcher(base, languages, language),
        feeds=_feeds(base, language),
        alternates=[],
        canonical=None,
        robots="noindex",
    )


@router.get("/{lang}/")
def language_page(
    request: Request,
    runtime: RuntimeDep,
    lang: Annotated[str, Path(max_length=100)],
    category: CategoryFilter = None,
    before: Before = None,
) -> Response:
    """What a reader of ``lang`` gets, newest release first, optionally in one category."""
    language = _standard_language(lang)
    if language is None:
        return _not_found(request, runtime)
    return _list_page(request, runtime, language=language, category=category, before=before)


@router.get("/{lang}/releases/{release_id}")
def item_page(
    request: Request,
    runtime: RuntimeDep,
    lang: Annotated[str, Path(max_length=100)],
    release_id: Annotated[str, Path(max_length=100)],
) -> Response:
    """One release in one of its languages: the canonical page of that item."""
    language = _standard_language(lang)
    if language is None:
        return _not_found(request, runtime)
    now = utc_now()
    with runtime.reading() as db:
        item = released_item(db=db, release_id=release_id, language=language, now=now)
    if item is None:
        return _not_found(request, runtime, language)
    return _item(request, runtime, item)


def _item(request: Request, runtime: RuntimeDep, item: ItemPage) -> Response:
    base = _base(request, runtime)
    others = [tag for tag in item.languages if tag != item.language]
    alternates = [{"hreflang": tag, "href": _item_href(base, tag, item.release_id)} for tag in item.languages]
    # x-default: the original, for a reader none of the languages suits.
    alternates.append({"hreflang": "x-default", "href": _item_href(base, item.original_language, item.release_id)})
    content = item.content
    context: dict[str, Any] = {
        "base": base,
        "item": item,
        "content": content,
        # Sanitised with nh3 at submission (services.inputs); the only value rendered as markup.
        "body": Markup(content.body_html) if content is not None else None,
        "categories": [spell_out(category, item.language) for category in content.categories] if content else [],
        "released_text": _when(item.released_at, item.language),
        "corrected_text": _when(item.correction.corrected_at, item.language) if item.correction else None,
        "withdrawn_text": _when(item.withdrawn_at, item.language) if item.withdrawn_at else None,
        "other_languages": _item_links(base, item, others),
        "original_link": _item_links(base, item, [item.original_language])[0] if item.is_translation else None,
        "languages": _item_links(base, item, item.languages),
        "feeds": _feeds(base, item.language),
        "alternates": alternates,
        "canonical": _item_href(base, item.language, item.release_id),
    }
    status = 410 if item.withdrawn_at is not None else 200
    return _render(request, "item.html", status=status, language=item.language, **context)


def _list_page(
    request: Request, runtime: RuntimeDep, *, language: str | None, category: str | None, before: str | None
) -> Response:
    base = _base(request, runtime)
    now = utc_now()
    try:
        choice = selection(language=language, category=category)
        cursor = Cursor.parse(before) if before is not None else None
    except InvalidInput as exc:
        return _bad_request(request, runtime, f"{exc.field}: {exc.message}", language or "en")
    with runtime.reading() as db:
        page = published(db=db, choice=choice, now=now, before=cursor, limit=PAGE_SIZE)
        languages = public_languages(db=db, now=now)
    page_language = language or "en"
    # The home page shows each release once, in its original language; a language page what its readers get.
    items = [item for item in page.items if language is not None or not item.is_translation]
    listed = [_listed(base, item, page_language, item.content.categories) for item in items]
    categories: dict[str, Category] = {}
    for entry in listed:
        for spelled in entry.categories:
            categories.setdefault(spelled.label.casefold(), spelled)
    path = f"{base}/{language}/" if language else f"{base}/"
    next_url = None
    if page.next is not None:
        params = {key: value for key, value in (("category", category), ("before", page.next.token())) if value}
        next_url = f"{path}?{urlencode(params)}"
    canonical = path + (f"?{urlencode({'category': category})}" if category else "")
    return _render(
        request,
        "list.html",
        language=page_language,
        base=base,
        scope=language,
        category=spell_out(category, page_language) if category else None,
        results=listed,
        categories=sorted(categories.values(), key=lambda spelled: spelled.label.casefold()),
        category_base=f"{base}/{page_language}/",
        languages=_switcher(base, languages, language),
        feeds=_feeds(base, language),
        alternates=[{"hreflang": tag, "href": f"{base}/{tag}/"} for tag in languages]
        + ([{"hreflang": "x-default", "href": f"{base}/"}] if languages else []),
        canonical=canonical,
        next_url=next_url,
        robots=None,
    )


def _bad_request(request: Request, runtime: RuntimeDep, problem: str, language: str) -> Response:
    base = _base(request, runtime)
    return _render(
        request,
        "bad_request.html",
        status=400,
        language=language,
        base=base,
        problem=problem,
        languages=[],
        feeds=_feeds(base, None),
        alternates=[],
        canonical=None,
    )
