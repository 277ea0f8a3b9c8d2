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


@pytest.fixture
def add_scored():
    """Add ``n`` simulated candidates to a job and score them in bulk (the demo's path)."""
    from servicefit.assessments.results import store_results

    def add(job, n, *, seed=11, prefix="Extra"):
        rng = random.Random(seed)
        sessions = []
        for i in range(n):
            candidate = add_candidate(
                job=job, name=f"{prefix} {i:03d}", email=f"{prefix.lower()}{i}@example.com"
            )
            sessions.append(simulate_assessment(candidate=candidate, rng=rng, score=False))
        store_results(sessions=sessions)
        return [s.candidate for s in sessions]

    return add
