"""Sentence breaks in the tokeniser: a full stop ends a sentence unless it is inside a word
group (times, numbers, abbreviations, addresses) or after a known abbreviation."""

from __future__ import annotations

import pytest

from servicefit.language.text import tokenize


def sentences(text: str) -> list[str]:
    parts: list[list[str]] = []
    for token in tokenize(text):
        if token.sentence_break_before:
            parts.append([])
        parts[-1].append(token.surface)
    return [" ".join(words) for words in parts]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # da / nb / sv: times with dots and "kl." (the helper's finding: "kl. 22.10" split three ways)
        ("Vi ringer kl. 22.10 i aften. Tak for din tålmodighed.",
         ["Vi ringer kl 22 10 i aften", "Tak for din tålmodighed"]),
        ("Pakken kommer ca. kl. 14 i morgen. Mvh Jonas",
         ["Pakken kommer ca kl 14 i morgen", "Mvh Jonas"]),
        ("Se f.eks. servicefit.dk. Hilsen Kari", ["Se f eks servicefit dk", "Hilsen Kari"]),
        ("Du får svar t.ex. i morgon. Hälsningar", ["Du får svar t ex i morgon", "Hälsningar"]),
        # pl
        ("Spotkamy się o godz. 14. Pozdrawiam", ["Spotkamy się o godz 14", "Pozdrawiam"]),
        # en: a price; casual lower-case after an ordinary word still starts a sentence
        ("It costs 3.50. Thanks!", ["It costs 3 50", "Thanks"]),
        ("ok. i will check it. bye", ["ok", "i will check it", "bye"]),
        # an abbreviation followed by a capital is a sentence end as before
        ("Vi lukker kl. Ring i morgen.", ["Vi lukker kl", "Ring i morgen"]),
        # a line break always ends a sentence
        ("Hej\nVi ringer kl.\n10 i morgen", ["Hej", "Vi ringer kl", "10 i morgen"]),
    ],
)  # fmt: skip
def test_sentence_breaks(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected
