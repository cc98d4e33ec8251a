"""Web addresses written without a scheme or "www." ("saneamento.cidades.gov.br", "bohemiarail.cz/tickets").

Releases often give an address bare. Left to the engine, apertium splits it at its dots ("saneamento.cidades de
portal.gov.br"), so masking keeps it whole and the numbers check compares it like any URL. A bare address here is
lowercase labels joined by dots and ending in a common generic or a two-letter country domain, optionally with a
path; abbreviations ("e.g.", "a.m.") have one-letter labels and never match.
"""

from __future__ import annotations

import re

BARE_DOMAIN = re.compile(
    r"(?<![\w@./\-])(?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\.)+(?:com|org|net|gov|edu|int|info|biz|io|eu|[a-z]{2})"
    r"(?:/[A-Za-z0-9\-._~/?#\[\]@!$&*+,;=%]*[A-Za-z0-9/])?(?![\w@\-]|\.\w)"
)
