"""A job without a location shows no stray " · " separator before the channel."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["backoffice:dashboard", "backoffice:job_detail"])
def test_no_leading_separator_without_a_location(client, recruiter, job, page):
    job.location = ""
    job.save(update_fields=["location"])
    client.force_login(recruiter)
    args = [job.pk] if page.endswith("job_detail") else []
    html = client.get(reverse(page, args=args)).content.decode()
    assert not re.search(r'<p class="muted[^"]*"[^>]*>\s*·', html)
    assert job.get_channel_display() in html


def test_the_location_still_shows_when_there_is_one(client, recruiter, job):
    job.location = "Aarhus"
    job.save(update_fields=["location"])
    client.force_login(recruiter)
    html = client.get(reverse("backoffice:job_detail", args=[job.pk])).content.decode()
    assert f"Aarhus · {job.get_channel_display()}" in html
