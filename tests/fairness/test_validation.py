"""Outcomes import (validated whole) and the validity table of a job."""

from __future__ import annotations

import io
import random

import numpy as np
import pytest
from openpyxl import Workbook

from servicefit.assessments.standings import ranked_standings
from servicefit.candidates.models import Stage
from servicefit.candidates.services import add_candidate, move_to_stage
from servicefit.demo_assessments import simulate_assessment
from servicefit.fairness.models import Outcome
from servicefit.fairness.outcomes import OutcomeImportError, import_outcomes
from servicefit.fairness.validation import validity_table
from servicefit.psychometrics import criterion_validity

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def hired_job(job, recruiter):
    """14 scored applicants; the top 8 by composite hired."""
    rng = random.Random(17)
    for i in range(14):
        person = add_candidate(job=job, name=f"P {i:02d}", email=f"p{i}@example.com")
        simulate_assessment(candidate=person, rng=rng)
    ranked = [r for r in ranked_standings(job) if r.composite is not None]
    for row in ranked[:8]:
        move_to_stage(candidate=row.candidate, stage=Stage.HIRED, changed_by=recruiter)
    return job


def csv_bytes(text: str) -> bytes:
    return text.encode("utf-8")


def test_a_bad_file_is_rejected_whole_with_every_problem(hired_job, recruiter):
    hired = list(hired_job.candidates.filter(stage=Stage.HIRED))
    not_hired = hired_job.candidates.exclude(stage=Stage.HIRED).first()
    body = (
        "email,qa_score,Bad Name\n"
        f"{hired[0].email},80,1\n"
        f"{hired[1].email},eighty,1\n"
        f"{not_hired.email},70,1\n"
        "nobody@example.com,70,1\n"
        f"{hired[0].email},75,1\n"
    )
    with pytest.raises(OutcomeImportError) as info:
        import_outcomes(
            job=hired_job, file_name="o.csv", data=csv_bytes(body), imported_by=recruiter
        )
    messages = [str(p) for p in info.value.problems]
    assert any("column 'Bad Name'" in m and "a-z" in m for m in messages)
    assert any("row 3" in m and "'eighty' is not a number" in m for m in messages)
    assert any("row 4" in m and "not marked as hired" in m for m in messages)
    assert any("row 5" in m and "no candidate of this job" in m for m in messages)
    assert any("row 6" in m and "already on row 2" in m for m in messages)
    assert not Outcome.objects.exists()


def test_outcomes_import_from_excel_and_replace_earlier_values(hired_job, recruiter):
    hired = list(hired_job.candidates.filter(stage=Stage.HIRED))
    book = Workbook()
    sheet = book.active
    sheet.append(["E-mail", "retained_90d", "csat"])
    sheet.append([hired[0].email.upper(), "yes", 4.5])
    sheet.append([hired[1].email, "no", None])
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_outcomes(
        job=hired_job, file_name="o.xlsx", data=buffer.getvalue(), imported_by=recruiter
    )
    assert (result.people, result.values) == (2, 3)
    assert Outcome.objects.get(candidate=hired[0], name="retained_90d").value == 1.0
    assert Outcome.objects.get(candidate=hired[1], name="retained_90d").value == 0.0
    assert not Outcome.objects.filter(candidate=hired[1], name="csat").exists()
    import_outcomes(
        job=hired_job,
        file_name="o.csv",
        data=csv_bytes(f"email,csat\n{hired[0].email},3.5\n"),
        imported_by=recruiter,
    )
    assert Outcome.objects.get(candidate=hired[0], name="csat").value == 3.5
    assert Outcome.objects.count() == 3


def test_the_validity_table_corrects_for_range_restriction_among_the_hired(hired_job, recruiter):
    ranked = {r.candidate.pk: r for r in ranked_standings(hired_job) if r.composite is not None}
    hired = [c for c in hired_job.candidates.filter(stage=Stage.HIRED)]
    rng = random.Random(2)
    lines = ["email,qa_score"]
    for person in hired:
        lines.append(f"{person.email},{70 + 8 * ranked[person.pk].composite + rng.gauss(0, 3):.2f}")
    import_outcomes(
        job=hired_job, file_name="o.csv", data=csv_bytes("\n".join(lines)), imported_by=recruiter
    )
    table = validity_table(hired_job)
    assert table.outcomes == ("qa_score",)
    assert table.hired == 8 and table.hired_with_outcomes == 8 and table.small_sample
    composite = table.rows[0]
    assert composite.key == "composite"
    x = [ranked[p.pk].composite for p in hired]
    y = [Outcome.objects.get(candidate=p).value for p in hired]
    applicants = np.array([r.composite for r in ranked.values()])
    expected = criterion_validity(x, y, applicant_sd=float(np.std(applicants, ddof=1)))
    cell = composite.cells[0]
    assert cell.n == 8
    assert cell.result.r == pytest.approx(expected.r)
    assert cell.result.r_corrected == pytest.approx(expected.r_corrected)
    # hired people have a narrower spread than all applicants: the correction raises r
    assert composite.applicant_sd > cell.result.incumbent_sd
    assert abs(cell.result.r_corrected) > abs(cell.result.r)
    # suggestions are shown, never applied
    weights_before = dict(hired_job.weights)
    hired_job.refresh_from_db()
    assert hired_job.weights == weights_before
