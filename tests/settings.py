"""Test settings: the product's settings with tasks run inline and a fast password hasher."""

import os
import tempfile

os.environ.setdefault("SERVICEFIT_SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("SERVICEFIT_DATA_DIR", tempfile.mkdtemp(prefix="servicefit-test-"))

from servicefit.settings import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory: the live server's threads then lock like production
    # (WAL + busy timeout) instead of failing with "database table is locked".
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405
