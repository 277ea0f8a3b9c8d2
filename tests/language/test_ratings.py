"""Suggested ratings: learned point sums with explanations that name the evidence and say how
much each piece of it moved the rating."""

from __future__ import annotations

import json

import pytest

from servicefit.language import (
    ANALYSIS_VERSION,
    MESSAGES,
    RATING_NAMES,
    analyze_reply,
    load_rating_model,
)
from servicefit.language.ratings import ExplanationItem, with_points

from .conftest import analyze

EXCELLENT = (
    "Dear Sarah,\n\nThank you for writing to us, and I'm truly sorry your order arrived ten "
    "days late. I completely understand how frustrating the wait must have been.\n\n"
    "I can't refund the full order or send a free product, but I have refunded your "
    "delivery fee today and I'll email you a 10% voucher within 24 hours.\n\nKind regards,\nDan"
)
RUDE = (
    "Sarah,\n\nAs I already explained, delivery times are in the terms. You should have read "
    "them. We do NOT give refunds!!!"
)


def test_it_rates_an_excellent_reply_highly() -> None:
    ratings = analyze(EXCELLENT, "en", "Sarah Mitchell").ratings
    # The cut points are learned (train_ratings): the top band of a sub-rating may move by a
    # point between retrainings, the overall verdict on this reply must not.
    assert ratings["overall"].value == 5
    assert all(ratings[name].value >= 4 for name in RATING_NAMES), {
        name: ratings[name].value for name in RATING_NAMES
    }


def test_it_rates_a_rude_reply_low_and_says_which_signals_pulled_it_down() -> None:
    ratings = analyze(RUDE, "en", "Sarah Mitchell").ratings
    assert ratings["courtesy"].value == 1
    assert ratings["overall"].value == 1
    negative = {
        item.params["label"]: item.params["points"]
        for item in ratings["overall"].explanation
        if item.code in ("negative_signal", "model_negative_signal")
    }
    assert {"blame", "condescension"} <= set(negative)
    assert all(points < 0 for points in negative.values())


def test_the_explanation_adds_up_to_the_rating_points() -> None:
    model = load_rating_model()
    for text in (EXCELLENT, RUDE):
        for name, rating in analyze(text, "en", "Sarah Mitchell").ratings.items():
            moved = [i.params["points"] for i in rating.explanation if "points" in i.params]
            assert moved, name
            # each contribution is rounded to 0.01
            assert model.ratings[name].intercept + sum(moved) == pytest.approx(
                rating.points, abs=0.005 * len(moved) + 1e-9
            )
            assert rating.value <= model.ratings[name].value(rating.points)  # caps only lower


def test_an_item_that_moved_the_rating_shows_by_how_much() -> None:
    item = ExplanationItem(
        "signal_present",
        {"label": "apology", "label_text": "Apology", "evidence": "sorry", "points": 0.4},
    )
    assert item.text == "Apology: “sorry” (+0.40)."
    assert ExplanationItem("signal_missing", {"label_text": "an apology"}).text == (
        "Not found: an apology."
    )


def test_an_apology_raises_empathy_and_courtesy_instead_of_lowering_them() -> None:
    # patterns only, so that the apology is the one signal that differs (the sentence model
    # reads "We refunded the delivery fee." in the light of its neighbour and may flag
    # ownership in one reply and not the other)
    def ratings(text: str) -> dict:
        return dict(analyze_reply(text, expected_language="en", sentence_model="off").ratings)

    without = ratings("Your parcel was late. We refunded the delivery fee.")
    with_apology = ratings("I'm sorry your parcel was late. We refunded the delivery fee.")
    assert with_apology["empathy"].points > without["empathy"].points
    assert with_apology["courtesy"].points > without["courtesy"].points


def test_explanations_name_the_evidence_and_are_translatable() -> None:
    result = analyze(EXCELLENT, "en", "Sarah Mitchell")
    empathy_items = result.ratings["empathy"].explanation
    present = [i for i in empathy_items if i.code == "signal_present"]
    assert any(i.params["label"] == "empathy" for i in present)
    assert any("understand" in str(i.params["evidence"]) for i in present)
    for rating in result.ratings.values():
        for item in rating.explanation:
            assert item.code in MESSAGES
            english = MESSAGES[item.code].format(**item.params)
            assert item.text == with_points(english, item.params.get("points"))


def test_to_dict_has_the_documented_json_shape() -> None:
    data = analyze(EXCELLENT, "en", "Sarah Mitchell").to_dict()
    json.dumps(data)  # JSON-ready
    assert data["version"] == ANALYSIS_VERSION
    assert {"detected", "confidence", "matches_expected"} <= set(data["language"])
    assert set(data["ratings"]) == set(RATING_NAMES)
    assert all(1 <= v <= 5 for v in data["ratings"].values())
    assert {"label", "start", "end", "text"} <= set(data["signals"][0])
    assert set(data["explanation"]) == set(RATING_NAMES)
    assert {"code", "params", "text"} == set(data["explanation"]["overall"][0])


def test_a_reply_in_the_wrong_language_is_capped() -> None:
    result = analyze(EXCELLENT, "da", "Sarah Mitchell")
    assert result.language.wrong_language
    assert result.ratings["overall"].value <= 2
    assert "wrong_language" in [i.code for i in result.ratings["clarity"].explanation]


def test_a_danish_reply_with_blame_scores_lower_than_a_helpful_one() -> None:
    helpful = analyze(
        "Hej Mette,\nJeg er ked af forsinkelsen og forstår godt din frustration. Jeg har "
        "refunderet fragten i dag, og du får en rabatkode inden for 24 timer.\nVenlig hilsen",
        "da",
        "Mette Jensen",
    )
    blaming = analyze(
        "Hej Mette,\nForsinkelsen skyldes fragtfirmaet og ikke os. Du burde have valgt "
        "ekspreslevering. Det er jo ikke så svært.\nHilsen",
        "da",
        "Mette Jensen",
    )
    assert helpful.ratings["overall"].value >= 4
    assert blaming.ratings["overall"].value <= 2


def test_padding_a_reply_past_the_raters_longest_buys_no_more_points() -> None:
    # 800 words of filler once raised courtesy by 1.23 points (log2 of the length, up to 512
    # words); beyond 256 words, longer than any reply the raters saw, length now counts no more.
    filler = " P.S. This is just some more text."
    padded_256 = analyze(EXCELLENT + filler * 30, "en")
    padded_800 = analyze(EXCELLENT + filler * 110, "en")
    assert padded_256.metrics.words >= 256 and padded_800.metrics.words >= 800
    for name in ("courtesy", "empathy", "overall"):
        assert padded_800.ratings[name].points == pytest.approx(padded_256.ratings[name].points)
