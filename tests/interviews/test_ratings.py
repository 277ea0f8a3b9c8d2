"""Aggregates and agreement: the numbers on the page are the psychometrics functions' numbers."""

from __future__ import annotations

import re
from datetime import timedelta

import numpy as np
import pytest
from django.urls import reverse
from django.utils import timezone

from servicefit.candidates.services import add_candidate
from servicefit.interviews.services import (
    competency_ratings,
    competency_ratings_for_job,
    interviews_for,
    kit_for_interview,
    save_scorecard,
    schedule_interview,
)
from servicefit.psychometrics import intraclass_correlations, krippendorff_alpha

pytestmark = pytest.mark.django_db


def ratings_for(kit, offset):
    """Varied ratings per question: a pattern plus a rater-specific twist."""
    pattern = [1, 2, 3, 4, 5, 3, 2, 4, 5, 1]
    return {
        q.id: min(5, max(1, pattern[i % len(pattern)] + offset[i % len(offset)]))
        for i, q in enumerate(kit.questions)
    }


def submit(interview, user, ratings, recommendation="yes"):
    kit = kit_for_interview(interview, language="en")
    return save_scorecard(
        interview=interview,
        interviewer=user,
        kit=kit,
        ratings=ratings,
        recommendation=recommendation,
        submit=True,
    ).scorecard


def stat(page, name):
    match = re.search(rf'data-stat="{name}"><strong>(-?[0-9.]+)</strong>', page)
    assert match, f"{name} not on the page"
    return match.group(1)


def test_the_page_shows_the_icc_and_alpha_of_the_psychometrics_functions(
    login, recruiter, interviewer, second_interviewer, interview
):
    kit = kit_for_interview(interview, language="en")
    first = ratings_for(kit, [0, 0, 1, 0])
    second = ratings_for(kit, [0, -1, 0, 0, 1])
    first[kit.questions[-1].id] = None  # one question rated by one interviewer only
    submit(interview, interviewer, first)
    submit(interview, second_interviewer, second)

    matrix = np.array(
        [[np.nan if first[q.id] is None else first[q.id], second[q.id]] for q in kit.questions],
        dtype=float,
    )
    icc = intraclass_correlations(matrix[~np.isnan(matrix).any(axis=1)])
    alpha = krippendorff_alpha(matrix.T, level="ordinal")

    response = login(recruiter).get(reverse("interviews:detail", args=[interview.pk]))
    page = response.content.decode()
    agreement = response.context["summary"].agreement
    assert agreement.icc_single.icc == pytest.approx(icc.form("ICC2").icc)
    assert agreement.icc_average.icc == pytest.approx(icc.form("ICC2k").icc)
    assert agreement.alpha == pytest.approx(alpha)
    assert agreement.n_questions == len(kit.questions) - 1
    assert stat(page, "icc2") == f"{icc.form('ICC2').icc:.2f}"
    assert stat(page, "icc2k") == f"{icc.form('ICC2k').icc:.2f}"
    assert stat(page, "alpha") == f"{alpha:.2f}"


def test_the_competency_aggregate_is_the_mean_of_each_interviewers_mean(
    login, recruiter, interviewer, second_interviewer, interview, candidate
):
    kit = kit_for_interview(interview, language="en")
    area = kit.areas[0]
    first = dict.fromkeys((q.id for q in kit.questions), 3)
    second = dict.fromkeys((q.id for q in kit.questions), 3)
    first |= {q.id: 5 for q in area.questions}  # mean 5
    second |= {area.questions[0].id: 1}  # mean (1 + 3 + ...) / n
    submit(interview, interviewer, first)
    submit(interview, second_interviewer, second)
    n = len(area.questions)
    expected = (5 + (1 + 3 * (n - 1)) / n) / 2
    assert competency_ratings(candidate)[area.competency] == pytest.approx(expected, abs=1e-4)
    assert "strengths_weaknesses" not in competency_ratings(candidate)
    assert competency_ratings_for_job(candidate.job) == {
        candidate.pk: competency_ratings(candidate)
    }
    response = login(recruiter).get(reverse("interviews:detail", args=[interview.pk]))
    row = next(
        c for c in response.context["summary"].competencies if c.competency == area.competency
    )
    assert row.mean == pytest.approx(expected) and row.n_raters == 2


def test_drafts_do_not_count(interviewer, interview, candidate):
    kit = kit_for_interview(interview, language="en")
    save_scorecard(
        interview=interview,
        interviewer=interviewer,
        kit=kit,
        ratings=dict.fromkeys((q.id for q in kit.questions), 5),
    )
    assert competency_ratings(candidate) == {}


def test_one_scorecard_shows_no_agreement_yet(login, recruiter, interviewer, interview):
    kit = kit_for_interview(interview, language="en")
    submit(interview, interviewer, ratings_for(kit, [0]))
    response = login(recruiter).get(reverse("interviews:detail", args=[interview.pk]))
    assert response.context["summary"].agreement is None
    assert "Agreement needs at least two submitted scorecards." in response.content.decode()


