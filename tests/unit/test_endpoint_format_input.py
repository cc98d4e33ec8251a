"""The endpoint input's format: the same names as the format registry, ninjs2 by default, told apart from unset."""

from __future__ import annotations

from typing import get_args

import pytest
from pydantic import ValidationError

from polywire.formats import DEFAULT_FORMAT, FORMATS
from polywire.services.inputs import EndpointFormat, EndpointIn


def test_endpoint_formats_are_the_registry() -> None:
    """Every format the registry renders may be chosen by an endpoint, and nothing else."""
    assert set(get_args(EndpointFormat)) == set(FORMATS)


def test_format_defaults_to_ninjs2_and_remembers_whether_it_was_given() -> None:
    """Left out, the format is the registry's default and not among the fields set (so a PATCH keeps the
    endpoint's own); given, it is."""
    plain = EndpointIn.model_validate({"type": "webhook", "url": "https://example.com/hook"})
    assert plain.format == DEFAULT_FORMAT == "ninjs2"
    assert "format" not in plain.model_fields_set
    chosen = EndpointIn.model_validate({"type": "webhook", "url": "https://example.com/hook", "format": "newsml-g2"})
    assert chosen.format == "newsml-g2" and "format" in chosen.model_fields_set


@pytest.mark.parametrize("bad", ["rss", "NINJS3", "", None, 2])
def test_unknown_format_names_the_field(bad: object) -> None:
    """A format outside the registry is refused at ``format`` with the known names in the message."""
    with pytest.raises(ValidationError) as refused:
        EndpointIn.model_validate({"type": "webhook", "url": "https://example.com/hook", "format": bad})
    (error,) = refused.value.errors()
    assert error["loc"] == ("format",)
    assert "ninjs3" in error["msg"] and "newsml-g2" in error["msg"]
