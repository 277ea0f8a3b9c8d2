"""Bad input never crashes: a clear result or a specific exception."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicefit.language import (
    MAX_REPLY_CHARS,
    RATING_NAMES,
    ReplyAnalysisError,
    ReplyTooLongError,
    UnsupportedLanguageError,
    analyze_reply,
)


def test_it_returns_a_clear_result_for_empty_text() -> None:
    result = analyze_reply("", expected_language="en")
    assert result.signals == ()
    assert result.language.detected is None
    assert result.metrics.length == "empty"
    assert all(result.ratings[name].value == 1 for name in RATING_NAMES)
    assert result.ratings["overall"].explanation[0].code == "empty_reply"


def test_it_handles_whitespace_only_text() -> None:
    result = analyze_reply(" \n\t ", expected_language="da")
    assert result.metrics.words == 0
    assert result.ratings["overall"].value == 1


def test_it_handles_a_reply_of_only_emoji() -> None:
    result = analyze_reply("😡😡😡 👍", expected_language="sv")
    assert result.language.detected is None
    assert result.metrics.words == 0
    assert result.ratings["overall"].explanation[0].code == "empty_reply"


def test_it_rejects_a_50000_character_reply_with_a_specific_error() -> None:
    with pytest.raises(ReplyTooLongError, match="50,000 characters") as info:
        analyze_reply("a" * 50_000, expected_language="en")
    assert info.value.limit == MAX_REPLY_CHARS
    assert isinstance(info.value, ReplyAnalysisError)


def test_it_accepts_a_reply_just_under_the_limit() -> None:
    text = ("I am sorry. " * 2000)[: MAX_REPLY_CHARS - 1]
    result = analyze_reply(text, expected_language="en")
    assert result.metrics.length == "long"


def test_it_handles_a_reply_mixing_languages() -> None:
    text = "Hej Mette, thank you for your mail. Jeg er ked af det. Dziękuję bardzo!"
    result = analyze_reply(text, expected_language="da", customer_name="Mette")
    assert {"thanks", "apology"} <= result.labels
    assert 0.0 <= result.language.confidence <= 1.0


def test_it_treats_html_and_script_tags_as_plain_text() -> None:
    text = "<p>Hi Sarah,</p><script>alert('x')</script> I'm <b>sorry</b> about the delay."
    result = analyze_reply(text, expected_language="en", customer_name="Sarah")
    assert result.text == text  # nothing stripped or interpreted
    assert "apology" in result.labels
    for signal in result.signals:
        assert text[signal.start : signal.end] == signal.text
    # markup is never evidence of shouting or anything else
    assert all("<" not in s.text for s in result.signals)


def test_it_rejects_an_unsupported_expected_language() -> None:
    with pytest.raises(UnsupportedLanguageError, match="choose one of en, da, sv, nb, pl"):
        analyze_reply("Hallo", expected_language="de")


def test_it_accepts_norwegian_without_variety_as_bokmal() -> None:
    result = analyze_reply("Takk for meldingen din.", expected_language="no")
    assert result.expected_language == "nb"


def test_it_rejects_non_string_text() -> None:
    with pytest.raises(TypeError):
        analyze_reply(b"bytes", expected_language="en")  # type: ignore[arg-type]


def test_it_ignores_a_blank_customer_name() -> None:
    result = analyze_reply("Hi there, sorry.", expected_language="en", customer_name="  ")
    assert result.customer_name is None
    assert "customer_name" not in result.labels


@settings(max_examples=80, deadline=None)
@given(
    text=st.text(max_size=400),
    language=st.sampled_from(["en", "da", "sv", "nb", "pl"]),
    name=st.one_of(st.none(), st.text(max_size=20)),
)
def test_it_never_crashes_on_arbitrary_text(text: str, language: str, name: str | None) -> None:
    result = analyze_reply(text, expected_language=language, customer_name=name)
    for signal in result.signals:
        assert text[signal.start : signal.end] == signal.text
    assert all(1 <= result.ratings[n].value <= 5 for n in RATING_NAMES)
