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
