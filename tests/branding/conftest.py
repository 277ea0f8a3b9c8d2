import pytest

from servicefit.assessments.services import create_invitation
from servicefit.candidates.services import add_candidate


@pytest.fixture
def token(job, recruiter):
    candidate = add_candidate(job=job, name="Ola Nordmann", email="ola@example.com", language="nb")
    return create_invitation(candidate=candidate, created_by=recruiter).token


@pytest.fixture
def scored_candidate(job):
    import random

    from servicefit.demo_assessments import simulate_assessment

    candidate = add_candidate(job=job, name="Kari Berg", email="kari@example.com", language="nb")
    simulate_assessment(candidate=candidate, rng=random.Random(2))
    return candidate
