"""``calibrate``: fit the questionnaire's scales from the system's own complete assessments."""

from __future__ import annotations

import numpy as np
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from servicefit.accounts.models import User
from servicefit.audit.recording import record
from servicefit.content import Content, default_content
from servicefit.psychometrics import (
    CatPool,
    CatRules,
    GrmParameters,
    fit_grm,
    marginal_reliability,
    simulate_cat,
)

from .data import ResponseData, questionnaire_responses, reverse_keyed, scales_of
from .models import ParameterSet

DEFAULT_MIN_PER_GROUP = 300
DEFAULT_SE_STOP = 0.4  # reliability about .84 per competency; four items rarely reach 0.3
#: Each competency gets at least this many items in the adaptive questionnaire (content
#: balancing): with four items per scale the classical score still rests on half of them.
MIN_ITEMS_PER_SCALE = 2
SIMULATION_SEED = 20261206


class NotEnoughData(Exception):
    """Too few complete assessments to calibrate; the message says how many there are."""


def simulate_adaptive(
    data: ResponseData, scales: dict[str, dict], *, se_stop: float, reverse: set[str]
) -> dict[str, object]:
    """Replay the answers through the adaptive questionnaire (post-hoc simulation) per scale."""
    per_scale: dict[str, dict[str, float]] = {}
    given = full = 0.0
    rs, rmsds = [], []
    for competency, scale in scales.items():
        params = GrmParameters.from_dict(scale["parameters"])
        x = data.keyed_columns(scale["items"], reverse)
        sim = simulate_cat(
            CatPool(params),
            CatRules(se_stop=se_stop, min_items=min(MIN_ITEMS_PER_SCALE, params.n_items)),
            x,
            rng=np.random.default_rng(SIMULATION_SEED),
        )
        summary = sim.summary()
        per_scale[competency] = {k: float(v) for k, v in summary.items()}
        given += float(sim.n_items.sum())
        full += float(sim.n_available.sum())
        rs.append(sim.r_with_full)
        rmsds.append(sim.rmsd)
    n = data.responses.shape[0] or 1
    return {
        "se_stop": se_stop,
        "min_items_per_scale": MIN_ITEMS_PER_SCALE,
        "n": data.responses.shape[0],
        "mean_items": given / n,
        "full_items": full / n,
        "pct_saving": 100.0 * (1.0 - given / full) if full else 0.0,
        "r_with_full": float(np.nanmean(rs)) if rs else float("nan"),
        "min_r_with_full": float(np.nanmin(rs)) if rs else float("nan"),
        "rmsd": float(np.mean(rmsds)) if rmsds else float("nan"),
        "per_scale": per_scale,
    }


def calibrate(
    *,
    min_per_group: int = DEFAULT_MIN_PER_GROUP,
    se_stop: float = DEFAULT_SE_STOP,
    created_by: User | None = None,
    content: Content | None = None,
) -> ParameterSet:
    """Fit every scale on the complete fixed-form assessments and store a new version.

    Answers are keyed as scored (reverse-keyed items turned round), so every slope should
    come out positive; a negative one marks an item that works against its competency.

    Only language groups with at least ``min_per_group`` complete assessments are used;
    raises :class:`NotEnoughData` when no group qualifies. Nothing already stored changes.
    """
    if min_per_group < 1:
        raise ValueError("min_per_group must be at least 1")
    content = content or default_content()
    data = questionnaire_responses(content).complete()
    sizes = data.group_sizes()
    groups = {g for g, n in sizes.items() if n >= min_per_group}
    if not groups:
        counts = ", ".join(f"{g}: {n}" for g, n in sizes.items()) or _("none")
        raise NotEnoughData(
            _(
                "Calibration needs at least %(minimum)d complete assessments in one language; "
                "complete assessments per language: %(counts)s."
            )
            % {"minimum": min_per_group, "counts": counts}
        )
    data = data.in_groups(groups)
    reverse = reverse_keyed(content)
    scales: dict[str, dict] = {}
    for competency, items in scales_of(content).items():
        fit = fit_grm(data.keyed_columns(items, reverse))
        scales[competency] = {
            "items": items,
            "parameters": fit.parameters.to_dict(),
            "n": fit.n,
            "loglik": fit.loglik,
            "converged": fit.converged,
            "marginal_reliability": marginal_reliability(fit.parameters),
        }
    simulation = simulate_adaptive(data, scales, se_stop=se_stop, reverse=reverse)
    with transaction.atomic():
        latest = ParameterSet.objects.aggregate(v=Max("version"))["v"] or 0  # version is unique
        parameter_set = ParameterSet.objects.create(
            version=latest + 1,
            content_version=content.version,
            created_by=created_by,
            min_per_group=min_per_group,
            groups={g: sizes[g] for g in sorted(groups)},
            scales=scales,
            simulation=simulation,
        )
        record(
            action="measurement.calibrated",
            actor=created_by,
            version=parameter_set.version,
            groups=parameter_set.groups,
        )
    return parameter_set
