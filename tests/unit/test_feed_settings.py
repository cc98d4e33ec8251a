"""The feeds' settings as read from POLYWIRE_* variables: absolute URLs only, and bounded pages."""

from __future__ import annotations

import pytest

from polywire.config import Settings


def test_defaults_take_the_base_from_each_request_and_link_no_item_page() -> None:
    feeds = Settings.from_env({}).feeds
    assert (feeds.public_url, feeds.hub_url, feeds.item_url, feeds.title, feeds.page_size) == (
        None,
        None,
        None,
        "polywire",
        50,
    )


def test_urls_are_read_and_a_trailing_slash_is_dropped() -> None:
    feeds = Settings.from_env(
        {
            "POLYWIRE_PUBLIC_URL": "https://wire.example/news/",
            "POLYWIRE_WEBSUB_HUB": "https://hub.example/",
            "POLYWIRE_FEED_ITEM_URL": "https://press.example/{language}/{release_id}",
            "POLYWIRE_FEED_TITLE": "  Acme wire  ",
            "POLYWIRE_FEED_PAGE_SIZE": "20",
        }
    ).feeds
    assert feeds.public_url == "https://wire.example/news"
    assert feeds.hub_url == "https://hub.example"
    assert feeds.item_url == "https://press.example/{language}/{release_id}"
    assert (feeds.title, feeds.page_size) == ("Acme wire", 20)


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("POLYWIRE_PUBLIC_URL", "wire.example"),
        ("POLYWIRE_PUBLIC_URL", "ftp://wire.example"),
        ("POLYWIRE_PUBLIC_URL", "https://wire.example/?a=1"),
        ("POLYWIRE_WEBSUB_HUB", "/websub"),
        ("POLYWIRE_FEED_ITEM_URL", "https://press.example/{id}"),
        ("POLYWIRE_FEED_ITEM_URL", "press.example/{release_id}"),
        ("POLYWIRE_FEED_PAGE_SIZE", "501"),
        ("POLYWIRE_FEED_PAGE_SIZE", "0"),
    ],
)
def test_bad_values_are_refused_naming_the_variable(name: str, raw: str) -> None:
    with pytest.raises(ValueError, match=name):
        Settings.from_env({name: raw})
