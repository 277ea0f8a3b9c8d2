"""No suppressed count can be worked out from what the fairness page and the audit summary show.

Written as an attacker works: read the numbers off the page (each grouping) and the CSV, add
what a recruiter knows anyway (how many people reached each stage, how many were scored and
above the median: the pipeline and the shortlist show it) and what always holds (groups plus
"did not say" make the stage total; nobody reaches a step without the one before; crossed
groups add up to at most their single groups), then
ask an integer program for the smallest and the largest value each hidden small count can
have. If they meet, the count is disclosed.
"""

from __future__ import annotations

import csv
import io
import itertools
import random
import re
from collections import defaultdict

import numpy as np
import pytest
from django.urls import reverse
from scipy.optimize import Bounds, LinearConstraint, milp

from servicefit.candidates.models import PIPELINE, Stage
from servicefit.fairness.monitoring import TRANSITIONS, dimensions, fairness_report

pytestmark = pytest.mark.django_db

COLUMNS = [Stage.INVITED, Stage.COMPLETED, Stage.SHORTLISTED, Stage.INTERVIEW, Stage.OFFER]
COLUMNS.append(Stage.HIRED)
SCORED, ABOVE = "scored", "above"


def _shown(client, job):
    """Everything the recruiter sees: CSV rows and, per grouping, the page's texts."""
    csv_text = client.get(reverse("backoffice:job_audit_summary", args=[job.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(csv_text.content.decode())))[1:]
    pages = {}
    for dim in dimensions():
        page = client.get(reverse("backoffice:job_fairness", args=[job.pk]) + f"?by={dim.key}")
        assert page.status_code == 200
        pages[dim.key] = page.content.decode()
    return rows, pages


def _not_said(page: str) -> dict[str, int | None]:
    """ "N people at this step did not say" per transition as the page shows it."""
    found: dict[str, int | None] = {}
    sections = page.split('<section aria-labelledby="t-')[1:]
    assert len(sections) == len(TRANSITIONS)
    for transition, section in zip(TRANSITIONS, sections, strict=True):
        match = re.search(r"(\d+) (?:person|people) at this step did not say", section)
        if match:
            found[transition.key] = int(match.group(1))
        elif "who did not say is not shown" in section:
            found[transition.key] = None
        else:
            found[transition.key] = 0  # nothing said: nobody at this step without a group
    return found


class Attacker:
    def __init__(self, everyone: int) -> None:
        self.everyone = everyone  # no count is larger than the number of candidates
        self.index: dict[tuple, int] = {}
        self.rows: list[tuple[dict[int, float], float, float]] = []

    def var(self, key: tuple) -> int:
        return self.index.setdefault(key, len(self.index))

    def add(self, terms: dict[tuple, float], low: float, high: float) -> None:
        row: dict[int, float] = defaultdict(float)
        for key, coefficient in terms.items():
            row[self.var(key)] += coefficient
        self.rows.append((row, low, high))

    def range_of(self, key: tuple) -> tuple[int, int]:
        n = len(self.index)
        matrix = np.zeros((len(self.rows), n))
        lows, highs = [], []
        for i, (row, low, high) in enumerate(self.rows):
            for j, c in row.items():
                matrix[i, j] = c
            lows.append(low)
            highs.append(high)
        constraint = LinearConstraint(matrix, lows, highs)
        values = []
        for sign in (1, -1):
            objective = np.zeros(n)
            objective[self.index[key]] = sign
            result = milp(
                objective,
                constraints=constraint,
                integrality=np.ones(n),
                bounds=Bounds(0, self.everyone),
                options={"presolve": False},
            )
            assert result.success, result.message
            values.append(round(sign * result.fun))
        return values[0], values[1]


def _attack(client, job, *, totals: dict[str, int], min_cell: int, truth) -> list[str]:
    """The hidden small counts (true value 1 to min_cell - 1) the attacker pins down."""
    rows, pages = _shown(client, job)
    dims = dimensions()
    by_label = {d.label: d for d in dims}
    transition_by_label = {str(t.label): t for t in TRANSITIONS}
    header = re.search(
        r"(\d+) candidates? in the period, (\d+) of them answered", pages[dims[0].key]
    )
    everyone, answered = int(header.group(1)), int(header.group(2))
    attacker = Attacker(everyone)
    groups: dict[str, set[str]] = defaultdict(set)
    listed: dict[tuple[str, str], set[str]] = defaultdict(set)
    targets: list[tuple] = []
    for row in rows:
        transition = transition_by_label[row[2]]
        dim = by_label[row[3]]
        group = row[4]
        start = transition.from_stage or SCORED
        end = transition.to_stage or ABOVE
        groups[dim.key].add(group)
        listed[(dim.key, start)].add(group)
        if row[5] == "":  # suppressed (every group is listed, so it may be 0)
            targets += [(dim.key, group, start), (dim.key, group, end)]
        else:
            attacker.add({(dim.key, group, start): 1}, int(row[5]), int(row[5]))
            attacker.add({(dim.key, group, end): 1}, int(row[6]), int(row[6]))
    for dim in dims:
        said = _not_said(pages[dim.key])
        for transition in TRANSITIONS:
            start = transition.from_stage or SCORED
            if said[transition.key] is not None:
                attacker.add(
                    {(dim.key, None, start): 1}, said[transition.key], said[transition.key]
                )
            for group in groups[dim.key] - listed[(dim.key, start)]:
                attacker.add({(dim.key, group, start): 1}, 0, 0)  # not listed: nobody
        for column, total in totals.items():
            terms = {(dim.key, g, column): 1 for g in groups[dim.key]}
            terms[(dim.key, None, column)] = 1
            attacker.add(terms, total, total)
        for label in [*groups[dim.key], None]:
            for earlier, later in itertools.pairwise(COLUMNS):
                attacker.add({(dim.key, label, earlier): 1, (dim.key, label, later): -1}, 0, np.inf)
            attacker.add({(dim.key, label, SCORED): 1, (dim.key, label, ABOVE): -1}, 0, np.inf)
        attacker.add({(dim.key, g, Stage.INVITED): 1 for g in groups[dim.key]}, 0, answered)
        attacker.add({(dim.key, None, Stage.INVITED): 1}, everyone - answered, np.inf)
    crossed = dims[-1]
    singles = dims[: len(crossed.categories)]
    for column in totals:
        for position, single in enumerate(singles):
            for value in groups[single.key]:
                members = {
                    (crossed.key, g, column): 1
                    for g in groups[crossed.key]
                    if g.split(" · ")[position] == value
                }
                members[(single.key, value, column)] = -1
                attacker.add(members, -np.inf, 0)
            attacker.add(
                {(crossed.key, None, column): 1, (single.key, None, column): -1}, 0, np.inf
            )
    disclosed = []
    for key in dict.fromkeys(targets):
        value = truth(key)
        if not 0 < value < min_cell:
            continue
        low, high = attacker.range_of(key)
        assert low <= value <= high  # the attacker's model is true to the data
        if low == high:
            disclosed.append(f"{key} = {value}")
    return disclosed


def _totals(job) -> tuple[dict[str, int], object]:
    """What a recruiter knows from the pipeline and the shortlist, and the true counts."""
    report = fairness_report(job, min_cell=1)  # nothing hidden: the truth, for the test only
    totals: dict[str, int] = {}
    truth: dict[tuple, int] = {}
    for comparison in report.comparisons:
        start = comparison.transition.from_stage or SCORED
        end = comparison.transition.to_stage or ABOVE
        everyone = sum(g.applicants for g in comparison.groups) + comparison.not_said
        totals[start] = everyone
        for g in comparison.groups:
            truth[(comparison.dimension.key, g.label, start)] = g.applicants
            truth[(comparison.dimension.key, g.label, end)] = g.selected
    return totals, lambda key: truth.get(key, 0)


WOMAN = {"gender": "woman", "age_band": "25_39"}
MAN = {"gender": "man", "age_band": "40_54"}
ANOTHER = {"gender": "another", "age_band": "55_plus"}


def _scenario(name: str) -> list[tuple[dict[str, str] | None, str, int]]:
    if name == "one small group, everyone answered":
        return [
            (WOMAN, Stage.SHORTLISTED, 6),
            (WOMAN, Stage.COMPLETED, 20),
            (MAN, Stage.SHORTLISTED, 12),
            (MAN, Stage.COMPLETED, 8),
            (ANOTHER, Stage.COMPLETED, 3),
        ]
    if name == "few go on":  # 2 of 10 shortlisted: the next step's group of 2
        return [
            (WOMAN, Stage.INTERVIEW, 2),
            (WOMAN, Stage.COMPLETED, 8),
            (MAN, Stage.INTERVIEW, 6),
            (MAN, Stage.SHORTLISTED, 3),
            (MAN, Stage.COMPLETED, 4),
            (None, Stage.COMPLETED, 5),
        ]
    rng = random.Random(name)
    answers = [
        {"gender": g, "age_band": a}
        for g in ("woman", "man", "another", "prefer_not")
        for a in ("under_25", "25_39", "40_54", "55_plus")
    ]
    plan = []
    for _ in range(rng.randint(8, 14)):
        who = rng.choice([*answers, None])
        stage = rng.choice([*PIPELINE, Stage.REJECTED])
        plan.append((who, stage, rng.choice([1, 1, 2, 3, 4, 6, 9])))
    return plan


@pytest.mark.parametrize(
    "name",
    [
        "one small group, everyone answered",
        "few go on",
        *(f"random {i}" for i in (*range(1, 9), 9, 11, 17, 20, 21, 23, 26, 31, 39)),
    ],
)
def test_no_suppressed_count_can_be_worked_out_from_the_page_and_the_csv(
    client, job, build, recruiter, name
):
    build(job, _scenario(name))
    client.force_login(recruiter)
    totals, truth = _totals(job)
    disclosed = _attack(client, job, totals=totals, min_cell=5, truth=truth)
    assert disclosed == []
