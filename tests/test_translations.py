"""The translation catalogues themselves: conventions that hold for every message of a language.

Page tests check that a screen is translated; these check what no single page test would see:
that a language writes a percentage the same way everywhere, and that the product's own terms
are translated by one word on every screen.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[1] / "src" / "servicefit" / "locale"

#: A number (or a placeholder for one) followed by a percent sign, with what lies between.
PERCENTAGE = re.compile(r"(?:\d|\{\{ ?\w+ ?\}\}|%\(\w+\)[sd])([ \u00a0]?)%(?!\()")


def messages(language: str) -> list[tuple[str, str]]:
    """(English, translation) for every message of ``language`` (each plural form apart)."""
    with (LOCALE / language / "LC_MESSAGES" / "django.po").open("rb") as fh:
        catalog = read_po(fh, locale=language)
    pairs = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            pairs.append((ids[-1] if len(ids) > 1 else ids[0], string))
    return pairs


def literal(text: str) -> str:
    """``text`` as the reader sees it: "%%" is one percent sign in a python-format string."""
    return text.replace("%%", "%")


@pytest.mark.parametrize(
    ("language", "between"), [("da", "\u00a0"), ("sv", "\u00a0"), ("nb", "\u00a0"), ("pl", "")]
)
def test_every_percentage_is_written_the_languages_way(language, between):
    """Danish, Swedish and Norwegian write "100 %" (a non-breaking space, so the sign never
    starts a line), Polish "100%". The candidate's "extra time (25% more)" lines had no space in
    Danish, Swedish and Norwegian while the report's "95 %-interval" had one."""
    wrong = [
        (english, translation)
        for english, translation in messages(language)
        for found in PERCENTAGE.finditer(literal(translation))
        if found.group(1) != between
    ]
    assert wrong == []


#: The candidate's assessment is called one thing in each language: the invitation, the
#: candidate pages, the e-mails and the back office used to switch between two words.
ASSESSMENT = {
    "da": (re.compile(r"\bvurdering", re.I), re.compile(r"\btest", re.I)),
    "sv": (re.compile(r"\bbedömning", re.I), re.compile(r"\btest", re.I)),
    "nb": (re.compile(r"\bvurdering", re.I), re.compile(r"\btest", re.I)),
    # Polish "ocena" is the rating a recruiter gives; the assessment is "test".
    "pl": (re.compile(r"\btest", re.I), re.compile(r"\bocen(a|y|ę|ie|ą|ach|ami|om)?\b", re.I)),
}


@pytest.mark.parametrize("language", sorted(ASSESSMENT))
def test_the_assessment_has_one_name_in_each_language(language):
    _term, other = ASSESSMENT[language]
    wrong = [
        (english, translation)
        for english, translation in messages(language)
        if re.search(r"\bassessments?\b", english, re.I) and other.search(translation)
    ]
    assert wrong == []


@pytest.mark.parametrize("language", ["da", "sv", "nb", "pl"])
def test_every_download_button_uses_the_same_verb(language):
    """Danish had "Hent (JSON)" beside "Download PDF" on the same candidate page."""
    verbs = {
        translation.split()[0]
        for english, translation in messages(language)
        if english.split()[:1] == ["Download"]
    }
    assert len(verbs) == 1, verbs


#: Terms every message that names them translates with the same word.
TERMS = {
    # Danish mixed the loan "shortlist(et)" with "kortliste" (the stage read "Shortlistet" on
    # the candidate page and "på kortlisten" on the fairness page).
    ("da", r"\bshortlist"): r"kortlist",
    ("sv", r"\bshortlist"): r"kortlist",
    ("nb", r"\bshortlist"): r"kortlist",
}


@pytest.mark.parametrize(("language", "english", "word"), [(*k, v) for k, v in TERMS.items()])
def test_a_term_is_translated_by_the_same_word_everywhere(language, english, word):
    wrong = [
        (en, translation)
        for en, translation in messages(language)
        if re.search(english, en, re.I) and not re.search(word, translation, re.I)
    ]
    assert wrong == []


#: A count followed by a counted noun ("%(total)s candidates"): such a message needs plural
#: forms (Polish has three), or it reads "1 candidates" / "1 kandydatów" when the count is one.
#: A bound ("fewer than %(n)s people", "at least %(n)s ...", "needs %(n)s people") is not a count
#: of things present.
COUNTED = re.compile(
    r"(?<!than )(?<!least )(?<!most )(?<!Up to )(?<!needs )(%\(\w+\)[sd]|\{\{ ?\w+ ?\}\})"
    r"( (scored|complete|hired|outcome))? (candidates|people|rows|days|answers|problems|"
    r"invitations|reminders|scorecards|interviews|assessments|values)\b"
)
#: Counts that are never one: each is at least a configured minimum group size.
COUNTS_NEVER_ONE = (
    "Percentiles compare with the norm group",  # a norm group of at least MIN_NORM_GROUP
    "Percentiles (1–99) compare with the norm group",  # the same, since the analyst audit
    "Item parameters version",  # calibrated on at least SERVICEFIT_CALIBRATION_MIN per language
)


def test_every_counted_noun_has_plural_forms():
    """ "1 candidates in the job" (Polish "1 kandydatów"), "Rank 1 of 1 scored candidates",
    "Your data is deleted 1 days after ..." came from messages without plural forms."""
    with (LOCALE / "pl" / "LC_MESSAGES" / "django.po").open("rb") as fh:
        catalog = read_po(fh, locale="pl")
    wrong = [
        message.id
        for message in catalog
        if message.id
        and not message.pluralizable
        and COUNTED.search(message.id)
        and not message.id.startswith(COUNTS_NEVER_ONE)
    ]
    assert wrong == []


def test_every_app_is_named_in_the_readers_language():
    """The user administration (Django admin) headed the users "Accounts" in every language,
    and its permission list named each part of ServiceFit in English."""
    from django.apps import apps
    from django.utils.functional import Promise
    from django.utils.translation import override

    ours = [a for a in apps.get_app_configs() if a.name.startswith("servicefit.")]
    assert [a.label for a in ours if not isinstance(a.verbose_name, Promise)] == []
    with override("da"):
        assert str(apps.get_app_config("accounts").verbose_name) == "Konti"
