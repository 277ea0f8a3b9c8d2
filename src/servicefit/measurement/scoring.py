"""IRT scores of stored results, each tied to the parameter version that produced it.

The IRT part of a result lives inside its typed record
(:class:`~servicefit.assessments.record.IrtRecord`, record version 3) and is written with the
rest of the result. A result is scored with the parameter set its adaptive questionnaire used,
else with the one it was scored with before (re-running the classical scoring never moves it
to a newer calibration silently), else with the newest. :func:`rescore_irt` moves results to
another version explicitly (``servicefit manage rescore_irt``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from django.db import transaction

from servicefit.assessments.models import AssessmentSession, Result
from servicefit.assessments.record import IrtRecord
from servicefit.audit.recording import record
from servicefit.content import default_content
from servicefit.psychometrics import GrmParameters, eap_scores

from .data import keyed_value, reverse_keyed
from .models import AdaptiveRun, ParameterSet


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


def irt_record(
    *,
    values: Mapping[str, int | None],
    content_version: str,
    run: AdaptiveRun | None,
    parameter_set: ParameterSet | None,
) -> IrtRecord | None:
    """The IRT part of a result from its raw answers, or ``None`` without a usable set.

    ``parameter_set`` is the set to score with (see :func:`parameter_set_for`); an adaptive
    session is always scored with the set its items were chosen with.
    """
    if run is not None:
        parameter_set = run.parameter_set
    if parameter_set is None or parameter_set.content_version != content_version:
        return None
    reverse = reverse_keyed(default_content())  # the parameters are for keyed answers
    keyed = {k: keyed_value(k, v, reverse) for k, v in values.items() if v is not None}
    return IrtRecord.model_validate(
        {
            "parameter_version": parameter_set.version,
            "adaptive": run is not None,
            "administered": list(run.administered) if run is not None else [],
            "scales": irt_scales(parameter_set, keyed),
        }
    )


def parameter_set_for(*, previous: IrtRecord | None) -> ParameterSet | None:
    """The set a (re-)scored fixed-form result uses: the one it had, else the newest."""
    if previous is not None:
        found = ParameterSet.objects.filter(version=previous.parameter_version).first()
        if found is not None:
            return found
    return ParameterSet.objects.current()


def irt_for_session(
    *, session: AssessmentSession, values: Mapping[str, int | None], previous: IrtRecord | None
) -> IrtRecord | None:
    """The IRT part for one session being (re-)scored (two or three small queries)."""
    run = AdaptiveRun.objects.filter(session=session).select_related("parameter_set").first()
    return irt_record(
        values=values,
        content_version=session.content_version,
        run=run,
        parameter_set=None if run is not None else parameter_set_for(previous=previous),
    )


def irt_for_sessions(
    sessions: Sequence[AssessmentSession], values: Mapping[int, Mapping[str, int | None]]
) -> list[IrtRecord | None]:
    """The IRT parts of many sessions scored for the first time (imports, the demo)."""
    runs = {
        run.session_id: run
        for run in AdaptiveRun.objects.filter(session__in=sessions).select_related("parameter_set")
    }
    current = ParameterSet.objects.current()
    return [
        irt_record(
            values=values.get(s.pk, {}),
            content_version=s.content_version,
            run=runs.get(s.pk),
            parameter_set=current,
        )
        for s in sessions
    ]


def _raw_values(session: AssessmentSession) -> dict[str, int | None]:
    return {a.key: a.value for a in session.answers.all() if a.value is not None}


def rescore_irt(*, version: int | None = None) -> tuple[ParameterSet, int]:
    """Re-score every fixed-form result with parameter ``version`` (default: the newest).

    Only the IRT part of each record changes. Adaptive results keep the version their items
    were chosen with. Returns the set used and the number of results re-scored.
    """
    parameter_set = (
        ParameterSet.objects.get(version=version)
        if version is not None
        else ParameterSet.objects.current()
    )
    if parameter_set is None:
        raise ParameterSet.DoesNotExist("no parameter set has been calibrated yet")
    count = 0
    results: Iterable[Result] = (
        Result.objects.filter(
            content_version=parameter_set.content_version, session__adaptive_run__isnull=True
        )
        .select_related("session")
        .prefetch_related("session__answers")
        .iterator(chunk_size=200)
    )
    for result in results:
        irt = irt_record(
            values=_raw_values(result.session),
            content_version=result.content_version,
            run=None,
            parameter_set=parameter_set,
        )
        if irt is None:
            continue
        with transaction.atomic():
            Result.objects.filter(pk=result.pk).update(irt=irt.model_dump(mode="json"))
        count += 1
    record(action="measurement.rescored", version=parameter_set.version, results=count)
    return parameter_set, count
