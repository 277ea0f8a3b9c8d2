"""Jobs whose candidates reached given stages with given self-identification, built fast."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from servicefit.candidates.models import PIPELINE, Candidate, Stage, StageChange
from servicefit.fairness.models import SelfIdentification


def populate(job, groups: Iterable[tuple[dict[str, str] | None, str, int]]) -> list[Candidate]:
    """Add ``count`` candidates per ``(answers, furthest stage, count)`` with their history."""
    people: list[Candidate] = []
    changes: list[StageChange] = []
    answers: list[tuple[Candidate, dict[str, str]]] = []
    n = Candidate.objects.filter(job=job).count()
    for group_answers, stage, count in groups:
        for _ in range(count):
            n += 1
            candidate = Candidate.objects.create(
                job=job, name=f"Person {n:03d}", email=f"person{n}@example.com", stage=stage
            )
            people.append(candidate)
            path = [Stage.INVITED]
            if stage in PIPELINE:
                path = list(PIPELINE[: PIPELINE.index(stage) + 1])
            previous = ""
            for step in path:
                changes.append(StageChange(candidate=candidate, from_stage=previous, to_stage=step))
                previous = step
            if group_answers is not None:
                answers.append((candidate, group_answers))
    StageChange.objects.bulk_create(changes)
    SelfIdentification.objects.bulk_create(
        SelfIdentification(candidate=c, answers=a) for c, a in answers
    )
    return people


@pytest.fixture
def build():
    return populate
