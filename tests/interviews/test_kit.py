"""The interview kit: areas to probe by job weight × (5 − score), anchors, checklist, language."""

from __future__ import annotations

import pytest
from django.urls import reverse

from servicefit.content import default_content
from servicefit.interviews.services import build_kit, kit_for_candidate

from .conftest import EXPECTED_AREAS, SCORES

PHONE = default_content().job_profile("phone_support").weights


def kit(**overrides):
    arguments = {"scores": SCORES, "weights": PHONE, "language": "en"} | overrides
    return build_kit(default_content(), **arguments)


def test_it_probes_the_lowest_scores_weighted_by_the_job():
    assert kit().focus == EXPECTED_AREAS


def test_a_heavier_weight_turns_a_middling_score_into_an_area_to_probe():
    weights = dict(PHONE) | {"courtesy": 0.9}  # 0.9 x (5 - 4.9) = 0.09: still low
    assert "courtesy" not in kit(weights=weights).focus
    weights = dict(PHONE) | {"organisation": 0.5}  # 0.5 x 1.5 = 0.75: now first
    assert kit(weights=weights).focus[0] == "organisation"


def test_an_unmeasured_competency_counts_as_unknown_and_can_be_probed():
    weights = {"digital_competence": 0.5, "courtesy": 0.25, "composure": 0.25}
    chosen = kit(weights=weights, areas=2)
    assert chosen.focus == ["digital_competence", "composure"]
    assert chosen.areas[0].score is None and not chosen.areas[0].is_measured


def test_without_any_scores_it_probes_what_the_job_weighs_most():
    assert kit(scores={}).focus == ["composure", "active_listening", "patience"]


def test_strengths_are_the_highest_measured_scores_outside_the_areas():
    assert [s.competency for s in kit().strengths] == [
        "courtesy",
        "clear_communication",
        "active_listening",
    ]


def test_each_area_has_its_behavioural_and_situational_questions_with_anchors():
    content = default_content()
    for area in kit().areas:
        model = content.competency(area.competency)
        assert {q.id for q in area.questions} == {q.id for q in model.questions}
        assert {q.kind for q in area.questions} == {"behavioural", "situational"}
        for question in area.questions:
            source = next(q for q in model.questions if q.id == question.id)
            assert [a.level for a in question.anchors] == [1, 3, 5]
            assert question.anchors[0].text == source.anchors[1].en


def test_the_checklist_is_the_union_of_the_areas_observations_with_labels():
    content = default_content()
    expected = []
    for competency in EXPECTED_AREAS:
        for obs in content.competency(competency).observations:
            if obs not in expected:
                expected.append(obs)
    items = kit().observations
    assert [o.id for o in items] == expected
    assert items[0].label == content.observation(expected[0]).label.en
    assert items[0].description


def test_it_always_includes_the_strengths_and_weaknesses_questions():
    general = kit().general
    questions = default_content().strengths_weaknesses.questions
    assert [q.id for q in general] == [q.id for q in questions]
    assert all(q.guidance and q.anchors for q in general)
    assert kit().questions[-len(general) :] == general


def test_it_speaks_the_requested_language():
    danish = kit(language="da")
    competency = default_content().competency("composure")
    assert danish.areas[0].name == competency.name.da
    assert danish.areas[0].questions[0].text == competency.questions[0].text.da


def test_a_fixed_focus_overrides_the_choice():
    assert kit(focus=["teamwork", "no_such_competency"]).focus == ["teamwork"]


@pytest.mark.django_db
def test_the_kit_for_a_candidate_uses_their_result_and_their_jobs_weights(candidate):
    assert kit_for_candidate(candidate, language="en").focus == EXPECTED_AREAS


@pytest.mark.django_db
def test_the_kit_page_shows_scores_to_recruiters_and_is_audited(login, recruiter, candidate):
    from servicefit.audit.models import AuditEvent

    response = login(recruiter).get(reverse("interviews:kit", args=[candidate.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Composure" in page and "priority" in page
    assert "Strengths and weaknesses" in page
    assert "Sam &lt;script&gt;" in page and "<script>alert" not in page
    assert AuditEvent.objects.filter(action="interview.kit_viewed", candidate=candidate).exists()


@pytest.mark.django_db
def test_an_assigned_interviewer_sees_the_kit_without_scores(login, interviewer, interview):
    response = login(interviewer).get(reverse("interviews:kit", args=[interview.candidate_id]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Composure" in page
    assert "Assessment score" not in page and "priority" not in page
    report = reverse("backoffice:candidate_report", args=[interview.candidate_id])
    assert f'href="{report}"' not in page


@pytest.mark.django_db
def test_the_kit_page_is_in_the_users_language(login, recruiter, candidate):
    client = login(recruiter)
    response = client.get(reverse("interviews:kit", args=[candidate.pk]), HTTP_ACCEPT_LANGUAGE="pl")
    assert default_content().competency("composure").name.pl in response.content.decode()


# While the job's scoring is suspended: no scores, strengths or score-based order anywhere.

JOB_ORDER = ["composure", "active_listening", "patience"]  # phone support's heaviest weights


def test_a_suspended_kit_ignores_the_scores_and_follows_the_jobs_order():
    suspended = kit(suspended=True)
    assert suspended.scoring_suspended and suspended.focus == JOB_ORDER
    assert suspended.strengths == ()
    assert all(area.score is None for area in suspended.areas)


def test_a_suspended_kit_keeps_a_fixed_focus_but_not_its_priority_order():
    # EXPECTED_AREAS is ordered by priority (composure, empathy, patience); by weight
    # patience (0.10) comes before empathy (0.08).
    assert kit(focus=EXPECTED_AREAS, suspended=True).focus == ["composure", "patience", "empathy"]


def _suspend(job, admin_user):
    from servicefit.oversight.services import suspend_scoring

    suspend_scoring(job=job, suspended_by=admin_user, reason="Content under review")


@pytest.mark.django_db
def test_the_kit_page_shows_no_scores_while_the_jobs_scoring_is_suspended(
    login, recruiter, interviewer, admin_user, interview
):
    from servicefit.interviews.services import kit_for_interview

    candidate = interview.candidate
    _suspend(candidate.job, admin_user)
    for user in (recruiter, interviewer):
        response = login(user).get(reverse("interviews:kit", args=[candidate.pk]))
        assert response.status_code == 200
        page = response.content.decode()
        assert "Scoring suspended" in page and "not ranked by assessment scores" in page
        for leak in ("Assessment score", "priority", "of 5", "Strengths</h2>", "Courtesy"):
            assert leak not in page, (user.username, leak)
        assert response.context["kit"].focus == ["composure", "patience", "empathy"]
    # the scheduled interview keeps its areas (the scorecards rate them), in the job's order
    assert interview.focus == EXPECTED_AREAS
    assert kit_for_interview(interview, language="en").focus == [
        "composure",
        "patience",
        "empathy",
    ]


@pytest.mark.django_db
def test_an_interview_scheduled_while_suspended_is_not_chosen_by_scores(
    admin_user, recruiter, interviewer, candidate
):
    from datetime import timedelta

    from django.utils import timezone

    from servicefit.interviews.services import schedule_interview

    _suspend(candidate.job, admin_user)
    interview = schedule_interview(
        candidate=candidate,
        scheduled_at=timezone.now() + timedelta(days=1),
        interviewers=[interviewer],
        scheduled_by=recruiter,
    )
    assert interview.focus == JOB_ORDER
