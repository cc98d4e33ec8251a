"""What clients send, validated once for the API and the CLI alike.

Every refusal names the field it concerns (pydantic's error location), so the API can answer with a problem
document that points at it and ``subscribers import`` can report rejected lines precisely.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import langcodes
import nh3
import pycountry
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator

# C0 control characters other than tab, newline and carriage return, DEL, and the C1 range.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def _no_control(value: str) -> str:
    match = _CONTROL.search(value)
    if match:
        raise ValueError(f"contains a control character (U+{ord(match.group()):04X})")
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value.strip()


def _language_tag(value: str) -> str:
    if not langcodes.tag_is_valid(value):
        raise ValueError(f"{value!r} is not a valid BCP 47 language tag")
    return str(langcodes.standardize_tag(value))


def _country_code(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
    return code


def _sanitise_html(value: str) -> str:
    # nh3 (ammonia) drops scripts, event-handler attributes, javascript: URLs, iframes and anything else outside
    # its allow-list; what remains is safe to show in a newsroom page or a CMS.
    return str(nh3.clean(value, link_rel="noopener noreferrer nofollow"))


def parse_rfc3339(value: Any) -> datetime:
    """A strict RFC 3339 timestamp with an explicit offset; naive or loosely formatted times are refused."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("must carry a time-zone offset")
        return value.astimezone(UTC)
    if not isinstance(value, str) or not _RFC3339.match(value):
        raise ValueError("must be an RFC 3339 timestamp such as 2026-12-01T09:00:00Z")
    try:
        parsed = datetime.fromisoformat(value.replace("z", "Z").replace("t", "T"))
    except ValueError as exc:
        raise ValueError(f"is not a real date and time: {exc}") from exc
    return parsed.astimezone(UTC)


Text = Annotated[str, AfterValidator(_no_control)]
RequiredText = Annotated[str, AfterValidator(_no_control), AfterValidator(_not_blank)]
LanguageTag = Annotated[str, AfterValidator(_no_control), AfterValidator(_language_tag)]
CountryCode = Annotated[str, AfterValidator(_no_control), AfterValidator(_country_code)]
Category = Annotated[str, AfterValidator(_no_control), AfterValidator(_not_blank), Field(max_length=200)]
Timestamp = Annotated[datetime, BeforeValidator(parse_rfc3339)]


class _Strict(BaseModel):
    # Unknown fields are refused: a misspelt "embargo_untill" must not silently publish at once.
    model_config = ConfigDict(extra="forbid", str_max_length=1024 * 1024)


# The standard outputs a webhook endpoint may choose (``polywire.formats.FORMATS``; a unit test keeps the two in
# step). A Literal rather than a lookup so that the OpenAPI document lists them and a refusal names them.
EndpointFormat = Literal["ninjs2", "ninjs3", "newsml-g2"]


class EndpointIn(_Strict):
    type: Literal["webhook"]
    url: Annotated[str, AfterValidator(_no_control), Field(min_length=1, max_length=2048)]
    secret: Text | None = None
    # What the endpoint receives: a ninjs 2.2 or 3.1 item in the Standard Webhooks envelope, or the NewsML-G2
    # document itself. On a PATCH, an endpoint listed again without a format keeps the one it has
    # (``"format" in model_fields_set`` tells the two apart), as it keeps its secret.
    format: EndpointFormat = "ninjs2"


class SubscriberIn(_Strict):
    name: Annotated[RequiredText, Field(max_length=300)]
    kind: Literal["outlet", "journalist", "desktop"]
    languages: Annotated[list[LanguageTag], Field(max_length=100)] = []
    countries: Annotated[list[CountryCode], Field(max_length=300)] = []
    categories: Annotated[list[Category], Field(max_length=500)] = []
    # Every language it lists that is deliverable, not only the most preferred; strict: "yes" or 1 is refused.
    all_languages: Annotated[bool, Field(strict=True)] = False
    endpoints: Annotated[list[EndpointIn], Field(max_length=20)] = []


class SubscriberPatch(_Strict):
    name: Annotated[RequiredText, Field(max_length=300)] | None = None
    kind: Literal["outlet", "journalist", "desktop"] | None = None
    languages: Annotated[list[LanguageTag], Field(max_length=100)] | None = None
    countries: Annotated[list[CountryCode], Field(max_length=300)] | None = None
    categories: Annotated[list[Category], Field(max_length=500)] | None = None
    all_languages: Annotated[bool, Field(strict=True)] | None = None
    endpoints: Annotated[list[EndpointIn], Field(max_length=20)] | None = None


class SecretRotationIn(_Strict):
    secret: Text | None = None
    overlap_seconds: Annotated[int, Field(ge=0, le=7 * 24 * 3600)] = 24 * 3600


