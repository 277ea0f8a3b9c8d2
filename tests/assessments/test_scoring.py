"""Scoring one assessment: keyed questionnaire means, SJT distance to the key, combined sources."""

from __future__ import annotations

import math

import pytest

from servicefit.assessments.plan import sjt_key
from servicefit.assessments.scoring import combine, score_assessment, score_questionnaire, score_sjt
from servicefit.content import default_content


@pytest.fixture(scope="module")
def content():
    return default_content()


def test_questionnaire_means_apply_reverse_keys(content):
    values = {item.id: 5 for item in content.questionnaire.items}
    scales = score_questionnaire(content, values)
    for competency, scale in scales.items():
        items = [i for i in content.questionnaire.items if i.competency == competency]
        expected = sum(1 if i.reverse else 5 for i in items) / len(items)
        assert scale["score"] == pytest.approx(expected)
        assert scale["answered"] == len(items)


def test_questionnaire_needs_half_the_items_for_a_score(content):
    competency = content.questionnaire.items[0].competency
    items = [i for i in content.questionnaire.items if i.competency == competency]
    only_one = {items[0].id: 4}
    assert score_questionnaire(content, only_one)[competency]["score"] is None
    half = {i.id: 4 for i in items[: math.ceil(len(items) / 2)]}
    assert score_questionnaire(content, half)[competency]["score"] is not None


def test_rating_exactly_as_the_key_gives_the_top_sjt_score(content):
    values = {
        sjt_key(s.id, o.id): round(o.key)
        for s in content.sjt.scenarios
        for o in s.options
        if o.key == round(o.key)
    }
    sjt = score_sjt(content, values)
    for scenario in content.sjt.scenarios:
        if all(o.key == round(o.key) for o in scenario.options):
            assert sjt["scenarios"][scenario.id]["score"] == pytest.approx(1.0)


def test_a_rating_further_from_the_key_scores_lower(content):
    scenario = content.sjt.scenarios[0]
    near = {sjt_key(scenario.id, o.id): min(5, max(1, round(o.key))) for o in scenario.options}
    far = {sjt_key(scenario.id, o.id): 1 if o.key >= 3 else 5 for o in scenario.options}
    assert (
        score_sjt(content, near)["scenarios"][scenario.id]["score"]
        > score_sjt(content, far)["scenarios"][scenario.id]["score"]
    )


def test_competency_score_is_the_mean_of_available_sources(content):
    combined = combine(
        content,
        questionnaire={"empathy": {"score": 4.0}},
        sjt={"competencies": {"empathy": 3.0}},
        reply_scores={"empathy": 5.0},
    )
    assert combined["empathy"].score == 4.0
    assert combined["empathy"].sources == {"questionnaire": 4.0, "sjt": 3.0, "reply": 5.0}
    assert combined["empathy"].lower is None  # no SEM, no band
    assert combined["digital_competence"].score is None or combined["digital_competence"].sources


def test_the_band_is_the_score_plus_minus_1_96_sem_clipped_to_the_scale(content):
    combined = combine(
        content,
        questionnaire={"empathy": {"score": 4.5}, "patience": {"score": 3.0}},
        sjt={},
        reply_scores={},
        sems={"empathy": 0.4, "patience": 0.25},
    )
    assert combined["patience"].lower == pytest.approx(3.0 - 1.959964 * 0.25, abs=1e-4)
    assert combined["patience"].upper == pytest.approx(3.0 + 1.959964 * 0.25, abs=1e-4)
    assert combined["empathy"].upper == 5.0  # clipped at the top of the scale


def test_a_full_assessment_records_versions_and_flags_wrong_language(content):
    values = {item.id: 3 for item in content.questionnaire.items}
    values |= {sjt_key(s.id, o.id): 3 for s in content.sjt.scenarios for o in s.options}
    scored = score_assessment(
        content,
        values=values,
        reply_message="late_delivery",
        reply_text="Hej Mette, jeg er virkelig ked af, at din stol kom for sent. Jeg refunderer fragten i dag.",
        reply_language="pl",
    )
    assert scored.content_version == content.version
    assert scored.scoring_version.startswith("2.")
    assert scored.record_version == 3
    assert "incomplete" not in scored.flags
    assert "wrong_language" in scored.flags
    assert scored.reply.suggested_ratings["overall"] in range(1, 6)
