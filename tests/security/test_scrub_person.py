"""``scrub_person``: a typed text without the person's name or e-mail address."""

from __future__ import annotations

from servicefit.security.scrub import scrub_person


def test_the_full_name_and_each_part_go_as_whole_words_in_any_case():
    text = "Request of Ana Berg; ana said BERG is her married name. Bergen office, Anastasia."
    assert scrub_person(text, name="Ana Berg", email="x@example.com") == (
        "Request of [name]; [name] said [name] is her married name. Bergen office, Anastasia."
    )


def test_any_address_and_the_local_part_of_theirs_go():
    text = "From ana.berg@example.com, cc hr@example.com; signed ana.berg"
    assert scrub_person(text, name="Ana Berg", email="ana.berg@example.com") == (
        "From [e-mail address], cc [e-mail address]; signed [name]"
    )


def test_an_initial_is_left_and_a_text_without_the_person_is_unchanged():
    assert scrub_person("J. asked on 3 May", name="J Smith", email="") == "J. asked on 3 May"
    assert scrub_person("Request of 3 May", name="Ana Berg", email="a@b.dk") == "Request of 3 May"


def test_characters_with_a_meaning_in_patterns_are_taken_literally():
    assert scrub_person("Asked: (Mo) and Mo.", name="(Mo)", email="") == "Asked: [name] and Mo."
