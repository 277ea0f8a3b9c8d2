"""Stored first responses (``Idempotency-Key``) are kept for the retry window, then deleted by
the daily ``purge_expired`` (``SERVICEFIT_API_IDEMPOTENCY_HOURS``, 24 by default)."""

from __future__ import annotations

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from servicefit.api.idempotency import purge_idempotency_records
from servicefit.api.models import IdempotencyRecord
from servicefit.jobs.models import Job


def _create(api, key, title="Support agent"):
    return api.post(
        "/api/v1/jobs",
        {"title": title, "template": "email_chat_support"},
        headers={"Idempotency-Key": key},
    )


def _age(key, hours):
    IdempotencyRecord.objects.filter(key=key).update(
        created_at=timezone.now() - timedelta(hours=hours)
    )


def test_the_daily_purge_deletes_records_past_the_retry_window(api, capsys):
    assert _create(api, "old").status_code == 201
    assert _create(api, "recent", title="Chat agent").status_code == 201
    _age("old", 25)
    _age("recent", 23)
    assert purge_idempotency_records(dry_run=True) == 1
    assert IdempotencyRecord.objects.count() == 2
    call_command("purge_expired")
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["recent"]
    assert "deleted 1 stored API response(s)" in capsys.readouterr().out


def test_the_window_is_a_setting(api, settings):
    settings.SERVICEFIT_API_IDEMPOTENCY_HOURS = 2
    _create(api, "k")
    _age("k", 3)
    assert purge_idempotency_records() == 1
    assert not IdempotencyRecord.objects.exists()


def test_a_key_past_the_window_counts_as_new_even_before_the_purge(api):
    first = _create(api, "reuse")
    assert _create(api, "reuse").json() == first.json()  # within the window: replayed
    assert Job.objects.count() == 1
    _age("reuse", 25)
    again = _create(api, "reuse", title="Phone agent")  # another body: not a 422 any more
    assert again.status_code == 201
    assert again.json()["id"] != first.json()["id"]
    assert IdempotencyRecord.objects.get(key="reuse").status == 201
    assert Job.objects.count() == 2
