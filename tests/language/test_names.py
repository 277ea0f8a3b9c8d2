"""The customer's name in its inflected and short forms (analysis 1.4.2), in every language."""

from __future__ import annotations

import pytest

from servicefit.language.names import (
    POLISH_DIMINUTIVES,
    name_forms,
    name_part_forms,
    name_parts,
    polish_forms,
)

from .conftest import analyze, evidence


def names_in(text: str, language: str, name: str) -> list[str]:
    """The evidence of ``customer_name`` (patterns only: the name does not need the model)."""
    from servicefit.language import analyze_reply

    result = analyze_reply(
        text, expected_language=language, customer_name=name, sentence_model="off"
    )
    return evidence(result, "customer_name")


# --- Polish: one case per rule ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "form"),
    [
        # vocatives of short first names
        ("Anna", "anno"),
        ("Ewa", "ewo"),
        ("Jan", "janie"),
        ("Piotr", "piotrze"),
        ("Marek", "marku"),
        ("Adam", "adamie"),
        # the other cases
        ("Anna", "annie"),  # Pani Annie (dative/locative)
        ("Anna", "anny"),  # Pani Anny (genitive)
        ("Anna", "annę"),  # Panią Annę (accusative)
        ("Anna", "anną"),  # z Panią Anną (instrumental)
        ("Jan", "janowi"),  # Panu Janowi (dative)
        ("Jan", "jana"),  # Pana Jana (genitive/accusative)
        ("Jan", "janem"),  # z Panem Janem (instrumental)
        # feminine adjectival surnames; their vocative is the nominative
        ("Kowalska", "kowalskiej"),
        ("Kowalska", "kowalską"),
        ("Kowalska", "kowalska"),
        # masculine adjectival surnames and names in -y / -i
        ("Kowalski", "kowalskiego"),
        ("Kowalski", "kowalskiemu"),
        ("Kowalski", "kowalskim"),
        ("Jerzy", "jerzego"),
        ("Antoni", "antoniemu"),
        # masculine surnames ending in a consonant
        ("Nowak", "nowaku"),
        ("Nowak", "nowaka"),
        ("Nowak", "nowakowi"),
        ("Nowak", "nowakiem"),
        # the mobile e and the consonant alternations
        ("Marek", "marka"),
        ("Marek", "markowi"),
        ("Marek", "markiem"),
        ("Paweł", "pawle"),
        ("Paweł", "pawła"),
        ("Michał", "michale"),
        ("Tomasz", "tomaszu"),
        ("Agnieszka", "agnieszko"),
        ("Agnieszka", "agnieszce"),
        ("Agnieszka", "agnieszki"),
        ("Kinga", "kindze"),
        ("Marta", "marcie"),
        ("Barbara", "barbarze"),
        ("Aleksandra", "aleksandrze"),
        ("Aleksander", "aleksandrze"),
        ("Kacper", "kacprze"),
        ("Robert", "robercie"),
        ("Dawid", "dawidzie"),
        ("Karol", "karolu"),
        ("Wojciech", "wojciechu"),
        ("Wróbel", "wróbla"),
        # soft stems: -i / -ii and vocative -u / -o
        ("Zofia", "zofii"),
        ("Zofia", "zofio"),
        ("Alicja", "alicji"),
        ("Kamila", "kamili"),
        ("Róża", "róży"),
        # masculine nouns in -a and in -o decline too ("Pan Kuba", "Pan Mieszko")
        ("Zaręba", "zarębie"),
        ("Mieszko", "mieszkowi"),
    ],
)
def test_polish_case_forms(name: str, form: str) -> None:
    assert form in polish_forms(name)


@pytest.mark.parametrize(
    ("name", "form"),
    [
        ("Katarzyna", "kasia"),
        ("Katarzyna", "kasiu"),
        ("Katarzyna", "kasi"),
        ("Małgorzata", "gosia"),
        ("Małgorzata", "gosiu"),
        ("Tomasz", "tomek"),
        ("Tomasz", "tomku"),
        ("Aleksandra", "ola"),
        ("Aleksandra", "olu"),
        ("Krzysztof", "krzysiek"),
        ("Krzysztof", "krzyśku"),
        ("Krzysztof", "krzysiu"),
        ("Jakub", "kuba"),
        ("Jakub", "kubo"),
        ("Stanisław", "stasiu"),
    ],
)
def test_polish_diminutives_and_their_cases(name: str, form: str) -> None:
    assert form in name_forms(name, "pl")


