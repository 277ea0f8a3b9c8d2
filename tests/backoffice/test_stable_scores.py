"""Numbers that stay put: the composite is stored at scoring time, recomputed only by the task.

Also the record's backward compatibility (results stored as record version 1).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from servicefit.assessments.models import Result, Standing
from servicefit.assessments.norms import build_norm_group
from servicefit.assessments.standings import is_recomputing
from servicefit.psychometrics import JobProfile, profile_composite

pytestmark = pytest.mark.django_db


def _numbers(client, candidate):
    report = client.get(reverse("backoffice:candidate_report", args=[candidate.pk])).context
    return {
        "composite": (report["ranked"].composite, report["ranked"].lower, report["ranked"].upper),
        "competencies": [
            (c["id"], c["score"], c["lower"], c["upper"], c["percentile"])
            for c in report["competencies"]
        ],
        "norm_group": report["norm_group"].pk,
    }


def test_a_candidates_numbers_do_not_move_when_others_are_scored(
    client, recruiter, scored_job, scored_candidate, add_scored
):
    client.force_login(recruiter)
    before = _numbers(client, scored_candidate)
    assert before["composite"][0] is not None and before["composite"][1] is not None
    add_scored(scored_job, 12, seed=99)
    build_norm_group()  # a newer norm group exists now, built from 44 results
    after = _numbers(client, scored_candidate)
    assert after == before
    standing = Standing.objects.get(candidate=scored_candidate)
    assert (standing.composite, standing.lower, standing.upper) == before["composite"]


def test_the_composite_is_the_weighted_mean_of_the_candidates_own_scores(scored_candidate):
    standing = Standing.objects.get(candidate=scored_candidate)
    record = standing.result.record
    job = scored_candidate.job
    weights = {c: float(w) for c, w in job.weights.items() if float(w) > 0}
    expected = sum(weights[c] * record.competencies[c].score for c in weights) / sum(
        weights.values()
    )
    assert standing.composite == pytest.approx(expected, abs=1e-4)
    assert 1 <= standing.lower < standing.composite < standing.upper <= 5


def test_changing_the_weights_recomputes_the_standings_in_the_background(
    client, recruiter, scored_job, scored_candidate, django_capture_on_commit_callbacks
):
    client.force_login(recruiter)
    old = Standing.objects.get(candidate=scored_candidate).composite
    form = client.get(reverse("backoffice:job_edit", args=[scored_job.pk])).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["languages"] = scored_job.languages
    data["feedback_report"] = "on" if scored_job.feedback_report else ""
    for competency in scored_job.weights:
        data[f"weight_{competency}"] = "0"
        data[f"minimum_{competency}"] = ""
    data["weight_empathy"] = "0.5"
    data["weight_digital_competence"] = "0.5"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("backoffice:job_edit", args=[scored_job.pk]), data)
    assert response.status_code == 302
    scored_job.refresh_from_db()
    assert scored_job.weights == {"empathy": 0.5, "digital_competence": 0.5}
    # Saved, not yet recomputed: the page says so, the stored composite is still the old one.
    assert is_recomputing(scored_job)
    html = client.get(reverse("backoffice:job_detail", args=[scored_job.pk])).content.decode()
    assert "being recomputed" in html
    assert Standing.objects.get(candidate=scored_candidate).composite == old
    for callback in callbacks:
        callback()  # the after-commit enqueue; the test task backend runs the task at once
    assert not is_recomputing(scored_job)
    standing = Standing.objects.get(candidate=scored_candidate)
    scores = standing.result.record.scores()
    expected = profile_composite(
        scores, JobProfile("job", {"empathy": 0.5, "digital_competence": 0.5})
    ).composite
    assert standing.composite == pytest.approx(expected, abs=1e-4)
    assert standing.composite != pytest.approx(old, abs=1e-6)
    html = client.get(reverse("backoffice:job_detail", args=[scored_job.pk])).content.decode()
    assert "being recomputed" not in html


def test_a_result_stored_as_record_version_1_is_upgraded_and_ranked(
    client, recruiter, scored_job, scored_candidate
):
    import importlib

    from django.apps import apps

    backfill = importlib.import_module(
        "servicefit.assessments.migrations.0003_backfill_standings"
    ).backfill
    result = Result.objects.get(session__candidate=scored_candidate)
    v1 = {
        c: {"score": data["score"], "sources": data["sources"]}
        for c, data in result.competencies.items()
    }
    Result.objects.filter(pk=result.pk).update(record_version=1, competencies=v1, norm_group=None)
    Standing.objects.filter(candidate=scored_candidate).delete()

    backfill(apps, None)

    result = Result.objects.get(pk=result.pk)
    assert result.record.record_version == 3
    assert all(s.sem is None and s.lower is None for s in result.record.competencies.values())
    standing = Standing.objects.get(candidate=scored_candidate)
    weights = {c: float(w) for c, w in scored_job.weights.items() if float(w) > 0}
    expected = sum(weights[c] * v1[c]["score"] for c in weights) / sum(weights.values())
    assert standing.composite == pytest.approx(expected, abs=1e-4)
    assert standing.lower is None  # version 1 had no SEM: no band until re-scored
    client.force_login(recruiter)
    response = client.get(reverse("backoffice:candidate_report", args=[scored_candidate.pk]))
    assert response.status_code == 200
    assert response.context["ranked"].composite == standing.composite
    assert "record version 3" in response.content.decode()
