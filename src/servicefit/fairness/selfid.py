"""Self-identification categories and storing a candidate's voluntary answers.

Two categories are asked by default (sex/gender and age band); an admin can add further
ones (:class:`~servicefit.fairness.models.SelfIdQuestion`), each with its lawful basis.
Every category offers "I prefer not to say", and the whole form may be skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from servicefit.accounts.models import User
from servicefit.audit.recording import record
from servicefit.candidates.models import Candidate

from .models import SelfIdentification, SelfIdQuestion

PREFER_NOT = "prefer_not"


@dataclass(frozen=True)
class Category:
    """A self-identification question: ``options`` are ``(key, label)`` pairs (labels may be
    lazy translations)."""

    key: str
    label: Any
    options: tuple[tuple[str, Any], ...]
    lawful_basis: str = ""

    def option_label(self, key: str) -> str:
        return str(dict(self.options).get(key, key))


DEFAULT_CATEGORIES: tuple[Category, ...] = (
    Category(
        key="gender",
        label=_("Sex or gender"),
        options=(
            ("woman", _("Woman")),
            ("man", _("Man")),
            ("another", _("Non-binary or another gender")),
        ),
    ),
    Category(
        key="age_band",
        label=_("Age band"),
        options=(
            ("under_25", _("Under 25")),
            ("25_39", _("25 to 39")),
            ("40_54", _("40 to 54")),
            ("55_plus", _("55 or over")),
        ),
    ),
)


def categories(*, asked_now: bool = True) -> list[Category]:
    """The categories asked now: the defaults, then the admin's active further ones (with
    ``asked_now=False`` also those no longer asked, whose answers may still be stored)."""
    questions = SelfIdQuestion.objects.all()
    if asked_now:
        questions = questions.filter(active=True)
    extra = [
        Category(
            key=q.key,
            label=q.label,
            options=tuple((str(o), str(o)) for o in q.options),
            lawful_basis=q.lawful_basis,
        )
        for q in questions
    ]
    return [*DEFAULT_CATEGORIES, *extra]


def clean_answers(raw: Mapping[str, str], asked: list[Category]) -> dict[str, str]:
    """Keep only known categories and options; anything else counts as not said."""
    answers: dict[str, str] = {}
    for category in asked:
        value = (raw.get(category.key) or "").strip()
        if value in dict(category.options):
            answers[category.key] = value
    return answers


def has_answered(candidate: Candidate) -> bool:
    return SelfIdentification.objects.filter(candidate=candidate).exists()


@transaction.atomic
def save_self_identification(*, candidate: Candidate, raw: Mapping[str, str]) -> None:
    """Store (or replace) a candidate's answers.

    The audit log notes only that someone in the job answered, not who: a per-candidate event
    would show next to the person's name in their report and data export.
    """
    answers = clean_answers(raw, categories())
    SelfIdentification.objects.update_or_create(candidate=candidate, defaults={"answers": answers})
    record(action="selfid.given", job=candidate.job)


@transaction.atomic
def add_question(
    *, key: str, label: str, options: list[str], lawful_basis: str, added_by: User
) -> SelfIdQuestion:
    """Add a further category (admin only; the view checks the role)."""
    question = SelfIdQuestion.objects.create(
        key=key, label=label, options=options, lawful_basis=lawful_basis, created_by=added_by
    )
    record(action="selfid.question_added", actor=added_by, key=key)
    return question
