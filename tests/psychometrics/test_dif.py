"""Mantel-Haenszel DIF: detection, direction, ETS categories and input checks."""

from __future__ import annotations

import numpy as np
import pytest

from servicefit.psychometrics import GrmParameters, InsufficientDataError, ShapeError
from servicefit.psychometrics.cat import simulate_responses
from servicefit.psychometrics.dif import _dichotomous, _levels, _mantel, mantel_haenszel_dif


def two_groups(b_focal_shift: float, *, categories, b, seed=0, n=1500):
    rng = np.random.default_rng(seed)
    j = b.shape[0]
    ref = GrmParameters(a=np.full(j, 1.6), b=b, categories=[categories] * j)
    shifted = b.copy()
    shifted[2] += b_focal_shift
    foc = GrmParameters(a=np.full(j, 1.6), b=shifted, categories=[categories] * j)
    x = np.vstack(
        [
            simulate_responses(ref, rng.normal(size=n), rng=rng),
            simulate_responses(foc, rng.normal(size=n), rng=rng),
        ]
    )
    return x, ["ref"] * n + ["foc"] * n


def test_it_flags_a_dichotomous_item_that_is_harder_for_the_focal_group_as_c():
    x, groups = two_groups(0.9, categories=(0, 1), b=np.zeros((8, 1)))
    results = mantel_haenszel_dif(x, groups, reference="ref")
    flagged = results[2]
    assert flagged.method == "mantel-haenszel"
    assert flagged.category == "C"
    assert flagged.delta is not None and flagged.delta < -1.5  # ETS sign: against the focal group
    assert flagged.favours == "reference"
    assert sum(r.category == "A" for r in results) >= 6


def test_ordered_items_use_mantel_and_the_smd_rule():
    x, groups = two_groups(
        0.6, categories=(1, 2, 3, 4, 5), b=np.tile([-1.5, -0.5, 0.5, 1.5], (8, 1))
    )
    results = mantel_haenszel_dif(x, groups, reference="ref")
    assert all(r.method == "mantel" and r.delta is None for r in results)
    assert results[2].category == "C" and results[2].effect_size < -0.25
    no_dif, _ = two_groups(
        0.0, categories=(1, 2, 3, 4, 5), b=np.tile([-1.5, -0.5, 0.5, 1.5], (8, 1)), seed=3
    )
    assert all(r.category == "A" for r in mantel_haenszel_dif(no_dif, groups, reference="ref"))


def test_both_statistics_match_a_hand_computed_stratified_table():
    x, groups = two_groups(0.5, categories=(0, 1), b=np.zeros((6, 1)), n=400)
    focal = np.array(groups) == "foc"
    total = x.sum(axis=1)
    y = x[:, 2]
    observed = expected = variance = 0.0  # focal "right" answers, per score level
    for level in np.unique(total):
        rows = total == level
        n, n_f = rows.sum(), (rows & focal).sum()
        right = y[rows].sum()
        if n < 2 or n_f in (0, n):
            continue
        observed += y[rows & focal].sum()
        expected += n_f * right / n
        variance += (n - n_f) * n_f * right * (n - right) / (n * n * (n - 1))
    levels = _levels(total)
    mantel, _ = _mantel(y, focal, levels)
    corrected, _, _, _ = _dichotomous(y, focal, levels)
    assert mantel == pytest.approx((observed - expected) ** 2 / variance)
    assert corrected == pytest.approx((abs(observed - expected) - 0.5) ** 2 / variance)


def test_it_needs_two_groups_of_sufficient_size():
    x = np.ones((30, 3))
    x[::2] = 2
    with pytest.raises(InsufficientDataError, match="two groups"):
        mantel_haenszel_dif(x, ["a"] * 25 + ["b"] * 5)
    with pytest.raises(ShapeError, match="group labels"):
        mantel_haenszel_dif(x, ["a"] * 3)


def test_benjamini_hochberg_matches_r_p_adjust_and_scipy():
    from scipy.stats import false_discovery_control

    from servicefit.psychometrics.dif import benjamini_hochberg

    # R 4.x: p.adjust(c(0.01, 0.04, 0.03, 0.005), method = "BH") -> 0.02 0.04 0.04 0.02
    assert benjamini_hochberg([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.02, 0.04, 0.04, 0.02])
    p = np.random.default_rng(7).uniform(size=40) ** 2
    assert benjamini_hochberg(p) == pytest.approx(list(false_discovery_control(p)))
    assert benjamini_hochberg([]) == []


def test_with_bh_chance_flags_drop_and_a_real_dif_item_stays_flagged():
    from servicefit.psychometrics.dif import benjamini_hochberg

    b = np.tile([-1.5, -0.5, 0.5, 1.5], (12, 1))
    raw_flags = bh_flags = 0
    for seed in range(8):  # no DIF at all: every B or C is a chance finding
        x, groups = two_groups(0.0, categories=(1, 2, 3, 4, 5), b=b, seed=seed, n=40)
        raw = mantel_haenszel_dif(x, groups, reference="ref", purify=False)
        adjusted = mantel_haenszel_dif(x, groups, reference="ref", purify=False, p_adjust="bh")
        assert [r.p for r in raw] == [r.p for r in adjusted]
        assert [r.p_adjusted for r in adjusted] == pytest.approx(
            benjamini_hochberg([r.p for r in adjusted])
        )
        raw_flags += sum(r.category != "A" for r in raw)
        bh_flags += sum(r.category != "A" for r in adjusted)
    assert raw_flags >= 5 and bh_flags < raw_flags / 2  # measured: 10 by chance, 0 after BH
    x, groups = two_groups(0.6, categories=(1, 2, 3, 4, 5), b=b)
    assert mantel_haenszel_dif(x, groups, reference="ref", p_adjust="bh")[2].category == "C"
    with pytest.raises(ValueError, match="p_adjust"):
        mantel_haenszel_dif(x, groups, reference="ref", p_adjust="holm")
