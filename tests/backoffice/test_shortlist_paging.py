"""The shortlist's pages read ids in index order and load only their rows (issue 11): every
filter and sort still pages through exactly the rows, order and ranks of the whole-job order.

The reference here is computed in Python from every candidate of the job, so the tests prove
that reading a page without sorting the job changes nothing a recruiter sees: composite ties
(broken by name, then id), standings without a composite, started-but-unscored candidates
(flagged "incomplete"), the boundary where the scored part of the ranking ends, and pages past
the end.
"""

from __future__ import annotations

import importlib
import random
import re

import pytest
from django.apps import apps

from servicefit.assessments.models import AssessmentSession, ReplyRating, Result, Standing
from servicefit.assessments.reply_agreement import reply_agreement
from servicefit.assessments.standings import is_recomputing, profile_key
from servicefit.backoffice import shortlist
from servicefit.backoffice.shortlist import (
    FILTERS,
    LATER_STAGES,
    SORTS,
    ShortlistQuery,
    build_shortlist,
)
from servicefit.candidates.models import Candidate, Stage
from servicefit.candidates.services import add_candidate
from servicefit.demo_assessments import simulate_assessment
from servicefit.jobs.services import create_job_from_template
from servicefit.psychometrics import weighted_kappa

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed_job(job, add_scored):
    """Scored candidates with composite ties and one without a composite, started and
    invited candidates (two with the same name), some moved to later stages."""
    scored = add_scored(job, 14, seed=5, prefix="Scored")
    standings = {s.candidate_id: s for s in Standing.objects.filter(job=job)}
    tie = standings[scored[0].pk].composite
    # Three more at the first one's composite, named so that name order differs from id order.
    for candidate, name in zip(scored[1:4], ("Tie C", "Tie A", "Tie B"), strict=True):
        Candidate.objects.filter(pk=candidate.pk).update(name=name)
        Standing.objects.filter(candidate=candidate).update(composite=tie)
    # A standing without a composite (a job without weights when it was scored).
    Standing.objects.filter(candidate=scored[4]).update(composite=None, lower=None, upper=None)
    Standing.objects.filter(candidate=scored[5]).update(flagged=True, flags=["wrong_language"])
    rng = random.Random(3)
    for i in range(3):
        started = add_candidate(job=job, name=f"Started {i}", email=f"s{i}@example.com")
        simulate_assessment(candidate=started, rng=rng, complete=False)
    for i, name in enumerate(("Waiting", "Waiting", "Another")):
        add_candidate(job=job, name=name, email=f"w{i}@example.com")
    Candidate.objects.filter(pk__in=[scored[6].pk, scored[7].pk]).update(stage=Stage.SHORTLISTED)
    Candidate.objects.filter(pk=scored[8].pk).update(stage=Stage.INTERVIEW)
    return job


def _reference(job, chosen: str, sort: str) -> list[int]:
    """The candidate ids in shortlist order, sorted in Python from the whole job."""
    started = set(AssessmentSession.objects.values_list("candidate_id", flat=True))
    standings = {s.candidate_id: s for s in Standing.objects.filter(job=job)}
    rows = []
    for c in Candidate.objects.filter(job=job):
        s = standings.get(c.pk)
        composite = None if s is None else s.composite
        keep = {
            "all": True,
            "scored": composite is not None,
            "flagged": (s is not None and s.flagged) or (s is None and c.pk in started),
            "shortlisted": c.stage in LATER_STAGES,
            "not_started": c.stage == Stage.INVITED,
        }[chosen]
        if keep:
            rows.append((c, composite))

    def ranked(row):
        c, composite = row
        return (composite is None, -(composite or 0.0), c.name, c.pk)

    if sort == "name":
        rows.sort(key=lambda row: (row[0].name.lower(), row[0].pk))
    elif sort == "stage":
        rows.sort(key=lambda row: (Stage.values.index(row[0].stage), *ranked(row)))
    else:
        rows.sort(key=ranked)
    return [c.pk for c, _composite in rows]


