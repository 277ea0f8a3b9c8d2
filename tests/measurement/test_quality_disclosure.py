"""No suppressed self-identified group on the measurement-quality page can be worked out.

Written as an attacker works (like ``tests/fairness/test_no_disclosure.py``): read off the
page the number of submitted questionnaires and, per question, each group's number or
"suppressed"; add what always holds (each group plus those who did not say make the
questionnaires; a suppressed group has fewer than the minimum) and what the listing tells (a
page that lists only some of a question's options lists only groups someone chose, so a
listed suppressed group has at least one person); then ask an integer program
(:func:`servicefit.fairness.disclosure.exact_range`) for the smallest and largest value of
each suppressed count. If they meet on a group with people in it, the count is disclosed.
"""

from __future__ import annotations

import html
import random
import re

import pytest

from servicefit.fairness.disclosure import Linear, Problem, exact_range
from servicefit.fairness.selfid import DEFAULT_CATEGORIES
from servicefit.measurement.models import QualityReport
from servicefit.measurement.quality import selfid_groups

pytestmark = pytest.mark.django_db

MIN_CELL = 5
GENDER = DEFAULT_CATEGORIES[0]
LABELS = {str(label): key for key, label in GENDER.options}


def store_report(counts: dict[str, int], not_said: int, *, every_option=True) -> int:
    """A stored report whose gender groups are ``counts``; returns the questionnaires.

    Without ``every_option`` the groups listed are those someone chose (as the page was)."""
    labels = [group for group, n in counts.items() for _ in range(n)] + [""] * not_said
    total = len(labels)
    groups = selfid_groups(
        labels,
        min_cell=MIN_CELL,
        min_group=30,
        options=[key for key, _label in GENDER.options] if every_option else list(counts),
    )
    QualityReport.objects.all().delete()
    QualityReport.objects.create(
        content_version="test",
        n_sessions=total,
        report={
            "languages": [],
            "n_complete": total,
            "n_questionnaires": total,
            "parameter_version": None,
            "scales": [],
            "selfid": {
                "min_cell": MIN_CELL,
                "min_dif_group": 30,
                "categories": [{"key": GENDER.key, "groups": groups}],
            },
        },
    )
    return total


def read_page(client) -> tuple[int, dict[str, int | None]]:
    """The questionnaires and each listed gender group's number (``None``: suppressed)."""
    page = html.unescape(client.get("/measurement/").content.decode())
    total = int(re.search(r"on (\d+) submitted questionnaires?", page).group(1))
    row = re.search(rf"<th scope=\"row\">{GENDER.label}</th><td>(.*?)</td>", page, re.S)
    listed: dict[str, int | None] = {}
    for part in row.group(1).split("; "):
        label, _sep, value = part.rpartition(": ")
        listed[LABELS[label]] = None if value.startswith("suppressed") else int(value)
    return total, listed


def attack(total: int, listed: dict[str, int | None], truth: dict[str, int]) -> list[str]:
    """The suppressed groups with people in them whose number the page pins down."""
    options = [key for key, _label in GENDER.options]
    only_chosen = set(listed) != set(options)  # the listing itself says who has people
    values = {key: truth.get(key, 0) for key in options}
    values["not said"] = total - sum(values.values())
    values["questionnaires"] = total
    problem = Problem(
        values=values,
        shown={key for key, n in listed.items() if n is not None} | {"questionnaires"},
        groups=set(options),
        column={key: GENDER.key for key in values},
    )
    problem.total("questionnaires", [*options, "not said"])
    for key in options:
        if key not in listed:  # not listed: nobody chose it (the page lists only chosen ones)
            problem.relations.append(Linear(((key, 1),), 0, 0))
        elif listed[key] is None:
            low = 1 if only_chosen else 0
            problem.relations.append(Linear(((key, 1),), low, MIN_CELL - 1))
    hidden = set(values) - problem.shown
    return [
        key
        for key in options
        if listed.get(key, 0) is None
        and truth.get(key, 0) > 0
        and len(set(exact_range(problem, hidden, key))) == 1
    ]


def test_one_small_group_beside_everyone_else_is_not_pinned(client, recruiter):
    """11 questionnaires, 10 women, 1 man, nobody without an answer: listing only the
    chosen groups showed "Man: suppressed", which with 11 - 10 could only be one man."""
    client.force_login(recruiter)
    truth = {"woman": 10, "man": 1}
    store_report(truth, not_said=0, every_option=False)  # as the page listed them before
    assert attack(*read_page(client), truth) == ["man"]
    total = store_report(truth, not_said=0)
    seen_total, listed = read_page(client)
    assert (seen_total, listed) == (total, {"another": None, "man": None, "woman": 10})
    assert attack(seen_total, listed, truth) == []


def test_no_suppressed_group_is_pinned_in_small_constructed_cases(client, recruiter):
    client.force_login(recruiter)
    rng = random.Random(20261207)
    cases = [
        ({"woman": 4, "man": 4, "another": 1}, 0),
        ({"woman": 5, "man": 1, "another": 1}, 0),
        ({"woman": 1}, 0),
        ({"woman": 20, "man": 20, "another": 2}, 1),
    ]
    for _ in range(12):
        truth = {k: rng.choice([0, 1, 2, 4, 5, 9]) for k in ("woman", "man", "another")}
        cases.append(({k: n for k, n in truth.items() if n}, rng.choice([0, 0, 1, 3])))
    for truth, not_said in cases:
        total = store_report(truth, not_said)
        seen_total, listed = read_page(client)
        assert seen_total == total
        assert set(listed) == {"woman", "man", "another"}  # every option, whoever chose it
        for key, n in listed.items():
            assert n == (truth.get(key, 0) if truth.get(key, 0) >= MIN_CELL else None)
        assert attack(seen_total, listed, truth) == [], (truth, not_said)


def test_a_retired_option_is_listed_only_when_its_number_is_shown():
    labels = ["woman"] * 6 + ["old"] * 2 + ["older"] * 7
    groups = selfid_groups(labels, min_cell=5, min_group=30, options=["woman", "man"])
    assert [g["group"] for g in groups] == ["man", "older", "woman"]
