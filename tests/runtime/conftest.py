from __future__ import annotations

import random

import pytest

from servicefit.assessments.models import Result
from servicefit.candidates.services import add_candidate
from servicefit.demo_assessments import simulate_assessment


@pytest.fixture
def db_tasks(settings):
    """The production task backend (tasks are rows a worker picks up), not the inline one."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def unscored(job):
    """A candidate who submitted but whose result was never stored (the scoring task died)."""
    candidate = add_candidate(job=job, name="Ada Lund", email="ada@example.com", language="da")
    session = simulate_assessment(candidate=candidate, rng=random.Random(3))
    Result.objects.filter(session=session).delete()
    return session
