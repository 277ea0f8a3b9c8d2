"""The typed, versioned record of one scored assessment: what a Result stores and pages read.

Version 1 (``record_version`` 1, results stored before issue 11) had the same shape without the
measurement-error band of each competency; version 2 had no IRT part. Version 3 adds
:class:`IrtRecord`: the IRT (EAP) estimate of each competency and the item-parameter version
it was computed with, and for an adaptive questionnaire the items given in order.
:meth:`ResultRecord.from_result` reads every version and upgrades on the fly (the band stays
empty until a version 1 result is re-scored; a version 2 result has the IRT part that
migration ``measurement 0002`` copied from the former ``IrtScore`` table, else none), so pages,
the interview kit, the feedback report and the privacy export never read raw JSON.

Every competency score is combined in one place, :func:`combine_sources`: the mean of the
available 1–5 sources (questionnaire, judgement scenarios, written reply and, once scorecards
are in, interview ratings) with a 95 % band ``score ± 1.96 · SEM`` clipped to 1–5, where the
SEM comes from :func:`servicefit.psychometrics.standard_error_of_measurement` on the norm
group in force when the result was scored.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from servicefit.psychometrics import PsychometricsError, standard_error_of_measurement

if TYPE_CHECKING:
    from .models import Result

RECORD_VERSION = 3
Z_95 = 1.959964
SCALE_MIN, SCALE_MAX = 1.0, 5.0
SOURCES = ("questionnaire", "sjt", "reply", "interview")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class QuestionnaireAnswer(_Frozen):
    item: str
    reverse: bool
    value: int | None
    keyed: int | None


class QuestionnaireScale(_Frozen):
    score: float | None
    answered: int
    items: int
    answers: tuple[QuestionnaireAnswer, ...] = ()


class SjtOption(_Frozen):
    option: str
    rating: int | None
    key: float


class SjtScenario(_Frozen):
    score: float | None
    answered: int
    competencies: tuple[str, ...] = ()
    options: tuple[SjtOption, ...] = ()


class SjtRecord(_Frozen):
    scenarios: dict[str, SjtScenario] = Field(default_factory=dict)
    competencies: dict[str, float] = Field(default_factory=dict)
    not_counted: dict[str, int] = Field(default_factory=dict)
    """Competency → how many of its scenarios were rated in part and so not counted
    (scoring 2.1; empty in older records, which counted such scenarios)."""


class ReplyRecord(_Frozen):
    message: str = ""
    text: str = ""
    language: str = ""
    """The language the reply was analysed in (the one it is written in)."""
    shown_language: str = ""
    """The language of the customer's message the candidate saw ("" in older records)."""
    analysis: dict[str, Any] | None = None
    error: str | None = None
    status: str = ""
    """``"answered"``; ``"empty"``: shown and submitted blank, rated lowest on every
    dimension; ``"not_reached"``: never opened, missing; ``""`` in records before scoring 2.1
    (a blank reply was then missing)."""

    @property
    def submitted_empty(self) -> bool:
        return self.status == "empty"

    @property
    def not_reached(self) -> bool:
        return self.status == "not_reached"

    @property
    def suggested_ratings(self) -> dict[str, int]:
        """The analysis's suggested 1–5 ratings (courtesy, empathy, ownership, clarity)."""
        if not self.analysis:
            return {}
        return {name: int(value) for name, value in self.analysis.get("ratings", {}).items()}


class CompetencyScore(_Frozen):
    """One competency on the 1–5 scale with its sources and measurement-error band."""

    score: float | None
    sources: dict[str, float] = Field(default_factory=dict)
    sem: float | None = None
    lower: float | None = None
    upper: float | None = None


class IrtScale(_Frozen):
    """One competency's EAP estimate (theta scale), its posterior SD and the items it rests on."""

    theta: float
    se: float
    items: int


class IrtRecord(_Frozen):
    """The IRT scores of a result and what they were computed with (record version 3).

    ``parameter_version`` is the :class:`~servicefit.measurement.models.ParameterSet` version;
    a newer calibration changes it only through the explicit re-scoring command.
    ``administered`` lists the adaptive questionnaire's items in the order given (empty for
    the fixed form).
    """

    parameter_version: int
    adaptive: bool = False
    administered: tuple[str, ...] = ()
    scales: dict[str, IrtScale] = Field(default_factory=dict)