def test_identical_ratings_explain_why_agreement_is_undefined(
    login, recruiter, interviewer, second_interviewer, interview
):
    kit = kit_for_interview(interview, language="en")
    same = dict.fromkeys((q.id for q in kit.questions), 4)
    submit(interview, interviewer, same)
    submit(interview, second_interviewer, same)
    response = login(recruiter).get(reverse("interviews:detail", args=[interview.pk]))
    agreement = response.context["summary"].agreement
    assert agreement.icc_single is None and agreement.alpha is None
    assert "Not computable" in response.content.decode()


def test_a_rater_far_from_the_others_is_flagged(
    login, recruiter, interviewer, second_interviewer, make_user, candidate
):
    third = make_user("tess", "interviewer")
    interview = schedule_interview(
        candidate=candidate,
        scheduled_at=timezone.now(),
        interviewers=[interviewer, second_interviewer, third],
        scheduled_by=recruiter,
    )
    kit = kit_for_interview(interview, language="en")
    close = ratings_for(kit, [0])
    submit(interview, interviewer, close)
    submit(interview, second_interviewer, close)
    submit(interview, third, {q: min(5, r + 2) for q, r in close.items()})  # lenient
    response = login(recruiter).get(reverse("interviews:detail", args=[interview.pk]))
    flagged = [r.interviewer for r in response.context["summary"].raters if r.flagged]
    assert flagged == [third]
    assert "far from others" in response.content.decode()


def test_two_interviewers_far_apart_on_a_question_are_marked(
    login, recruiter, interviewer, second_interviewer, interview
):
    kit = kit_for_interview(interview, language="en")
    base = dict.fromkeys((q.id for q in kit.questions), 3)
    submit(interview, interviewer, base)
    submit(interview, second_interviewer, base | {kit.questions[1].id: 5})
    response = login(recruiter).get(reverse("interviews:detail", args=[interview.pk]))
    marked = [q.question_id for q in response.context["summary"].flagged_questions]
    assert marked == [kit.questions[1].id]
    assert "2 points apart" in response.content.decode()


def test_interviews_for_lists_upcoming_and_unscored_interviews_of_that_user_only(
    recruiter, interviewer, second_interviewer, outsider, interview, job
):
    other = add_candidate(job=job, name="Kim", email="kim@example.com")
    past = schedule_interview(
        candidate=other,
        scheduled_at=timezone.now() - timedelta(days=5),
        interviewers=[interviewer],
        scheduled_by=recruiter,
    )
    assert list(interviews_for(interviewer)) == [past, interview]
    assert list(interviews_for(outsider)) == []
    submit(
        past,
        interviewer,
        dict.fromkeys((q.id for q in kit_for_interview(past, language="en").questions), 3),
    )
    assert list(interviews_for(interviewer)) == [interview]
    assert list(interviews_for(interviewer, include_done=True)) == [past, interview]
    assert list(interviews_for(second_interviewer)) == [interview]


def test_the_dashboard_lists_an_interviewers_interviews(login, interviewer, interview):
    page = login(interviewer).get(reverse("backoffice:dashboard")).content.decode()
    assert reverse("interviews:scorecard", args=[interview.pk]) in page
    assert "Sam &lt;script&gt;" in page


def test_a_candidates_interviews_count_submitted_scorecards_only(
    login, recruiter, interviewer, second_interviewer, interview, candidate
):
    from django.template.loader import render_to_string

    from servicefit.interviews.services import interviews_of

    kit = kit_for_interview(interview, language="en")
    submit(interview, interviewer, dict.fromkeys((q.id for q in kit.questions), 3))
    save_scorecard(interview=interview, interviewer=second_interviewer, kit=kit, ratings={})
    [row] = interviews_of(candidate)
    assert (row.panel_size, row.submitted_count) == (2, 1)
    html = render_to_string(
        "interviews/includes/candidate_interviews.html", {"candidate_interviews": [row]}
    )
    assert "1 of 2 scorecards submitted" in html
    assert reverse("interviews:detail", args=[interview.pk]) in html


def test_the_export_holds_every_interview_and_scorecard(interviewer, interview, candidate):
    from servicefit.interviews.services import export_interviews

    kit = kit_for_interview(interview, language="en")
    submit(interview, interviewer, dict.fromkeys((q.id for q in kit.questions), 4))
    [exported] = export_interviews(candidate)
    assert set(exported["interviewers"]) == {"ivo", "iris"}
    [scorecard] = exported["scorecards"]
    assert scorecard["interviewer"] == "ivo" and scorecard["recommendation"] == "yes"
    assert {r["rating"] for r in scorecard["ratings"]} == {4}


def test_degenerate_ratings_give_no_icc_rather_than_an_impossible_one():
    """ICC2k's denominator is 0 here (NaN). ICC2 is -1: the interviewers disagree on two of
    three questions, which is no agreement, not "ratings that hardly vary"."""
    from servicefit.interviews.services.ratings import agreement_between

    agreement = agreement_between(np.array([[5, 1], [1, 1], [1, 5]], dtype=float))
    assert agreement.icc_single.icc == pytest.approx(-1.0)
    assert agreement.icc_average_value is None  # the NaN is never shown
    assert agreement.icc_average_reading.below_zero

    flat = agreement_between(np.array([[3, 3], [3, 3], [3, 3]], dtype=float))
    assert flat.icc_single is None and flat.icc_average is None
    assert flat.icc_problem


