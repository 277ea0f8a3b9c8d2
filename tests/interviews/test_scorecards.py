"""Scorecards: drafts, submission, the lock, and who sees whose ratings when."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from servicefit.audit.models import AuditEvent
from servicefit.interviews.models import Scorecard, ScorecardRating
from servicefit.interviews.services import (
    NotOnPanel,
    ScorecardLocked,
    kit_for_interview,
    save_scorecard,
)
from servicefit.interviews.services.workflows import not_started_problem

pytestmark = pytest.mark.django_db


def field(question_id):
    return question_id.replace(".", "__")


def post_data(kit, *, rating=4, recommendation="yes", submit=False, note="Gave a real example."):
    data = {f"rating__{field(q.id)}": str(rating) for q in kit.questions}
    data |= {f"note__{field(q.id)}": note for q in kit.questions}
    data |= {
        "recommendation": recommendation,
        "observations": [o.id for o in kit.observations[:2]],
        "notes": "<b>Overall</b> calm.",
    }
    data["submit" if submit else "save"] = "1"
    return data


def submit_as(user, interview, rating):
    kit = kit_for_interview(interview, language="en")
    return save_scorecard(
        interview=interview,
        interviewer=user,
        kit=kit,
        ratings={q.id: rating for q in kit.questions},
        recommendation="yes",
        submit=True,
    )


def test_a_panel_member_saves_a_draft_and_can_change_it(login, interviewer, interview):
    kit = kit_for_interview(interview, language="en")
    client = login(interviewer)
    url = reverse("interviews:scorecard", args=[interview.pk])
    assert client.post(url, post_data(kit, rating=2)).status_code == 302
    assert client.post(url, post_data(kit, rating=3)).status_code == 302
    scorecard = Scorecard.objects.get(interview=interview, interviewer=interviewer)
    assert not scorecard.is_submitted
    assert set(scorecard.ratings.values_list("rating", flat=True)) == {3}
    assert scorecard.ratings.count() == len(kit.questions)
    assert scorecard.observations == [o.id for o in kit.observations[:2]]
    page = client.get(url).content.decode()
    assert 'value="3"' in page and "checked" in page


def test_submitting_locks_the_scorecard_and_a_further_post_is_refused(
    login, interviewer, interview
):
    kit = kit_for_interview(interview, language="en")
    client = login(interviewer)
    url = reverse("interviews:scorecard", args=[interview.pk])
    client.post(url, post_data(kit, rating=4, submit=True))
    scorecard = Scorecard.objects.get(interview=interview, interviewer=interviewer)
    assert scorecard.is_locked and scorecard.submitted_at is not None
    assert AuditEvent.objects.filter(action="scorecard.submitted", actor=interviewer).exists()

    response = client.post(url, post_data(kit, rating=1, recommendation="strong_no", submit=True))
    assert response.status_code == 409
    assert "submitted and is locked" in response.content.decode()
    scorecard.refresh_from_db()
    assert scorecard.recommendation == "yes"
    assert set(scorecard.ratings.values_list("rating", flat=True)) == {4}


def test_the_service_refuses_to_change_a_submitted_scorecard(interviewer, interview):
    submit_as(interviewer, interview, 4)
    with pytest.raises(ScorecardLocked):
        submit_as(interviewer, interview, 1)


def test_an_incomplete_submission_keeps_the_draft_and_says_what_is_missing(
    login, interviewer, interview
):
    kit = kit_for_interview(interview, language="en")
    data = post_data(kit, recommendation="", submit=True)
    for q in kit.areas[0].questions:
        data.pop(f"rating__{field(q.id)}")
    client = login(interviewer)
    response = client.post(reverse("interviews:scorecard", args=[interview.pk]), data, follow=True)
    page = response.content.decode()
    assert "Give an overall recommendation." in page
    assert f"Rate at least one question on {kit.areas[0].name}." in page
    scorecard = Scorecard.objects.get(interview=interview, interviewer=interviewer)
    assert not scorecard.is_submitted
    assert scorecard.ratings.filter(rating=4).count() == len(kit.questions) - len(
        kit.areas[0].questions
    )


def test_a_rating_outside_the_scale_is_a_form_error(login, interviewer, interview):
    kit = kit_for_interview(interview, language="en")
    data = post_data(kit)
    data[f"rating__{field(kit.questions[0].id)}"] = "7"
    response = login(interviewer).post(reverse("interviews:scorecard", args=[interview.pk]), data)
    assert response.status_code == 400
    assert not Scorecard.objects.exists()


def test_someone_off_the_panel_cannot_save_a_scorecard(outsider, interview):
    kit = kit_for_interview(interview, language="en")
    with pytest.raises(NotOnPanel):
        save_scorecard(interview=interview, interviewer=outsider, kit=kit, ratings={})


def test_an_interviewer_does_not_see_the_others_ratings_before_submitting(
    login, interviewer, second_interviewer, interview
):
    submit_as(second_interviewer, interview, 1)
    ScorecardRating.objects.filter(scorecard__interviewer=second_interviewer).update(
        note="SECRET-NOTE-OF-IRIS"
    )
    client = login(interviewer)
    page = client.get(reverse("interviews:scorecard", args=[interview.pk])).content.decode()
    assert "SECRET-NOTE-OF-IRIS" not in page
    assert "All submitted scorecards" not in page
    assert "Mean rating" not in page


def test_after_submitting_an_interviewer_sees_the_aggregate_but_not_the_others_notes(
    login, interviewer, second_interviewer, interview
):
    submit_as(second_interviewer, interview, 1)
    ScorecardRating.objects.filter(scorecard__interviewer=second_interviewer).update(
        note="SECRET-NOTE-OF-IRIS"
    )
    submit_as(interviewer, interview, 5)
    response = login(interviewer).get(reverse("interviews:scorecard", args=[interview.pk]))
    page = response.content.decode()
    assert "All submitted scorecards" in page
    summary = response.context["summary"]
    assert {c.mean for c in summary.competencies} == {3.0}
    assert "SECRET-NOTE-OF-IRIS" not in page


def test_a_recruiter_on_the_panel_sees_no_ratings_until_their_own_is_submitted(
    login, recruiter, interviewer, candidate
):
    from django.utils import timezone

    from servicefit.interviews.services import schedule_interview

    interview = schedule_interview(
        candidate=candidate,
        scheduled_at=timezone.now(),
        interviewers=[recruiter, interviewer],
        scheduled_by=recruiter,
    )
    submit_as(interviewer, interview, 2)
    client = login(recruiter)
    url = reverse("interviews:detail", args=[interview.pk])
    response = client.get(url)
    assert response.context["summary"] is None
    assert "after you submit your own scorecard" in response.content.decode()
    submit_as(recruiter, interview, 4)
    assert client.get(url).context["summary"] is not None


def test_notes_are_escaped_on_every_page(login, recruiter, interviewer, interview):
    kit = kit_for_interview(interview, language="en")
    client = login(interviewer)
    client.post(
        reverse("interviews:scorecard", args=[interview.pk]),
        post_data(kit, submit=True, note="<img src=x onerror=alert(1)>"),
    )
    for user, url in [
        (interviewer, reverse("interviews:scorecard", args=[interview.pk])),
        (recruiter, reverse("interviews:detail", args=[interview.pk])),
    ]:
        page = login(user).get(url).content.decode()
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "Sam &lt;script&gt;" in page
    detail = login(recruiter).get(reverse("interviews:detail", args=[interview.pk]))
    assert "&lt;b&gt;Overall&lt;/b&gt; calm." in detail.content.decode()


def test_a_scorecard_cannot_be_submitted_before_the_interview_starts(
    login, interviewer, interview, candidate
):
    from datetime import timedelta

    from django.test import TestCase
    from django.utils import timezone

    interview.scheduled_at = timezone.now() + timedelta(days=3)
    interview.save(update_fields=["scheduled_at"])
    kit = kit_for_interview(interview, language="en")
    client = login(interviewer)
    url = reverse("interviews:scorecard", args=[interview.pk])
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        response = client.post(url, post_data(kit, submit=True), follow=True)
    page = response.content.decode()
    assert "The interview has not started yet" in page
    assert "Your draft is saved, but it cannot be submitted yet." in page
    scorecard = Scorecard.objects.get(interview=interview, interviewer=interviewer)
    assert not scorecard.is_submitted  # the draft is kept, nothing feeds the composite
    assert set(scorecard.ratings.values_list("rating", flat=True)) == {4}
    assert queued == []
    assert not AuditEvent.objects.filter(action="scorecard.submitted").exists()
    with translation.override("da"):
        assert "Samtalen er ikke begyndt endnu" in not_started_problem(interview)

    interview.scheduled_at = timezone.now() - timedelta(minutes=1)
    interview.save(update_fields=["scheduled_at"])
    client.post(url, post_data(kit, submit=True))
    scorecard.refresh_from_db()
    assert scorecard.is_submitted


def test_before_the_start_time_the_page_offers_only_a_draft_and_says_when_submitting_opens(
    login, interviewer, interview
):
    from datetime import timedelta

    from django.utils import timezone

    url = reverse("interviews:scorecard", args=[interview.pk])
    client = login(interviewer)
    page = client.get(url).content.decode()  # started already (the fixture's interview)
    assert 'name="submit"' in page and "data-submit-from" not in page

    interview.scheduled_at = timezone.now() + timedelta(days=3)
    interview.save(update_fields=["scheduled_at"])
    page = client.get(url).content.decode()
    assert 'name="save"' in page and 'name="submit"' not in page
    assert "data-submit-from" in page and "You can submit this scorecard from" in page
    assert interview.scheduled_at.strftime("%Y") in page


def test_an_interview_has_started_from_its_start_time(interview):
    from datetime import timedelta

    start = interview.scheduled_at
    assert interview.has_started(start)
    assert not interview.has_started(start - timedelta(seconds=1))