class ResultRecord(_Frozen):
    """Everything a scored assessment says; see the module docstring for versions."""

    record_version: int = RECORD_VERSION
    content_version: str
    scoring_version: str
    competencies: dict[str, CompetencyScore]
    questionnaire: dict[str, QuestionnaireScale] = Field(default_factory=dict)
    sjt: SjtRecord = Field(default_factory=SjtRecord)
    reply: ReplyRecord = Field(default_factory=ReplyRecord)
    flags: tuple[str, ...] = ()
    irt: IrtRecord | None = None
    """IRT scores with their item-parameter version (``None`` while nothing is calibrated)."""

    @classmethod
    def from_result(cls, result: Result) -> ResultRecord:
        """Read a stored result of any record version (version 1 is upgraded, see above)."""
        return cls.from_stored(
            record_version=result.record_version,
            content_version=result.content_version,
            scoring_version=result.scoring_version,
            competencies=result.competencies,
            questionnaire=result.questionnaire,
            sjt=result.sjt,
            reply=result.reply,
            flags=result.flags,
            irt=result.irt,
        )

    @classmethod
    def from_stored(cls, *, record_version: int, **columns: Any) -> ResultRecord:
        data = dict(columns)
        if record_version < 2:
            data = upgrade_v1(data)
        # Version 2 -> 3: the IRT part is its own column, empty (None) unless migrated in.
        data["record_version"] = RECORD_VERSION
        return cls.model_validate(data)

    def scores(self) -> dict[str, float | None]:
        """Competency id → 1–5 score (``None`` where no source informs it)."""
        return {c: s.score for c, s in self.competencies.items()}

    def with_interview(self, ratings: Mapping[str, float] | None) -> ResultRecord:
        """This record with interview ratings joined in as a further source of each competency."""
        if not ratings:
            return self
        competencies = {}
        for competency, current in self.competencies.items():
            sources = {k: v for k, v in current.sources.items() if k != "interview"}
            if competency in ratings:
                sources["interview"] = float(ratings[competency])
            competencies[competency] = combine_sources(sources, sem=current.sem)
        return self.model_copy(update={"competencies": competencies})


def upgrade_v1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 → 2: same shape; competencies gain an (empty) band, the reply may be ``{}``."""
    competencies = {
        c: {"score": (v or {}).get("score"), "sources": (v or {}).get("sources", {})}
        for c, v in (data.get("competencies") or {}).items()
    }
    reply = data.get("reply") or {}
    return {
        **data,
        "competencies": competencies,
        "sjt": data.get("sjt") or {},
        "reply": {k: v for k, v in reply.items() if v is not None or k == "analysis"},
    }


def combine_sources(sources: Mapping[str, float], *, sem: float | None) -> CompetencyScore:
    """The one place a competency score is made: the mean of its sources, with its band."""
    clean = {k: round(float(v), 4) for k, v in sources.items() if v is not None}
    if not clean:
        return CompetencyScore(score=None, sources={}, sem=sem)
    score = round(math.fsum(clean.values()) / len(clean), 4)
    lower, upper = band(score, sem)
    return CompetencyScore(score=score, sources=clean, sem=sem, lower=lower, upper=upper)


def band(score: float | None, sem: float | None) -> tuple[float | None, float | None]:
    """95 % band ``score ± 1.96 · SEM`` clipped to the 1–5 scale (``None`` without an SEM)."""
    if score is None or sem is None:
        return None, None
    half = Z_95 * sem
    return round(max(SCALE_MIN, score - half), 4), round(min(SCALE_MAX, score + half), 4)


def sem_of(sd: float | None, reliability: float | None) -> float | None:
    """SEM from the norm group's SD and reliability (``None`` when either is unknown)."""
    if sd is None or reliability is None:
        return None
    try:
        return round(standard_error_of_measurement(sd, reliability), 4)
    except PsychometricsError:
        return None
