"""A minimal OpenID Connect provider (django-oauth-toolkit) that the SSO tests run on loopback.

It is a separate Django project: its own database, its own users (with groups, sent as the
``groups`` claim) and a freshly generated RSA signing key, all under ``SSO_PROVIDER_DIR``.
Never used by ServiceFit itself; ``control.py`` sets it up and ``runserver`` serves it.
"""

import os
from pathlib import Path

BASE = Path(os.environ["SSO_PROVIDER_DIR"])
ISSUER = os.environ["SSO_PROVIDER_ISSUER"]

SECRET_KEY = "test-provider-only-" + BASE.name
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "tests.sso.provider.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).with_name("templates")],
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE / "provider.sqlite3"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "/login/"
USE_TZ = True
# The provider's session cookie must not collide with ServiceFit's on the same host (127.0.0.1).
SESSION_COOKIE_NAME = "provider_sessionid"
CSRF_COOKIE_NAME = "provider_csrftoken"

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_ISS_ENDPOINT": ISSUER,
    "OIDC_RSA_PRIVATE_KEY": (BASE / "oidc-key.pem").read_text()
    if (BASE / "oidc-key.pem").exists()
    else "",
    "OAUTH2_VALIDATOR_CLASS": "tests.sso.provider.validator.GroupsClaimValidator",
    "SCOPES": {"openid": "OpenID Connect", "email": "E-mail", "profile": "Profile"},
    "PKCE_REQUIRED": True,
    "ID_TOKEN_EXPIRE_SECONDS": int(os.environ.get("SSO_PROVIDER_ID_TOKEN_SECONDS", "300")),
}
