from __future__ import annotations

import pytest

from servicefit.assessments.services import create_invitation
from servicefit.candidates.services import add_candidate


@pytest.fixture
def candidate(job, recruiter):
    return add_candidate(
        job=job, name="Mette Holm", email="mette@example.com", language="en", added_by=recruiter
    )


@pytest.fixture
def invitation(candidate, recruiter):
    return create_invitation(candidate=candidate, created_by=recruiter)


@pytest.fixture
def token(invitation):
    return invitation.token


@pytest.fixture
def started(client, token):
    """A session whose candidate has consented."""
    response = client.post(f"/a/{token}/", {"consent": "yes"})
    assert response.status_code == 302
    return token
