"""The forms in which a reply may use the customer's name, by language.

The analysis flags ``customer_name`` when a reply uses the name it was given (``"Anna
Kowalska"``). A name is used inflected: possessive "Sarah's" in English, genitive "Mettes",
"Annas", "Karis" in Danish, Swedish and Norwegian, and in Polish every case of the name
("Pani Anno", "Panu Janowi", "Pani Kowalskiej") and its common diminutives ("Kasiu",
"Tomek"). :func:`name_forms` generates these forms from grammar; the analysis then accepts
a token only when it *is* one of them (case-insensitive, diacritics kept), never a word that
merely starts like the name ("Marketing", "January", "Olaf").

The Polish rules (generous on purpose: a generated form that Polish does not use is harmless,
a missing one is a miss):

- feminine and masculine nouns in ``-a`` ("Anna", "Agnieszka", "Kuba", "Zaręba"): ``-y``/``-i``,
  ``-ie`` with the consonant alternations (``t -> cie``, ``d -> dzie``, ``r -> rze``,
  ``k -> ce``, ``g -> dze``, ``ł -> le``), ``-ę``, ``-ą`` and vocative ``-o``; soft stems
  ("Kasia", "Zofia", "Ola", "Alicja") ``-i``/``-ii`` and vocative ``-u`` or ``-o``;
- adjectival surnames ("Kowalska" -> "Kowalskiej", "Kowalską"; "Kowalski" -> "Kowalskiego",
  "Kowalskiemu", "Kowalskim") and names in ``-y``/``-i`` ("Jerzy", "Antoni"); their vocative is
  the nominative ("Pani Kowalska");
- names ending in a consonant ("Jan", "Piotr", "Marek", "Nowak"): ``-a``, ``-owi``,
  ``-em``/``-iem`` and the locative/vocative: ``-u`` after ``k g ch`` and the soft and hardened
  consonants ("Marku", "Tomaszu", "Karolu"), else ``-e`` with the alternation ("Janie",
  "Adamie", "Piotrze", "Pawle", "Michale", "Robercie"); the mobile ``e`` drops ("Marek" ->
  "Marka", "Paweł" -> "Pawła", "Krzysiek" -> "Krzyśka", "Aleksander" -> "Aleksandra");
  women's consonant-final surnames do not decline ("Pani Nowak"), which the nominative covers;
- :data:`POLISH_DIMINUTIVES`: the common diminutives of frequent first names, each declined
  by the same rules ("Katarzyna" -> "Kasia", "Kasiu", "Kasi").
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Common Polish diminutives of frequent first names (nominative, lower case).
POLISH_DIMINUTIVES: dict[str, tuple[str, ...]] = {
    # women
    "agnieszka": ("aga", "agusia"),
    "aleksandra": ("ola", "olka", "ala"),
    "alicja": ("ala",),
    "anna": ("ania", "anka", "anusia"),
    "barbara": ("basia", "baśka"),
    "dorota": ("dorotka", "dora"),
    "elżbieta": ("ela", "elka"),
    "ewa": ("ewka", "ewunia"),
    "hanna": ("hania",),
    "izabela": ("iza",),
    "jadwiga": ("jadzia",),
    "joanna": ("asia", "joasia"),
    "julia": ("julka", "jula"),
    "katarzyna": ("kasia", "kaśka"),
    "krystyna": ("krysia",),
    "magdalena": ("magda", "madzia"),
    "małgorzata": ("gosia", "małgosia", "gośka"),
    "maria": ("marysia", "maryśka"),
    "marta": ("martusia",),
    "natalia": ("natka",),
    "teresa": ("tereska",),
    "weronika": ("weronka",),
    "wiktoria": ("wika",),
    "zofia": ("zosia",),
    # men
    "aleksander": ("olek", "alek"),
    "andrzej": ("jędrek",),
    "antoni": ("antek",),
    "bartłomiej": ("bartek",),
    "bartosz": ("bartek",),
    "dariusz": ("darek",),
    "franciszek": ("franek",),
    "grzegorz": ("grzesiek", "grześ"),
    "henryk": ("heniek", "henio"),
    "jakub": ("kuba", "kubuś"),
    "jan": ("janek", "jaś"),
    "jarosław": ("jarek",),
    "józef": ("józek", "józio"),
    "kazimierz": ("kazik",),
    "krzysztof": ("krzysiek", "krzyś"),
    "maciej": ("maciek",),
    "mirosław": ("mirek",),
    "piotr": ("piotrek",),
    "przemysław": ("przemek",),
    "radosław": ("radek",),
    "ryszard": ("rysiek", "rysio"),
    "sławomir": ("sławek",),
    "stanisław": ("staszek", "staś"),
    "tadeusz": ("tadek",),
    "tomasz": ("tomek",),
    "waldemar": ("waldek",),
    "władysław": ("władek",),
    "wojciech": ("wojtek",),
    "zbigniew": ("zbyszek",),
    "zdzisław": ("zdzisiek",),
}

#: Generated forms that are also everyday words ("ani" = "nor", "marka" = "brand",
#: "marzenie" = "dream"): :func:`~servicefit.language.cues.name_matches` does not take them
#: for the name at the start of a sentence, where every word is capitalised.
COMMON_WORD_FORMS: dict[str, frozenset[str]] = {
    "pl": frozenset({"ani", "marka", "marzenie"}),
}

_VOWELS = frozenset("aeiouyąęó")
#: Consonants (as the stem ends) after which the masculine locative/vocative is ``-u``:
#: velars and the soft and hardened consonants ("Marku", "Tomaszu", "Karolu", "Stasiu").
_U_ENDINGS = ("k", "g", "ch", "sz", "cz", "rz", "ż", "c", "dz", "dż", "j", "l", "i")
#: The ``-e`` of the locative/vocative (and the feminine dative) and the alternation it brings.
_E_ALTERNATIONS = (
    ("st", "ście"), ("zd", "ździe"), ("ch", "sze"), ("k", "ce"), ("g", "dze"),
    ("t", "cie"), ("d", "dzie"), ("r", "rze"), ("ł", "le"),
    ("n", "nie"), ("m", "mie"), ("p", "pie"), ("b", "bie"), ("w", "wie"), ("f", "fie"),
    ("s", "sie"), ("z", "zie"),
)  # fmt: skip
#: Hardened consonants: a feminine stem on one of them takes ``-y`` where others take ``-ie``.
_HARDENED = ("sz", "cz", "rz", "ż", "c", "dz", "dż")
_SOFT_LETTERS = {"ś": "si", "ć": "ci", "ń": "ni", "ź": "zi"}
_SOFTENED = {"s": "ś", "c": "ć", "n": "ń", "z": "ź"}
#: Name particles written in lower case ("Jan de Vries") are not matched on their own.
_PARTICLES = frozenset(
    {"af", "av", "da", "de", "del", "der", "di", "du", "la", "le", "van", "von", "zu"}
)


def name_parts(customer_name: str) -> list[str]:
    """The parts of a name worth matching: words of two letters or more, no lower-case
    particles ("de", "van") when the name has a capitalised part."""
    parts = re.findall(r"[^\W\d_]+", customer_name)
    capitalised = any(p[:1].isupper() for p in parts)
    return [
        p
        for p in parts
        if len(p) >= 2 and not (capitalised and p[:1].islower() and p.lower() in _PARTICLES)
    ]


def _e_form(stem: str) -> str:
    """``stem`` + the ``-e`` ending with its consonant alternation ("Jan" -> "janie")."""
    for ending, replacement in _E_ALTERNATIONS:
        if stem.endswith(ending):
            return stem[: len(stem) - len(ending)] + replacement
    return stem + "e"


def _mobile_e(word: str) -> str | None:
    """The stem without the mobile ``e`` ("marek" -> "mark", "paweł" -> "pawł",
    "krzysiek" -> "krzyśk", "aleksander" -> "aleksandr"), or None."""
    if len(word) < 4 or word[-2] != "e" or word[-1] not in "kłlcr":
        return None
    if word[-1] == "r" and word[-3] in _VOWELS:  # "Wiktor" has no mobile e, "Kacper" has
        return None
    head = word[:-2]
    if head.endswith("i") and head[-2:-1] in _SOFTENED:  # "krzysi|ek" -> "krzyś|k"
        head = head[:-2] + _SOFTENED[head[-2]]
    return head + word[-1]


def _consonant_forms(stem: str) -> set[str]:
    """The masculine noun endings on a consonant ``stem``: -a, -owi, -em/-iem, -u or -e."""
    instr = "iem" if stem.endswith(("k", "g")) else "em"
    forms = {stem + "a", stem + "owi", stem + instr}
    forms.add(stem + "u" if stem.endswith(_U_ENDINGS) else _e_form(stem))
    return forms


def _feminine_a_forms(word: str) -> set[str]:
    """The noun endings of a name in ``-a`` ("anna", "kasia", "agnieszka", "kuba")."""
    stem = word[:-1]
    forms = {stem + "ę", stem + "ą"}
    if stem.endswith("i"):  # "kasia": kasi, kasiu; "zofia": zofii, zofio
        forms |= {stem, stem + "i", stem + "u", stem + "o"}
    elif stem.endswith("j"):  # "alicja": alicji, alicjo; "maja": mai, maju
        forms |= {stem + "i", stem + "o", stem + "u"}
        if stem[-2:-1] in _VOWELS:
            forms.add(stem[:-1] + "i")
    elif stem.endswith("l"):  # "ola": oli, olu; "kamila": kamili, kamilo
        forms |= {stem + "i", stem + "o", stem + "u"}
    else:
        forms.add(stem + "o")
        if stem.endswith(_HARDENED):  # "róża": róży
            forms.add(stem + "y")
        else:
            forms.add(stem + ("i" if stem.endswith(("k", "g")) else "y"))
            forms.add(_e_form(stem))
    return forms


def polish_forms(word: str) -> set[str]:
    """Every case form of one Polish name part (lower case), the nominative included."""
    w = word.lower()
    forms = {w}
    if len(w) < 2:
        return forms
    if w.endswith(("ska", "cka", "dzka")):  # adjectival feminine surname
        return forms | {w[:-1] + "iej", w[:-1] + "ą"}
    if w.endswith("y") or (w.endswith("i") and w[-2] not in _VOWELS):
        # adjectival: "kowalski", "jerzy", "antoni"
        base = w[:-1] if w.endswith("y") else w
        return forms | {base + "ego", base + "emu", w + "m"}
    if w.endswith("a"):
        return forms | _feminine_a_forms(w)
    if w.endswith("o"):  # "józio", "mieszko", "bruno"
        return forms | _consonant_forms(w[:-1])
    if w[-1] in _VOWELS:
        return forms
    if w[-1] in _SOFT_LETTERS:  # "staś" -> "stasia", "stasiu"
        return forms | _consonant_forms(w[:-1] + _SOFT_LETTERS[w[-1]])
    forms |= _consonant_forms(w)
    dropped = _mobile_e(w)
    if dropped:
        forms |= _consonant_forms(dropped)
    return forms


def _part_forms(part: str, language: str) -> frozenset[str]:
    low = part.lower()
    if language == "pl":
        forms = polish_forms(low)
        for diminutive in POLISH_DIMINUTIVES.get(low, ()):
            forms |= polish_forms(diminutive)
    else:
        # English possessive "Sarah's"; Danish, Swedish and Norwegian genitive "Mettes"
        # (names in -s, -x, -z take only an apostrophe, which is not part of the token)
        forms = {low, low + "'s"}
        if language in ("da", "sv", "nb") and not low.endswith(("s", "x", "z")):
            forms.add(low + "s")
    return frozenset(forms)


@lru_cache(maxsize=4096)
def name_part_forms(customer_name: str, language: str) -> tuple[frozenset[str], ...]:
    """The accepted forms (lower case) of each part of ``customer_name``, in order."""
    return tuple(_part_forms(part, language) for part in name_parts(customer_name))


def name_forms(customer_name: str, language: str) -> set[str]:
    """Every accepted form (lower case) of every part of ``customer_name`` in ``language``."""
    return set().union(*name_part_forms(customer_name, language))
