"""Recruiters are told when candidates have no privacy contact to write to."""

from __future__ import annotations

import pytest
from django.urls import reverse

from servicefit.branding.models import Branding

pytestmark = pytest.mark.django_db

NOTICE = 'data-notice="no-privacy-contact"'


def test_the_dashboard_asks_for_a_privacy_contact_until_one_is_set(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("backoffice:dashboard")).content.decode()
    assert NOTICE in page and reverse("branding:settings") in page
    branding = Branding.current()
    branding.privacy_contact = "privacy@example.com"
    branding.save()
    assert NOTICE not in client.get(reverse("backoffice:dashboard")).content.decode()


def test_a_recruiter_is_sent_to_an_administrator(client, recruiter):
    client.force_login(recruiter)
    page = client.get(reverse("backoffice:dashboard")).content.decode()
    assert NOTICE in page and "Ask an administrator to set one in Branding." in page
    assert reverse("branding:settings") not in page


def test_an_interviewer_sees_no_notice(client, interviewer):
    client.force_login(interviewer)
    assert NOTICE not in client.get(reverse("backoffice:dashboard")).content.decode()


@pytest.mark.parametrize("contact", ["", "privacy@example.com"])
def test_the_privacy_notice_names_one_way_to_ask_for_ones_data(client, job, contact):
    """With a privacy contact the notice sent candidates to the recruiter and, one line
    below, to the contact; now it names the contact when there is one, else the recruiter."""
    from servicefit.assessments.services import create_invitation
    from servicefit.candidates.services import add_candidate

    branding = Branding.current()
    branding.privacy_contact = contact
    branding.save()
    candidate = add_candidate(job=job, name="Ida", email="ida@example.com")
    token = create_invitation(candidate=candidate, created_by=None).token
    page = client.get(f"/a/{token}/").content.decode()
    notice = page[page.index('id="privacy-heading"') : page.index('id="automation-heading"')]
    assert "days after the hiring process ends" in notice
    by_recruiter = "at any time by contacting the recruiter" in notice
    by_contact = 'href="mailto:privacy@example.com"' in notice
    assert (by_recruiter, by_contact) == ((False, True) if contact else (True, False))