def test_a_negative_icc_is_shown_as_no_agreement_never_as_good(
    login, recruiter, interviewer, second_interviewer, interview
):
    """Opposite ratings give an ICC below 0: the page says what it means and never calls it
    good (it showed the bare number)."""
    kit = kit_for_interview(interview, language="en")
    first = ratings_for(kit, [0])
    # two of every three questions rated the other way round
    second = {q: (6 - r if i % 3 else r) for i, (q, r) in enumerate(first.items())}
    submit(interview, interviewer, first)
    submit(interview, second_interviewer, second)
    response = login(recruiter).get(reverse("interviews:detail", args=[interview.pk]))
    agreement = response.context["summary"].agreement
    assert agreement.icc_single.icc < 0 and agreement.icc_average.icc < 0
    assert agreement.alpha < 0
    page = response.content.decode()
    for name in ("icc2", "icc2k", "alpha"):
        assert float(stat(page, name)) < 0
        badge = re.search(rf'data-reading="{name}">([^<]+)<', page)
        assert badge and badge.group(1) == "No agreement"
        note = re.search(rf'data-reading-note="{name}">([^<]+)<', page)
        assert note and "agree less than chance would; treat it as no agreement" in note.group(1)
    readings = re.findall(r'data-reading="[^"]+">([^<]+)<', page)
    assert readings == ["No agreement"] * 3


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (-0.3, "below_zero"),
        (float("nan"), "below_zero"),
        (0.0, "poor"),
        (0.49, "poor"),
        (0.5, "moderate"),
        (0.75, "good"),
        (0.9, "excellent"),
        (1.0, "excellent"),
    ],
)
def test_icc_reading_bands(value, code):
    from servicefit.interviews.services.ratings import icc_reading

    assert icc_reading(value).code == code


def test_icc2k_never_shows_a_positive_number_when_icc2_is_below_zero():
    """Opposite ratings: ICC2 is about -1.06 and ICC2k's formula gives +34 (Spearman-Brown
    flips sign below -1/(k-1)). It was dropped as "the ratings hardly vary"; now both forms
    read as no agreement and the +34 is never shown."""
    from servicefit.interviews.services.ratings import agreement_between

    a = np.array([1, 2, 3, 4, 5, 3, 2, 4, 5, 1, 1, 2], dtype=float)
    b = 6 - a
    b[0], b[3] = 4, 3
    agreement = agreement_between(np.c_[a, b])
    assert agreement.icc_single is not None and agreement.icc_single.icc < -1
    # the formula gives +34; the library reports NaN past Spearman-Brown's pole (icc.py)
    assert np.isnan(agreement.icc_average.icc)
    assert agreement.below_chance and agreement.icc_average_value is None
    assert agreement.icc_single_reading.below_zero and agreement.icc_average_reading.below_zero
    assert agreement.icc_problem == ""


def test_icc2k_interval_unbounded_below_reads_minus_infinity_not_a_number_above_one(
    login, recruiter, interviewer, second_interviewer, interview
):
    """Four questions rated by both: one interviewer says 3 throughout, the other 2, 4, 2, 4.
    ICC2 = 0 with a lower bound of -1.66, past Spearman-Brown's pole -1/(k-1) = -1. psych and
    pingouin give ICC2k's interval as "5.05 to 0.95" here (pingouin 0.7.0,
    ``pg.intraclass_corr`` on these ratings: ICC(A,k) CI [5.05, 0.95]); it is unbounded
    below."""
    kit = kit_for_interview(interview, language="en")
    # Each must rate a question of every area; they overlap on four questions only.
    both = [q.id for q in kit.questions[:4]]
    first_only = {a.questions[0].id for a in kit.areas} - set(both)
    second_only = {a.questions[-1].id for a in kit.areas} - set(both) - first_only
    assert not any(a.questions[0].id == a.questions[-1].id not in both for a in kit.areas)
    first = dict.fromkeys((q.id for q in kit.questions), None)
    second = dict.fromkeys((q.id for q in kit.questions), None)
    first |= dict.fromkeys(first_only, 4)
    second |= dict.fromkeys(second_only, 4)
    for qid, rating in zip(both, (2, 4, 2, 4), strict=True):
        first[qid], second[qid] = 3, rating
    submit(interview, interviewer, first)
    submit(interview, second_interviewer, second)
    response = login(recruiter).get(reverse("interviews:detail", args=[interview.pk]))
    page = response.content.decode()
    agreement = response.context["summary"].agreement
    assert agreement.n_questions == 4
    assert agreement.icc_average.lower == -np.inf
    assert stat(page, "icc2k") == "0.00"
    assert "95% CI −∞ to 0.95" in page
    assert "5.05" not in page
