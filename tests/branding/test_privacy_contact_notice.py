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
