"""A short, plain-language feedback report for the candidate (if the job enables it)."""

from __future__ import annotations

import math
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from servicefit.assessments.models import AssessmentSession, Result
from servicefit.assessments.record import ResultRecord
from servicefit.content import default_content

TOP = 3


def feedback_for(session: AssessmentSession) -> dict[str, Any] | None:
    """Strengths and areas to develop from the questionnaire and scenarios, or None if not scored.

    Competencies are compared by where the candidate stands among others, ``z = (x − mean) /
    SD`` in the norm group the result was scored with, not by the raw 1–5 scores: the
    competencies differ in level (in the analyst audit's cohort of 299 the mean of clear
    communication was 3.14 and of composure 3.75), so raw scores put the same low-mean
    competencies under "could grow" for most candidates (clear communication for 45 %,
    where 19 % is the share by chance). Without a norm group yet, raw scores are used. A
    competency is never both a strength and an area to grow: with fewer than six scored,
    the upper half are strengths and the rest areas to grow. Competencies tied across a cut
    are named on neither side (``even``: every scored competency stands at the same level).
    """
    result = Result.objects.filter(session=session).select_related("norm_group").first()
    if result is None:
        return None
    content = default_content()
    language = (get_language() or "en").split("-")[0]
    scores = {cid: s for cid, s in result.record.scores().items() if s is not None}
    norms = result.norm_group.statistics if result.norm_group is not None else {}
    zs = {cid: _z(score, norms.get(cid)) for cid, score in scores.items()}
    # no norm for some competency (no group yet): compare raw scores throughout
    standing = {c: z for c, z in zs.items() if z is not None}
    if len(standing) < len(scores):
        standing = dict(scores)
    ordered = sorted(scores, key=lambda cid: standing[cid], reverse=True)
    level = {cid: round(standing[cid], 6) for cid in ordered}
    cut = min(TOP, math.ceil(len(ordered) / 2))
    strengths = ordered[:cut]
    # A competency is named only when it stands apart from those it is set against: a tie
    # across a cut (the same score, e.g. every answer the same) is named on neither side,
    # rather than split by the competencies' order in the content.
    while (
        strengths
        and len(strengths) < len(ordered)
        and (level[strengths[-1]] == level[ordered[len(strengths)]])
    ):
        strengths = [c for c in strengths if level[c] != level[strengths[-1]]]
    develop = ordered[len(ordered) - min(TOP, len(ordered) - cut) :]
    while develop and level[develop[0]] == level[ordered[-len(develop) - 1]]:
        develop = [c for c in develop if level[c] != level[develop[0]]]
    develop = develop[::-1]

    def describe(cid: str) -> dict[str, Any]:
        competency = content.competency(cid)
        return {
            "name": competency.name.get(language),
            "definition": competency.definition.get(language),
        }

    return {
        "strengths": [describe(c) for c in strengths],
        "develop": [describe(c) for c in develop],
        "notes": candidate_notes(result.record),
        "even": len(scores) > 1 and len(set(level.values())) == 1,
    }


def candidate_notes(record: ResultRecord) -> list[str]:
    """What an empty, unopened or partly answered part meant for the candidate's scores."""
    notes = []
    if record.reply.submitted_empty:
        notes.append(
            _(
                "No written reply was submitted: it was rated lowest, which lowers the "
                "competencies the reply measures."
            )
        )
    elif record.reply.not_reached:
        notes.append(_("You did not open the written reply, so it is not part of your results."))
    if record.sjt.not_counted:
        notes.append(
            _(
                "Situations where you rated only some of the options are not counted in "
                "your results."
            )
        )
    return notes


def _z(score: float, data: dict[str, Any] | None) -> float | None:
    """``(score − mean) / SD`` in the norm group, or ``None`` without a usable norm."""
    if not data or data.get("mean") is None or not data.get("sd"):
        return None
    return (score - float(data["mean"])) / float(data["sd"])
