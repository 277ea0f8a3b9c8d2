from __future__ import annotations

import base64

import pytest

from servicefit.api.scopes import SCOPES
from servicefit.api.tokens import create_token


@pytest.fixture
def make_token(db):
    def make(user, scopes=None, **extra):
        return create_token(
            user=user,
            name="test",
            scopes=list(scopes if scopes is not None else SCOPES),
            created_by=None,
            **extra,
        ).secret

    return make


@pytest.fixture
def token(recruiter, make_token):
    return make_token(recruiter)


@pytest.fixture
def api(client, token):
    """A Django test client that sends the recruiter's all-scopes token."""

    class Api:
        def __init__(self, secret):
            self.secret = secret

        def _headers(self, extra):
            headers = {"Authorization": f"Bearer {self.secret}"}
            headers.update(extra or {})
            return headers

        def get(self, path, headers=None, **params):
            return client.get(path, params, headers=self._headers(headers))

        def post(self, path, body=None, headers=None, raw=None):
            data = raw if raw is not None else __import__("json").dumps(body or {})
            return client.post(
                path, data, content_type="application/json", headers=self._headers(headers)
            )

    return Api(token)


@pytest.fixture
def basic(recruiter, make_token):
    """HTTP Basic with a Greenhouse partner key (the key as the user name, no password)."""
    secret = make_token(recruiter, scopes=["partner:greenhouse"])
    return {"Authorization": "Basic " + base64.b64encode(f"{secret}:".encode()).decode()}


from tests.backoffice.conftest import scored_candidate, scored_job  # noqa: E402, F401
