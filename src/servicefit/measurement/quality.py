"""The measurement-quality report: reliability, item statistics and DIF per scale and language.

Per competency scale, for all complete fixed-form assessments together and per language:
Cronbach's alpha, McDonald's omega total (one-factor ML, model-implied variance), and each
item's corrected item-total correlation and alpha-if-deleted. An item is flagged when it
correlates weakly with the rest of its scale (below ``WEAK_ITEM_TOTAL``), when the scale is
more reliable without it, or when the current calibration gives it a negative slope (it is
keyed against its competency). Differential item functioning between languages is tested
with Mantel-Haenszel statistics (:mod:`servicefit.psychometrics.dif`), each language against
the largest one; items in ETS category B or C are flagged. The significance behind B and C
is tested after a Benjamini-Hochberg adjustment over the scale's items for each comparison
(``p_adjust="bh"``), so a scale of many statements does not show chance flags.

The same test runs between the groups of each voluntary self-identification category
(issue 13: sex or gender, age band, an admin's further categories), each group against the
largest one. Only aggregates are stored: a group with fewer than the fairness minimum cell
size (5 by default) is listed as suppressed, without its number, and is in no test; a group
needs ``MIN_DIF_GROUP`` complete answers to be tested. "I prefer not to say" and no answer
are no group.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from servicefit.content import Content
from servicefit.psychometrics import (
    GrmParameters,
    PsychometricsError,
    cronbach_alpha,
    mantel_haenszel_dif,
    omega_total,
)

from .data import ResponseData, reverse_keyed, scales_of
from .models import ParameterSet

MIN_ROWS = 30  # smallest group for reliability and item statistics
MIN_DIF_GROUP = 50  # smallest language group in a DIF comparison
WEAK_ITEM_TOTAL = 0.2


def _statistics(x: np.ndarray, items: list[str]) -> dict[str, Any] | None:
    x = x[~np.isnan(x).any(axis=1)]
    if x.shape[0] < MIN_ROWS:
        return None
    try:
        alpha = cronbach_alpha(x, missing="listwise")
    except PsychometricsError:
        return None
    try:
        omega: float | None = omega_total(x).omega_total if x.shape[1] >= 3 else None
    except PsychometricsError:
        omega = None
    rows = []
    for j, item in enumerate(items):
        r = float(alpha.item_total_r[j])
        if_deleted = float(alpha.alpha_if_deleted[j])
        reasons = []
        if not r >= WEAK_ITEM_TOTAL:
            reasons.append("weak_item_total")
        if if_deleted > alpha.raw_alpha + 0.02:
            reasons.append("raises_alpha_if_deleted")
        rows.append(
            {
                "item": item,
                "item_total_r": r,
                "alpha_if_deleted": if_deleted,
                "reasons": reasons,
            }
        )
    return {"n": int(x.shape[0]), "alpha": alpha.raw_alpha, "omega": omega, "items": rows}


def _dif(x: np.ndarray, groups: Sequence[str], items: list[str], min_group: int) -> list[dict]:
    """Mantel-Haenszel DIF of every item, each group against the largest ("" = no group)."""
    try:
        results = mantel_haenszel_dif(x, list(groups), min_group=min_group, p_adjust="bh")
    except PsychometricsError:
        return []
    return [
        {
            "item": items[r.item],
            "reference": r.reference,
            "focal": r.focal,
            "statistic": r.statistic,
            "p": r.p,
            "p_adjusted": r.p_adjusted,
            "effect_size": r.effect_size,
            "category": r.category,
            "favours": r.favours,
        }
        for r in results
    ]


def selfid_groups(
    labels: Sequence[str], *, min_cell: int, min_group: int, options: Sequence[str] = ()
) -> list[dict]:
    """Each self-identified group's size, or ``suppressed`` (no number) below ``min_cell``.

    Every one of the category's ``options`` is listed, also with nobody in it (suppressed
    like any group below ``min_cell``): listing only the groups someone chose told a reader
    that a suppressed group had at least one person, and with everyone else's group shown and
    the number of questionnaires in the heading, a group of one could be worked out (11
    questionnaires, "Woman: 10", "Man: suppressed" meant one man and nobody who did not say).
    Now a suppressed count may be 0 and "did not say" is never shown, so no suppressed count
    is pinned (``tests/measurement/test_quality_disclosure.py`` checks it as an attacker).
    A group that is no longer an option is listed only when it is shown with its number.
    """
    counts = Counter(label for label in labels if label)
    listed = set(options) | {group for group, n in counts.items() if n >= min_cell}
    return [
        {"group": group, "n": counts[group], "tested": counts[group] >= min_group}
        if counts[group] >= min_cell
        else {"group": group, "suppressed": True, "tested": False}
        for group in sorted(listed)
    ]


def quality_report(
    content: Content,
    data: ResponseData,
    parameter_set: ParameterSet | None,
    *,
    selfid: Mapping[str, Sequence[str]] | None = None,
    min_cell: int = 5,
    options: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, Any]:
    """The report stored in :class:`~.models.QualityReport` (plain JSON).

    ``selfid`` maps a self-identification category to each row's group ("" = not said), in
    the row order of ``data``; ``options`` maps it to the groups one can choose (each is
    listed, see :func:`selfid_groups`).

    Each competency uses the rows that answered all of *its* statements, not only the
    questionnaires with every statement answered: reliability and DIF of a four-statement
    scale need nothing else, and with a few skipped statements per person a complete
    64-statement questionnaire is rare (at 4 % skipped at random, 25 of 300 were complete
    while about 255 answered all four statements of each competency; the page showed
    "too few answers" everywhere).
    """
    reverse = reverse_keyed(content)
    dif_minimum = max(MIN_DIF_GROUP, min_cell)
    all_languages = np.asarray(data.languages, dtype=object)
    labels_all = {key: list(labels) for key, labels in (selfid or {}).items()}
    languages = sorted(set(data.languages))
    scales: list[dict[str, Any]] = []
    for competency, items in scales_of(content).items():
        x_all = data.keyed_columns(items, reverse)
        keep = np.asarray(~np.isnan(x_all).any(axis=1), dtype=bool)
        kept: list[bool] = keep.tolist()
        x = x_all[keep]
        lang = all_languages[keep]
        groups = {"all": _statistics(x, items)}
        for language in languages:
            groups[language] = _statistics(x[lang == language], items)
        negative: set[str] = set()
        if parameter_set is not None and competency in parameter_set.scales:
            scale = parameter_set.scales[competency]
            params = GrmParameters.from_dict(scale["parameters"])
            negative = {i for i, a in zip(scale["items"], params.a, strict=True) if a < 0}
        dif = _dif(x, [str(g) for g in lang], items, MIN_DIF_GROUP)
        selfid_labels = {
            key: _without_small(
                [label for label, k in zip(labels, kept, strict=True) if k], min_cell
            )
            for key, labels in labels_all.items()
        }
        selfid_dif = [
            {"characteristic": key, **row}
            for key, labels in selfid_labels.items()
            for row in _dif(x, labels, items, dif_minimum)
        ]
        flagged = {
            row["item"]: row["reasons"]
            for stats in groups.values()
            if stats is not None
            for row in stats["items"]
            if row["reasons"]
        }
        for item in negative:
            flagged.setdefault(item, []).append("negative_slope")
        for d in dif:
            if d["category"] in {"B", "C"}:
                flagged.setdefault(d["item"], []).append(f"dif_{d['category'].lower()}")
        for d in selfid_dif:
            if d["category"] in {"B", "C"}:
                flagged.setdefault(d["item"], []).append(f"selfid_dif_{d['category'].lower()}")
        scales.append(
            {
                "competency": competency,
                "items": items,
                "groups": groups,
                "dif": dif,
                "selfid_dif": selfid_dif,
                "flags": {item: sorted(set(reasons)) for item, reasons in flagged.items()},
            }
        )
    return {
        "languages": languages,
        "n_complete": int(data.complete().responses.shape[0]),
        "n_questionnaires": len(data.session_ids),
        "parameter_version": parameter_set.version if parameter_set else None,
        "scales": scales,
        "selfid": {
            "min_cell": min_cell,
            "min_dif_group": dif_minimum,
            "categories": [
                {
                    "key": key,
                    "groups": selfid_groups(
                        labels,
                        min_cell=min_cell,
                        min_group=dif_minimum,
                        options=(options or {}).get(key, ()),
                    ),
                }
                for key, labels in labels_all.items()
            ],
        },
    }


def _without_small(labels: Sequence[str], min_cell: int) -> list[str]:
    """The labels with every group below ``min_cell`` blanked out (suppressed: no group)."""
    counts = Counter(labels)
    return [label if label and counts[label] >= min_cell else "" for label in labels]
