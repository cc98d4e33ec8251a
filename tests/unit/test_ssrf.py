"""SSRF guard: address classification, URL checks at registration and the connect-time guard."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import AsyncIterator, Sequence
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

from polywire.deliver.ssrf import (
    GuardedResolver,
    UnsafeConnection,
    UnsafeEndpoint,
    check_endpoint_url,
    is_public_address,
    make_connector,
)

REFUSED = [
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "192.0.2.1",
    "198.18.0.1",
    "::",
    "::1",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "fec0::1",
    "ff02::1",
    "2001:db8::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "64:ff9b::7f00:1",
    "2002:7f00:1::",
    "2002:a9fe:a9fe::1",
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo whose client is 192.0.2.45 (documentation)
]
ACCEPTED = [
    "8.8.8.8",
    "1.1.1.1",
    "2606:4700:4700::1111",
    "::ffff:8.8.8.8",  # IPv4-mapped, judged by the public IPv4 inside
    "64:ff9b::808:808",  # NAT64 to 8.8.8.8
    "2002:808:808::1",  # 6to4 for 8.8.8.8
]


@pytest.mark.parametrize("address", REFUSED)
def test_non_public_addresses_are_refused(address: str) -> None:
    """Loopback, private, link-local, shared, multicast, reserved and documentation space is not public."""
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ACCEPTED)
def test_public_addresses_are_accepted(address: str) -> None:
    """Ordinary global unicast addresses, including IPv6 forms of public IPv4 addresses, are public."""
    assert is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/hook", "must use http or https"),
        ("javascript:alert(1)", "must use http or https"),
        ("example.com/hook", "must use http or https"),
        ("http:///hook", "must have a host"),
        ("https://user:pass@example.com/hook", "must not contain credentials"),
        ("https://token@example.com/hook", "must not contain credentials"),
        ("http://example.com:99999/", "is not a valid URL"),
        ("http://localhost/", "localhost resolves to .*, a loopback/private/reserved address"),
        ("http://[::1]:8080/", r"::1 is a loopback/private/reserved address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a loopback/private/reserved"),
        ("http://2130706433/", "resolves to 127.0.0.1"),
    ],
)
def test_unsafe_urls_are_refused(url: str, message: str) -> None:
    """Wrong schemes, missing hosts, credentials and private targets are refused with a reason."""
    with pytest.raises(UnsafeEndpoint, match=message):
        check_endpoint_url(url, allow_private=False)


def _no_dns(*args: object, **kwargs: object) -> Any:
    raise AssertionError("DNS must not be consulted")


def test_public_ip_literal_needs_no_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """A public IP literal is accepted without any DNS lookup."""
    monkeypatch.setattr(socket, "getaddrinfo", _no_dns)
    check_endpoint_url("http://8.8.8.8/hook", allow_private=False)
    check_endpoint_url("https://[2606:4700:4700::1111]:8443/hook", allow_private=False)


def test_allow_private_accepts_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """With allow_private, a loopback target passes and no lookup is made; the scheme is still checked."""
    monkeypatch.setattr(socket, "getaddrinfo", _no_dns)
    check_endpoint_url("http://127.0.0.1:9/", allow_private=True)
    check_endpoint_url("http://internal.example/", allow_private=True)
    with pytest.raises(UnsafeEndpoint, match="must use http or https"):
        check_endpoint_url("file:///etc/passwd", allow_private=True)


def _fake_getaddrinfo(addresses: Sequence[str]) -> Any:
    def getaddrinfo(host: str, port: object, *args: object, **kwargs: object) -> list[Any]:
        infos: list[Any] = []
        for address in addresses:
            if ":" in address:
                infos.append((socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, 443, 0, 0)))
            else:
                infos.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, 443)))
        return infos

    return getaddrinfo


def test_a_name_with_any_private_address_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """One private address among public ones is enough to refuse the name, and the message names it."""
    monkeypatch.setattr(socket, "getaddrinfo", _fake_getaddrinfo(["8.8.8.8", "10.0.0.7"]))
    with pytest.raises(UnsafeEndpoint, match=r"hooks\.example resolves to 10\.0\.0\.7, a loopback"):
        check_endpoint_url("https://hooks.example/in", allow_private=False)


def test_a_name_with_only_public_addresses_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    """A name resolving only to public IPv4 and IPv6 addresses is accepted."""
    monkeypatch.setattr(socket, "getaddrinfo", _fake_getaddrinfo(["8.8.8.8", "2606:4700:4700::1111"]))
    check_endpoint_url("https://hooks.example/in", allow_private=False)


def test_an_unresolvable_name_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A host that does not resolve cannot be checked, so it is refused."""

    def fail(*args: object, **kwargs: object) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    with pytest.raises(UnsafeEndpoint, match=r"nowhere\.example does not resolve"):
        check_endpoint_url("https://nowhere.example/", allow_private=False)


