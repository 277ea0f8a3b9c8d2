"""A real OpenID Connect provider (django-oauth-toolkit, tests/sso/provider) on loopback.

A pytest plugin loaded by tests/conftest.py, so tests/sso and tests/browser share it.

The provider runs in its own process with its own database and a freshly generated RSA key,
on a free port in 8900-8949; ServiceFit talks to it over HTTP exactly as to a production
provider (discovery, authorization-code flow with PKCE, token endpoint, JWKS, userinfo).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlparse

import pytest
import requests

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PORTS = range(8900, 8950)
CLIENT_ID = "servicefit-test"
CLIENT_SECRET = "provider-test-secret-" + os.urandom(8).hex()
ROLE_MAP = "sf-admins=admin,sf-recruiters=recruiter,sf-interviewers=interviewer"


def _free_port() -> int:
    offset = os.getpid() % len(PORTS)
    for port in [*PORTS[offset:], *PORTS[:offset]]:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8900-8949 for the test OpenID provider")


@dataclass
class Provider:
    issuer: str
    env: dict[str, str]

    def user(self, name: str, password: str, email: str, *groups: str) -> None:
        """Create or update a user at the provider; ``groups`` become the role claim."""
        subprocess.run(
            [
                sys.executable,
                "-m",
                "tests.sso.provider.control",
                "user",
                name,
                password,
                email,
                *groups,
            ],
            cwd=PROJECT_ROOT,
            env=self.env,
            check=True,
        )

    def sign_in(self, authorize_url: str, username: str, password: str) -> str:
        """Play the user's browser at the provider; returns the URL it redirects back to."""
        agent = requests.Session()
        url = authorize_url
        for _hop in range(6):
            response = agent.get(url, allow_redirects=False, timeout=10)
            if response.status_code in (301, 302):
                url = urljoin(url, response.headers["Location"])
                if not url.startswith(self.issuer.rsplit("/o", 1)[0]):
                    return url
                continue
            assert response.status_code == 200, response.text[:500]
            token = agent.cookies["provider_csrftoken"]
            response = agent.post(
                url,
                data={"csrfmiddlewaretoken": token, "username": username, "password": password},
                headers={"Referer": url},
                allow_redirects=False,
                timeout=10,
            )
            assert response.status_code == 302, "the provider refused the password"
            url = urljoin(url, response.headers["Location"])
        raise AssertionError(f"no redirect back from the provider (at {url})")


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory, live_server):
    directory = tmp_path_factory.mktemp("oidc-provider")
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}/o"
    env = {
        **os.environ,
        "SSO_PROVIDER_DIR": str(directory),
        "SSO_PROVIDER_ISSUER": issuer,
        "DJANGO_SETTINGS_MODULE": "tests.sso.provider.settings",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    env.pop("DATABASE_URL", None)
    redirects = ["http://testserver/sso/callback/", f"{live_server.url}/sso/callback/"]
    subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.sso.provider.control",
            "init",
            CLIENT_ID,
            CLIENT_SECRET,
            *redirects,
        ],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
    )
    log = (directory / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((directory / "server.log").read_text())
            time.sleep(0.2)
        yield Provider(issuer=issuer, env=env)
    finally:
        server.terminate()
        server.wait(10)
        log.close()


@pytest.fixture
def sso_settings(settings, oidc_provider):
    """ServiceFit configured for the test provider, endpoints from its discovery document."""
    from servicefit.accounts import sso

    sso._discovery.cache_clear()
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.SERVICEFIT_OIDC_ISSUER = oidc_provider.issuer
    settings.SERVICEFIT_OIDC_PROVIDER_NAME = "Test IdP"
    settings.SERVICEFIT_OIDC_ROLE_CLAIM = "groups"
    settings.SERVICEFIT_OIDC_ROLE_MAP = ROLE_MAP
    return settings


def callback_query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlparse(url).query).items()}
