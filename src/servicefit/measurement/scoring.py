"""IRT scores of stored results, each tied to the parameter version that produced it.

A result is scored with the parameter set its adaptive questionnaire used, else with the one
it was scored with before (re-running the classical scoring never moves it to a newer
calibration silently), else with the newest. :func:`rescore_irt` moves results to another
version explicitly (``servicefit manage rescore_irt``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from servicefit.assessments.models import Result
from servicefit.audit.recording import record
from servicefit.psychometrics import GrmParameters, eap_scores

from .models import AdaptiveRun, IrtScore, ParameterSet


def irt_scales(parameter_set: ParameterSet, values: Mapping[str, float]) -> dict[str, Any]:
    """EAP estimate, SE and items answered per competency from keyed answers (JSON-ready)."""
    out: dict[str, Any] = {}
    for competency, scale in parameter_set.scales.items():
        params = GrmParameters.from_dict(scale["parameters"])
        row = np.array(
            [[np.nan if values.get(i) is None else float(values[i]) for i in scale["items"]]]
        )
        for j, cats in enumerate(params.categories):  # an unused category: the nearest used one
            if not np.isnan(row[0, j]) and row[0, j] not in cats:
                row[0, j] = min(cats, key=lambda c: abs(c - row[0, j]))
        est = eap_scores(params, row)
        out[competency] = {
            "theta": round(float(est.theta[0]), 4),
            "se": round(float(est.se[0]), 4),
            "items": int(est.n_answered[0]),
        }
    return out


def score_irt(*, result: Result, parameter_set: ParameterSet | None = None) -> IrtScore | None:
    """Store (or replace) the IRT scores of ``result``; ``None`` while nothing is calibrated."""
    session = result.session
    run = AdaptiveRun.objects.filter(session=session).select_related("parameter_set").first()
    existing = IrtScore.objects.filter(result=result).select_related("parameter_set").first()
    if parameter_set is None:
        if run is not None:
            parameter_set = run.parameter_set
        elif existing is not None:
            parameter_set = existing.parameter_set
        else:
            parameter_set = ParameterSet.objects.current()
    if parameter_set is None or parameter_set.content_version != result.content_version:
        return None
    values = {a.key: a.value for a in session.answers.all() if a.value is not None}
    score, _created = IrtScore.objects.update_or_create(
        result=result,
        defaults={
            "parameter_set": parameter_set,
            "adaptive": run is not None,
            "administered": list(run.administered) if run is not None else [],
            "scales": irt_scales(parameter_set, values),
            "scored_at": timezone.now(),
        },
    )
    return score


def rescore_irt(*, version: int | None = None) -> tuple[ParameterSet, int]:
    """Re-score every fixed-form result with parameter ``version`` (default: the newest).

    Adaptive results keep the version their items were chosen with. Returns the set used and
    the number of results re-scored.
    """
    parameter_set = (
        ParameterSet.objects.get(version=version)
        if version is not None
        else ParameterSet.objects.current()
    )
    if parameter_set is None:
        raise ParameterSet.DoesNotExist("no parameter set has been calibrated yet")
    count = 0
    results = Result.objects.filter(
        content_version=parameter_set.content_version, session__adaptive_run__isnull=True
    ).select_related("session")
    for result in results.iterator(chunk_size=200):
        with transaction.atomic():
            if score_irt(result=result, parameter_set=parameter_set) is not None:
                count += 1
    record(action="measurement.rescored", version=parameter_set.version, results=count)
    return parameter_set, count
