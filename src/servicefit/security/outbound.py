"""Requests the server makes to URLs others gave it (webhooks, Greenhouse callbacks).

An administrator's webhook URL, or the ``url`` a Greenhouse partner token sends, must not make
the task worker call the machine's own services, the cloud metadata address
(169.254.169.254) or the internal network (server-side request forgery). The guard works the
way maintained projects do (e.g. ``advocate``, ``ssrf_filter``):

1. the host is resolved once and *every* address it resolves to is checked: loopback,
   private, shared (100.64/10), link-local, multicast, reserved and unspecified addresses are
   refused, in IPv4 and IPv6 (an IPv4-mapped ``::ffff:a.b.c.d`` is checked as the IPv4
   address it carries, a NAT64/6to4/Teredo address as the IPv4 address embedded in it);
2. the connection goes to the address that was checked (the Host header and the TLS
   certificate check still use the name), so a second DNS answer cannot swap in another
   address (DNS rebinding);
3. redirects are never followed (the caller logs them as answers).

Operators who do run a receiver on their own network allow it with
``SERVICEFIT_OUTBOUND_ALLOW``: comma-separated addresses or networks (``10.0.5.0/24``,
``127.0.0.1``, ``fd00::/8``) and host names (``hooks.internal``), see docs/operations.md.
Environment proxies (``HTTP_PROXY``) are not used for these requests: through a proxy the
checked address would not be the one connected to.
"""

from __future__ import annotations

import functools
import http.client
import ipaddress
import socket
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

#: Prefix of the ``last_error`` a delivery log stores for a refused address.
REFUSED_PREFIX = "refused:"

_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class OutboundRefused(ValueError):
    """The URL may not be requested; ``reason`` says why (English, for logs)."""

    def __init__(self, reason: str, *, host: str = "", address: str = "", kind: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.host = host
        self.address = address
        self.kind = kind

    def log_text(self) -> str:
        """``refused:<kind>:<address>:<host> <reason>`` (see :func:`parse_log_text`)."""
        return f"{REFUSED_PREFIX}{self.kind}:{self.address}:{self.host} {self.reason}"


def parse_log_text(text: str) -> dict[str, str] | None:
    """``kind``, ``address`` and ``host`` of a :meth:`OutboundRefused.log_text`, else None."""
    if not text.startswith(REFUSED_PREFIX):
        return None
    head = text[len(REFUSED_PREFIX) :].split(" ", 1)[0]
    # an IPv6 address has colons of its own: the kind is first, the host last
    kind, _sep, rest = head.partition(":")
    address, _sep, host = rest.rpartition(":")
    return {"kind": kind, "address": address, "host": host}


@dataclass(frozen=True)
class AllowList:
    networks: tuple[IPNetwork, ...] = ()
    hosts: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> AllowList:
        networks: list[IPNetwork] = []
        hosts: set[str] = set()
        for raw in entries:
            entry = raw.strip().strip("[]")
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                hosts.add(entry.lower().rstrip("."))
        return cls(tuple(networks), frozenset(hosts))

    def permits_host(self, host: str) -> bool:
        return host.lower().rstrip(".") in self.hosts

    def permits(self, address: IPAddress) -> bool:
        return any(
            address in network for network in self.networks if network.version == address.version
        )


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, NAT64, 6to4, Teredo), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    return None


def internal_kind(address: IPAddress) -> str:
    """Why ``address`` is not a public unicast address (``""`` when it is one)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return internal_kind(embedded)
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
    )
    for kind, hit in checks:
        if hit:
            return kind
    # 100.64.0.0/10 (carrier-grade NAT) and the other special ranges that are neither
    # private nor global
    return "" if address.is_global else "reserved"


def _allow_list() -> AllowList:
    from django.conf import settings

    return AllowList.parse(getattr(settings, "SERVICEFIT_OUTBOUND_ALLOW", []) or [])


def _resolve(host: str, port: int) -> list[IPAddress]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    address: IPAddress
    #: every address the name resolved to, all checked, tried in order like
    #: ``socket.create_connection`` (an IPv6 address first on a host without IPv6 falls back)
    addresses: tuple[IPAddress, ...] = ()


def check_url(url: str, *, allow: AllowList | None = None) -> Target:
    """Resolve ``url``'s host and check it; the address to connect to.

    Raises :class:`OutboundRefused` for a refused URL and :class:`OSError` when the host
    cannot be resolved (a temporary failure a retry may get past).
    """
    allow = _allow_list() if allow is None else allow
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise OutboundRefused("only http and https URLs are requested", kind="scheme")
    try:
        host = parts.hostname or ""
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise OutboundRefused("the URL's port is not valid", kind="url") from None
    if not host:
        raise OutboundRefused("the URL has no host", kind="url")
    addresses = _resolve(host, port)
    if not addresses:
        raise OSError(f"{host} has no address")
    if not allow.permits_host(host):
        for address in addresses:
            kind = internal_kind(address)
            if kind and not allow.permits(address):
                raise OutboundRefused(
                    f"{host} is {address}, a {kind} address (allow it with "
                    "SERVICEFIT_OUTBOUND_ALLOW)",
                    host=host,
                    address=str(address),
                    kind=kind,
                )
    return Target(scheme, host, port, addresses[0], tuple(addresses))


def _connect(addresses: tuple[str, ...], port: int, timeout: Any, source: Any) -> socket.socket:
    error: OSError | None = None
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout, source)
        except OSError as exc:
            error = exc
    raise error or OSError("no address to connect to")


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, pinned: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pinned = pinned

    def connect(self) -> None:
        self.sock = _connect(
            self._pinned,
            self.port,
            self.timeout,
            self.source_address,  # type: ignore[attr-defined]
        )
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, pinned: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pinned = pinned

    def connect(self) -> None:
        sock = _connect(
            self._pinned,
            self.port,
            self.timeout,
            self.source_address,  # type: ignore[attr-defined]
        )
        # the certificate is checked against the name, not the address
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class _PinnedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, pinned: tuple[str, ...]) -> None:
        super().__init__()
        self._pinned = pinned

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_PinnedHTTPConnection, pinned=self._pinned), req)


class _PinnedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, pinned: tuple[str, ...]) -> None:
        super().__init__()
        self._pinned = pinned

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(
            functools.partial(_PinnedHTTPSConnection, pinned=self._pinned),
            req,
            context=self._context,  # type: ignore[attr-defined]
        )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is returned as the answer (an ``HTTPError`` with its ``Location``), never
    followed: following it would request a URL nobody checked."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def open_checked(request: urllib.request.Request, *, timeout: float) -> Any:
    """``urlopen`` for a URL someone else gave: checked, pinned to the checked address, no
    redirects, no environment proxies. Raises :class:`OutboundRefused`, ``HTTPError``
    (non-2xx answers, redirects included) and ``OSError``."""
    target = check_url(request.full_url)
    pinned = tuple(str(a) for a in target.addresses)
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler({}),
        urllib.request.UnknownHandler(),
        _PinnedHTTPHandler(pinned),
        _PinnedHTTPSHandler(pinned),
        urllib.request.HTTPDefaultErrorHandler(),
        _NoRedirect(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener.open(request, timeout=timeout)
