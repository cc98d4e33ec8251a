"""Refusing webhook targets in private or reserved address space (server-side request forgery).

A subscriber chooses its endpoint URL, and polywire then POSTs to it from inside our network. Without a
guard, "http://169.254.169.254/…" would read the cloud metadata service and "http://10.0.0.5:5432/" would
probe internal hosts. So targets are checked twice:

* at registration, check_endpoint_url() refuses the URL early with a message the subscriber can act on;
* at every connect, make_connector() checks the addresses the connection is actually made to. Checking the
  URL once is not enough: a name that resolved to a public address at registration may resolve to
  127.0.0.1 a minute later (DNS rebinding), so the check must apply to the very addresses we connect to.

Deployments whose receivers legitimately live on a private network (tests, an on-premises install) turn the
guard off with allow_private=True.
"""

from __future__ import annotations

import ipaddress
import socket

import aiohttp
from aiohappyeyeballs import AddrInfoType
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver
from yarl import URL

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_REFUSED = "a loopback/private/reserved address"

# Ranges that are not publicly routable destinations, from the IANA IPv4 and IPv6 Special-Purpose Address
# Registries. ipaddress.is_global already covers most of them, but on Python 3.11 it still calls
# multicast (224.0.0.1), 6to4 relay anycast, the IPv6 documentation range 3fff::/20 and deprecated site-local
# fec0::/10 "global", so the refusal is spelled out rather than left to whichever Python runs us.
_NON_PUBLIC_V4 = tuple(
    ipaddress.IPv4Network(net)
    for net in (
        "0.0.0.0/8",  # "this network", including the unspecified 0.0.0.0
        "10.0.0.0/8",  # RFC 1918 private
        "100.64.0.0/10",  # RFC 6598 shared address space (carrier-grade NAT)
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local, including 169.254.169.254 cloud metadata
        "172.16.0.0/12",  # RFC 1918 private
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # TEST-NET-1 documentation
        "192.88.99.0/24",  # deprecated 6to4 relay anycast
        "192.168.0.0/16",  # RFC 1918 private
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # TEST-NET-2 documentation
        "203.0.113.0/24",  # TEST-NET-3 documentation
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, including the limited broadcast 255.255.255.255
    )
)
_NON_PUBLIC_V6 = tuple(
    ipaddress.IPv6Network(net)
    for net in (
        "::/8",  # unspecified, loopback, IPv4-compatible and other reserved forms
        "100::/64",  # discard-only
        "2001::/23",  # IETF protocol assignments (Teredo, inside it, is judged by its IPv4 before this)
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation (RFC 9637)
        "5f00::/16",  # SRv6 segment identifiers
        "fc00::/7",  # unique local addresses, the IPv6 private range
        "fe80::/10",  # link-local
        "fec0::/10",  # deprecated site-local
        "ff00::/8",  # multicast
    )
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052 well-known prefix: the last 32 bits are IPv4


class UnsafeEndpoint(ValueError):
    """A webhook URL or address we refuse to deliver to; the message says why, for the subscriber."""


def refused_by_policy(exc: BaseException) -> bool:
    """Whether a failed request was refused by this module (an address that is not public), however aiohttp
    wrapped the refusal: such a failure is the subscriber's to fix, not a network error to retry."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, UnsafeEndpoint):
            return True
        if isinstance(seen, aiohttp.ClientConnectorError) and isinstance(seen.os_error, UnsafeEndpoint):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class UnsafeConnection(OSError, UnsafeEndpoint):
    """A connection refused at connect time because its address is not public.

    It is an OSError as well as an UnsafeEndpoint because aiohttp wraps OSErrors raised by a resolver in
    ClientConnectorDNSError and those raised while opening the socket in ClientConnectorError (both
    aiohttp.ClientError, with this exception as .os_error and its message in str()). Any other exception
    type, such as a plain ValueError, escapes session.post() unwrapped, so a delivery runner that catches
    aiohttp.ClientError for network failures would crash instead of recording the refusal.
    """

    def __init__(self, message: str) -> None:
        # errno None: there is no OS error code for "refused by policy"; strerror carries the message, which
        # is what ClientConnectorError puts in its own text.
        super().__init__(None, message)

    def __str__(self) -> str:
        return str(self.strerror)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address, ...] | None:
    """Return the IPv4 addresses an IPv6 transition address stands for, or None if it is not one."""
    if ip.ipv4_mapped is not None:  # ::ffff:a.b.c.d, the socket API's view of an IPv4 peer
        return (ip.ipv4_mapped,)
    if ip in _NAT64:  # a NAT64 gateway forwards to the embedded address
        return (ipaddress.IPv4Address(int(ip) & 0xFFFF_FFFF),)
    if ip.sixtofour is not None:  # 2002:a.b.c.d::/48 is routed to a.b.c.d
        return (ip.sixtofour,)
    if ip.teredo is not None:
        # Teredo embeds the relay server and the (obfuscated) client; both must be public, since traffic
        # goes through the one to the other.
        server, client = ip.teredo
        return (server, client)
    return None


def is_public_address(ip: IPAddress) -> bool:
    """Whether ip is an ordinary, publicly routable unicast address we may deliver to."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            # Judged by the IPv4 inside: ::ffff:127.0.0.1 reaches loopback, while 64:ff9b::808:808 reaches
            # 8.8.8.8 through NAT64 and is fine (the outer prefixes themselves sit in ranges refused below).
            return all(is_public_address(v4) for v4 in embedded)
        if ip.is_site_local or any(ip in net for net in _NON_PUBLIC_V6):
            return False
    elif any(ip in net for net in _NON_PUBLIC_V4):
        return False
    # The predicates restate most of the tables above; they stay as a second net for ranges a newer Python
    # learns about before this table does.
    return ip.is_global and not (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_unspecified or ip.is_reserved
    )


def _parse_address(text: str) -> IPAddress | None:
    """Parse an address as a resolver returns it, or None if it is not an IP address."""
    try:
        # Link-local IPv6 results carry a zone ("fe80::1%eth0"), which ipaddress accepts and ignores for
        # range checks.
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _refusal(address: str, *, host: str) -> str | None:
    """Say why address, which host resolved to, may not be connected to; None if it may."""
    ip = _parse_address(address)
    if ip is None:
        # Fail closed: something that is not even an IP address cannot be judged public.
        return f"{host} resolves to {address!r}, which is not an IP address"
    if is_public_address(ip):
        return None
    if host == address:
        return f"{ip} is {_REFUSED}"
    return f"{host} resolves to {ip}, {_REFUSED}"


def check_endpoint_url(url: str, *, allow_private: bool) -> None:
    """Raise UnsafeEndpoint unless url is an acceptable webhook target.

    Unless allow_private, this resolves the host with the system resolver, so it blocks: from async code call
    it through asyncio.to_thread().
    """
    try:
        # yarl is the parser aiohttp itself uses; judging the URL with a different parser would open the
        # classic SSRF gap where two parsers disagree on which host a URL names.
        parsed = URL(url)
    except (ValueError, TypeError) as exc:
        raise UnsafeEndpoint(f"is not a valid URL: {exc}") from None
    if parsed.scheme not in ("http", "https"):
        raise UnsafeEndpoint("must use http or https")
    host = parsed.raw_host  # IDNA-encoded, exactly what aiohttp will resolve
    if not host:
        raise UnsafeEndpoint("must have a host")
    if parsed.raw_user or parsed.raw_password:
        # Credentials in the URL would be sent as Basic auth and then sit in our logs and database; receivers
        # authenticate deliveries by their signature instead.
        raise UnsafeEndpoint("must not contain credentials (user:password@)")
    if allow_private:
        return

    literal = _parse_address(host)
    if literal is not None:
        # An IP literal needs no DNS and cannot be rebound: judge it directly.
        if not is_public_address(literal):
            raise UnsafeEndpoint(f"{literal} is {_REFUSED}")
        return
    try:
        infos = socket.getaddrinfo(host, parsed.port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        # Refused too: a name that does not resolve cannot be checked, and would only fail every delivery.
        raise UnsafeEndpoint(f"{host} does not resolve") from None
    if not infos:
        raise UnsafeEndpoint(f"{host} does not resolve")
    # ANY non-public address refuses the URL: a client may connect to any of them, and an attacker controlling
    # the zone would publish one public and one private address.
    for *_, sockaddr in infos:
        refusal = _refusal(str(sockaddr[0]), host=host)
        if refusal is not None:
            raise UnsafeEndpoint(refusal)


class GuardedResolver(AbstractResolver):
    """An aiohttp resolver that refuses names resolving to any non-public address.

    aiohttp connects to exactly the addresses a resolver returns, so checking them here leaves no window
    between check and use for DNS rebinding. Wraps ThreadedResolver, i.e. the system getaddrinfo(), the same
    resolver check_endpoint_url() consults at registration. Must be created inside a running event loop.
    """

    def __init__(self, *, allow_private: bool = False, resolver: AbstractResolver | None = None) -> None:
        self._allow_private = allow_private
        self._owns_inner = resolver is None
        self._inner: AbstractResolver = resolver if resolver is not None else ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        if not results:
            # aiohttp would otherwise trip over an empty list with an AssertionError rather than an error
            # a runner can record; an OSError becomes ClientConnectorDNSError.
            raise OSError(None, f"{host} resolved to no addresses")
        if not self._allow_private:
            # Raise rather than drop the bad addresses: a name that mixes public and private answers is
            # suspect as a whole, and silently connecting to the remainder would hide the attempt.
            for result in results:
                refusal = _refusal(result["host"], host=host)
                if refusal is not None:
                    raise UnsafeConnection(refusal)
        return results

    async def close(self) -> None:
        if self._owns_inner:
            await self._inner.close()


def _guarded_socket(addr_info: AddrInfoType) -> socket.socket:
    """Create the socket for one connection attempt, refusing it if its destination is not public.

    aiohttp never asks the resolver about IP literals (it connects to http://127.0.0.1/ directly), so the
    resolver alone would not guard them; this runs for every address aiohttp actually connects to.
    """
    family, type_, proto, _, sockaddr = addr_info
    address = str(sockaddr[0])
    refusal = _refusal(address, host=address)
    if refusal is not None:
        raise UnsafeConnection(refusal)
    return socket.socket(family=family, type=type_, proto=proto)


def make_connector(*, allow_private: bool, limit: int = 0, limit_per_host: int = 0) -> aiohttp.TCPConnector:
    """Build the TCPConnector webhook deliveries use; limit 0 means no limit, as in aiohttp.

    Must be called inside a running event loop. Sessions using it must not route through a proxy
    (aiohttp's default, trust_env=False), since the guard would then judge the proxy instead of the target.
    """
    return aiohttp.TCPConnector(
        # The connector does not close a resolver it was given; ours holds nothing to release
        # (ThreadedResolver runs in the loop's default executor), so nothing leaks.
        resolver=GuardedResolver(allow_private=allow_private),
        # The DNS cache is off. Safety does not depend on it, since only checked addresses ever enter the
        # cache, but it would keep using an address for up to ttl seconds after the receiver moved, and it
        # saves little: connections are pooled, so a lookup happens only per new connection, next to a TCP
        # and TLS handshake that costs more. Re-resolving every time is also the simplest to reason about.
        use_dns_cache=False,
        limit=limit,
        limit_per_host=limit_per_host,
        socket_factory=None if allow_private else _guarded_socket,
    )
