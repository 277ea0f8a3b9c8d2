"""The written-reply development set (``evaluation/language``) is well formed.

The evaluation trusts these files: a labelled substring that is not in its reply would be
silently dropped from the span figures, a duplicate id would merge two replies' ratings, and
a reply without rater-a ratings would fall out of the rating agreement. These tests catch
such slips when the set is edited by hand.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from servicefit.language.signals import SIGNAL_LABELS

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT / "evaluation" / "language"
LANGUAGES = ("en", "da", "sv", "nb", "pl")
RATING_NAMES = ("courtesy", "empathy", "ownership", "clarity", "overall")
REGISTERS = {"formal", "casual", "terse", "rambling", "typos"}
HARD_CASES = {
    "refused_apology",
    "sarcastic_thanks",
    "polite_blame",
    "plain_empathy",
    "quiet_condescension",
    "shouting_caps",
    "shouting_punctuation",
    "wrong_language",
}
SITUATIONS = {
    "late_delivery",
    "bill_confusion",
    "outage_chat",
    "refund_phone",
    "rude_customer_email",
    "colleague_complaint",
    "billing_double_charge",
}
MIN_REPLIES = 100
MIN_SITUATIONS = 5


def _load(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _replies(language: str) -> list[dict[str, Any]]:
    data = _load(EVAL / "devset" / f"{language}.yaml")
    assert data["language"] == language
    replies = data["replies"]
    assert isinstance(replies, list)
    return replies


def _ratings(rater: str, language: str) -> dict[str, dict[str, int]]:
    data = _load(EVAL / "ratings" / rater / f"{language}.yaml")
    assert data["rater"] == rater
    assert data["language"] == language
    ratings = data["ratings"]
    assert isinstance(ratings, dict)
    return ratings


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_label_is_known_and_every_substring_is_in_its_text(language: str) -> None:
    problems = []
    for reply in _replies(language):
        rid, text = reply["id"], reply["text"]
        assert isinstance(text, str) and text.strip(), rid
        for label, spans in (reply.get("signals") or {}).items():
            if label not in SIGNAL_LABELS:
                problems.append(f"{rid}: unknown label {label!r}")
            if not spans:
                problems.append(f"{rid}: {label} has no evidence (omit the label instead)")
            for span in spans or []:
                if not isinstance(span, str) or not span or span not in text:
                    problems.append(f"{rid}: {label} evidence {span!r} is not in the text")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_reply_names_a_known_situation_and_valid_metadata(language: str) -> None:
    problems = []
    for reply in _replies(language):
        rid = reply["id"]
        if not str(rid).startswith(f"{language}-"):
            problems.append(f"{rid}: id does not start with {language}-")
        if reply.get("message") not in SITUATIONS:
            problems.append(f"{rid}: unknown situation {reply.get('message')!r}")
        if not reply.get("customer_name"):
            problems.append(f"{rid}: no customer_name")
        if "register" in reply and reply["register"] not in REGISTERS:
            problems.append(f"{rid}: unknown register {reply['register']!r}")
        if "author" in reply and not re.fullmatch(rf"{language}-author-\d+", reply["author"]):
            problems.append(f"{rid}: author {reply['author']!r} is not {language}-author-<n>")
        unknown = set(reply.get("hard_cases") or []) - HARD_CASES
        if unknown:
            problems.append(f"{rid}: unknown hard cases {sorted(unknown)}")
        wrong = "wrong_language" in (reply.get("hard_cases") or [])
        if wrong and reply.get("expected_language") != language:
            problems.append(f"{rid}: wrong_language reply must keep expected_language {language}")
    assert not problems, "\n".join(problems)


def test_new_situations_carry_register_and_author() -> None:
    """Replies of the situations added for issue 14 can be split by author and register."""
    old = {"late_delivery", "bill_confusion"}
    missing = [
        r["id"]
        for language in LANGUAGES
        for r in _replies(language)
        if r["message"] not in old and not (r.get("register") and r.get("author"))
    ]
    assert not missing, missing


def test_ids_are_unique_across_languages() -> None:
    ids = Counter(r["id"] for language in LANGUAGES for r in _replies(language))
    duplicates = sorted(rid for rid, n in ids.items() if n > 1)
    assert not duplicates, duplicates


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_reply_has_rater_a_ratings_in_range(language: str) -> None:
    ids = {r["id"] for r in _replies(language)}
    ratings = _ratings("a", language)
    assert ids - set(ratings) == set(), (
        f"replies without rater-a ratings: {sorted(ids - set(ratings))}"
    )
    assert set(ratings) - ids == set(), f"ratings for unknown replies: {sorted(set(ratings) - ids)}"
    for rid, values in ratings.items():
        assert set(values) == set(RATING_NAMES), rid
        for name, value in values.items():
            assert isinstance(value, int) and 1 <= value <= 5, f"{rid} {name}={value!r}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_has_enough_replies_and_situations(language: str) -> None:
    """Issue 14: >= 100 replies per language over >= 5 situations, each situation non-trivial."""
    replies = _replies(language)
    per_situation = Counter(r["message"] for r in replies)
    assert len(replies) >= MIN_REPLIES, f"{language}: {len(replies)} replies"
    assert len(per_situation) >= MIN_SITUATIONS, f"{language}: {dict(per_situation)}"
    assert min(per_situation.values()) >= 15, f"{language}: {dict(per_situation)}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_new_situations_have_several_authors_and_every_hard_case(language: str) -> None:
    """A held-out-by-author split needs several authors; every hard case must be present."""
    new = [r for r in _replies(language) if r["message"] not in {"late_delivery", "bill_confusion"}]
    authors = Counter(r["author"] for r in new)
    assert len(authors) >= 6, f"{language}: authors {dict(authors)}"
    hard = Counter(case for r in new for case in r.get("hard_cases") or [])
    assert set(hard) == HARD_CASES, f"{language}: missing {sorted(HARD_CASES - set(hard))}"
    assert all(n >= 2 or case == "wrong_language" for case, n in hard.items()), dict(hard)


# What each hard-case tag promises about the labels (RUBRIC.md, "Labelling conventions").
HARD_CASE_LABELS: dict[str, tuple[str | None, str | None]] = {
    # tag: (label that must be present, label that must be absent)
    "refused_apology": (None, "apology"),
    "sarcastic_thanks": ("condescension", "thanks"),
    "polite_blame": ("blame", None),
    "plain_empathy": ("empathy", None),
    "quiet_condescension": ("condescension", None),
    "shouting_caps": ("shouting", None),
    "shouting_punctuation": ("shouting", None),
    "wrong_language": (None, None),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_hard_case_tags_agree_with_the_labels(language: str) -> None:
    problems = []
    for reply in _replies(language):
        labels = set(reply.get("signals") or {})
        for case in reply.get("hard_cases") or []:
            present, absent = HARD_CASE_LABELS[case]
            if present and present not in labels:
                problems.append(f"{reply['id']}: {case} without a {present} label")
            if absent and absent in labels:
                problems.append(f"{reply['id']}: {case} but labelled {absent}")
    assert not problems, "\n".join(problems)
