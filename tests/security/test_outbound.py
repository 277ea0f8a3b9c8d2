"""The outbound-request guard (webhooks, Greenhouse callbacks): internal addresses are refused,
the checked address is the one connected to, redirects are not followed."""

from __future__ import annotations

import socket
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from servicefit.security import outbound
from servicefit.security.outbound import (
    AllowList,
    OutboundRefused,
    check_url,
    internal_kind,
    open_checked,
    parse_log_text,
)

_real_getaddrinfo = socket.getaddrinfo


def fake_dns(monkeypatch, table, calls=None):
    """Resolve the names in ``table`` to its addresses; IP literals resolve as usual."""

    def getaddrinfo(host, port, *args, **kwargs):
        if host in table:
            if calls is not None:
                calls.append(host)
            answer = table[host]
            answers = answer(len(calls or [])) if callable(answer) else answer
            return [
                (
                    socket.AF_INET6 if ":" in a else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (a, port or 0, 0, 0) if ":" in a else (a, port or 0),
                )
                for a in answers
            ]
        return _real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


REFUSED = [
    ("127.0.0.1", "loopback"),
    ("127.8.9.10", "loopback"),
    ("10.1.2.3", "private"),
    ("172.16.0.1", "private"),
    ("192.168.1.1", "private"),
    ("169.254.169.254", "link-local"),
    ("100.64.0.1", "reserved"),
    ("0.0.0.0", "unspecified"),  # noqa: S104
    ("224.0.0.1", "multicast"),
    ("240.0.0.1", "private"),
    ("255.255.255.255", "private"),
    ("::1", "loopback"),
    ("::", "unspecified"),
    ("fe80::1", "link-local"),
    ("fc00::1", "private"),
    ("fd12:3456::1", "private"),
    ("ff02::1", "multicast"),
    ("::ffff:127.0.0.1", "loopback"),
    ("::ffff:169.254.169.254", "link-local"),
    ("::ffff:10.0.0.1", "private"),
    ("64:ff9b::a9fe:a9fe", "link-local"),  # NAT64 of 169.254.169.254
    ("2002:7f00:1::1", "loopback"),  # 6to4 of 127.0.0.1
]


@pytest.mark.parametrize(("address", "kind"), REFUSED)
def test_a_name_resolving_to_an_internal_address_is_refused(monkeypatch, address, kind):
    fake_dns(monkeypatch, {"hooks.example.com": [address]})
    with pytest.raises(OutboundRefused) as refused:
        check_url("https://hooks.example.com/in", allow=AllowList())
    assert refused.value.kind == kind and refused.value.address == str(
        outbound.ipaddress.ip_address(address)
    )
    assert "SERVICEFIT_OUTBOUND_ALLOW" in str(refused.value)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/x",
        "http://[::1]/x",
        "http://[::ffff:127.0.0.1]/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://2130706433/",  # 127.0.0.1 as one number
        "http://0x7f.1/",
        "http://localhost:9/",
    ],
)
def test_literal_and_obfuscated_internal_addresses_are_refused(url):
    with pytest.raises(OutboundRefused):
        check_url(url, allow=AllowList())


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700:4700::1111"])
def test_a_public_address_passes_and_is_the_one_to_connect_to(monkeypatch, address):
    fake_dns(monkeypatch, {"hooks.example.com": [address]})
    target = check_url("https://hooks.example.com/in", allow=AllowList())
    assert (
        str(target.address) == address
        and target.port == 443
        and target.host == ("hooks.example.com")
    )


def test_one_internal_address_among_public_ones_refuses_the_name(monkeypatch):
    fake_dns(monkeypatch, {"mixed.example.com": ["93.184.216.34", "10.0.0.5"]})
    with pytest.raises(OutboundRefused) as refused:
        check_url("http://mixed.example.com/", allow=AllowList())
    assert refused.value.address == "10.0.0.5"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/", "gopher://x/"])
def test_other_schemes_are_refused(url):
    with pytest.raises(OutboundRefused) as refused:
        check_url(url, allow=AllowList())
    assert refused.value.kind == "scheme"


def test_the_operator_allow_list_permits_networks_and_host_names(monkeypatch):
    fake_dns(monkeypatch, {"hooks.internal": ["10.0.5.7"], "other.internal": ["10.0.6.1"]})
    allow = AllowList.parse(["10.0.5.0/24", " ", "[::1]", "Metadata.Internal."])
    assert check_url("http://hooks.internal/", allow=allow).address.exploded == "10.0.5.7"
    assert str(check_url("http://[::1]:8123/", allow=allow).address) == "::1"
    with pytest.raises(OutboundRefused):
        check_url("http://other.internal/", allow=allow)
    fake_dns(monkeypatch, {"metadata.internal": ["169.254.169.254"]})
    assert str(check_url("http://metadata.internal/", allow=allow).address) == "169.254.169.254"


def test_the_allow_list_comes_from_the_settings(monkeypatch, settings):
    fake_dns(monkeypatch, {"hooks.internal": ["10.0.5.7"]})
    settings.SERVICEFIT_OUTBOUND_ALLOW = []
    with pytest.raises(OutboundRefused):
        check_url("http://hooks.internal/")
    settings.SERVICEFIT_OUTBOUND_ALLOW = ["10.0.0.0/8"]
    assert str(check_url("http://hooks.internal/").address) == "10.0.5.7"


