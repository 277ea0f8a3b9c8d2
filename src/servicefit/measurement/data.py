"""The questionnaire answers stored in the database, as response matrices per scale."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from servicefit.assessments.models import Answer, AssessmentSession
from servicefit.assessments.plan import SCALE_MAX, SCALE_MIN
from servicefit.content import Content
from servicefit.fairness.models import SelfIdentification
from servicefit.fairness.selfid import PREFER_NOT


@dataclass(frozen=True)
class ResponseData:
    """One row per submitted fixed-form session: language, and answers (NaN = missing)."""

    session_ids: tuple[int, ...]
    languages: tuple[str, ...]
    items: tuple[str, ...]
    responses: NDArray[np.float64]

    def columns(self, item_ids: list[str]) -> NDArray[np.float64]:
        return self.responses[:, [self.items.index(i) for i in item_ids]]

    def keyed_columns(self, item_ids: list[str], reverse: set[str]) -> NDArray[np.float64]:
        """The answers as scored: reverse-keyed items turned round (``6 - x`` on 1..5)."""
        x = self.columns(item_ids).copy()
        for j, item in enumerate(item_ids):
            if item in reverse:
                x[:, j] = SCALE_MIN + SCALE_MAX - x[:, j]
        return x

    def complete(self) -> ResponseData:
        missing = np.asarray(np.isnan(self.responses).any(axis=1), dtype=bool)
        keep: list[bool] = [not v for v in missing.tolist()]
        return ResponseData(
            session_ids=tuple(s for s, k in zip(self.session_ids, keep, strict=True) if k),
            languages=tuple(g for g, k in zip(self.languages, keep, strict=True) if k),
            items=self.items,
            responses=self.responses[np.asarray(keep, dtype=bool)],
        )

    def in_groups(self, groups: set[str]) -> ResponseData:
        keep = np.array([g in groups for g in self.languages], dtype=bool)
        return ResponseData(
            session_ids=tuple(s for s, k in zip(self.session_ids, keep, strict=True) if k),
            languages=tuple(g for g, k in zip(self.languages, keep, strict=True) if k),
            items=self.items,
            responses=self.responses[keep] if keep.size else self.responses,
        )

    def group_sizes(self) -> dict[str, int]:
        sizes: dict[str, int] = defaultdict(int)
        for language in self.languages:
            sizes[language] += 1
        return dict(sorted(sizes.items()))


def scales_of(content: Content) -> dict[str, list[str]]:
    """Questionnaire item ids per competency, in presentation order."""
    scales: dict[str, list[str]] = {}
    for item in content.questionnaire.items if content.questionnaire else []:
        scales.setdefault(item.competency, []).append(item.id)
    return scales


def reverse_keyed(content: Content) -> set[str]:
    """Ids of the reverse-keyed questionnaire items."""
    return (
        {i.id for i in content.questionnaire.items if i.reverse} if content.questionnaire else set()
    )


def keyed_value(item_id: str, value: float, reverse: set[str]) -> float:
    return SCALE_MIN + SCALE_MAX - value if item_id in reverse else value


def questionnaire_responses(content: Content) -> ResponseData:
    """Raw questionnaire answers of every submitted fixed-form session of this content version.

    Adaptive sessions are left out: their unanswered items are missing by design, not at
    random, and the calibration must rest on the full form.
    """
    items = tuple(i.id for i in content.questionnaire.items) if content.questionnaire else ()
    sessions = list(
        AssessmentSession.objects.filter(
            submitted_at__isnull=False,
            withdrawn_at__isnull=True,
            content_version=content.version,
            adaptive_run__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", "language")
    )
    index = {pk: row for row, (pk, _language) in enumerate(sessions)}
    column = {item: j for j, item in enumerate(items)}
    x = np.full((len(sessions), len(items)), np.nan)
    answers = Answer.objects.filter(
        session_id__in=list(index), key__in=items, value__isnull=False
    ).values_list("session_id", "key", "value")
    for session_id, key, value in answers.iterator(chunk_size=5000):
        x[index[session_id], column[key]] = value
    return ResponseData(
        session_ids=tuple(pk for pk, _ in sessions),
        languages=tuple(language for _, language in sessions),
        items=items,
        responses=x,
    )


def self_identified_groups(
    session_ids: Sequence[int], category_keys: Sequence[str]
) -> dict[str, tuple[str, ...]]:
    """Per self-identification category, each session's group ("" when not said).

    Read from the voluntary self-identification stored apart (issue 13) for aggregate DIF
    only: nothing here is ever shown next to a person. "I prefer not to say" counts as not
    said.
    """
    by_session: dict[int, dict[str, str]] = dict(
        SelfIdentification.objects.filter(candidate__assessment__pk__in=list(session_ids))
        .values_list("candidate__assessment__pk", "answers")
        .iterator(chunk_size=2000)
    )
    out: dict[str, tuple[str, ...]] = {}
    for key in category_keys:
        labels = []
        for session_id in session_ids:
            value = str((by_session.get(session_id) or {}).get(key) or "")
            labels.append("" if value == PREFER_NOT else value)
        out[key] = tuple(labels)
    return out
