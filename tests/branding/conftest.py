import pytest

from servicefit.assessments.services import create_invitation
from servicefit.candidates.services import add_candidate


@pytest.fixture
def token(job, recruiter):
    candidate = add_candidate(job=job, name="Ola Nordmann", email="ola@example.com", language="nb")
    return create_invitation(candidate=candidate, created_by=recruiter).token