def test_every_diminutive_is_listed_under_a_lower_case_full_name() -> None:
    for full, short in POLISH_DIMINUTIVES.items():
        assert full == full.lower() and short
        assert all(s == s.lower() and s != full for s in short)


def test_polish_adjectival_vocative_is_the_nominative_not_o() -> None:
    # "Pani Kowalska!" - an adjective has no vocative of its own; "Kowalsko" is not Polish
    assert "kowalsko" not in polish_forms("Kowalska")
    assert names_in("Pani Kowalska, przepraszam.", "pl", "Anna Kowalska") == ["Kowalska"]


@pytest.mark.parametrize(
    ("text", "name", "found"),
    [
        ("Dzień dobry Pani Anno,\nprzepraszam.", "Anna Kowalska", ["Anno"]),
        ("Ewo, przepraszam za opóźnienie.", "Ewa Nowak", ["Ewo"]),
        ("Panie Janie, przepraszam.", "Jan Nowak", ["Janie"]),
        ("Panie Piotrze, dziękuję.", "Piotr Zieliński", ["Piotrze"]),
        ("Marku, zwrot jest w drodze.", "Marek Wiśniewski", ["Marku"]),
        ("Panie Adamie, sprawdziłem fakturę.", "Adam Lis", ["Adamie"]),
        ("Przekazałem sprawę Pani Annie.", "Anna Mazur", ["Annie"]),
        ("Zwrócimy Panu Janowi opłatę.", "Jan Nowak", ["Janowi"]),
        ("Prosimy Pana Jana o cierpliwość.", "Jan Nowak", ["Jana"]),
        ("Piszę w imieniu Pani Kowalskiej.", "Anna Kowalska", ["Kowalskiej"]),
        ("Rozmawiałem z Panią Kowalską.", "Anna Kowalska", ["Kowalską"]),
        ("Panie Nowak, przepraszam.", "Jan Nowak", ["Nowak"]),
        ("Dziękuję, Panie Nowaku.", "Jan Nowak", ["Nowaku"]),
        ("Zwrot dla Pana Marka jest gotowy.", "Marek Wójcik", ["Marka"]),
        ("Panie Pawle, przepraszam.", "Paweł Kamiński", ["Pawle"]),
        ("Panie Michale, dziękuję.", "Michał Lewandowski", ["Michale"]),
        ("Panie Tomaszu, przepraszam.", "Tomasz Dąbrowski", ["Tomaszu"]),
        ("Pani Agnieszko, dziękuję.", "Agnieszka Kozłowska", ["Agnieszko"]),
        ("Kasiu, już to sprawdzam!", "Katarzyna Jankowska", ["Kasiu"]),
        ("Hej Gosia, sorki za to.", "Małgorzata Mazur", ["Gosia"]),
        ("Tomek, zaraz oddzwonię.", "Tomasz Krawczyk", ["Tomek"]),
        ("Cześć Ola, już poprawiam.", "Aleksandra Piotrowska", ["Ola"]),
        ("Krzysiek, sprawdzę to.", "Krzysztof Grabowski", ["Krzysiek"]),
        ("Szanowna Pani Kowalska-Nowak,\nprzepraszam.", "Ewa Kowalska-Nowak", ["Kowalska-Nowak"]),
        ("Zwrot dla Pani Kowalskiej-Nowak.", "Ewa Kowalska-Nowak", ["Kowalskiej-Nowak"]),
    ],
)
def test_polish_name_forms_in_replies(text: str, name: str, found: list[str]) -> None:
    assert names_in(text, "pl", name) == found


def test_a_polish_vocative_with_its_title_alone_on_the_first_line_greets() -> None:
    result = analyze("Pani Anno,\nzwrot jest już w drodze.", "pl", "Anna Kowalska")
    assert evidence(result, "customer_name") == ["Anno"]
    assert evidence(result, "greeting") == ["Pani Anno"]


