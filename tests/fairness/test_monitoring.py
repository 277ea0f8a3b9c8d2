"""Adverse-impact monitoring per job and stage: golden values, suppression, groups."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from servicefit.candidates.models import Stage
from servicefit.fairness.monitoring import fairness_report
from servicefit.fairness.summary import summary_csv

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "fairness" / "adverse_impact_cases.csv"
WOMAN = {"gender": "woman", "age_band": "25_39"}
MAN = {"gender": "man", "age_band": "40_54"}


def cases() -> list[dict[str, str]]:
    with GOLDEN.open(newline="") as fh:
        return list(csv.DictReader(fh))


def comparison(report, transition: str, dimension: str):
    return next(
        c
        for c in report.comparisons
        if c.transition.key == transition and c.dimension.key == dimension
    )


@pytest.mark.parametrize("case", cases(), ids=lambda c: c["case"])
def test_shortlisting_rates_match_r_for_the_reference_cases(job, build, case):
    """R 4.2.2 values from tests/golden/fairness (see its README): the focal group is women,
    the reference group men; shortlisting is the selection among those who completed."""
    x1, n1 = int(case["selected_focal"]), int(case["applicants_focal"])
    x2, n2 = int(case["selected_reference"]), int(case["applicants_reference"])
    build(
        job,
        [
            (WOMAN, Stage.SHORTLISTED, x1),
            (WOMAN, Stage.COMPLETED, n1 - x1),
            (MAN, Stage.SHORTLISTED, x2),
            (MAN, Stage.COMPLETED, n2 - x2),
        ],
    )
    # the statistics are compared here, so nothing is suppressed (see the next tests)
    report = fairness_report(job, min_cell=1)
    rows = {g.label: g for g in comparison(report, "completed_shortlisted", "gender").groups}
    woman, man = rows["Woman"], rows["Man"]
    assert (woman.selected, woman.applicants) == (x1, n1)
    assert man.reference and not woman.reference
    assert woman.rate == pytest.approx(float(case["SR_min"]), abs=1e-12)
    assert man.rate == pytest.approx(float(case["SR_maj"]), abs=1e-12)
    assert woman.impact_ratio == pytest.approx(float(case["impact_ratio"]), abs=1e-9)
    assert woman.z == pytest.approx(float(case["Z_D"]), abs=1e-9)
    assert woman.z_p == pytest.approx(float(case["p_ZD_2sided"]), rel=1e-7)
    assert woman.fisher_p == pytest.approx(float(case["fisher_p_2sided"]), rel=1e-6)
    assert woman.four_fifths_flag == (float(case["impact_ratio"]) < 0.8)
    assert (comparison(report, "completed_shortlisted", "gender"), woman) in report.flags or (
        not woman.four_fifths_flag
    )


def test_groups_below_the_minimum_cell_size_are_suppressed(job, build):
    build(
        job,
        [
            ({"gender": "woman", "age_band": "under_25"}, Stage.SHORTLISTED, 5),
            ({"gender": "woman", "age_band": "under_25"}, Stage.COMPLETED, 1),
            ({"gender": "man", "age_band": "under_25"}, Stage.SHORTLISTED, 5),
            ({"gender": "man", "age_band": "under_25"}, Stage.COMPLETED, 3),
            ({"gender": "another", "age_band": "55_plus"}, Stage.SHORTLISTED, 2),
            ({"gender": "another", "age_band": "55_plus"}, Stage.COMPLETED, 2),
        ],
    )
    report = fairness_report(job)  # default minimum cell size: 5
    rows = {g.label: g for g in comparison(report, "completed_shortlisted", "gender").groups}
    assert rows["Woman"].applicants == 6 and rows["Man"].applicants == 8
    hidden = rows["Non-binary or another gender"]
    assert hidden.suppressed
    assert (hidden.applicants, hidden.selected, hidden.rate, hidden.impact_ratio) == (None,) * 4
    assert hidden.four_fifths_flag is False
    # the suppressed group is not part of the comparison: the reference is one of the others
    assert rows["Woman"].reference
    text = summary_csv(report)
    line = next(
        row
        for row in csv.reader(text.splitlines())
        if row[2] == "Completed → shortlisted" and row[4] == "Non-binary or another gender"
    )
    assert line[5:9] == ["", "", "", ""]
    assert "suppressed" in line[-1]
    # a higher minimum suppresses more: 5 selected of 6 women are fewer than 6 people at the
    # next step
    stricter = fairness_report(job, min_cell=6)
    rows = {g.label: g for g in comparison(stricter, "completed_shortlisted", "gender").groups}
    assert rows["Woman"].suppressed and rows["Woman"].applicants is None


def test_intersectional_groups_and_people_who_did_not_say(job, build):
    build(
        job,
        [
            ({"gender": "woman", "age_band": "under_25"}, Stage.HIRED, 5),
            ({"gender": "woman", "age_band": "55_plus"}, Stage.OFFER, 6),
            ({"gender": "prefer_not", "age_band": "55_plus"}, Stage.HIRED, 5),
            (None, Stage.HIRED, 4),
        ],
    )
    report = fairness_report(job)
    hired = comparison(report, "offered_hired", "gender__age_band")
    rows = {g.label: g for g in hired.groups}
    assert rows["Woman · Under 25"].rate == 1.0
    assert rows["Woman · 55 or over"].rate == 0.0
    assert rows["Woman · 55 or over"].four_fifths_flag
    # "prefer not to say" and no answer at all are counted apart, not as a group
    assert hired.not_said == 9
    age = {g.label: g for g in comparison(report, "offered_hired", "age_band").groups}
    assert age["55 or over"].applicants == 11  # the gender "prefer not" people said their age


def test_the_period_limits_the_candidates(job, build):
    people = build(job, [(WOMAN, Stage.COMPLETED, 5), (MAN, Stage.COMPLETED, 5)])
    from datetime import date, timedelta

    from servicefit.candidates.models import Candidate

    Candidate.objects.filter(pk__in=[p.pk for p in people[:5]]).update(
        created_at="2020-01-01T12:00:00Z"
    )
    report = fairness_report(job, start=date(2021, 1, 1))
    assert report.candidates == 5
    report = fairness_report(job, end=date.today() - timedelta(days=1))
    assert report.candidates == 5
