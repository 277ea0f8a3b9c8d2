"""Shared fixtures: the personas every back-office test is written around."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests check properties, not speed (speed lives in benchmarks/). With every core
# busy, a single example can exceed Hypothesis' default 200 ms deadline and fail the test at
# random, so the deadline is off for the whole suite.
settings.register_profile("servicefit", deadline=None)
settings.load_profile("servicefit")

# Small matrices: BLAS threads only fight each other (and the other pytest workers). Set
# before the first test module imports numpy.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

PROJECT_ROOT = Path(__file__).resolve().parents[1]
#: Reference data and R's values on them, committed with their provenance (tests/golden/README.md).
GOLDEN_DIR = PROJECT_ROOT / "tests" / "golden"

# The test OpenID provider (oidc_provider, sso_settings) for tests/sso and tests/browser.
pytest_plugins = ["tests.sso.fixtures"]


def shared_dir(name: str) -> Path | None:
    """``../shared/<name>`` beside the project (or ``$SERVICEFIT_SHARED_DIR/<name>``)."""
    base = Path(os.environ.get("SERVICEFIT_SHARED_DIR", PROJECT_ROOT.parent / "shared"))
    path = base / name
    if path.is_dir():
        return path
    if os.environ.get("CI") == "true":
        pytest.fail(f"{path} is missing: CI must run with shared/ beside the project")
    return None


@pytest.fixture(autouse=True)
def _empty_cache_after_each_test():
    """Django's cache outlives a test's rolled-back transaction: a norm group cached by one
    test (``assessments.norms``) would be a dangling id for the results the next one stores."""
    yield
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A view that activates the candidate's language (the test client runs it in this thread)
    leaves that language active for the next test in the same worker: a test that reads
    translated labels outside a request would then depend on which test ran before it."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(scope="session")
def golden_dir() -> Path:
    """``tests/golden``: the committed reference data the golden tests read (never skipped)."""
    return GOLDEN_DIR


@pytest.fixture
def seeds_dir() -> Path:
    path = shared_dir("seeds")
    if path is None:
        pytest.skip("the seed articles (../shared/seeds) are not available")
    return path


@pytest.fixture
def make_user(db):
    from servicefit.accounts.models import User

    def make(username: str, role: str, **extra):
        user = User.objects.create_user(
            username=username, password="pw-" + username, role=role, **extra
        )
        return user

    return make


@pytest.fixture
def admin_user(make_user):
    return make_user("alice", "admin", is_staff=True, is_superuser=True)


@pytest.fixture
def recruiter(make_user):
    return make_user("rita", "recruiter")


@pytest.fixture
def interviewer(make_user):
    return make_user("ivo", "interviewer")


@pytest.fixture
def job(recruiter):
    from servicefit.jobs.services import create_job_from_template

    return create_job_from_template(
        title="Phone agent", template_id="phone_support", created_by=recruiter
    )
