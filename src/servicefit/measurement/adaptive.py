"""The adaptive questionnaire of one candidate: which item comes next, and when it ends.

Each competency is its own unidimensional graded-response scale (the parameters of the
session's :class:`~.models.ParameterSet`). The questionnaire interleaves the scales: the next
item goes to the unfinished competency with the fewest items so far (content balancing, at
least ``MIN_ITEMS_PER_SCALE`` each), and within it to the most informative item at the
current EAP estimate, chosen at random among the two best (randomesque exposure control).
A competency is finished when its SE reaches the job's stopping rule or its items run out.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from django.db import transaction
from django.utils import timezone

from servicefit.assessments.models import AssessmentSession
from servicefit.audit.recording import record
from servicefit.content import default_content
from servicefit.psychometrics import CatPool, CatRules, GrmParameters, next_scale_item

from .calibration import MIN_ITEMS_PER_SCALE
from .data import keyed_value, reverse_keyed
from .models import AdaptiveRun, AdaptiveSetting, ParameterSet

RANDOMESQUE = 2


@lru_cache(maxsize=32)
def _pool(parameter_set_id: int, competency: str) -> tuple[CatPool, tuple[str, ...]]:
    """The item bank of one scale of a parameter set (immutable, so cached per process)."""
    scale = ParameterSet.objects.get(pk=parameter_set_id).scales[competency]
    return CatPool(GrmParameters.from_dict(scale["parameters"])), tuple(scale["items"])


def _nearest_category(categories: tuple[float, ...], value: float) -> float:
    """An answer in a category nobody used at calibration counts as the nearest used one."""
    return min(categories, key=lambda c: abs(c - value))


def start_adaptive(*, session: AssessmentSession) -> AdaptiveRun | None:
    """Give a new session the adaptive questionnaire if its job has it on and it is calibrated.

    Called when the candidate consents; until the questionnaire is calibrated (no parameter
    set for this content version) the fixed form stays.
    """
    setting = AdaptiveSetting.objects.filter(job_id=session.candidate.job_id, enabled=True).first()
    if setting is None:
        return None
    parameter_set = ParameterSet.objects.current()
    if parameter_set is None or parameter_set.content_version != session.content_version:
        return None
    run, created = AdaptiveRun.objects.get_or_create(
        session=session,
        defaults={"parameter_set": parameter_set, "se_stop": setting.se_stop},
    )
    if created:
        record(
            action="assessment.adaptive_started",
            candidate=session.candidate,
            parameter_version=parameter_set.version,
        )
        next_question(session=session, answers={})
    return run


#: Stands for "the next item, not chosen yet" on an unfinished adaptive page, so the page
#: counts as unanswered (resume, review) until the questionnaire has ended. Never answerable.
NEXT_PLACEHOLDER = "adaptive.next"


def questionnaire_keys(session: AssessmentSession) -> tuple[str, ...] | None:
    """The questionnaire items of an adaptive session so far (``None`` for the fixed form)."""
    run = (
        AdaptiveRun.objects.filter(session_id=session.pk)
        .only("administered", "pending", "finished_at")
        .first()
    )
    if run is None:
        return None
    keys = tuple(run.administered)
    if run.finished_at is None and not run.pending:
        keys += (NEXT_PLACEHOLDER,)
    return keys


def _keyed_answers(answers: dict[str, int]) -> dict[str, float]:
    reverse = reverse_keyed(default_content())
    return {key: keyed_value(key, value, reverse) for key, value in answers.items()}


def _scales(
    run: AdaptiveRun, answers: dict[str, int]
) -> tuple[list[str], list[CatPool], list[tuple[str, ...]], list[list[int]], list[list[float]]]:
    """Per competency: its pool, item ids, and the items given and answered (keyed)."""
    keyed = _keyed_answers(answers)
    names, pools, item_ids, given, values = [], [], [], [], []
    for competency in run.parameter_set.scales:
        pool, items = _pool(run.parameter_set_id, competency)
        answered = [i for i in run.administered if i in items and i in keyed]
        names.append(competency)
        pools.append(pool)
        item_ids.append(items)
        given.append([items.index(i) for i in answered])
        values.append(
            [
                _nearest_category(pool.parameters.categories[items.index(i)], keyed[i])
                for i in answered
            ]
        )
    return names, pools, item_ids, given, values


def _rules(run: AdaptiveRun, pools: list[CatPool]) -> list[CatRules]:
    return [
        CatRules(
            se_stop=run.se_stop,
            min_items=min(MIN_ITEMS_PER_SCALE, pool.n_items),
            randomesque=RANDOMESQUE,
        )
        for pool in pools
    ]


@transaction.atomic
def next_question(*, session: AssessmentSession, answers: dict[str, int]) -> str | None:
    """The item to show now (the pending one after a reload), or ``None`` when finished."""
    run = (
        AdaptiveRun.objects.select_for_update().select_related("parameter_set").get(session=session)
    )
    if run.pending and run.pending not in answers:
        return run.pending
    if run.finished_at is not None:
        return None
    _names, pools, item_ids, given, values = _scales(run, answers)
    rng = np.random.default_rng([session.pk, len(run.administered)])
    chosen = next_scale_item(pools, _rules(run, pools), given, values, rng=rng)
    if chosen is None:
        run.pending = ""
        run.finished_at = timezone.now()
        run.save(update_fields=["pending", "finished_at"])
        record(
            action="assessment.adaptive_finished",
            candidate=session.candidate,
            items=len(run.administered),
        )
        return None
    scale, step = chosen
    assert step.item is not None  # noqa: S101  (next_scale_item returns open scales only)
    items = item_ids[scale]
    item_id = items[step.item]
    run.administered = [*run.administered, item_id]
    run.pending = item_id
    run.save(update_fields=["administered", "pending"])
    return item_id
