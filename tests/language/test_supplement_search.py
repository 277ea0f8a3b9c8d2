"""The rule that decides the training supplement (docs/written-reply-analysis.md,
"Supplement 2 (1.4.3)"): supplement situations are held out in the inner folds too (a), the
weights come from a capped grid (b), and a change ships only on a minimum inner-CV gain (c)."""

from __future__ import annotations

from typing import Any

import pytest

from servicefit.language import train
from servicefit.language.sentence_features import FeatureConfig
from servicefit.language.supplement_search import (
    GRID,
    MIN_GAIN,
    best_weights,
    inner_f1,
    ships,
)
from servicefit.language.training_data import LabelledReply, prepare

CONFIG = FeatureConfig(lemmas=1.0, context=0.5, l2=0.1)
BLAME = "You should have read the terms before you ordered."
PLAIN = "The parcel left our warehouse on Monday morning."


def _nothing(reply: LabelledReply) -> frozenset[str]:
    return frozenset()


def _devset() -> list[LabelledReply]:
    replies = []
    for situation in ("a", "b", "c", "d", "e", "f"):
        replies.append(
            LabelledReply(
                f"{situation}-1", "en", situation, f"{BLAME} {PLAIN}", None, {"blame": (BLAME,)}
            )
        )
        replies.append(LabelledReply(f"{situation}-2", "en", situation, PLAIN, None, {}))
    return replies


def _supplement(situations: tuple[str, ...]) -> list[LabelledReply]:
    return [
        LabelledReply(
            f"s-{sit}",
            "en",
            f"supplement:{sit}",
            "It was up to you to check the form before sending it.",
            None,
            {"blame": ("It was up to you to check the form before sending it.",)},
            trains=("blame", "condescension"),
            batch=2,
        )
        for sit in situations
    ]


def test_supplement_situations_are_dealt_round_robin_into_the_inner_groups() -> None:
    extra = prepare(_supplement(("q", "p", "t", "r", "s")))
    assert train.supplement_folds(extra) == {
        "supplement:p": 0,
        "supplement:q": 1,
        "supplement:r": 2,
        "supplement:s": 0,
        "supplement:t": 1,
    }


def test_each_inner_fit_leaves_out_one_group_of_supplement_situations(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    items = prepare(_devset())
    extra = prepare(_supplement(("p", "q", "r", "s", "t")))
    designs: list[list[str]] = []
    real = train._design

    def spy(rows: Any, config: FeatureConfig, cache: Any) -> Any:
        designs.append([row.reply.situation for row in rows])
        return real(rows, config, cache)

    monkeypatch.setattr(train, "_design", spy)
    scores: dict[str, float] = {}
    train.choose_thresholds(
        items,
        CONFIG,
        pattern_labels=_nothing,
        scores=scores,
        extra=extra,
        extra_weights={"blame": 1.0},
        labels=("blame",),
        hold_out_extra=True,
    )
    # three inner folds, each a (train, test) pair of design matrices
    assert len(designs) == 6
    trains, tests = designs[0::2], designs[1::2]
    supplement_sits = {f"supplement:{s}" for s in "pqrst"}
    for fold, (fit, held) in enumerate(zip(trains, tests, strict=True)):
        left_out = supplement_sits - set(fit)
        assert left_out == {s for s, g in train.supplement_folds(extra).items() if g == fold}
        assert not any(s.startswith("supplement:") for s in held)  # never scored
        assert not set(fit) & set(held)
    # every supplement situation is left out of exactly one inner fit
    for sit in supplement_sits:
        assert sum(sit not in fit for fit in trains) == 1
    assert set(scores) == {"blame"}


def test_inner_f1_averages_over_the_loso_training_folds() -> None:
    result = inner_f1(
        prepare(_devset()),
        CONFIG,
        supplement=prepare(_supplement(("p", "q", "r"))),
        weights={"blame": 0.5, "condescension": 0.0},
        pattern_labels=_nothing,
    )
    assert set(result) == {"blame", "condescension"}
    assert result["blame"] == pytest.approx(1.0)  # the same blame sentence in every situation
    assert result["condescension"] == 0.0  # nobody labelled it


def test_the_grid_is_capped_and_ties_go_to_the_smaller_weight() -> None:
    assert GRID == (0.0, 0.25, 0.5, 1.0)
    grid = {
        0.0: {"blame": 0.600, "condescension": 0.650},
        0.25: {"blame": 0.6005, "condescension": 0.640},
        0.5: {"blame": 0.590, "condescension": 0.660},
        1.0: {"blame": 0.580, "condescension": 0.6595},
    }
    assert best_weights(grid) == {"blame": 0.0, "condescension": 0.5}


def test_a_change_ships_only_on_the_minimum_mean_gain() -> None:
    before = {"blame": 0.60, "condescension": 0.70}
    assert MIN_GAIN == 0.02
    assert ships(before, {"blame": 0.64, "condescension": 0.70})  # mean +0.02
    assert not ships(before, {"blame": 0.63, "condescension": 0.70})  # mean +0.015
    assert not ships(before, {"blame": 0.70, "condescension": 0.55})  # one label up, mean down


def test_without_the_rule_the_whole_supplement_is_in_every_inner_fit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The shipped models' protocol (1.4.0), still the default while nothing passed the rule."""
    assert train.HOLD_OUT_SUPPLEMENT_SITUATIONS is False
    designs: list[list[str]] = []
    real = train._design

    def spy(rows: Any, config: FeatureConfig, cache: Any) -> Any:
        designs.append([row.reply.situation for row in rows])
        return real(rows, config, cache)

    monkeypatch.setattr(train, "_design", spy)
    train.choose_thresholds(
        prepare(_devset()),
        CONFIG,
        pattern_labels=_nothing,
        extra=prepare(_supplement(("p", "q", "r", "s", "t"))),
        extra_weights={"blame": 1.0},
        labels=("blame",),
    )
    for fit in designs[0::2]:
        assert {f"supplement:{s}" for s in "pqrst"} <= set(fit)
