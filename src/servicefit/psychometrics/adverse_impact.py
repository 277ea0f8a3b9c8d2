"""Adverse impact: selection rates, impact ratios and their significance tests.

For a focal group (``x1`` selected of ``n1``) against a reference group (``x2`` of ``n2``),
with selection rates ``SR1 = x1/n1``, ``SR2 = x2/n2``, ``N = n1 + n2`` and
``SR_T = (x1 + x2)/N``:

* impact ratio ``IR = SR1 / SR2``; the four-fifths rule flags ``IR < 0.8``
  (Uniform Guidelines, 29 CFR 1607.4(D)), decided on the counts exactly
  (``x1 n2 < 0.8 x2 n1`` in rational arithmetic), so a ratio of exactly four-fifths such as
  2/3 against 5/6 (``0.6667 / 0.8333``, which is 0.7999999999999999 in floating point) is
  not flagged;
* ``Z_D`` (two-proportion pooled z test, reference minus focal):
  ``(SR2 - SR1) / sqrt(SR_T (1 - SR_T) (1/n1 + 1/n2))``;
* ``Z_IR`` (Morris & Lobsenz 2000): ``ln(IR) / sqrt((1 - SR_T) / (SR_T N p (1 - p)))`` with
  ``p = n1 / N``;
* a 95% interval for IR: ``exp(ln IR ± z_.975 * sqrt((1 - SR1)/(n1 SR1) + (1 - SR2)/(n2 SR2)))``;
* Fisher's exact test on ``[[x1, n1 - x1], [x2, n2 - x2]]``: two-sided p (R's rule: sum of
  tables no more probable than the observed one, relative tolerance 1e-7), one-sided
  ``less`` p (focal selected less often) and the conditional MLE odds ratio;
* Pearson chi-square without and with Yates' continuity correction.

Small samples make every one of these unstable; :attr:`ImpactComparison.warnings` says when
(fewer than 30 applicants in a group, fewer than 5 selected or rejected, an expected cell
count below 5, or a group with no selections).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy import stats

from servicefit.psychometrics.errors import InsufficientDataError, PsychometricsError
from servicefit.psychometrics.fisher import fisher_exact_test

__all__ = [
    "FOUR_FIFTHS",
    "AdverseImpactReport",
    "GroupCounts",
    "ImpactComparison",
    "adverse_impact",
    "compare_selection",
]

FOUR_FIFTHS = 0.8
_Z975 = float(stats.norm.ppf(0.975))


@dataclass(frozen=True, slots=True)
class GroupCounts:
    """Applicants and selections of one group at one stage."""

    selected: int
    applicants: int

    def __post_init__(self) -> None:
        if self.applicants <= 0:
            raise PsychometricsError(f"applicants must be positive, got {self.applicants}")
        if not 0 <= self.selected <= self.applicants:
            raise PsychometricsError(
                f"selected must be between 0 and applicants ({self.applicants}), "
                f"got {self.selected}"
            )

    @property
    def rate(self) -> float:
        return self.selected / self.applicants


@dataclass(frozen=True, slots=True)
class ImpactComparison:
    """Focal group compared with a reference group (NaN where a statistic is undefined)."""

    focal_rate: float
    reference_rate: float
    impact_ratio: float
    four_fifths_flag: bool
    z_d: float
    p_z_d: float
    z_ir: float
    p_z_ir: float
    ir_ci_low: float
    ir_ci_high: float
    fisher_p: float
    fisher_p_less: float
    fisher_odds_ratio: float
    chi2: float
    chi2_p: float
    chi2_yates: float
    chi2_yates_p: float
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AdverseImpactReport:
    """Every group compared with the group that has the highest selection rate."""

    reference_group: str
    groups: Mapping[str, GroupCounts]
    comparisons: Mapping[str, ImpactComparison]
    warnings: tuple[str, ...]


def _safe_div(a: float, b: float) -> float:
    return a / b if b != 0 else math.nan


def _below(x1: int, n1: int, x2: int, n2: int, threshold: float) -> bool:
    """Whether ``(x1/n1) / (x2/n2) < threshold``, exactly (no flag when ``x2`` is 0).

    Rates are ratios of counts, so the comparison is made in rational arithmetic: in floating
    point ``(2/3) / (5/6)`` is 0.7999999999999999 and would be flagged although the ratio is
    exactly four-fifths. ``threshold`` is read as the decimal it is written as (0.8 = 4/5).
    """
    if x2 == 0:
        return False
    return Fraction(x1 * n2, n1 * x2) < Fraction(repr(float(threshold)))


def _chi2(table: np.ndarray, *, yates: bool) -> tuple[float, float]:
    rows = table.sum(axis=1, keepdims=True)
    cols = table.sum(axis=0, keepdims=True)
    expected = rows * cols / table.sum()
    if (expected == 0).any():
        return math.nan, math.nan
    diff = np.abs(table - expected)
    if yates:
        diff = diff - np.minimum(0.5, diff)
    chi2 = float((diff**2 / expected).sum())
    return chi2, float(stats.chi2.sf(chi2, 1))


def _small_sample_warnings(
    x1: int, n1: int, x2: int, n2: int, *, focal: str, reference: str
) -> list[str]:
    out: list[str] = []
    for name, x, n in ((focal, x1, n1), (reference, x2, n2)):
        if n < 30:
            out.append(f"{name}: only {n} applicants (fewer than 30); rates are unstable")
        if x == 0:
            out.append(
                f"{name}: no one selected; Z_IR and the impact ratio's interval are not defined"
            )
        elif x < 5 or n - x < 5:
            out.append(f"{name}: fewer than 5 selected or rejected; prefer Fisher's exact test")
    table = np.array([[x1, n1 - x1], [x2, n2 - x2]], dtype=float)
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
    if (expected < 5).any():
        out.append("an expected cell count is below 5; chi-square and z tests are approximate")
    return out


def compare_selection(
    focal: GroupCounts,
    reference: GroupCounts,
    *,
    focal_name: str = "focal",
    reference_name: str = "reference",
    threshold: float = FOUR_FIFTHS,
) -> ImpactComparison:
    """All adverse-impact statistics for ``focal`` against ``reference`` (see module doc)."""
    x1, n1, x2, n2 = focal.selected, focal.applicants, reference.selected, reference.applicants
    sr1, sr2 = x1 / n1, x2 / n2
    big_n = n1 + n2
    sr_t = (x1 + x2) / big_n
    ir = _safe_div(sr1, sr2)
    se_d = math.sqrt(sr_t * (1 - sr_t) * (1 / n1 + 1 / n2))
    z_d = _safe_div(sr2 - sr1, se_d)
    p = n1 / big_n
    if sr_t > 0 and x1 > 0 and x2 > 0:
        se_ir = math.sqrt((1 - sr_t) / (sr_t * big_n * p * (1 - p)))
        z_ir = _safe_div(math.log(ir), se_ir)
        se_log = math.sqrt((1 - sr1) / (n1 * sr1) + (1 - sr2) / (n2 * sr2))
        ci_low = math.exp(math.log(ir) - _Z975 * se_log)
        ci_high = math.exp(math.log(ir) + _Z975 * se_log)
    else:
        z_ir = ci_low = ci_high = math.nan
    table = np.array([[x1, n1 - x1], [x2, n2 - x2]])
    fisher = fisher_exact_test(table)
    chi2, chi2_p = _chi2(table.astype(float), yates=False)
    chi2_y, chi2_y_p = _chi2(table.astype(float), yates=True)
    return ImpactComparison(
        focal_rate=sr1,
        reference_rate=sr2,
        impact_ratio=ir,
        four_fifths_flag=_below(x1, n1, x2, n2, threshold),
        z_d=z_d,
        p_z_d=float(2 * stats.norm.sf(abs(z_d))) if not math.isnan(z_d) else math.nan,
        z_ir=z_ir,
        p_z_ir=float(2 * stats.norm.sf(abs(z_ir))) if not math.isnan(z_ir) else math.nan,
        ir_ci_low=ci_low,
        ir_ci_high=ci_high,
        fisher_p=fisher.p_two_sided,
        fisher_p_less=fisher.p_less,
        fisher_odds_ratio=fisher.odds_ratio,
        chi2=chi2,
        chi2_p=chi2_p,
        chi2_yates=chi2_y,
        chi2_yates_p=chi2_y_p,
        warnings=tuple(
            _small_sample_warnings(x1, n1, x2, n2, focal=focal_name, reference=reference_name)
        ),
    )


def adverse_impact(
    groups: Mapping[str, GroupCounts | tuple[int, int]],
    *,
    threshold: float = FOUR_FIFTHS,
) -> AdverseImpactReport:
    """Compare every group with the highest-rate group (the reference, compared with itself).

    ``groups`` maps a group name to :class:`GroupCounts` or ``(selected, applicants)``. Ties
    for the highest rate go to the larger group, then to the first listed.
    """
    if len(groups) < 2:
        raise InsufficientDataError(f"need at least 2 groups, got {len(groups)}")
    counts = {
        name: g if isinstance(g, GroupCounts) else GroupCounts(int(g[0]), int(g[1]))
        for name, g in groups.items()
    }
    names = list(counts)
    reference = max(names, key=lambda g: (counts[g].rate, counts[g].applicants, -names.index(g)))
    if counts[reference].selected == 0:
        raise InsufficientDataError("no group has any selections; impact ratios are undefined")
    comparisons = {
        name: compare_selection(
            counts[name],
            counts[reference],
            focal_name=name,
            reference_name=reference,
            threshold=threshold,
        )
        for name in names
    }
    warnings: list[str] = []
    for comp in comparisons.values():
        for w in comp.warnings:
            if w not in warnings:
                warnings.append(w)
    return AdverseImpactReport(
        reference_group=reference,
        groups=counts,
        comparisons=comparisons,
        warnings=tuple(warnings),
    )