class _ScriptedResolver(AbstractResolver):
    """Answers each lookup with the next address list, as a rebinding DNS server would."""

    def __init__(self, *answers: list[str]) -> None:
        self._answers = list(answers)
        self.closed = False

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in self._answers.pop(0)
        ]

    async def close(self) -> None:
        self.closed = True


async def test_guarded_resolver_stops_dns_rebinding() -> None:
    """A name that answered a public address and then rebinds to loopback is refused on the second lookup."""
    resolver = GuardedResolver(resolver=_ScriptedResolver(["93.184.216.34"], ["93.184.216.34", "127.0.0.1"]))
    first = await resolver.resolve("rebind.example", 443)
    assert [r["host"] for r in first] == ["93.184.216.34"]
    with pytest.raises(UnsafeConnection, match=r"rebind\.example resolves to 127\.0\.0\.1"):
        await resolver.resolve("rebind.example", 443)


async def test_guarded_resolver_passes_private_addresses_when_allowed() -> None:
    """With allow_private the resolver returns whatever the inner resolver found."""
    resolver = GuardedResolver(allow_private=True, resolver=_ScriptedResolver(["10.0.0.1"]))
    assert [r["host"] for r in await resolver.resolve("intranet.example", 80)] == ["10.0.0.1"]


async def test_guarded_resolver_reports_an_empty_answer_as_an_os_error() -> None:
    """An empty answer becomes an OSError, which aiohttp reports as a DNS failure."""
    resolver = GuardedResolver(resolver=_ScriptedResolver([]))
    with pytest.raises(OSError, match="resolved to no addresses"):
        await resolver.resolve("empty.example", 80)


async def test_guarded_resolver_leaves_a_borrowed_resolver_open() -> None:
    """close() releases only a resolver the guard created, not one it was handed."""
    inner = _ScriptedResolver()
    await GuardedResolver(resolver=inner).close()
    assert not inner.closed
    await GuardedResolver().close()


def test_unsafe_connection_is_both_an_endpoint_refusal_and_an_os_error() -> None:
    """The connect-time refusal is an UnsafeEndpoint for our code and an OSError for aiohttp."""
    error = UnsafeConnection("127.0.0.1 is a loopback/private/reserved address")
    assert isinstance(error, UnsafeEndpoint)
    assert isinstance(error, OSError)
    assert str(error) == "127.0.0.1 is a loopback/private/reserved address"


@pytest.fixture
async def local_server() -> AsyncIterator[tuple[int, list[str]]]:
    """An aiohttp server on 127.0.0.1 that records the path of every request it receives."""
    seen: list[str] = []

    async def hook(request: web.Request) -> web.Response:
        seen.append(request.path)
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/{tail:.*}", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port: int = runner.addresses[0][1]  # port 0 above: the OS picked a free one
    try:
        yield port, seen
    finally:
        await runner.cleanup()


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
async def test_guarded_connector_never_reaches_a_local_server(local_server: tuple[int, list[str]], host: str) -> None:
    """A guarded session cannot POST to a loopback server, by name or by literal: no request arrives."""
    port, seen = local_server
    async with aiohttp.ClientSession(connector=make_connector(allow_private=False)) as session:
        with pytest.raises(aiohttp.ClientConnectorError) as caught:
            await session.post(f"http://{host}:{port}/hook", data=b"{}")
    assert isinstance(caught.value.os_error, UnsafeConnection)
    assert "loopback/private/reserved" in str(caught.value)
    assert seen == []


async def test_unguarded_connector_reaches_a_local_server(local_server: tuple[int, list[str]]) -> None:
    """With allow_private the same POST goes through and the server sees it."""
    port, seen = local_server
    async with (
        aiohttp.ClientSession(connector=make_connector(allow_private=True)) as session,
        session.post(f"http://localhost:{port}/hook", data=b"{}") as response,
    ):
        assert response.status == 204
    assert seen == ["/hook"]
