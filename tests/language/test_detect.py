"""Language identification: lingua limited to the candidate languages, offline."""

from __future__ import annotations

import pytest

from servicefit.language import detect_language

SAMPLES = {
    "en": "Thank you for your message. I am sorry that your parcel arrived so late.",
    "da": "Tak for din besked. Jeg er ked af, at din pakke kom så sent frem til dig.",
    "sv": "Tack för ditt meddelande. Jag är ledsen att ditt paket kom så sent fram till dig.",
    "nb": "Takk for meldingen din. Jeg beklager at pakken din kom så sent fram til deg.",
    "pl": "Dziękuję za wiadomość. Bardzo przepraszam, że paczka dotarła tak późno.",
}


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_it_detects_each_candidate_language(language: str) -> None:
    result = detect_language(SAMPLES[language], expected=language)
    assert result.detected == language
    assert result.matches_expected is True
    assert not result.uncertain
    assert result.confidence >= 0.5


def test_it_tells_danish_from_bokmal_by_spelling() -> None:
    danish = detect_language("Hej, jeg har sendt dig en kode. Venlig hilsen", expected="da")
    bokmal = detect_language("Hei, jeg har sendt deg en kode. Vennlig hilsen", expected="nb")
    assert danish.detected == "da"
    assert bokmal.detected == "nb"


def test_it_reports_short_texts_as_uncertain() -> None:
    result = detect_language("Ok tak", expected="da")
    assert result.uncertain
    assert result.matches_expected is None
    assert not result.wrong_language


def test_it_flags_a_reply_confidently_in_another_language() -> None:
    result = detect_language(SAMPLES["en"], expected="da")
    assert result.detected == "en"
    assert result.matches_expected is False
    assert result.wrong_language


def test_it_names_a_non_candidate_language_instead_of_forcing_one() -> None:
    text = "Vielen Dank für Ihre Nachricht. Es tut mir leid, dass Ihr Paket so spät ankam."
    result = detect_language(text, expected="da")
    assert result.detected == "de"
    assert result.wrong_language


def test_it_detects_nothing_in_text_without_letters() -> None:
    result = detect_language("😀 👍 !!! 123", expected="sv")
    assert result.detected is None
    assert result.uncertain
    assert result.confidence == 0.0
