"""Demo fairness data: self-identification, a second wave of hires and their job outcomes.

Synthetic and deliberately uneven, so the fairness page shows what a four-fifths flag, a
suppressed small group and a validity table under 30 hires look like.
"""

from __future__ import annotations

import random

from servicefit.accounts.models import User
from servicefit.assessments.standings import ranked_standings
from servicefit.candidates.models import Stage
from servicefit.demo_assessments import move_along
from servicefit.jobs.models import Job

from .models import Outcome, SelfIdentification
from .selfid import PREFER_NOT

ADVANCED = {Stage.SHORTLISTED, Stage.INTERVIEW, Stage.OFFER, Stage.HIRED}
AGE_BANDS = ("under_25", "25_39", "25_39", "40_54", "55_plus")
EXTRA_HIRES = 7


def add_demo_fairness(*, job: Job, recruiter: User, rng: random.Random) -> None:
    """Hire a few more scored candidates, give hires outcomes, and self-identify most people."""
    ranked = [r for r in ranked_standings(job) if r.composite is not None]
    waiting = [r for r in ranked if r.candidate.stage == Stage.COMPLETED]
    for row in waiting[:EXTRA_HIRES]:
        move_along(
            row.candidate,
            [Stage.SHORTLISTED, Stage.INTERVIEW, Stage.OFFER, Stage.HIRED],
            changed_by=recruiter,
            reason_code="strong_fit",
            note="Demo: hired in an earlier wave.",
        )
    for row in ranked:
        candidate = row.candidate
        candidate.refresh_from_db(fields=["stage"])
        if candidate.stage == Stage.HIRED:
            _add_outcomes(row.composite, candidate=candidate, recruiter=recruiter, rng=rng)
        if rng.random() < 0.12:
            continue  # skipped the optional form
        advanced = candidate.stage in ADVANCED
        man = rng.random() < (0.78 if advanced else 0.38)
        gender = "man" if man else "woman"
        if rng.random() < 0.06:
            gender = PREFER_NOT
        SelfIdentification.objects.update_or_create(
            candidate=candidate,
            defaults={"answers": {"gender": gender, "age_band": rng.choice(AGE_BANDS)}},
        )


def _add_outcomes(
    composite: float | None, *, candidate: object, recruiter: User, rng: random.Random
) -> None:
    """Outcomes loosely related to the composite (plus noise), as a real job would show.

    The composite is on the 1–5 scale of the competencies; 3 is the middle.
    """
    quality = ((composite or 3.0) - 3.0) / 0.5 + rng.gauss(0, 0.6)
    outcomes = {
        "retained_90d": 1.0 if quality > 0.1 else 0.0,
        "qa_score": round(min(100, max(40, 76 + 9 * quality + rng.gauss(0, 5))), 1),
        "csat": round(min(5, max(1, 4.1 + 0.35 * quality + rng.gauss(0, 0.3))), 2),
    }
    for name, value in outcomes.items():
        Outcome.objects.update_or_create(
            candidate=candidate,
            name=name,
            defaults={"value": value, "imported_by": recruiter},
        )
