"""Complete assessments with answers simulated from known item parameters."""

from __future__ import annotations

import numpy as np
import pytest
from django.utils import timezone

from servicefit.assessments.models import Answer, AssessmentSession
from servicefit.candidates.models import Candidate, Stage
from servicefit.content import default_content
from servicefit.psychometrics import GrmParameters, simulate_responses


def known_parameters(n_items: int, *, shift: float = 0.0, shifted_item: int | None = None):
    """Four-item, five-category scales that discriminate well (a 1.8-2.8)."""
    a = np.linspace(1.8, 2.8, n_items)
    b = np.tile([-1.8, -0.7, 0.3, 1.3], (n_items, 1)) + np.linspace(-0.4, 0.4, n_items)[:, None]
    if shifted_item is not None:
        b[shifted_item] += shift
    return GrmParameters(a=a, b=b, categories=[(1, 2, 3, 4, 5)] * n_items)


def create_assessments(
    job, per_language: dict[str, int], *, seed: int = 0, dif: dict | None = None
):
    """Submitted fixed-form sessions with every questionnaire item answered.

    ``dif={"language": "pl", "item": "q05", "shift": 0.8}`` makes one item harder in one
    language at the same trait level (differential item functioning).
    """
    rng = np.random.default_rng(seed)
    content = default_content()
    items = content.questionnaire.items
    by_competency: dict[str, list] = {}
    for item in items:
        by_competency.setdefault(item.competency, []).append(item)
    now = timezone.now()
    answers = []
    for language, n in per_language.items():
        candidates = Candidate.objects.bulk_create(
            Candidate(
                job=job,
                name=f"Sim {language} {k}",
                email=f"sim-{language}-{k}-{seed}@example.com",
                language=language,
                stage=Stage.COMPLETED,
            )
            for k in range(n)
        )
        sessions = AssessmentSession.objects.bulk_create(
            AssessmentSession(
                candidate=c,
                content_version=content.version,
                privacy_notice_version="test",
                automation_notice_version="test",
                consented_at=now,
                language=language,
                reply_message="late_delivery",
                submitted_at=now,
            )
            for c in candidates
        )
        for scale_items in by_competency.values():
            ids = [i.id for i in scale_items]
            shifted = None
            if dif and dif["language"] == language and dif["item"] in ids:
                shifted = ids.index(dif["item"])
            params = known_parameters(
                len(ids), shift=dif["shift"] if shifted is not None else 0.0, shifted_item=shifted
            )
            x = simulate_responses(params, rng.normal(size=n), rng=rng)
            for j, item in enumerate(scale_items):
                raw = x[:, j]
                if item.reverse:  # the simulated value is the keyed one
                    raw = 6 - raw
                answers.extend(
                    Answer(session=s, key=item.id, value=int(v), language=language)
                    for s, v in zip(sessions, raw, strict=True)
                )
    Answer.objects.bulk_create(answers, batch_size=5000)


@pytest.fixture
def simulated(job):
    def make(per_language: dict[str, int], **kwargs):
        create_assessments(job, per_language, **kwargs)
        return job

    return make
