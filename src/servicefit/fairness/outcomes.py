"""Importing job outcomes of hired people: validated whole, then saved whole (or not at all).

The file has an ``email`` column naming a hired candidate of the job and one column per
outcome (e.g. ``retained_90d``, ``qa_score``, ``csat``). Values are numbers; yes/no and
true/false are read as 1/0; an empty cell means "not known yet" and is skipped.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from servicefit.accounts.models import User
from servicefit.audit.recording import record
from servicefit.candidates.importing import (
    CandidateImportError,
    ImportProblem,
    as_written,
    read_table,
)
from servicefit.candidates.models import Stage
from servicefit.jobs.models import Job

from .models import Outcome

OUTCOME_NAME = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
TRUE_WORDS = frozenset({"yes", "true", "y", "ja", "tak"})
FALSE_WORDS = frozenset({"no", "false", "n", "nej", "nei", "nie"})


class OutcomeImportError(Exception):
    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems[:5]))
        self.problems = problems


@dataclass(frozen=True)
class OutcomeImportResult:
    people: int
    values: int
    outcomes: tuple[str, ...]


def _number(text: str) -> float | None:
    lowered = text.strip().lower()
    if lowered in TRUE_WORDS:
        return 1.0
    if lowered in FALSE_WORDS:
        return 0.0
    try:
        value = float(lowered.replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_outcomes(*, job: Job, file_name: str, data: bytes) -> dict[int, dict[str, float]]:
    """``{candidate id: {outcome: value}}`` or :class:`OutcomeImportError` listing every problem."""
    try:
        rows = read_table(file_name, data, required=("email",), languages=job.languages)
    except CandidateImportError as exc:
        raise OutcomeImportError(exc.problems) from None
    if not rows:
        raise OutcomeImportError([ImportProblem(None, None, _("The file has no data rows."))])
    names = [c for c in rows[0][1] if c not in {"email", "name"}]
    problems: list[ImportProblem] = []
    if not names:
        problems.append(
            ImportProblem(1, None, _("Add at least one outcome column beside 'email'."))
        )
    for name in names:
        if not OUTCOME_NAME.match(name):
            problems.append(
                ImportProblem(
                    1,
                    name,
                    _("an outcome name may use only a-z, 0-9 and _ (e.g. qa_score)"),
                )
            )
    hired = {c.email.lower(): c for c in job.candidates.all() if c.stage == Stage.HIRED}
    everyone = {c.email.lower() for c in job.candidates.all()}
    parsed: dict[int, dict[str, float]] = {}
    seen: dict[str, int] = {}
    for number, cells in rows:
        email = cells.get("email", "").strip().lower()
        if not email:
            problems.append(ImportProblem(number, "email", _("the e-mail address is missing")))
            continue
        if email in seen:
            problems.append(
                ImportProblem(
                    number,
                    "email",
                    _("this person is already on row %(row)d") % {"row": seen[email]},
                )
            )
            continue
        seen[email] = number
        candidate = hired.get(email)
        if candidate is None:
            message = (
                _("this candidate is not marked as hired for this job")
                if email in everyone
                else _("no candidate of this job has this e-mail address")
            )
            problems.append(ImportProblem(number, "email", message))
            continue
        values: dict[str, float] = {}
        for name in names:
            text = cells.get(name, "").strip()
            if not text:
                continue
            value = _number(text)
            if value is None:
                problems.append(
                    ImportProblem(number, name, _("'%(value)s' is not a number") % {"value": text})
                )
                continue
            values[name] = value
        parsed[candidate.pk] = values
    if problems:
        raise OutcomeImportError(as_written(problems, rows))
    return parsed


@transaction.atomic
def import_outcomes(
    *, job: Job, file_name: str, data: bytes, imported_by: User
) -> OutcomeImportResult:
    """Validate the whole file, then store every value (replacing earlier ones) or nothing."""
    parsed = parse_outcomes(job=job, file_name=file_name, data=data)
    count = 0
    names: set[str] = set()
    for candidate_id, values in parsed.items():
        for name, value in values.items():
            Outcome.objects.update_or_create(
                candidate_id=candidate_id,
                name=name,
                defaults={"value": value, "imported_by": imported_by},
            )
            count += 1
            names.add(name)
    record(
        action="outcomes.imported",
        actor=imported_by,
        job=job,
        people=len(parsed),
        values=count,
    )
    return OutcomeImportResult(people=len(parsed), values=count, outcomes=tuple(sorted(names)))
