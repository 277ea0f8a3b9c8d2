"""Signals with evidence spans, per language, including negation."""

from __future__ import annotations

import pytest

from servicefit.language import SIGNAL_COMPETENCIES, SIGNAL_LABELS, analyze_reply

from .conftest import analyze, evidence, labels


def test_every_label_is_linked_to_known_competencies() -> None:
    known = {
        "empathy", "patience", "active_listening", "clear_communication", "composure",
        "emotional_distance", "positive_attitude", "helpfulness", "teamwork", "problem_solving",
        "organisation", "learning", "courtesy", "valuing_customer", "assertiveness",
        "digital_competence",
    }  # fmt: skip
    assert set(SIGNAL_COMPETENCIES) == set(SIGNAL_LABELS)
    for competencies in SIGNAL_COMPETENCIES.values():
        assert competencies and set(competencies) <= known


def test_evidence_spans_index_the_original_text() -> None:
    text = "Dear Sarah,\n\nI'm so sorry. I will refund the delivery fee within 3 days.\n\nRegards"
    result = analyze(text, "en", "Sarah Mitchell")
    assert result.signals
    for signal in result.signals:
        assert text[signal.start : signal.end] == signal.text


# --- English ---------------------------------------------------------------------------------
def test_it_detects_greeting_name_apology_and_closing_in_english() -> None:
    result = analyze(
        "Hi Sarah,\nI'm really sorry about the delay.\nKind regards,\nTom", "en", "Sarah"
    )
    assert evidence(result, "greeting") == ["Hi"]
    assert evidence(result, "customer_name") == ["Sarah"]
    assert evidence(result, "apology") == ["sorry"]
    assert evidence(result, "closing") == ["Kind regards"]


def test_it_does_not_count_a_negated_apology_in_english() -> None:
    assert "apology" not in labels("I am not sorry, the courier was late.", "en")
    assert "apology" not in labels("I'm not going to apologise for the courier.", "en")
    assert "apology" in labels("I'm sorry it did not arrive on time.", "en")


def test_it_detects_ownership_and_next_step_in_english() -> None:
    result = analyze("I've refunded your delivery fee and I'll call you tomorrow.", "en")
    assert {"ownership", "next_step"} <= result.labels
    assert "ownership" not in labels("I will not refund anything.", "en")


def test_it_requires_a_refusal_for_an_alternative_in_english() -> None:
    offer = "I can't refund the full order, but I can offer you a 10% voucher."
    assert "alternative_offered" in labels(offer, "en")
    assert "alternative_offered" not in labels("I can offer you a 10% voucher.", "en")


def test_it_detects_blame_condescension_and_shouting_in_english() -> None:
    text = "As I already explained, you should have read the terms. We do NOT refund!!!"
    result = analyze(text, "en")
    assert {"blame", "condescension", "shouting"} <= result.labels
    assert set(evidence(result, "shouting")) == {"NOT", "!!!"}


def test_it_does_not_take_acronyms_for_shouting() -> None:
    assert "shouting" not in labels("Your VAT number and the PDF from DHL are attached.", "en")


def test_it_treats_a_thanks_sign_off_as_a_closing() -> None:
    result = analyze("We can't refund the order. Let me know.\nThanks\nJo", "en")
    assert "closing" in result.labels
    assert "thanks" not in result.labels


# --- Danish ----------------------------------------------------------------------------------
def test_it_detects_apology_in_danish() -> None:
    result = analyze("Hej Mette, det er jeg virkelig ked af. Undskyld ventetiden.", "da", "Mette")
    assert evidence(result, "apology") == ["ked af", "Undskyld"]


def test_it_does_not_count_a_negated_apology_in_danish() -> None:
    assert "apology" not in labels("Jeg er ikke ked af det, pakken kom jo frem.", "da")
    assert "apology" not in labels("Det beklager jeg ikke.", "da")


def test_it_detects_empathy_and_ownership_in_danish() -> None:
    result = analyze("Jeg kan godt forstå, at du er frustreret. Jeg har refunderet fragten.", "da")
    assert {"empathy", "ownership", "next_step"} <= result.labels


def test_it_detects_blame_and_condescension_in_danish() -> None:
    text = "Som jeg allerede har skrevet, er det din egen skyld. Det er jo ikke så svært."
    assert {"blame", "condescension"} <= labels(text, "da")


