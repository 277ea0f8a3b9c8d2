"""Parts left empty or answered in part: an empty written reply the candidate was shown is
rated lowest (one never opened stays missing), and a judgement scenario counts only when all
of its options are rated. Checked from the scoring function to what the recruiter and the
candidate read."""

from __future__ import annotations

import dataclasses
import io
from datetime import timedelta

import numpy as np
import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from servicefit.assessments.models import Answer, AssessmentSession, Standing
from servicefit.assessments.plan import REPLY_MESSAGE_BY_CHANNEL, reply_key, sjt_key
from servicefit.assessments.results import store_result
from servicefit.assessments.scoring import REPLY_RATING_COMPETENCIES, score_assessment
from servicefit.assessments.services import AUTOMATION_NOTICE_VERSION, PRIVACY_NOTICE_VERSION
from servicefit.candidates.services import add_candidate
from servicefit.content import default_content
from servicefit.psychometrics import score_ratings

GOOD_REPLY = (
    "Dear Mette, I am really sorry that your chair arrived late and that nobody told you. "
    "I have refunded the delivery fee today, and I will call you tomorrow to make sure "
    "everything is in order. Thank you for your patience."
)
REPLY_COMPETENCIES = {c for cs in REPLY_RATING_COMPETENCIES.values() for c in cs}


@pytest.fixture
def content():
    return default_content()


def _strong_values(content):
    """Top questionnaire answers (keyed 5) and judgement ratings exactly on the key."""
    values = {i.id: (1 if i.reverse else 5) for i in content.questionnaire.items}
    values |= {sjt_key(s.id, o.id): round(o.key) for s in content.sjt.scenarios for o in s.options}
    return values


def _score(content, text, *, shown=True, values=None):
    return score_assessment(
        content,
        values=values if values is not None else _strong_values(content),
        reply_message="late_delivery",
        reply_text=text,
        reply_language="en",
        reply_shown=shown,
    )


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_an_empty_reply_the_candidate_was_shown_is_rated_lowest(content, text):
    scored = _score(content, text)
    assert scored.reply.status == "empty"
    for competency in REPLY_COMPETENCIES:
        assert scored.competencies[competency].sources["reply"] == 1.0
    assert {"incomplete", "reply_empty"} <= set(scored.flags)
    assert "reply_not_reached" not in scored.flags


def test_a_reply_never_opened_stays_missing(content):
    scored = _score(content, "", shown=False)
    assert scored.reply.status == "not_reached"
    for competency in REPLY_COMPETENCIES:
        assert "reply" not in scored.competencies[competency].sources
    assert {"incomplete", "reply_not_reached"} <= set(scored.flags)
    assert "reply_empty" not in scored.flags


def test_an_empty_reply_never_scores_above_a_written_one(content):
    """The defect: the empty reply was missing, so its reply competencies rested on the
    (strong) other parts alone and came out above those of a candidate who wrote well."""
    empty = _score(content, "")
    written = _score(content, GOOD_REPLY)
    assert written.reply.status == "answered"
    for competency in REPLY_COMPETENCIES:
        assert empty.competencies[competency].score < written.competencies[competency].score


def test_an_sjt_scenario_counts_only_when_every_option_is_rated(content):
    values = _strong_values(content)
    first = content.sjt.scenarios[0]
    for option in first.options[1:]:
        del values[sjt_key(first.id, option.id)]
    scored = _score(content, GOOD_REPLY, values=values)
    scenario = scored.sjt.scenarios[first.id]
    assert scenario.score is None
    assert scenario.answered == 1
    assert "sjt_partial" in scored.flags
    for competency in first.competencies:
        assert scored.sjt.not_counted[competency] == 1
    # a scenario left out whole is "incomplete", but not "rated in part"
    untouched = _strong_values(content)
    for option in first.options:
        del untouched[sjt_key(first.id, option.id)]
    skipped = _score(content, GOOD_REPLY, values=untouched)
    assert "sjt_partial" not in skipped.flags and "incomplete" in skipped.flags
    assert skipped.sjt.not_counted == {}


def test_one_rated_option_no_longer_carries_a_whole_scenario(content):
    """Before, rating only the option one is sure of gave a perfect scenario score."""
    values = _strong_values(content)
    for scenario in content.sjt.scenarios:
        for option in scenario.options:
            values[sjt_key(scenario.id, option.id)] = 1 if option.key >= 3 else 5  # all wrong
    first = content.sjt.scenarios[0]
    for option in first.options[1:]:
        del values[sjt_key(first.id, option.id)]
    values[sjt_key(first.id, first.options[0].id)] = round(first.options[0].key)
    scored = _score(content, GOOD_REPLY, values=values)
    for competency in first.competencies:
        others = [s for s in content.sjt.scenarios[1:] if competency in s.competencies]
        if others:  # the competency rests on its fully rated (all wrong) scenarios only
            assert scored.sjt.competencies[competency] < 3
        else:
            assert competency not in scored.sjt.competencies


def test_score_ratings_min_rated():
    key = np.array([1.0, 3.0, 5.0, 2.0])
    ratings = np.array([[1.0, np.nan, np.nan, np.nan], [1.0, 3.0, 5.0, 2.0]])
    assert score_ratings(ratings, key, minimum=1, maximum=5).scores[0] == 1.0
    scored = score_ratings(ratings, key, minimum=1, maximum=5, min_rated=4)
    assert np.isnan(scored.scores[0]) and scored.scores[1] == 1.0
    assert list(scored.n_answered) == [1, 4]


# --- the product: sessions, standings and what people read -------------------------------


