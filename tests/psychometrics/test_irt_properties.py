"""Properties of the IRT engine that hold for any graded items (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from servicefit.psychometrics import (
    GrmParameters,
    category_probabilities,
    eap_scores,
    item_information,
    map_scores,
)
from servicefit.psychometrics.cat import (
    CatPool,
    CatRules,
    next_item,
    simulate_cat,
    simulate_responses,
)


@st.composite
def grm_items(draw, max_items: int = 8):
    n_items = draw(st.integers(2, max_items))
    n_cat = draw(st.integers(2, 6))
    a = draw(st.lists(st.floats(0.3, 3.5), min_size=n_items, max_size=n_items))
    gaps = draw(
        st.lists(
            st.lists(st.floats(0.1, 1.5), min_size=n_cat - 1, max_size=n_cat - 1),
            min_size=n_items,
            max_size=n_items,
        )
    )
    start = draw(st.lists(st.floats(-3.0, 1.0), min_size=n_items, max_size=n_items))
    b = np.array(start)[:, None] + np.cumsum(np.array(gaps), axis=1) - np.array(gaps)[:, :1]
    return GrmParameters(a=np.array(a), b=b, categories=[tuple(range(1, n_cat + 1))] * n_items)


thetas = st.lists(st.floats(-4, 4), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(grm_items(), thetas)
def test_information_is_positive_and_probabilities_sum_to_one(params, theta):
    info = item_information(params, theta)
    assert (info > 0).all()
    probs = category_probabilities(params, theta)
    assert (probs >= 0).all()
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)


@settings(max_examples=40, deadline=None)
@given(grm_items())
def test_eap_with_no_answers_is_the_prior(params):
    empty = np.full((3, params.n_items), np.nan)
    for scores in (eap_scores(params, empty), map_scores(params, empty)):
        np.testing.assert_allclose(scores.theta, 0.0, atol=1e-9)
        np.testing.assert_allclose(scores.se, 1.0, atol=1e-3)
        assert (scores.n_answered == 0).all()


@settings(max_examples=40, deadline=None)
@given(grm_items(), st.integers(0, 2**32 - 1))
def test_answers_shrink_the_posterior_and_move_it_the_right_way(params, seed):
    rng = np.random.default_rng(seed)
    x = simulate_responses(params, rng.normal(size=20), rng=rng)
    scores = eap_scores(params, x)
    assert (scores.se < 1.0).all()
    lowest = np.array([[c[0] for c in params.categories]])
    highest = np.array([[c[-1] for c in params.categories]])
    assert eap_scores(params, lowest).theta[0] < 0 < eap_scores(params, highest).theta[0]


@settings(max_examples=30, deadline=None)
@given(grm_items(), st.integers(0, 2**32 - 1), st.integers(1, 4))
def test_a_cat_without_a_stopping_rule_equals_the_full_test(params, seed, randomesque):
    rng = np.random.default_rng(seed)
    x = simulate_responses(params, rng.normal(size=25), rng=rng)
    x[rng.random(x.shape) < 0.1] = np.nan  # skipped items stay skipped
    rules = CatRules(se_stop=None, randomesque=randomesque)
    sim = simulate_cat(CatPool(params), rules, x, rng=rng)
    np.testing.assert_allclose(sim.theta, sim.theta_full, atol=1e-10)
    np.testing.assert_allclose(sim.se, sim.se_full, atol=1e-10)
    np.testing.assert_array_equal(sim.n_items, (~np.isnan(x)).sum(axis=1))
    assert sim.pct_saving == 0.0


@settings(max_examples=30, deadline=None)
@given(grm_items(), st.integers(0, 2**32 - 1), st.integers(1, 3))
def test_a_live_cat_without_a_stopping_rule_gives_every_item_and_ends_at_the_full_eap(
    params, seed, randomesque
):
    """The item-by-item path the product uses (``next_item``), not only the batch simulation."""
    rng = np.random.default_rng(seed)
    person = simulate_responses(params, rng.normal(size=1), rng=rng)[0]
    pool, rules = CatPool(params), CatRules(se_stop=None, randomesque=randomesque)
    given_items: list[int] = []
    while (
        step := next_item(pool, rules, given_items, person[given_items], rng=rng)
    ).item is not None:
        assert step.item not in given_items
        given_items.append(step.item)
    assert sorted(given_items) == list(range(params.n_items))
    assert step.stop_reason == "pool_exhausted"
    full = eap_scores(params, person[None, :])
    np.testing.assert_allclose(step.theta, full.theta[0], atol=1e-10)
    np.testing.assert_allclose(step.se, full.se[0], atol=1e-10)
