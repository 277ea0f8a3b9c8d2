"""`servicefit demo` shows fairness: self-identification, outcomes of hires, a flag."""

from __future__ import annotations

import pytest

from servicefit.candidates.models import Stage
from servicefit.demo import load_demo
from servicefit.fairness.models import Outcome, SelfIdentification
from servicefit.fairness.monitoring import fairness_report
from servicefit.fairness.validation import validity_table

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_the_demo_job_has_self_identification_outcomes_and_an_adverse_impact_flag():
    job = load_demo().job
    submitted = job.candidates.filter(assessment__submitted_at__isnull=False).count()
    identified = SelfIdentification.objects.filter(candidate__job=job).count()
    assert 0.6 * submitted <= identified < submitted  # most, not all, answered
    hired = list(job.candidates.filter(stage=Stage.HIRED))
    assert len(hired) >= 6
    for person in hired:
        assert {o.name for o in Outcome.objects.filter(candidate=person)} == {
            "retained_90d",
            "qa_score",
            "csat",
        }
    report = fairness_report(job)
    assert report.flags, "the demo should show what a four-fifths flag looks like"
    assert any(g.suppressed for c in report.comparisons for g in c.groups)
    table = validity_table(job)
    assert table.small_sample and table.hired_with_outcomes == len(hired)
    assert table.rows[0].cells[table.outcomes.index("qa_score")].result is not None


def test_the_demo_summary_names_the_address_the_site_runs_at(settings):
    settings.SITE_URL = "http://127.0.0.1:8010"
    summary = load_demo(candidates=2, assessments=False)
    assert "Log in at http://127.0.0.1:8010/login/" in str(summary)