# --- false positives: a word that starts like the name is not the name -------------------------
@pytest.mark.parametrize(
    ("text", "language", "name"),
    [
        ("Marketing wysłał ofertę.", "pl", "Marek Nowak"),
        ("Marketing sent the offer.", "en", "Marek Nowak"),
        ("January is our busiest month.", "en", "Jan Kowalski"),
        ("Janusz z księgowości oddzwoni.", "pl", "Jan Kowalski"),
        ("Olaf z działu reklamacji oddzwoni.", "pl", "Ola Nowak"),
        ("Olaf fra kundeservice ringer dig op.", "da", "Ola Nordmann"),
        ("Larsen fra lageret har pakken.", "da", "Lars Nielsen"),
        ("Christina from billing will call you.", "en", "Christian Baker"),
        ("Tommy from billing will call you.", "en", "Tom Baker"),
        ("Michalina z księgowości oddzwoni.", "pl", "Michał Nowak"),
        # an everyday word that is also a name form, at the start of a sentence
        ("Ani kurier, ani magazyn nie zgubił paczki.", "pl", "Anna Nowak"),
        ("Marka tego routera to nie nasza.", "pl", "Marek Nowak"),
        # a lower-case particle of the name is not matched on its own ("De" = "you" in Danish)
        ("De har ret, og vi beklager.", "da", "Jan de Vries"),
        # the name written in lower case is not a use of the name
        ("anna nie jest tu problemem.", "pl", "Anna Nowak"),
    ],
)
def test_a_word_that_only_starts_like_the_name_is_not_the_name(
    text: str, language: str, name: str
) -> None:
    assert names_in(text, language, name) == []


def test_a_name_form_that_is_a_word_still_counts_inside_a_sentence() -> None:
    assert names_in("Przekażę to Pani Ani od razu.", "pl", "Anna Nowak") == ["Ani"]
    assert names_in("Zwrot dla Pana Marka jest gotowy.", "pl", "Marek Nowak") == ["Marka"]


def test_a_lower_case_particle_is_dropped_only_from_a_capitalised_name() -> None:
    assert name_parts("Jan de Vries") == ["Jan", "Vries"]
    assert name_parts("de la cruz") == ["de", "la", "cruz"]


# --- English, Danish, Swedish, Norwegian: possessive and genitive -s ----------------------------
@pytest.mark.parametrize(
    ("language", "text", "name", "found"),
    [
        ("en", "I have checked Sarah's order.", "Sarah Mitchell", ["Sarah's"]),
        ("en", "I have checked James's order.", "James Baker", ["James's"]),
        ("da", "Jeg har tjekket Mettes ordre.", "Mette Jensen", ["Mettes"]),
        ("da", "Jeg har tjekket Sarahs ordre.", "Sarah Holm", ["Sarahs"]),
        ("sv", "Jag har kollat Annas beställning.", "Anna Lindqvist", ["Annas"]),
        ("sv", "Jag har kollat Sarahs beställning.", "Sarah Berg", ["Sarahs"]),
        ("nb", "Jeg har sjekket Karis bestilling.", "Kari Nordmann", ["Karis"]),
        # a name in -s takes only an apostrophe, which is not part of the word
        ("da", "Jeg har tjekket Lars' ordre.", "Lars Nielsen", ["Lars"]),
        ("sv", "Jag har kollat Anders beställning.", "Anders Berg", ["Anders"]),
    ],
)
def test_possessive_and_genitive_forms(
    language: str, text: str, name: str, found: list[str]
) -> None:
    assert names_in(text, language, name) == found


@pytest.mark.parametrize(
    ("language", "form"),
    [
        ("en", "sarahs"),  # English marks the possessive with an apostrophe
        ("pl", "sarahs"),  # Polish has no genitive -s
        ("da", "larss"),  # no -s after -s
        ("sv", "anderss"),
    ],
)
def test_no_genitive_s_where_the_grammar_has_none(language: str, form: str) -> None:
    name = {"sarahs": "Sarah", "larss": "Lars", "anderss": "Anders"}[form]
    assert form not in name_forms(name, language)


@pytest.mark.parametrize("language", ["en", "da", "sv", "nb"])
def test_nordic_and_english_names_are_not_declined_like_polish(language: str) -> None:
    assert "anno" not in name_forms("Anna", language)
    assert "janie" not in name_forms("Jan", language)


@pytest.mark.parametrize(
    ("language", "text", "name", "found"),
    [
        ("en", "Dear Sarah Mitchell,\nsorry.", "Sarah Mitchell", ["Sarah Mitchell"]),
        ("da", "Hej Anne-Marie,\nundskyld.", "Anne-Marie Jensen", ["Anne-Marie"]),
        ("sv", "Hej Anne-Marie,\nförlåt.", "Anne Berg", ["Anne-Marie"]),
        ("pl", "Panie Janie Nowaku,\nprzepraszam.", "Jan Nowak", ["Janie Nowaku"]),
    ],
)
def test_full_names_and_hyphenated_first_names(
    language: str, text: str, name: str, found: list[str]
) -> None:
    assert names_in(text, language, name) == found


def test_the_forms_of_each_part_are_kept_apart() -> None:
    first, last = name_part_forms("Jan Nowak", "pl")
    assert "janie" in first and "janie" not in last
    assert "nowaku" in last and "nowaku" not in first