def test_an_unresolvable_name_is_an_os_error_not_a_refusal(monkeypatch):
    def fail(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    with pytest.raises(OSError) as error:
        check_url("https://nowhere.example/", allow=AllowList())
    assert not isinstance(error.value, OutboundRefused)


def test_internal_kind_of_public_addresses_is_empty():
    for address in ("8.8.8.8", "2001:4860:4860::8888", "::ffff:8.8.8.8"):
        assert internal_kind(outbound.ipaddress.ip_address(address)) == ""


def test_log_text_round_trips_with_ipv6_addresses():
    exc = OutboundRefused("x", host="hooks.example.com", address="fd00::1", kind="private")
    assert parse_log_text(exc.log_text()) == {
        "kind": "private",
        "address": "fd00::1",
        "host": "hooks.example.com",
    }
    assert parse_log_text("HTTP 500") is None


class Local:
    """A receiver on loopback that answers ``status`` (with ``location`` for a redirect)."""

    def __init__(self, status=200, location=""):
        self.requests = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                outer.requests.append((self.path, dict(self.headers), self.rfile.read(length)))
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.end_headers()

            do_GET = do_POST

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def local():
    server = Local()
    yield server
    server.close()


def test_the_connection_goes_to_the_checked_address_not_a_second_answer(
    monkeypatch, settings, local
):
    """DNS rebinding: the first answer (checked, allowed) is local; any later answer would be
    the metadata address. The request reaches the checked address, and the name is resolved
    once."""
    settings.SERVICEFIT_OUTBOUND_ALLOW = ["127.0.0.1"]
    calls: list[str] = []
    fake_dns(
        monkeypatch,
        {"rebind.example": lambda n: ["127.0.0.1"] if n <= 1 else ["169.254.169.254"]},
        calls,
    )
    request = urllib.request.Request(
        f"http://rebind.example:{local.port}/hook", data=b"{}", method="POST"
    )
    with open_checked(request, timeout=5) as response:
        assert response.status == 200
    assert calls == ["rebind.example"]
    (path, headers, body) = local.requests[0]
    assert path == "/hook" and body == b"{}"
    assert headers["Host"] == f"rebind.example:{local.port}"


def test_refused_before_any_connection(local, settings):
    settings.SERVICEFIT_OUTBOUND_ALLOW = []
    request = urllib.request.Request(f"http://127.0.0.1:{local.port}/", data=b"", method="POST")
    with pytest.raises(OutboundRefused):
        open_checked(request, timeout=5)
    assert local.requests == []


def test_a_redirect_is_not_followed(settings):
    settings.SERVICEFIT_OUTBOUND_ALLOW = ["127.0.0.1"]
    target = Local()
    redirecting = Local(status=307, location=f"http://127.0.0.1:{target.port}/elsewhere")
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{redirecting.port}/", data=b"{}", method="POST"
        )
        with pytest.raises(urllib.error.HTTPError) as answer:
            open_checked(request, timeout=5)
        assert answer.value.code == 307
        assert len(redirecting.requests) == 1 and target.requests == []
    finally:
        target.close()
        redirecting.close()


def test_environment_proxies_are_not_used(monkeypatch, settings, local):
    """Through a proxy the checked address would not be the one connected to."""
    settings.SERVICEFIT_OUTBOUND_ALLOW = ["127.0.0.1"]
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")  # nothing listens there
    request = urllib.request.Request(f"http://127.0.0.1:{local.port}/", data=b"", method="POST")
    with open_checked(request, timeout=5) as response:
        assert response.status == 200


def _certificate(tmp_path, name):
    """A self-signed certificate for ``name`` (openssl), and its key."""
    import shutil
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name}"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.mark.parametrize(("served", "ok"), [("hooks.example", True), ("other.example", False)])
def test_https_is_pinned_and_the_certificate_is_checked_against_the_name(
    monkeypatch, settings, tmp_path, served, ok
):
    """The TLS connection goes to the checked address while SNI and the certificate check use
    the host name: a certificate for the name passes, one for another name does not."""
    import ssl

    settings.SERVICEFIT_OUTBOUND_ALLOW = ["127.0.0.1"]
    cert, key = _certificate(tmp_path, served)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the default context trusts it
    server = Local()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.server.socket = context.wrap_socket(server.server.socket, server_side=True)
    fake_dns(monkeypatch, {"hooks.example": ["127.0.0.1"]})
    try:
        request = urllib.request.Request(
            f"https://hooks.example:{server.port}/hook", data=b"{}", method="POST"
        )
        if ok:
            with open_checked(request, timeout=5) as response:
                assert response.status == 200
            assert server.requests[0][1]["Host"] == f"hooks.example:{server.port}"
        else:
            with pytest.raises(OSError) as error:
                open_checked(request, timeout=5)
            assert "certificate" in str(error.value).lower()
            assert server.requests == []
    finally:
        server.close()


def test_every_checked_address_is_tried_in_order(monkeypatch, settings, local):
    """Like ``socket.create_connection``: a first address that does not answer (here ``::1``,
    where nothing listens) falls back to the next checked one, never to a new DNS answer."""
    settings.SERVICEFIT_OUTBOUND_ALLOW = ["127.0.0.1", "::1"]
    fake_dns(monkeypatch, {"dual.example": ["::1", "127.0.0.1"]})
    request = urllib.request.Request(
        f"http://dual.example:{local.port}/hook", data=b"{}", method="POST"
    )
    with open_checked(request, timeout=5) as response:
        assert response.status == 200
    assert len(local.requests) == 1
