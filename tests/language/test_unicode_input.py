"""Replies as people's keyboards and clipboards really encode them: decomposed accents (NFD),
zero-width characters, emoji, CRLF, tabs, right-to-left text, markup. Every evidence span is
``text[start:end]`` of the string as given, never ends inside a letter, and the same words
give the same analysis however their accents were encoded."""

from __future__ import annotations

import unicodedata

import pytest

from servicefit.language import analyze_reply
from servicefit.language.detect import detect_language
from servicefit.language.text import tokenize

REPLIES = [
    ("Dzień dobry Pani Agnieszko, bardzo przepraszam za opóźnienie. Rozumiem, że to "
     "frustrujące. Zwrócę pieniądze jutro. Pozdrawiam, Łukasz", "pl", "Agnieszka Wiśniewska"),
    ("Hej Åsa, jag ber om ursäkt för förseningen. Jag förstår att det är frustrerande. Jag "
     "återbetalar pengarna i morgon. Med vänliga hälsningar", "sv", "Åsa Öberg"),
    ("Kære Søren, jeg er virkelig ked af det. Jeg sørger for, at pakken bliver sendt i dag. "
     "Må jeg ringe til dig på fredag? Venlig hilsen Åse", "da", "Søren Ærø"),
    ("Hei Øystein, jeg beklager så mye. Jeg skjønner at det er irriterende. Jeg sørger for å "
     "sende en ny i morgen. Vennlig hilsen", "nb", "Øystein Ås"),
    ("Hi Zoë, I'm sorry about the café order. I understand how frustrating this is. I will "
     "refund you today. Best regards", "en", "Zoë Brontë"),
]  # fmt: skip


def _summary(text: str, language: str, name: str) -> tuple:
    data = analyze_reply(text, expected_language=language, customer_name=name).to_dict()
    signals = [(s["label"], unicodedata.normalize("NFC", s["text"])) for s in data["signals"]]
    return signals, data["ratings"], data["language"]["detected"], data["metrics"]["words"]


def _assert_exact_spans(text: str, data: dict) -> None:
    for s in data["signals"]:
        assert text[s["start"] : s["end"]] == s["text"], s
        # a span never stops in front of the accent of its last letter
        after = text[s["end"] : s["end"] + 1]
        assert not (after and unicodedata.category(after).startswith("M")), s


@pytest.mark.parametrize(("text", "language", "name"), REPLIES)
def test_decomposed_accents_give_the_same_analysis(text: str, language: str, name: str) -> None:
    """A reply typed with decomposed accents (NFD: "a" + U+030A for "å", as some systems and
    copied text have it) was read as broken words: the Swedish one lost its apology,
    ownership and closing (ratings 5 -> 3), the Polish one its greeting ("Dzień dobry")."""
    nfd, nfd_name = unicodedata.normalize("NFD", text), unicodedata.normalize("NFD", name)
    assert nfd != text
    assert _summary(nfd, language, nfd_name) == _summary(text, language, name)
    assert _summary(nfd, language, name) == _summary(text, language, name)
    _assert_exact_spans(nfd, analyze_reply(nfd, expected_language=language).to_dict())


def test_a_highlighted_name_keeps_its_accent() -> None:
    """'Zoë' in NFD was highlighted as 'Zoe', leaving its diaeresis outside the mark."""
    text = unicodedata.normalize("NFD", "Hi Zoë, I'm sorry.")
    data = analyze_reply(text, expected_language="en", customer_name="Zoë").to_dict()
    names = [s for s in data["signals"] if s["label"] == "customer_name"]
    assert [(s["start"], s["end"]) for s in names] == [(3, 7)]
    assert names[0]["text"] == unicodedata.normalize("NFD", "Zoë")


def test_zero_width_characters_inside_a_word_do_not_split_it() -> None:
    """A zero-width space pasted inside "understand" split it in two and the empathy was lost;
    the span still covers the characters as written."""
    text = "Hi Sarah, I under\u200bstand how upset you are. I will refund you to\u00adday."
    data = analyze_reply(text, expected_language="en").to_dict()
    plain = analyze_reply(
        text.replace("\u200b", "").replace("\u00ad", ""), expected_language="en"
    ).to_dict()
    assert [s["label"] for s in data["signals"]] == [s["label"] for s in plain["signals"]]
    assert "I under\u200bstand" in [s["text"] for s in data["signals"]]
    assert data["ratings"] == plain["ratings"]
    _assert_exact_spans(text, data)
    assert [t.lower for t in tokenize("to\u00adday")] == ["today"]
    # between words (or emoji) an invisible character is no part of a word
    assert [t.surface for t in tokenize("so\u200b sorry 👨\u200d👩 ok")] == ["so", "sorry", "ok"]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Hi Sarah 😀👍🏽, I'm so sorry 🙏 about the delay 📦. I will refund you today. "
         "Kind regards, Tom 👋", "en"),
        ("Hej Anna,\r\n\r\nJag ber om ursäkt för förseningen.\r\nJag förstår att det är "
         "frustrerande.\r\n\r\nMed vänliga hälsningar\r\nErik", "sv"),
        ("Hei\tKari,\tjeg er lei meg for\tforsinkelsen.\tVennlig hilsen", "nb"),
        ("Hi Sarah, I am so sorry. مرحبا بك \u202eevil\u202c שלום. I understand. Kind regards",
         "en"),
        ("<script>alert('x')</script> Hi Sarah &amp; team, I&#39;m so sorry about "
         "<b>the delay</b>. YOU SHOULD HAVE READ THE MANUAL!!! Kind regards", "en"),
        ("Hi Sarah, I am so sorry " + "ą" * 3000 + " I understand. Kind regards", "en"),
    ],
)  # fmt: skip
def test_every_span_is_exactly_the_text_it_claims(text: str, language: str) -> None:
    data = analyze_reply(text, expected_language=language, customer_name="Sarah").to_dict()
    assert data["signals"]
    _assert_exact_spans(text, data)


@pytest.mark.parametrize("text", ["ok", "OK", "Ok."])
def test_a_word_lingua_cannot_place_has_no_detected_language(text: str) -> None:
    """ "ok" was reported as Norwegian with confidence 0.00 (lingua gives every language 0);
    the report then read "Language: Norwegian (expected English, confidence 0.00)"."""
    result = detect_language(text, expected="en")
    assert result.detected is None
    assert result.confidence == 0.0
    assert result.uncertain and result.matches_expected is None


def test_the_e5_encoder_reads_decomposed_accents_as_composed() -> None:
    """The e5 tokenizer does not normalise: the same sentence typed with decomposed accents
    got a vector up to 0.075 away, so the e5 model's confidences depended on the keyboard."""
    from servicefit.language.sentence_embeddings import embed_sentences, embeddings_installed

    if not embeddings_installed():
        pytest.skip("the embeddings extra is not installed")
    sentence = "Jag förstår att det är frustrerande för dig, Åsa."
    composed = embed_sentences([sentence], layers=4)
    decomposed = embed_sentences([unicodedata.normalize("NFD", sentence)], layers=4)
    zero_width = embed_sentences([sentence.replace("förstår", "för\u200bstår")], layers=4)
    assert abs(composed - decomposed).max() == 0.0
    assert abs(composed - zero_width).max() == 0.0