def _all_pages(job, chosen: str, sort: str) -> tuple[list[int], list[shortlist.Shortlist]]:
    first = build_shortlist(job, ShortlistQuery(filter=chosen, sort=sort, page=1))
    pages = [first] + [
        build_shortlist(job, ShortlistQuery(filter=chosen, sort=sort, page=n))
        for n in range(2, first.page.paginator.num_pages + 1)
    ]
    return [row.candidate.pk for page in pages for row in page.rows], pages


@pytest.mark.parametrize("page_size", [3, 5])
def test_every_filter_and_sort_pages_through_the_whole_job_order(mixed_job, monkeypatch, page_size):
    monkeypatch.setattr(shortlist, "PAGE_SIZE", page_size)
    composites = list(
        Standing.objects.filter(job=mixed_job, composite__isnull=False).values_list(
            "composite", flat=True
        )
    )
    for chosen in FILTERS:
        for sort in SORTS:
            expected = _reference(mixed_job, chosen, sort)
            seen, pages = _all_pages(mixed_job, chosen, sort)
            assert seen == expected, (chosen, sort)
            for page in pages:
                assert page.matching == len(expected)
                assert page.total == 20
                assert page.scored == 13
                for row in page.rows:
                    expected_rank = (
                        None
                        if row.composite is None
                        else 1 + sum(c > row.composite for c in composites)
                    )
                    assert row.rank == expected_rank, (chosen, sort, row.candidate.name)


def test_tied_composites_share_a_rank_and_are_listed_by_name(mixed_job, monkeypatch):
    monkeypatch.setattr(shortlist, "PAGE_SIZE", 50)
    rows = build_shortlist(mixed_job, ShortlistQuery()).rows
    tied = [r for r in rows if r.candidate.name.startswith("Tie ")]
    assert [r.candidate.name for r in tied] == ["Tie A", "Tie B", "Tie C"]
    assert len({r.rank for r in tied}) == 1
    # The unscored part: after every composite, by name then id (the two "Waiting" by id).
    unscored = [r.candidate for r in rows if r.composite is None]
    assert [c.name for c in unscored][:3] == ["Another", "Scored 004", "Started 0"]
    waiting = [c.pk for c in unscored if c.name == "Waiting"]
    assert waiting == sorted(waiting) and len(waiting) == 2
    incomplete = [r for r in rows if r.candidate.name.startswith("Started")]
    assert all(r.flags == ("incomplete",) for r in incomplete)


def test_a_page_past_the_end_shows_the_last_page(mixed_job, monkeypatch):
    monkeypatch.setattr(shortlist, "PAGE_SIZE", 4)
    last = build_shortlist(mixed_job, ShortlistQuery(page=99))
    assert last.page.number == last.page.paginator.num_pages == 5
    assert [r.candidate.pk for r in last.rows] == _reference(mixed_job, "all", "rank")[16:]


def test_the_counts_and_order_follow_changes_to_the_job(mixed_job, add_scored, monkeypatch):
    """Nothing is cached between requests: a new candidate, a new score and a stage move show
    on the next page view."""
    monkeypatch.setattr(shortlist, "PAGE_SIZE", 4)
    before = build_shortlist(mixed_job, ShortlistQuery(filter="shortlisted"))
    assert before.matching == 3
    add_candidate(job=mixed_job, name="Zed Late", email="zed@example.com")
    add_scored(mixed_job, 2, seed=8, prefix="Later")
    Candidate.objects.filter(job=mixed_job, name="Tie A").update(stage=Stage.OFFER)
    for chosen in FILTERS:
        seen, pages = _all_pages(mixed_job, chosen, "rank")
        assert seen == _reference(mixed_job, chosen, "rank")
        assert pages[0].total == 23 and pages[0].scored == 15
    after = build_shortlist(mixed_job, ShortlistQuery(filter="shortlisted"))
    assert after.matching == 4


