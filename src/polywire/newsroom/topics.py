"""Categories spelled out in the reader's language, from the IPTC Media Topics labels shipped with the package.

A release's categories are Media Topic codes (``medtop:04000000``, ``04000000`` or the topic's URI) or words the
publisher wrote (``economy``). A code is shown as the topic's label in the reader's language; a word that is a
topic's English label (ignoring case) is that topic too, so ``economy`` reads "Economía" on a Spanish page; any
other word is shown as written. ``data/mediatopics.json`` holds every topic's labels as IPTC publishes them
(CC BY 4.0; derived from the x-all export in shared/standards): ar, da, de, en, es, fr, pt-BR, pt-PT, sv and
zh-Hans. IPTC's file spells Danish ``dk``, Swedish ``se`` (Northern Sami in BCP 47) and English ``en-GB``; the
derived file says ``da``, ``sv`` and ``en``. A language without labels falls back to English.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

_MEDIATOPIC = re.compile(r"(?:medtop:|https?://cv\.iptc\.org/newscodes/mediatopic/)?(\d{8})", re.IGNORECASE)
# Where a reader's language has no labels of its own but a close one does.
_CLOSEST = {"pt": "pt-PT", "zh": "zh-Hans", "nb": "da", "no": "da", "nn": "da"}


@dataclass(frozen=True, slots=True)
class Category:
    """One category of a release as a reader sees it: what the publisher stored (the value of a ``?category=``
    filter), the words to show, their language (None when shown as written), and the Media Topic code if any."""

    value: str
    label: str
    language: str | None
    code: str | None


@cache
def _labels() -> dict[str, dict[str, str]]:
    text = resources.files("polywire.newsroom").joinpath("data/mediatopics.json").read_text(encoding="utf-8")
    labels: dict[str, dict[str, str]] = json.loads(text)["labels"]
    return labels


@cache
def _by_english_label() -> dict[str, str]:
    return {names["en"].casefold(): code for code, names in _labels().items() if "en" in names}


def _label_language(names: dict[str, str], language: str) -> str:
    """The key of ``names`` that best serves a reader of ``language`` (BCP 47), English at worst."""
    tag = language.replace("_", "-")
    primary = tag.split("-")[0].lower()
    for candidate in (tag, primary, _CLOSEST.get(primary, "")):
        for key in names:
            if candidate and key.lower() == candidate.lower():
                return key
    # A regional tag of a language with labels only for some regions (pt-AO reads pt-PT's before English).
    for key in sorted(names):
        if key.split("-")[0].lower() == primary:
            return key
    return "en"


def spell_out(category: str, language: str) -> Category:
    """``category`` as a reader of ``language`` should see it."""
    match = _MEDIATOPIC.fullmatch(category.strip())
    code = match.group(1) if match else _by_english_label().get(category.strip().casefold())
    names = _labels().get(code) if code else None
    if not names:
        return Category(value=category, label=category, language=None, code=None)
    key = _label_language(names, language)
    label = names.get(key) or names.get("en") or category
    # IPTC's labels are capitalised in some languages and not in others; a list of them reads better one way.
    return Category(value=category, label=label[:1].upper() + label[1:], language=key, code=f"medtop:{code}")