def _session(candidate, *, text, reply_opened=True, sjt_partial=False):
    """A submitted session with strong answers elsewhere and the given reply."""
    content = default_content()
    now = timezone.now() - timedelta(hours=1)
    message = REPLY_MESSAGE_BY_CHANNEL.get(candidate.job.channel, "late_delivery")
    session = AssessmentSession.objects.create(
        candidate=candidate,
        content_version=content.version,
        privacy_notice_version=PRIVACY_NOTICE_VERSION,
        automation_notice_version=AUTOMATION_NOTICE_VERSION,
        consented_at=now,
        language="en",
        reply_message=message,
        sjt_started_at=now,
        reply_started_at=now if reply_opened else None,
        submitted_at=now + timedelta(minutes=30),
    )
    values = _strong_values(content)
    if sjt_partial:
        first = content.sjt.scenarios[0]
        for option in first.options[1:]:
            del values[sjt_key(first.id, option.id)]
    answers = [Answer(session=session, key=k, value=v, answered_at=now) for k, v in values.items()]
    if text is not None:
        answers.append(Answer(session=session, key=reply_key(message), text=text, language="en"))
    Answer.objects.bulk_create(answers)
    return store_result(session=session, refresh=False)


@pytest.fixture
def three(job):
    """Equal answers elsewhere: one wrote a reply, one submitted it empty, one never opened it."""
    people = {}
    for name, text, opened in (
        ("Wrote Reply", GOOD_REPLY, True),
        ("Empty Reply", "", True),
        ("Never Opened", None, False),
    ):
        candidate = add_candidate(job=job, name=name, email=f"{name.split()[0].lower()}@x.org")
        _session(candidate, text=text, reply_opened=opened)
        people[name] = candidate
    return people


@pytest.mark.django_db
def test_the_empty_reply_ranks_below_the_written_one_and_says_why(client, recruiter, job, three):
    wrote = Standing.objects.get(candidate=three["Wrote Reply"])
    empty = Standing.objects.get(candidate=three["Empty Reply"])
    assert empty.composite < wrote.composite
    assert "reply_empty" in empty.flags
    client.force_login(recruiter)
    shortlist = client.get(reverse("backoffice:job_detail", args=[job.pk])).content.decode()
    assert "No written reply was submitted: rated lowest" in shortlist
    assert "Written reply never opened: not rated" in shortlist

    report = client.get(reverse("backoffice:candidate_report", args=[three["Empty Reply"].pk]))
    html = report.content.decode()
    assert "No written reply was submitted: rated lowest (1) on every reply rating." in html
    assert 'data-reply-status="empty"' in html
    assert report.context["rater_form"] is None  # nothing written, nothing to rate
    refused = client.post(
        reverse("backoffice:reply_rating", args=[three["Empty Reply"].pk]),
        {"courtesy": "3", "empathy": "3", "ownership": "3", "clarity": "3", "overall": "3"},
        follow=True,
    )
    assert "There is no written reply to rate." in refused.content.decode()

    pdf = client.get(reverse("backoffice:candidate_report_pdf", args=[three["Empty Reply"].pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf.content)).pages
    )
    assert "No written reply was submitted: rated lowest (1) on every reply rating." in text
    never = client.get(reverse("backoffice:candidate_report", args=[three["Never Opened"].pk]))
    assert "The written reply was never opened: it is not rated" in never.content.decode()


@pytest.mark.django_db
def test_the_explanation_and_the_feedback_say_it_plainly(client, recruiter, three):
    from servicefit.backoffice.explanation import build_explanation
    from servicefit.portal.feedback import feedback_for

    explanation = build_explanation(three["Empty Reply"])
    assert "No written reply was submitted: rated lowest" in explanation["scores"]["flag_labels"]
    assert explanation["scores"]["notes"] == [
        "No written reply was submitted: rated lowest (1) on every reply rating."
    ]
    assert explanation["evidence"]["written_reply_status"] == "empty"
    feedback = feedback_for(three["Empty Reply"].assessment)
    assert feedback["notes"][0].startswith("No written reply was submitted: it was rated lowest")
    assert feedback_for(three["Never Opened"].assessment)["notes"] == [
        "You did not open the written reply, so it is not part of your results."
    ]
    assert feedback_for(three["Wrote Reply"].assessment)["notes"] == []


@pytest.mark.django_db
def test_a_scenario_rated_in_part_is_named_on_the_report(client, recruiter, job):
    candidate = add_candidate(job=job, name="Part Rater", email="part@x.org")
    result = _session(candidate, text=GOOD_REPLY, sjt_partial=True)
    assert "sjt_partial" in result.flags
    client.force_login(recruiter)
    html = client.get(reverse("backoffice:candidate_report", args=[candidate.pk])).content.decode()
    assert "not counted: 1 of 4 options rated" in html
    assert "1 situation had only some of its options rated: it is not counted." in html
    assert "Situations rated in part: not counted" in html


def test_content_without_judgement_scenarios_or_written_reply_scores_and_is_complete(content):
    """A part the content does not include is neither missing nor rated: nothing to flag."""
    without_sjt = dataclasses.replace(content, sjt=None)
    values = {i.id: 4 for i in content.questionnaire.items}
    scored = score_assessment(
        without_sjt,
        values=values,
        reply_message="late_delivery",
        reply_text=GOOD_REPLY,
        reply_language="en",
    )
    assert scored.flags == ()
    assert scored.sjt.scenarios == {} and scored.sjt.not_counted == {}
    questionnaire_only = dataclasses.replace(without_sjt, written_reply=None)
    scored = score_assessment(
        questionnaire_only,
        values=values,
        reply_message="late_delivery",
        reply_text="",
        reply_language="en",
    )
    assert scored.flags == ()  # it was "incomplete": no reply text, though none was asked for
    assert scored.reply.status == ""
    assert all("reply" not in c.sources for c in scored.competencies.values())
