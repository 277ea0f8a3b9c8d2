"""Stage changes by a person: only the stages a person may set, and a refusal keeps the input."""

from __future__ import annotations

import random

import pytest
from django.urls import reverse

from servicefit.candidates.models import Stage, StageChange
from servicefit.candidates.services import add_candidate, move_to_stage, settable_stages
from servicefit.demo_assessments import simulate_assessment

pytestmark = pytest.mark.django_db

DECISIONS = ["shortlisted", "interview", "offer", "hired", "rejected", "withdrawn"]


@pytest.fixture
def never_invited(job):
    return add_candidate(job=job, name="Ea", email="ea@example.com")


def test_the_assessments_own_stages_are_offered_only_as_far_as_it_has_got(job, recruiter):
    fresh = add_candidate(job=job, name="Ea", email="ea@example.com")
    assert settable_stages(fresh) == ["invited", *DECISIONS]
    done = add_candidate(job=job, name="Bo", email="bo@example.com")
    simulate_assessment(candidate=done, rng=random.Random(1))
    done.refresh_from_db()
    assert settable_stages(done) == ["completed", *DECISIONS]
    move_to_stage(candidate=done, stage="rejected", changed_by=recruiter, reason_code="experience")
    # brought back, a rejected candidate returns to where their assessment stands
    assert settable_stages(done) == ["completed", *DECISIONS]


def test_the_report_offers_only_settable_stages_with_the_current_one_selected(
    client, recruiter, never_invited
):
    client.force_login(recruiter)
    response = client.get(reverse("backoffice:candidate_report", args=[never_invited.pk]))
    field = response.context["stage_form"]["stage"]
    assert [value for value, _label in field.field.choices] == ["invited", *DECISIONS]
    assert field.value() == "invited"
    page = response.content.decode()
    assert '<option value="invited" selected>' in page
    assert 'value="in_progress"' not in page and 'value="completed"' not in page


@pytest.mark.parametrize("stage", ["in_progress", "completed"])
def test_moving_a_never_invited_candidate_into_an_assessment_stage_is_refused(
    client, recruiter, never_invited, stage
):
    client.force_login(recruiter)
    response = client.post(
        reverse("backoffice:stage_change", args=[never_invited.pk]),
        {"opened_stage": "invited", "stage": stage, "note": "Talked on the phone"},
    )
    assert response.status_code == 400
    never_invited.refresh_from_db()
    assert never_invited.stage == Stage.INVITED
    assert StageChange.objects.filter(candidate=never_invited).count() == 1  # the "added" row
    errors = response.context["stage_form"].errors["stage"]
    assert "is set by the assessment itself" in errors[0]
    assert "Talked on the phone</textarea>" in response.content.decode()


def test_a_refused_decision_keeps_the_stage_reason_and_note_with_the_error_by_the_field(
    client, recruiter, never_invited
):
    client.force_login(recruiter)
    response = client.post(
        reverse("backoffice:stage_change", args=[never_invited.pk]),
        {
            "opened_stage": "invited",
            "stage": "rejected",
            "reason_code": "",
            "note": "Long note <b>typed</b> with care",
        },
    )
    assert response.status_code == 400
    never_invited.refresh_from_db()
    assert never_invited.stage == Stage.INVITED
    page = response.content.decode()
    assert "Long note &lt;b&gt;typed&lt;/b&gt; with care</textarea>" in page
    assert '<option value="rejected" selected>' in page
    assert response.context["stage_form"].errors["reason_code"] == ["A decision needs a reason."]
    assert 'id="id_reason_code_error"' in page


def test_a_stage_change_from_a_stale_page_is_refused_and_keeps_the_input(
    client, recruiter, never_invited
):
    client.force_login(recruiter)
    url = reverse("backoffice:stage_change", args=[never_invited.pk])
    page = client.get(reverse("backoffice:candidate_report", args=[never_invited.pk]))
    assert 'name="opened_stage" value="invited"' in page.content.decode()
    # another tab rejects the candidate after this page was opened
    move_to_stage(
        candidate=never_invited, stage="rejected", changed_by=recruiter, reason_code="experience"
    )
    note = "Strong fit for the evening shift."
    stale = {"opened_stage": "invited", "stage": "hired", "reason_code": "other", "note": note}
    response = client.post(url, stale)
    html = response.content.decode()
    assert response.status_code == 409
    assert "The stage changed to Rejected since this page was opened" in html
    assert note in html
    assert 'name="opened_stage" value="rejected"' in html  # recording again applies it
    never_invited.refresh_from_db()
    assert never_invited.stage == Stage.REJECTED
    assert StageChange.objects.filter(candidate=never_invited, to_stage="hired").count() == 0

    response = client.post(url, {**stale, "opened_stage": "rejected"})
    assert response.status_code == 302
    never_invited.refresh_from_db()
    assert never_invited.stage == Stage.HIRED


def test_a_stage_change_without_the_opened_stage_is_refused_and_keeps_the_input(
    client, recruiter, never_invited
):
    """A form that does not say which stage its page showed cannot rule out a change made since:
    it is refused like a stale one, and the page offers recording again on the current stage."""
    client.force_login(recruiter)
    url = reverse("backoffice:stage_change", args=[never_invited.pk])
    note = "Called back, keen on weekends."
    for missing in ({}, {"opened_stage": ""}):
        data = {**missing, "stage": "shortlisted", "reason_code": "assessment", "note": note}
        response = client.post(url, data)
        html = response.content.decode()
        assert response.status_code == 400
        assert "The form did not say which stage this page showed" in html
        assert "The stage is now Invited" in html
        assert note in html and '<option value="shortlisted" selected>' in html
        assert 'name="opened_stage" value="invited"' in html  # recording again applies it
        never_invited.refresh_from_db()
        assert never_invited.stage == Stage.INVITED
        assert not StageChange.objects.filter(candidate=never_invited, to_stage="shortlisted")

    response = client.post(url, {**data, "opened_stage": "invited"})
    assert response.status_code == 302
    never_invited.refresh_from_db()
    assert never_invited.stage == Stage.SHORTLISTED


def test_the_report_sends_the_stage_it_shows(client, recruiter, never_invited):
    client.force_login(recruiter)
    move_to_stage(candidate=never_invited, stage="shortlisted", changed_by=recruiter)
    page = client.get(reverse("backoffice:candidate_report", args=[never_invited.pk]))
    html = page.content.decode()
    form_html = html[
        html.index('data-form="stage-change"') : html.index(
            "</form>", html.index('data-form="stage-change"')
        )
    ]
    assert '<input type="hidden" name="opened_stage" value="shortlisted"' in form_html
    assert page.context["stage_form"].fields["opened_stage"].required