def test_is_recomputing_sees_older_keys_on_either_side_of_the_current_one(scored_job):
    assert not is_recomputing(scored_job)
    key = profile_key(scored_job)
    standing = Standing.objects.filter(job=scored_job).first()
    for other in ("0" * 32, "f" * 32):
        assert other != key
        Standing.objects.filter(pk=standing.pk).update(profile_key=other)
        assert is_recomputing(scored_job)
    Standing.objects.filter(pk=standing.pk).update(profile_key=key)
    assert not is_recomputing(scored_job)


def _rate(result, job, rater, dimension, suggested, rating):
    return ReplyRating.objects.create(
        result=result,
        job=job,
        dimension=dimension,
        suggested=suggested,
        rating=rating,
        rated_by=rater,
    )


def test_reply_agreement_counts_only_the_jobs_own_ratings(scored_job, recruiter, add_scored):
    other = create_job_from_template(
        title="Chat agent", template_id="phone_support", created_by=recruiter
    )
    others = add_scored(other, 3, seed=4, prefix="Other")
    pairs = [(3, 3), (4, 3), (2, 2), (5, 4), (1, 2), (3, 3)]
    for candidate, (suggested, rating) in zip(
        scored_job.candidates.order_by("name"), pairs, strict=False
    ):
        _rate(candidate.assessment.result, scored_job, recruiter, "empathy", suggested, rating)
    for candidate in others:  # complete disagreement, in another job
        _rate(candidate.assessment.result, other, recruiter, "empathy", 1, 5)
    empathy = {a.dimension: a for a in reply_agreement(scored_job)}["empathy"]
    assert empathy.n == 6
    assert empathy.exact == pytest.approx(3 / 6)
    assert empathy.kappa == pytest.approx(
        weighted_kappa([s for s, _ in pairs], [r for _, r in pairs], categories=range(1, 6))
    )
    assert {a.dimension: a for a in reply_agreement(other)}["empathy"].n == 3
    assert {a.dimension: a.n for a in reply_agreement(scored_job)}["courtesy"] == 0


def test_the_migration_copies_each_ratings_job_from_its_candidate(scored_job, recruiter):
    fill_job = importlib.import_module(
        "servicefit.assessments.migrations.0007_replyrating_job"
    ).fill_job
    other = create_job_from_template(
        title="Chat agent", template_id="phone_support", created_by=recruiter
    )
    results = list(Result.objects.filter(session__candidate__job=scored_job)[:3])
    for result in results:
        _rate(result, other, recruiter, "overall", 3, 4)  # deliberately the wrong job
    fill_job(apps, None)
    assert set(ReplyRating.objects.values_list("job_id", flat=True)) == {scored_job.pk}


def test_the_paged_source_reads_one_position_or_a_slice(mixed_job):
    order = _reference(mixed_job, "all", "rank")
    pages = shortlist._Pages(mixed_job, ShortlistQuery(), total=len(order), scored=13)
    assert len(pages) == len(order)
    assert pages[0].pk == order[0] and pages[len(order) - 1].pk == order[-1]
    assert [c.pk for c in pages[7:12]] == order[7:12]
    with pytest.raises(IndexError):
        pages[len(order)]
    with pytest.raises(ValueError):
        pages[0:10:2]


def test_a_kappa_below_zero_reads_as_no_agreement(client, scored_job, recruiter):
    """People rating against the suggestions gave a bare negative kappa beside "0 = chance"."""
    pairs = [(1, 5), (2, 4), (4, 2), (5, 1), (3, 3), (2, 5)]
    for candidate, (suggested, rating) in zip(
        scored_job.candidates.order_by("name"), pairs, strict=False
    ):
        _rate(candidate.assessment.result, scored_job, recruiter, "clarity", suggested, rating)
    clarity = {a.dimension: a for a in reply_agreement(scored_job)}["clarity"]
    assert clarity.kappa < 0
    client.force_login(recruiter)
    page = client.get(f"/jobs/{scored_job.pk}/").content.decode()
    cell = re.search(r'data-kappa="clarity">([^<]+)<span class="badge bad">([^<]+)<', page)
    assert cell and cell.group(1).strip() == f"{clarity.kappa:.2f}"
    assert cell.group(2) == "No agreement"
    assert 'data-kappa="courtesy">–</td>' in page  # no ratings, no badge
