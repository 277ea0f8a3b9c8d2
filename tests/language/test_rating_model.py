"""The learned ratings: fitting (``train_ratings``), the shipped model, and its honesty."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from servicefit.language import RATING_NAMES, RatingModel, load_rating_model
from servicefit.language.ratings import FEATURE_SIGNS, FEATURES, LinearRating, rating_cap
from servicefit.language.train_ratings import (
    best_cutpoints,
    design,
    fit_rating_model,
    fit_signed_ridge,
    quadratic_weighted_kappa,
)
from servicefit.psychometrics import weighted_kappa

ROOT = Path(__file__).resolve().parents[2]


def _evaluate() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "servicefit_eval_language_ratings", ROOT / "evaluation" / "language" / "evaluate.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def _synthetic(n: int = 240, seed: int = 7) -> tuple[list[dict[str, float]], dict, list[str]]:
    """Replies whose mean human rating follows known weights, in six situations."""
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n):
        row = dict.fromkeys(FEATURES, 0.0)
        for label in ("greeting", "apology", "empathy", "ownership", "next_step", "blame"):
            row[label] = float(rng.random() < 0.4)
        rows.append(row)
    true = {"empathy": 1.0, "ownership": 0.8, "next_step": 0.6, "apology": 0.4, "blame": -1.0}
    score = np.array([2.0 + sum(w * r[f] for f, w in true.items()) for r in rows])
    score = np.clip(score + rng.normal(0, 0.3, n), 1, 5)
    targets = {name: list(score) for name in RATING_NAMES}
    groups = [f"s{i % 6}" for i in range(n)]
    return rows, targets, groups


def test_quadratic_weighted_kappa_matches_the_psychometrics_implementation() -> None:
    rng = np.random.default_rng(3)
    a = rng.integers(1, 6, 80)
    b = np.clip(a + rng.integers(-1, 2, 80), 1, 5)
    expected = weighted_kappa(list(a), list(b), categories=range(1, 6))
    assert quadratic_weighted_kappa(a, b) == pytest.approx(expected, abs=1e-12)


def test_ridge_drops_a_weight_whose_sign_contradicts_the_rubric() -> None:
    rng = np.random.default_rng(1)
    X = (rng.random((200, len(FEATURES))) < 0.3).astype(float)
    apology, blame = FEATURES.index("apology"), FEATURES.index("blame")
    # in these data an apology *lowers* the rating and blame raises it: neither may be learned
    y = 3 - 0.8 * X[:, apology] + 0.6 * X[:, blame] + 1.0 * X[:, FEATURES.index("empathy")]
    w, _ = fit_signed_ridge(X, y)
    assert w[apology] == 0.0
    assert w[blame] == 0.0
    assert w[FEATURES.index("empathy")] == pytest.approx(1.0, abs=0.1)
    signs = [FEATURE_SIGNS[f] for f in FEATURES]
    assert all(s * v >= 0 for s, v in zip(signs, w, strict=True))


def test_cut_points_recover_a_monotone_mapping() -> None:
    points = np.linspace(0.5, 5.5, 101)
    target = np.clip(np.floor(points + 0.5), 1, 5).astype(int)
    cuts, kappa = best_cutpoints(points, target, np.full(101, 5))
    assert kappa == pytest.approx(1.0)
    assert list(cuts) == sorted(cuts)
    assert cuts[0] == pytest.approx(1.5, abs=0.06)


def test_fitting_recovers_known_weights_and_is_deterministic() -> None:
    rows, targets, groups = _synthetic()
    model = fit_rating_model(rows, targets, groups)
    again = fit_rating_model(rows, targets, groups)
    assert model.to_dict() == again.to_dict()
    weights = model.ratings["overall"].weights
    assert weights["empathy"] == pytest.approx(1.0, abs=0.15)
    assert weights["ownership"] == pytest.approx(0.8, abs=0.15)
    assert weights["blame"] == pytest.approx(-1.0, abs=0.15)
    assert abs(weights.get("greeting", 0.0)) < 0.15  # no effect in these data
    predicted = [model.values(r)["overall"] for r in rows]
    human = [int(t + 0.5) for t in targets["overall"]]
    assert quadratic_weighted_kappa(predicted, human) > 0.85


def test_a_rating_model_round_trips_through_json_and_rejects_a_broken_file() -> None:
    rows, targets, groups = _synthetic(120)
    model = fit_rating_model(rows, targets, groups)
    data = json.loads(json.dumps(model.to_dict()))
    assert RatingModel.from_dict(data).to_dict() == model.to_dict()
    data["ratings"]["overall"]["cutpoints"] = [3, 2, 1, 0]
    with pytest.raises(ValueError, match="ascending"):
        RatingModel.from_dict(data)
    data = model.to_dict()
    data["ratings"]["courtesy"]["weights"]["sentiment"] = 1.0
    with pytest.raises(ValueError, match="unknown features"):
        RatingModel.from_dict(data)


def test_the_cut_points_only_move_values_at_their_boundaries() -> None:
    rating = LinearRating(0.0, {}, (1.5, 2.5, 3.5, 4.5))
    assert [rating.value(p) for p in (1.49, 1.5, 2.49, 3.5, 4.49, 4.5, 9.0)] == [
        1,
        2,
        2,
        4,
        4,
        5,
        5,
    ]


def test_overall_is_capped_for_negative_evidence_only_at_the_learned_strength() -> None:
    row = dict.fromkeys(FEATURES, 0.0) | {"blame": 0.7}
    assert rating_cap("overall", row, 0.6) == (2, ["blaming or arguing"])
    assert rating_cap("overall", row, 0.8)[0] == 5
    assert rating_cap("overall", row, None)[0] == 5
    row |= {"condescension": 1.0}
    assert rating_cap("overall", row, 0.6)[0] == 1
    assert rating_cap("overall", dict(row, wrong_language=1.0), None)[0] == 2
    assert rating_cap("clarity", dict(row, wrong_language=1.0), None)[0] == 2
    assert rating_cap("courtesy", dict(row, wrong_language=1.0), 0.5)[0] == 5


def test_the_shipped_model_reads_the_way_the_rubric_does() -> None:
    model = load_rating_model()
    assert set(model.ratings) == set(RATING_NAMES)
    for rating in model.ratings.values():
        assert list(rating.cutpoints) == sorted(rating.cutpoints)
        for feature, weight in rating.weights.items():
            assert FEATURE_SIGNS[feature] * weight >= 0, feature
    for name in ("courtesy", "empathy", "ownership", "overall"):
        assert model.ratings[name].weights.get("blame", 0) < 0
    assert model.ratings["empathy"].weights["empathy"] > 0.5
    assert model.ratings["ownership"].weights["ownership"] > 0.3
    # trained on the whole development set, with held-out (LOSO) signal evidence
    assert model.meta["replies"] >= 500
    assert model.meta["signals"] == "loso"
    assert len(model.meta["situations"]) >= 5


def test_the_evaluation_never_rates_a_situation_with_a_model_fitted_on_its_ratings() -> None:
    evaluate = _evaluate()
    rows, targets, groups = _synthetic(180)

    class Reply:
        def __init__(self, i: int) -> None:
            self.id, self.situation = f"r{i}", groups[i]

    replies = [Reply(i) for i in range(len(rows))]
    preds = {
        r.id: evaluate.Prediction(frozenset(), {}, {}, features=rows[i])
        for i, r in enumerate(replies)
    }
    means = {r.id: {n: targets[n][i] for n in RATING_NAMES} for i, r in enumerate(replies)}
    first = evaluate.ratings_loso(replies, preds, means)
    # turn the held-out situation's human ratings upside down: its suggestions must not move
    flipped = {
        rid: (
            {n: 6 - v for n, v in m.items()} if rid.startswith("r") and int(rid[1:]) % 6 == 0 else m
        )
        for rid, m in means.items()
    }
    second = evaluate.ratings_loso(replies, preds, flipped)
    held = [r.id for r in replies if r.situation == "s0"]
    assert [first[i] for i in held] == [second[i] for i in held]
    others = [r.id for r in replies if r.situation != "s0"]
    assert [first[i] for i in others] != [second[i] for i in others]


def test_design_orders_columns_as_features() -> None:
    X = design([{"wrong_language": 1.0, "greeting": 0.5}])
    assert X.shape == (1, len(FEATURES))
    assert X[0, FEATURES.index("wrong_language")] == 1.0
    assert X[0, FEATURES.index("greeting")] == 0.5


def test_the_politeness_head_reads_a_request_as_polite_or_not() -> None:
    from servicefit.language import analyze_reply, courtesy_is_polite

    model = load_rating_model()
    assert model.politeness is not None
    assert model.meta.get("politeness_trained_on") == "TyDiP en_train_binary.csv"
    polite = analyze_reply(
        "Hi, could you please have a look at this when you have time? Thanks a lot!",
        expected_language="en",
    )
    rude = analyze_reply(
        "Why did you revert my edit again? Actually read the sources before you do that.",
        expected_language="en",
    )
    assert courtesy_is_polite(polite)
    assert not courtesy_is_polite(rude)