# --- Swedish ---------------------------------------------------------------------------------
def test_it_detects_thanks_apology_and_closing_in_swedish() -> None:
    text = "Hej Karin,\ntack för ditt mejl. Jag ber om ursäkt för förseningen.\nVänliga hälsningar"
    result = analyze(text, "sv", "Karin Lindqvist")
    assert {"greeting", "customer_name", "thanks", "apology", "closing"} <= result.labels


def test_it_does_not_count_a_negated_apology_in_swedish() -> None:
    assert "apology" not in labels("Jag tänker inte be om ursäkt för transportören.", "sv")


def test_it_detects_an_alternative_in_swedish() -> None:
    text = "Vi kan tyvärr inte återbetala hela ordern, men vi kan erbjuda en rabattkod på 10 %."
    assert "alternative_offered" in labels(text, "sv")


# --- Norwegian Bokmål ------------------------------------------------------------------------
def test_it_detects_empathy_and_next_step_in_bokmal() -> None:
    text = (
        "Hei Ola! Jeg skjønner godt at du er irritert. Du får pengene tilbake innen 3 virkedager."
    )
    result = analyze(text, "nb", "Ola Berg")
    assert {"greeting", "customer_name", "empathy", "next_step"} <= result.labels


def test_it_does_not_count_negated_understanding_in_bokmal() -> None:
    text = "Jeg forstår ærlig talt ikke hvorfor du er så opprørt."
    result = analyze(text, "nb")
    assert "empathy" not in result.labels
    assert "condescension" in result.labels


# --- Polish ----------------------------------------------------------------------------------
def test_it_detects_vocative_name_greeting_and_apology_in_polish() -> None:
    text = "Dzień dobry Pani Katarzyno,\nbardzo przepraszam za opóźnienie.\nZ poważaniem"
    result = analyze(text, "pl", "Katarzyna Nowak")
    assert evidence(result, "customer_name") == ["Katarzyno"]
    assert {"greeting", "apology", "closing"} <= result.labels


def test_it_does_not_count_a_negated_apology_in_polish() -> None:
    assert "apology" not in labels("Nie będę przepraszać za kuriera.", "pl")


def test_it_detects_first_person_ownership_in_polish() -> None:
    result = analyze("Sprawdziłam Pani zamówienie i zwrócę opłatę za dostawę.", "pl")
    assert "ownership" in result.labels
    assert "ownership" not in labels("Proszę sprawdzić fakturę i opłatę.", "pl")


def test_it_detects_blame_in_polish() -> None:
    assert "blame" in labels("To Pana wina, trzeba było przeczytać regulamin.", "pl")


# --- across languages ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Thank you for your email."),
        ("da", "Tak for din mail."),
        ("sv", "Tack för ditt mejl."),
        ("nb", "Takk for e-posten din."),
        ("pl", "Dziękuję za wiadomość."),
    ],
)
def test_it_detects_thanks_in_every_language(language: str, text: str) -> None:
    assert "thanks" in labels(text, language)


def test_it_uses_the_detected_languages_patterns_for_a_mixed_reply() -> None:
    text = "Hi Tom, dziękuję za wiadomość. Przepraszam za zamieszanie, the bill is correct."
    result = analyze_reply(text, expected_language="en", customer_name="Tom Baker")
    assert {"thanks", "apology"} <= result.labels


def test_a_signal_found_by_a_rule_says_which_rule_not_pattern() -> None:
    """The customer's name, capitals and "!!!" are found by rules; their ``why`` read
    'pattern “customer_name”', 'pattern “capitals”', as if a phrase list held those words."""
    text = "Sarah,\nYOU SHOULD LISTEN. Wait!!! I am sorry."
    result = analyze_reply(text, expected_language="en", customer_name="Sarah Mitchell")
    why = {(s.label, s.text): s.to_dict(explain=True)["why"] for s in result.signals}
    assert why[("customer_name", "Sarah")]["text"] == ("rule: the customer's name or a form of it")
    assert why[("greeting", "Sarah")]["text"] == "rule: the customer's name opens the reply"
    assert why[("shouting", "YOU SHOULD LISTEN")]["text"] == "rule: words written in capitals"
    assert why[("shouting", "!!!")]["text"] == "rule: repeated exclamation marks"
    assert why[("shouting", "!!!")]["pattern"] == "repeated_exclamation"  # the shape is kept
    assert why[("apology", "sorry")]["text"] == "pattern “sorry”"