class _ReleaseFields(_Strict):
    summary: Annotated[Text, Field(max_length=5000)] | None = None
    categories: Annotated[list[Category], Field(max_length=50)] | None = None
    regions: Annotated[list[CountryCode], Field(max_length=300)] | None = None
    # strict: in lax mode pydantic takes JSON true as 1 and 5.0 as 5; an urgency is a whole number, not a flag.
    urgency: Annotated[int, Field(ge=1, le=9, strict=True)] | None = None
    byline: Annotated[Text, Field(max_length=500)] | None = None
    credit: Annotated[Text, Field(max_length=500)] | None = None
    dateline: Annotated[Text, Field(max_length=500)] | None = None
    disclaimer: Annotated[Text, Field(max_length=5000)] | None = None


ProtectedTerm = Annotated[str, AfterValidator(_no_control), AfterValidator(_not_blank), Field(max_length=200)]


class ReleaseIn(_ReleaseFields):
    headline: Annotated[RequiredText, Field(max_length=1000)]
    body_html: Annotated[RequiredText, AfterValidator(_sanitise_html)]
    language: LanguageTag
    embargo_until: Timestamp | None = None
    # Leave out to localise into every language that matching subscribers read; [] means the original only.
    target_languages: Annotated[list[LanguageTag], Field(max_length=50)] | None = None
    # Names, brands and other terms that must reach every language unchanged.
    protected_terms: Annotated[list[ProtectedTerm], Field(max_length=200)] | None = None

    @field_validator("body_html")
    @classmethod
    def _body_survives_sanitising(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("has no content left after removing unsafe markup")
        return value


class CorrectionIn(_ReleaseFields):
    headline: Annotated[RequiredText, Field(max_length=1000)] | None = None
    body_html: Annotated[RequiredText, AfterValidator(_sanitise_html)] | None = None
    ednote: Annotated[Text, Field(max_length=5000)] | None = None

    def changes(self) -> dict[str, Any]:
        """The editorial fields the correction sets (ednote is about the correction, not the content)."""
        return {k: v for k, v in self.model_dump(exclude_unset=True).items() if k != "ednote"}


class LocalizationEdit(_Strict):
    """An editor's changes to a translation when approving it; the body is sanitised like a submitted one."""

    headline: Annotated[RequiredText, Field(max_length=1000)] | None = None
    summary: Annotated[Text, Field(max_length=5000)] | None = None
    body_html: Annotated[RequiredText, AfterValidator(_sanitise_html)] | None = None

    @field_validator("body_html")
    @classmethod
    def _body_survives_sanitising(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("has no content left after removing unsafe markup")
        return value


class WithdrawIn(_Strict):
    reason: Annotated[RequiredText, Field(max_length=5000)]


class GatePolicyIn(_Strict):
    """A publisher's choice of quality-gate preset (the service refuses a name that is not a preset)."""

    gate_policy: Annotated[str, Field(min_length=1, max_length=40)]


def _single_spaced(value: str) -> str:
    # Terms are matched in the text word for word with single spaces between; a doubled space or a line break
    # typed into a glossary would otherwise make the term never match.
    return " ".join(value.split())


def _has_word(value: str) -> str:
    # A term of punctuation alone ("&", "—") would be masked wherever it stands, in every release.
    if not any(character.isalnum() for character in value):
        raise ValueError("must contain a letter or a digit")
    return value


GlossaryTerm = Annotated[
    str,
    Field(max_length=200),
    AfterValidator(_no_control),
    AfterValidator(_not_blank),
    AfterValidator(_single_spaced),
    AfterValidator(_has_word),
]
MAX_GLOSSARY_ENTRIES = 5000
MAX_DO_NOT_TRANSLATE = 1000


class GlossaryEntryIn(_Strict):
    """A forced translation: wherever ``source`` stands in a release (ignoring case), ``target`` is written."""

    source: GlossaryTerm
    target: GlossaryTerm


class GlossaryIn(_Strict):
    """A publisher's glossary for one language pair, created or replaced whole.

    Checks across entries (a source term listed twice, a term both forced and kept verbatim) need the whole
    list and are made by ``services.glossaries``, which names the offending entry the same way.
    """

    name: Annotated[RequiredText, Field(max_length=200)]
    source_language: LanguageTag
    # A primary tag ("es") applies to every variety of the language; a regional one ("pt-BR") to that variety
    # only, where it takes precedence over the primary tag's glossary.
    target_language: LanguageTag
    entries: Annotated[list[GlossaryEntryIn], Field(max_length=MAX_GLOSSARY_ENTRIES)] = []
    # Brands, products and names that must reach the target language verbatim (matched case-sensitively).
    do_not_translate: Annotated[list[GlossaryTerm], Field(max_length=MAX_DO_NOT_TRANSLATE)] = []
    # An admin names the organisation the glossary belongs to; a publisher's is always its own.
    organization: Annotated[RequiredText, Field(max_length=200)] | None = None
