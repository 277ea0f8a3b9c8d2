"""Adaptive testing: selection, content balancing, exposure control, stopping, simulation."""

from __future__ import annotations

import numpy as np
import pytest

from servicefit.psychometrics import GrmParameters, ShapeError, item_information
from servicefit.psychometrics.cat import (
    CatPool,
    CatRules,
    next_item,
    simulate_cat,
    simulate_responses,
)


@pytest.fixture
def bank():
    a = np.array([0.6, 2.5, 1.2, 1.8, 0.9, 2.2, 1.5, 1.0, 2.8, 1.3, 0.7, 2.0])
    b = np.linspace(-1.5, 1.5, 4)[None, :] + np.linspace(-1, 1, 12)[:, None]
    params = GrmParameters(a=a, b=b, categories=[(1, 2, 3, 4, 5)] * 12)
    content = tuple("empathy" if j < 8 else "patience" for j in range(12))
    return CatPool(params, content)


def test_it_starts_with_the_most_informative_item_at_the_prior_mean(bank):
    step = next_item(bank, CatRules(), [], [], rng=np.random.default_rng(0))
    info = item_information(bank.parameters, [0.0])[:, 0]
    assert step.item == int(np.argmax(info))
    assert step.theta == pytest.approx(0.0, abs=1e-9)
    assert step.se == pytest.approx(1.0, abs=1e-3)
    assert step.stop_reason is None


def test_it_never_repeats_an_item_and_stops_at_the_se_target(bank):
    rng = np.random.default_rng(1)
    truth = simulate_responses(bank.parameters, [0.4], rng=rng)[0]
    given: list[int] = []
    answers: list[float] = []
    rules = CatRules(se_stop=0.45, min_items=2)
    while True:
        step = next_item(bank, rules, given, answers, rng=rng)
        if step.item is None:
            break
        assert step.item not in given
        given.append(step.item)
        answers.append(truth[step.item])
    assert step.stop_reason == "precision"
    assert step.se <= 0.45
    assert len(given) < bank.n_items


def test_content_balancing_gives_every_area_its_minimum(bank):
    rng = np.random.default_rng(2)
    x = simulate_responses(bank.parameters, rng.normal(size=300), rng=rng)
    rules = CatRules(se_stop=0.6, content_minimum={"patience": 2, "empathy": 1})
    sim = simulate_cat(bank, rules, x, rng=rng)
    for administered in sim.administered:
        areas = [bank.content[i] for i in administered]
        assert areas.count("patience") >= 2
        assert areas.count("empathy") >= 1
    unbalanced = simulate_cat(bank, CatRules(se_stop=0.6), x, rng=rng)
    assert any(sum(bank.content[i] == "patience" for i in a) < 2 for a in unbalanced.administered)


def test_randomesque_spreads_the_first_item_over_the_top_candidates(bank):
    rng = np.random.default_rng(3)
    x = simulate_responses(bank.parameters, rng.normal(size=400), rng=rng)
    greedy = simulate_cat(bank, CatRules(se_stop=0.5), x, rng=rng)
    spread = simulate_cat(bank, CatRules(se_stop=0.5, randomesque=3), x, rng=rng)
    assert len({a[0] for a in greedy.administered}) == 1
    firsts = {a[0] for a in spread.administered}
    top3 = set(np.argsort(-item_information(bank.parameters, [0.0])[:, 0])[:3].tolist())
    assert firsts == top3


def test_sympson_hetter_limits_the_exposure_of_a_throttled_item(bank):
    rng = np.random.default_rng(4)
    x = simulate_responses(bank.parameters, rng.normal(size=500), rng=rng)
    best = int(np.argmax(item_information(bank.parameters, [0.0])[:, 0]))
    k = [1.0] * bank.n_items
    k[best] = 0.2
    sim = simulate_cat(bank, CatRules(se_stop=0.5, sympson_hetter=tuple(k)), x, rng=rng)
    first_share = np.mean([a[0] == best for a in sim.administered])
    assert 0.1 < first_share < 0.3


def test_max_items_caps_the_length_and_min_items_sets_a_floor(bank):
    rng = np.random.default_rng(5)
    x = simulate_responses(bank.parameters, rng.normal(size=200), rng=rng)
    capped = simulate_cat(bank, CatRules(se_stop=0.1, max_items=4), x, rng=rng)
    assert capped.n_items.max() == 4
    floored = simulate_cat(bank, CatRules(se_stop=0.99, min_items=3), x, rng=rng)
    assert floored.n_items.min() == 3


def test_simulation_summary_reports_saving_and_agreement(bank):
    rng = np.random.default_rng(6)
    x = simulate_responses(bank.parameters, rng.normal(size=1000), rng=rng)
    sim = simulate_cat(bank, CatRules(se_stop=0.4, min_items=2), x, rng=rng)
    summary = sim.summary()
    assert summary["n"] == 1000
    assert 2 <= summary["mean_items"] < 12
    assert summary["pct_saving"] == pytest.approx(100 * (1 - summary["mean_items"] / 12))
    assert summary["r_with_full"] > 0.9
    assert 0 < summary["rmsd"] < 0.5


def test_rules_reject_nonsense():
    with pytest.raises(ShapeError, match="se_stop"):
        CatRules(se_stop=0)
    with pytest.raises(ShapeError, match="max_items"):
        CatRules(min_items=5, max_items=3)
    with pytest.raises(ShapeError, match="randomesque"):
        CatRules(randomesque=0)


def test_several_scales_are_interleaved_and_each_stops_on_its_own(bank):
    pools = [
        CatPool(bank.parameters.subset(range(0, 6))),
        CatPool(bank.parameters.subset(range(6, 12))),
    ]
    rules = [CatRules(se_stop=0.5, min_items=2), CatRules(se_stop=0.5, min_items=2)]
    given: list[list[int]] = [[], []]
    answers: list[list[float]] = [[], []]
    order = []
    rng = np.random.default_rng(8)
    from servicefit.psychometrics import next_scale_item

    while (step := next_scale_item(pools, rules, given, answers, rng=rng)) is not None:
        scale, chosen = step
        assert chosen.item not in given[scale]
        order.append(scale)
        given[scale].append(chosen.item)
        answers[scale].append(3.0)
    assert order[:4] == [0, 1, 0, 1]  # the emptiest open scale goes next
    for pool, g, a in zip(pools, given, answers, strict=True):
        assert len(g) >= 2
        assert len(g) == pool.n_items or pool.estimate(g, a)[1] <= 0.5
