"""Cue classes: the same word classes in every language, as features of the sentence model.

The lemma n-grams of :mod:`.sentence_features` are language-specific: what the model learns about
"you should have" in English says nothing about "du burde have" in Danish, so each language
learns blame and condescension from its own 16-21 labelled replies. A cue class names a small
kind of word that the rubric's definitions of the signals turn on — addressing the customer
(``you``), the writer (``i``, ``we``), "but" and "can" (an alternative offered after a no),
time words (a next step), obligation (``should``), repetition (``again``: "as I already explained"),
minimisers (``just``), intensifiers (``really``), "obviously", the rules and where they are
written (``rules``, ``stated``), fault and control (``fault``), third parties a reply can
deflect to (``others``: "the courier, not us"), conditions and counterfactuals (``if``: "if you
had checked"), thanks, apology, feelings (``feel``), negation — and is the same feature in all
five languages, so the evidence of every
language is pooled. The features are each class present in the sentence and each pair of
classes present together ("thanks" + "really": sarcastic thanks is more often "thanks so much
for ..."; "you" + "should": blame), and whether the sentence ends in a question or an
exclamation mark.

The word lists were written from the rubric's definitions (``evaluation/language/RUBRIC.md``)
and general knowledge of the languages. Words that came to mind only from reading held-out
false negatives during the diagnosis (a "user manual", "receipt", "charming", "recommend",
Danish "jo", Polish "wystarczy") were taken out again, so that no list is tuned to the
development set's replies. ``others`` and ``if`` were added later (issue 14, helper i14) from
the rubric's definition of blame ("you should have", "the courier, not us") and kept because
the inner cross-validation inside the LOSO training folds rose with them (blame 0.600 -> 0.629
with the lemma model; docs/written-reply-analysis.md). A word
matches by its lower-cased surface form or its simplemma lemma; ``word*`` is a prefix (of
either), ``*end`` an ending of the surface form (Polish first-person past "-łam", "-łem").
Pure Python; no Django.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache, lru_cache

from servicefit.language.text import Token

__all__ = ["CUE_CLASSES", "cue_classes_of", "cue_features", "lexicon", "sentence_cues"]

_LEXICON: dict[str, dict[str, str]] = {
    "you": {
        "en": "you your yours yourself",
        "da": "du dig din dit dine jer jeres",
        "sv": "du dig din ditt dina ni er era",
        "nb": "du deg din ditt dine dere deres",
        "pl": "ty ciebie cię tobie ci twój pan pani państwo",
    },
    "we": {
        "en": "we us our ours",
        "da": "vi os vores",
        "sv": "vi oss vår vårt våra",
        "nb": "vi oss vår vårt våre",
        "pl": "my nas nam nasz",
    },
    "i": {
        "en": "i me my myself i'll i've i'm i'd",
        "da": "jeg mig min mit mine selv",
        "sv": "jag mig min mitt mina själv",
        "nb": "jeg meg min mitt mine selv",
        "pl": "ja mnie mi mój sam sama *łam *łem *łabym *łbym",
    },
    "should": {
        "en": "should must ought need needs needed require* expected",
        "da": "burde bør skulle skal må nødt forventes kræve*",
        "sv": "borde böra bör måste behöva behöver förväntas kräv*",
        "nb": "burde bør skulle skal må nødt forventes kreve*",
        "pl": "powinien powinna powinno powinni musieć trzeba należeć wymagać",
    },
    "again": {
        "en": "already again previously twice before earlier once",
        "da": "allerede igen tidligere før to_gange",
        "sv": "redan igen tidigare förut innan",
        "nb": "allerede igjen tidligere før",
        "pl": "już znowu ponownie wcześniej wcześnie jeszcze_raz dwukrotnie",
    },
    "just": {
        "en": "just only simply merely all",
        "da": "bare blot kun simpelthen",
        "sv": "bara endast enkelt helt_enkelt",
        "nb": "bare kun enkelt rett_og_slett",
        "pl": "tylko jedynie prosty prosto",
    },
    "really": {
        "en": "really so very truly such much lovely wonderful great",
        "da": "virkelig så meget rigtig mange dejlig* vidunderlig* fantastisk",
        "sv": "verkligen så mycket riktigt jätte* underbar* härlig* fantastisk",
        "nb": "virkelig så veldig mye mange deilig* nydelig* fantastisk",
        "pl": "naprawdę bardzo tak taki wielki piękny wspaniały",
    },
    "obvious": {
        "en": "obviously clearly of_course surely evidently simple easy",
        "da": "selvfølgelig tydeligvis tydelig* naturligvis enkel* nem*",
        "sv": "självklart uppenbarligen tydlig* naturligtvis enkel* lätt*",
        "nb": "selvfølgelig tydeligvis tydelig* naturligvis enkel* lett*",
        "pl": "oczywiście oczywisty jasny jasno przecież chyba łatwy łatwo",
    },
    "rules": {
        "en": "terms conditions policy policies agreement contract rules",
        "da": "vilkår betingelse* politik aftale kontrakt regel regler",
        "sv": "villkor policy avtal kontrakt regel regler",
        "nb": "vilkår betingelse* retningslinje* avtale kontrakt regel regler",
        "pl": "regulamin warunki warunek umowa zasada zasady polityka",
    },
    "stated": {
        "en": "stated explained written specified described mentioned informed said told "
        "explain* state*",
        "da": "står stå forklare* skrevet skrive beskrive* nævnt* oplyst* informere* sagt",
        "sv": "står stå förklara* skrivet skriva beskriv* nämn* informera* sagt säga",
        "nb": "står stå forklare* skrevet skrive beskrive* nevnt* opplyst* informere* sagt",
        "pl": "napisać napisany wyjaśnić wyjaśniać tłumaczyć wytłumaczyć opisać "
        "informować poinformować mówić powiedzieć",
    },
    "fault": {
        "en": "fault blame responsible responsibility control mistake error",
        "da": "skyld skylde ansvar* ansvarlig* kontrol fejl",
        "sv": "fel skuld skylla ansvar* kontroll misstag",
        "nb": "skyld skylde ansvar* ansvarlig* kontroll feil",
        "pl": "wina winny odpowiedzialny odpowiedzialność kontrola błąd",
    },
    "others": {
        "en": "courier carrier supplier manufacturer partner contractor subcontractor bank "
        "department warehouse provider vendor colleague",
        "da": "kurér* fragtfirma* leverandør* producent* fabrikant* samarbejdspartner* "
        "entreprenør* underleverandør* bank banken afdeling* lager* udbyder* kollega*",
        "sv": "kurir* budfirma* leverantör* tillverkare* samarbetspartner* entreprenör* "
        "underleverantör* bank banken avdelning* lager* operatör* kollega*",
        "nb": "kurér* budfirma* leverandør* produsent* samarbeidspartner* entreprenør* "
        "underleverandør* bank banken avdeling* lager* operatør* kollega*",
        "pl": "kurier* przewoźnik* dostawca* producent* partner* wykonawca* podwykonawca* "
        "bank dział* magazyn* operator* kolega koleżanka",
    },
    "if": {
        "en": "if unless otherwise",
        "da": "hvis medmindre ellers",
        "sv": "ifall såvida annars",
        "nb": "hvis med_mindre ellers",
        "pl": "jeśli jeżeli gdyby* inaczej",
    },
    "but": {
        "en": "but however instead although though alternatively",
        "da": "men dog derimod i_stedet alligevel",
        "sv": "men dock däremot istället i_stället ändå",
        "nb": "men dog derimot i_stedet likevel",
        "pl": "ale jednak lecz natomiast zamiast za_to",
    },
    "can": {
        "en": "can could able possible offer* arrange* happy",
        "da": "kan kunne mulig* tilbyde* arrangere glad",
        "sv": "kan kunna möjlig* erbjuda* ordna gärna",
        "nb": "kan kunne mulig* tilby* ordne gjerne",
        "pl": "móc możliwy możliwość możliwe zaproponować proponować oferować chętnie",
    },
    "time": {
        "en": "today tomorrow tonight within hour* day* week* minute* monday tuesday "
        "wednesday thursday friday saturday sunday morning afternoon evening",
        "da": "i_dag i_morgen inden time* dag* uge* minut* mandag tirsdag onsdag torsdag "
        "fredag lørdag søndag formiddag eftermiddag aften",
        "sv": "idag i_dag i_morgon imorgon inom timm* dag* veck* minut* måndag tisdag "
        "onsdag torsdag fredag lördag söndag förmiddag eftermiddag kväll",
        "nb": "i_dag i_morgen innen time* dag* uke* minutt* mandag tirsdag onsdag torsdag "
        "fredag lørdag søndag formiddag ettermiddag kveld",
        "pl": "dziś dzisiaj jutro godzina dzień tydzień minuta poniedziałek wtorek "
        "środa czwartek piątek sobota niedziela rano popołudnie wieczór",
    },
    "thanks": {
        "en": "thank thanks thankful grateful",
        "da": "tak takke taknemmelig*",
        "sv": "tack tacka tacksam*",
        "nb": "takk takke takknemlig*",
        "pl": "dziękować dzięki wdzięczny",
    },
    "sorry": {
        "en": "sorry apologise apologize apology apologies regret",
        "da": "undskyld* beklage* ked",
        "sv": "ursäkt* förlåt* beklaga*",
        "nb": "unnskyld* beklage* lei",
        "pl": "przepraszać przeprosić przykro żałować",
    },
    "feel": {
        "en": "frustrat* annoy* stress* worr* upset* angry anger disappoint* "
        "understand* imagine hard difficult awful feel* fear*",
        "da": "frustrer* irriter* stress* bekymr* ked vred skuffe* forstå* forestille "
        "svær* hård* føle* frygt* ærgerlig*",
        "sv": "frustrer* irriter* stress* oro* orolig* arg* besvik* förstå* föreställa "
        "svår* jobbig* känna* känsl* rädd*",
        "nb": "frustrer* irriter* stress* bekymr* sint* skuffe* forstå* forestille "
        "vanskelig* tung* føle* følelse* redd*",
        "pl": "frustr* irytu* stres* martwić niepokój zły złość rozczarow* rozumieć "
        "wyobrazić trudny ciężki czuć obawa",
    },
    "negation": {
        "en": "not n't never no nothing nobody cannot",
        "da": "ikke aldrig ingen intet ingenting",
        "sv": "inte aldrig ingen inget ingenting",
        "nb": "ikke aldri ingen ingenting",
        "pl": "nie nigdy nikt nic żaden",
    },
}
#: The class names, in a fixed order.
CUE_CLASSES: tuple[str, ...] = (*_LEXICON, "question", "exclamation")


@cache
def _entries(language: str) -> tuple[dict[str, frozenset[str]], tuple[tuple[str, str], ...]]:
    """(exact word -> classes, (``prefix*`` or ``*suffix``, class) pairs) for ``language``."""
    exact: dict[str, set[str]] = {}
    affixes: list[tuple[str, str]] = []
    for name, by_language in _LEXICON.items():
        for word in by_language.get(language, "").split():
            word = word.replace("_", " ")
            if word.endswith("*") or word.startswith("*"):
                affixes.append((word, name))
            else:
                exact.setdefault(word, set()).add(name)
    return {w: frozenset(c) for w, c in exact.items()}, tuple(affixes)


@lru_cache(maxsize=65_536)
def cue_classes_of(lower: str, lemma: str, language: str) -> frozenset[str]:
    """The cue classes of one word (by its lower-cased surface form or its lemma; remembered,
    since the same words recur in every reply)."""
    exact, affixes = _entries(language)
    found = set(exact.get(lower, ())) | set(exact.get(lemma, ()))
    for affix, name in affixes:
        if affix.endswith("*"):
            if lower.startswith(affix[:-1]) or lemma.startswith(affix[:-1]):
                found.add(name)
        elif lower.endswith(affix[1:]):  # "*łam": a surface ending (Polish first person)
            found.add(name)
    if lower.endswith("n't"):
        found.add("negation")
    return frozenset(found)


def sentence_cues(
    text: str,
    tokens: Sequence[Token],
    lemmas: Sequence[str],
    first: int,
    last: int,
    end: int,
    language: str,
) -> frozenset[str]:
    """The cue classes present in the sentence ``tokens[first..last]`` (ending at ``end``).

    Two-word entries ("of course", "helt enkelt") match as a pair of neighbouring words;
    ``question``/``exclamation``: the sentence ends in ``?``/``!`` (the punctuation after its
    last word, up to the next word).
    """
    found: set[str] = set()
    exact, _ = _entries(language)
    previous = ""
    for i in range(first, last + 1):
        found |= cue_classes_of(tokens[i].lower, lemmas[i], language)
        pair = f"{previous} {tokens[i].lower}"
        if previous and pair in exact:
            found |= exact[pair]
        previous = tokens[i].lower
    tail = text[end : end + 4]
    if "?" in tail.split("\n", 1)[0]:
        found.add("question")
    if "!" in tail.split("\n", 1)[0]:
        found.add("exclamation")
    return frozenset(found)


def cue_features(classes: Iterable[str]) -> list[str]:
    """Feature names: each class, and each pair of classes (sorted) present together."""
    names = sorted(classes)
    out = [f"cue:{c}" for c in names]
    out += [f"cue:{a}+{b}" for i, a in enumerate(names) for b in names[i + 1 :]]
    return out


def lexicon() -> Mapping[str, Mapping[str, str]]:
    """The word lists (class -> language -> words), for documentation and tests."""
    return _LEXICON
