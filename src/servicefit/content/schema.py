"""Typed schema of the assessment content (competency model and instruments).

Every user-facing string is a :class:`Translated` value carrying all five product languages,
so a missing translation is a schema error at a precise YAML path. Cross-file rules (known
competency ids, weights summing to 1, seed files that exist) live in :mod:`.validate`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

LANGUAGES: tuple[str, ...] = ("en", "da", "sv", "nb", "pl")
"""Product languages, in display order; English is the source language."""

Language = Literal["en", "da", "sv", "nb", "pl"]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Translated(_Model):
    """One text in every product language."""

    en: NonEmpty
    da: NonEmpty
    sv: NonEmpty
    nb: NonEmpty
    pl: NonEmpty

    def get(self, language: str) -> str:
        """The text in ``language``, falling back to English for an unknown code."""
        return str(getattr(self, language, self.en)) if language in LANGUAGES else self.en


class TranslatedList(_Model):
    """A list of texts (e.g. indicators) in every product language."""

    en: list[NonEmpty] = Field(min_length=1)
    da: list[NonEmpty] = Field(min_length=1)
    sv: list[NonEmpty] = Field(min_length=1)
    nb: list[NonEmpty] = Field(min_length=1)
    pl: list[NonEmpty] = Field(min_length=1)

    def get(self, language: str) -> list[str]:
        return list(getattr(self, language if language in LANGUAGES else "en"))


class Seed(_Model):
    """A source article listed in the manifest."""

    file: NonEmpty
    language: Language
    title: NonEmpty


class Manifest(_Model):
    """``manifest.yaml``: the content version and the seed articles it is drawn from."""

    version: NonEmpty
    seeds: list[Seed] = Field(min_length=1)


class SeedTrace(_Model):
    """Where a competency comes from: a seed file and one line on what it says."""

    file: NonEmpty
    says: NonEmpty


AnchorLevel = Annotated[int, Field(ge=1, le=5)]


class InterviewQuestion(_Model):
    """A structured-interview question with a behaviourally anchored 1–5 rating scale."""

    id: Identifier
    kind: Literal["behavioural", "situational"]
    text: Translated
    anchors: dict[AnchorLevel, Translated]


class Competency(_Model):
    """One competency of the model, with its seed trace and interview material."""

    id: Identifier
    name: Translated
    definition: Translated
    seeds: list[SeedTrace] = Field(min_length=1)
    positive_indicators: TranslatedList
    negative_indicators: TranslatedList
    questions: list[InterviewQuestion] = Field(min_length=3)
    observations: list[Identifier] = Field(default_factory=list)


class Observation(_Model):
    """An observable interview behaviour (greeting, eye contact, not interrupting…)."""

    id: Identifier
    label: Translated
    description: Translated
    seeds: list[NonEmpty] = Field(default_factory=list)


class ObservationList(_Model):
    observations: list[Observation] = Field(min_length=1)


Channel = Literal["phone", "email_chat", "in_store", "technical"]


class JobProfile(_Model):
    """A job-profile template: competency weights (sum 1) and optional minimum levels (1–5)."""

    id: Identifier
    channel: Channel
    name: Translated
    description: Translated
    weights: dict[Identifier, Annotated[float, Field(gt=0, le=1)]]
    minimums: dict[Identifier, Annotated[float, Field(ge=1, le=5)]] = Field(default_factory=dict)
    preview: Translated | None = None
    """Realistic job preview shown to candidates (queues, upset customers, shifts, targets)."""


class JobProfileList(_Model):
    job_profiles: list[JobProfile] = Field(min_length=1)


class GeneralQuestion(_Model):
    """A general interview question, e.g. on strengths and weaknesses (seed 000)."""

    id: Identifier
    text: Translated
    guidance: Translated
    anchors: dict[AnchorLevel, Translated] = Field(default_factory=dict)


class QuestionSet(_Model):
    id: Identifier
    name: Translated
    seeds: list[SeedTrace] = Field(min_length=1)
    questions: list[GeneralQuestion] = Field(min_length=1)


class LikertItem(_Model):
    """A work-style statement rated on the agreement scale; ``reverse`` items are keyed low."""

    id: Identifier
    competency: Identifier
    reverse: bool = False
    text: Translated


class Questionnaire(_Model):
    scale_labels: list[Translated] = Field(min_length=5, max_length=5)
    items: list[LikertItem] = Field(min_length=1)


class SJTOption(_Model):
    id: Identifier
    text: Translated
    key: Annotated[float, Field(ge=1, le=5)]
    """Expert effectiveness rating on the 1–5 scale."""
    rationale: Translated


class SJTScenario(_Model):
    id: Identifier
    competencies: list[Identifier] = Field(min_length=1)
    seeds: list[NonEmpty] = Field(default_factory=list)
    situation: Translated
    options: list[SJTOption] = Field(min_length=4, max_length=4)


class SituationalJudgementTest(_Model):
    time_limit_minutes: Annotated[int, Field(gt=0)]
    rating_labels: list[Translated] = Field(min_length=5, max_length=5)
    scenarios: list[SJTScenario] = Field(min_length=1)


class CustomerMessage(_Model):
    id: Identifier
    channel: Literal["email", "chat"]
    customer_name: Translated
    subject: Translated
    body: Translated
    task: Translated
    """What the candidate is asked to do, including the policy they must work within."""


class WrittenReplyTask(_Model):
    time_limit_minutes: Annotated[int, Field(gt=0)]
    max_characters: Annotated[int, Field(gt=0)]
    messages: list[CustomerMessage] = Field(min_length=1)
