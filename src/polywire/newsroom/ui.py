"""The newsroom's own words (buttons, headings, notices) in the languages it has them in, English otherwise.

A page is in its content's language (``<html lang>``); when the newsroom has no words of its own in that language,
its English words carry ``lang="en"`` in the page, so that screen readers pronounce each part in its language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

_EN = {
    "skip": "Skip to content",
    "languages": "Languages",
    "search": "Search",
    "search_label": "Search released items",
    "search_language": "Language",
    "any_language": "Any language",
    "latest": "Latest releases",
    "latest_in": "Latest releases in this language",
    "in_category": "Category",
    "categories": "Categories",
    "nothing": "Nothing has been released here yet.",
    "older": "Older releases",
    "released": "Released",
    "dateline": "Dateline",
    "byline": "By",
    "credit": "Credit",
    "disclaimer": "Disclaimer",
    "other_languages": "Also available in",
    "translation_of": "Machine-assisted translation of the original in",
    "corrected": "Corrected",
    "correction_note": "This release was corrected after it was published. The text below is the current text.",
    "withdrawn": "Withdrawn",
    "withdrawn_note": "This release was withdrawn by its publisher. Its text is no longer available.",
    "feeds": "Feeds",
    "results": "Results",
    "no_results": "No released item matches.",
    "not_found": "Not found",
    "not_found_note": "There is no public release at this address.",
    "bad_request": "Bad request",
    "home": "Newsroom home",
    "attribution": "Category names: IPTC Media Topics, CC BY 4.0.",
}
_ES = {
    "skip": "Saltar al contenido",
    "languages": "Idiomas",
    "search": "Buscar",
    "search_label": "Buscar en los comunicados publicados",
    "search_language": "Idioma",
    "any_language": "Cualquier idioma",
    "latest": "Últimos comunicados",
    "latest_in": "Últimos comunicados en este idioma",
    "in_category": "Categoría",
    "categories": "Categorías",
    "nothing": "Todavía no se ha publicado nada aquí.",
    "older": "Comunicados anteriores",
    "released": "Publicado",
    "dateline": "Lugar y fecha",
    "byline": "Por",
    "credit": "Crédito",
    "disclaimer": "Aviso",
    "other_languages": "También disponible en",
    "translation_of": "Traducción asistida por máquina del original en",
    "corrected": "Corregido",
    "correction_note": "Este comunicado se corrigió después de publicarse. El texto siguiente es el vigente.",
    "withdrawn": "Retirado",
    "withdrawn_note": "Su editor retiró este comunicado. Su texto ya no está disponible.",
    "feeds": "Canales",
    "results": "Resultados",
    "no_results": "Ningún comunicado publicado coincide.",
    "not_found": "No encontrado",
    "not_found_note": "No hay ningún comunicado público en esta dirección.",
    "bad_request": "Solicitud incorrecta",
    "home": "Inicio de la sala de prensa",
    "attribution": "Nombres de categorías: IPTC Media Topics, CC BY 4.0.",
}
_CATALOGUE: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {"en": MappingProxyType(_EN), "es": MappingProxyType(_ES)}
)


@dataclass(frozen=True, slots=True)
class UIText:
    """The newsroom's words for a page, and the language they are in."""

    language: str
    strings: Mapping[str, str]


def ui_text(language: str) -> UIText:
    """The words for a page in ``language`` (its primary subtag decides), English when there are none."""
    primary = language.split("-")[0].lower()
    if primary in _CATALOGUE:
        return UIText(language=primary, strings=_CATALOGUE[primary])
    return UIText(language="en", strings=_CATALOGUE["en"])
