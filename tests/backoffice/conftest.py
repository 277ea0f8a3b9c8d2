from __future__ import annotations

import random

import pytest

from servicefit.candidates.services import add_candidate
from servicefit.demo_assessments import simulate_assessment


@pytest.fixture
def scored_job(job, recruiter):
    """A job with 32 simulated, scored candidates and a norm group built from them."""
    from servicefit.assessments.norms import refresh_norms

    rng = random.Random(7)
    people = []
    for i in range(32):
        language = ["en", "da", "sv", "nb", "pl"][i % 5]
        candidate = add_candidate(
            job=job, name=f"Person {i:02d}", email=f"p{i}@example.com", language=language
        )
        simulate_assessment(candidate=candidate, rng=rng)
        people.append(candidate)
    refresh_norms(force=True)  # what the task does after commit once 30 are scored
    return job


@pytest.fixture
def scored_candidate(scored_job):
    return scored_job.candidates.order_by("name").first()
