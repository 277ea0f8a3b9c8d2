"""Differential item functioning: Mantel-Haenszel statistics and the ETS A/B/C categories.

People of a reference and a focal group are matched on their total score over the scale
(complete answers only; the studied item included, as Holland & Thayer 1988 recommend), and
within each score level ``s`` the groups' answers to one item are compared.

**Dichotomous items** (two categories; Holland & Thayer 1988). With ``A_s, B_s`` the
reference group's right/wrong counts, ``C_s, D_s`` the focal group's and ``N_s`` the level
size, the common odds ratio is ``alpha_MH = sum(A_s D_s / N_s) / sum(B_s C_s / N_s)`` and the
ETS delta ``D-DIF = -2.35 ln alpha_MH`` (negative: the item is harder for the focal group).
The test is the continuity-corrected MH chi-square on 1 df; the SE of ``ln alpha_MH`` is that
of Robins, Breslow & Greenland (1986). ETS categories: **A** if ``|D-DIF| < 1`` or the chi-square
is not significant at .05; **C** if ``|D-DIF| >= 1.5`` and ``|D-DIF|`` is significantly
greater than 1 (``|D-DIF| - 1.96 SE > 1``); **B** otherwise.

**Ordered items** (Likert; Mantel 1963; Zwick, Donoghue & Grima 1993). With ``F_s`` the sum of
the focal group's item scores, ``chi2 = (sum F_s - sum E F_s)^2 / sum Var F_s`` on 1 df, where
``E F_s = n_Fs / N_s * sum y`` and ``Var F_s = n_Rs n_Fs (N_s sum y^2 - (sum y)^2) /
(N_s^2 (N_s - 1))`` over the level's answers ``y``. The effect size is the standardised mean
difference ``SMD = sum_s (n_Fs / n_F)(mean_Fs - mean_Rs)`` divided by the item's SD (Dorans &
Schmitt 1991); the ETS rule for polytomous items: **A** if ``p >= .05`` or ``|SMD/SD| <= .17``,
**C** if ``p < .05`` and ``|SMD/SD| > .25``, **B** otherwise (Zwick, Thayer & Mislevy 1997).

**Many items at once.** Each item's test is at .05, so a scale of 20 items shows one
"significant" item by chance in about two comparisons of three. With ``p_adjust="bh"`` the
p-values of the items compared between one focal and the reference group (one family) are
adjusted by the Benjamini-Hochberg step-up procedure (false discovery rate .05):
``p_(i) * m / i``, made monotone from the largest p down (as R's ``p.adjust(p, "BH")``), and the
categories' significance tests use the adjusted p (Kim & Oshima 2013 recommend it for MH DIF).

References: Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. JRSS B
57, 289-300. Kim, J. & Oshima, T. C. (2013). Effect of multiple testing adjustment in
differential item functioning detection. Educational and Psychological Measurement 73,
458-470. Holland, P. W. & Thayer, D. T. (1988). Differential item performance and the
Mantel-Haenszel procedure. In H. Wainer & H. I. Braun (Eds.), Test Validity (pp. 129-145).
Mantel, N. (1963). Chi-square tests with one degree of freedom. JASA 58, 690-700. Dorans,
N. J. & Schmitt, A. P. (1991). Constructed response and differential item functioning (ETS
RR-91-47). Zwick, R., Thayer, D. T. & Mislevy, R. J. (1997). An empirical Bayes approach to
Mantel-Haenszel DIF analysis (ETS RR-97-14). Robins, J., Breslow, N. & Greenland, S. (1986).
Estimators of the Mantel-Haenszel variance. Biometrics 42, 311-323.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from servicefit.psychometrics._arrays import as_matrix
from servicefit.psychometrics.errors import InsufficientDataError, ShapeError

__all__ = ["DifResult", "benjamini_hochberg", "mantel_haenszel_dif"]

ALPHA = 0.05


@dataclass(frozen=True, slots=True)
class DifResult:
    """DIF of one item between a reference and a focal group (see the module docs)."""

    item: int
    reference: str
    focal: str
    method: str  # "mantel-haenszel" (two categories) or "mantel" (ordered categories)
    statistic: float
    df: int
    p: float
    effect_size: float  # D-DIF (dichotomous) or SMD / SD (ordered)
    smd: float
    delta: float | None
    category: str  # "A", "B" or "C"
    n_reference: int
    n_focal: int
    p_adjusted: float | None = None  # Benjamini-Hochberg, with ``p_adjust="bh"``

    @property
    def favours(self) -> str:
        """Which group finds the item easier (scores higher) at equal total score."""
        if self.category == "A":
            return "neither"
        return "focal" if self.smd > 0 else "reference"


def benjamini_hochberg(p: Sequence[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values, in the order given (R's ``p.adjust(p, "BH")``)."""
    values = np.asarray(p, dtype=float)
    m = values.size
    if m == 0:
        return []
    order = np.argsort(values)
    scaled = values[order] * m / np.arange(1, m + 1)
    monotone = np.minimum.accumulate(scaled[::-1])[::-1]
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(monotone, 1.0)
    return [float(v) for v in adjusted]


def _levels(total: np.ndarray) -> list[np.ndarray]:
    return [np.flatnonzero(total == level) for level in np.unique(total)]


def _dichotomous(
    y: np.ndarray, focal: np.ndarray, levels: list[np.ndarray]
) -> tuple[float, float, float, float]:
    """MH chi-square (continuity-corrected), p, D-DIF and its SE."""
    top = float(y.max())
    num = den = sum_a = sum_ea = var_a = 0.0
    r_sum = s_sum = pr = ps_qr = qs = 0.0
    for rows in levels:
        ref, foc = rows[~focal[rows]], rows[focal[rows]]
        n = rows.size
        if ref.size == 0 or foc.size == 0 or n < 2:
            continue
        a = float((y[ref] == top).sum())
        b = ref.size - a
        c = float((y[foc] == top).sum())
        d = foc.size - c
        m1 = a + c
        sum_a += a
        sum_ea += ref.size * m1 / n
        var_a += ref.size * foc.size * m1 * (n - m1) / (n * n * (n - 1))
        r_s, s_s = a * d / n, b * c / n
        p_s, q_s = (a + d) / n, (b + c) / n
        num += r_s
        den += s_s
        r_sum += r_s
        s_sum += s_s
        pr += p_s * r_s
        ps_qr += p_s * s_s + q_s * r_s
        qs += q_s * s_s
    if var_a <= 0 or num <= 0 or den <= 0:
        return 0.0, 1.0, 0.0, float("inf")
    chi2 = (abs(sum_a - sum_ea) - 0.5) ** 2 / var_a
    p = float(stats.chi2.sf(chi2, 1))
    delta = -2.35 * float(np.log(num / den))
    var_log = pr / (2 * r_sum**2) + ps_qr / (2 * r_sum * s_sum) + qs / (2 * s_sum**2)
    return chi2, p, delta, 2.35 * float(np.sqrt(var_log))


def _mantel(y: np.ndarray, focal: np.ndarray, levels: list[np.ndarray]) -> tuple[float, float]:
    """Mantel's (1963) chi-square for ordered responses and its p."""
    observed = expected = variance = 0.0
    for rows in levels:
        n = rows.size
        n_f = int(focal[rows].sum())
        n_r = n - n_f
        if n_f == 0 or n_r == 0 or n < 2:
            continue
        scores = y[rows]
        total, total_sq = float(scores.sum()), float((scores**2).sum())
        observed += float(scores[focal[rows]].sum())
        expected += n_f / n * total
        variance += n_r * n_f * (n * total_sq - total**2) / (n * n * (n - 1))
    if variance <= 0:
        return 0.0, 1.0
    chi2 = (observed - expected) ** 2 / variance
    return chi2, float(stats.chi2.sf(chi2, 1))


def _smd(y: np.ndarray, focal: np.ndarray, levels: list[np.ndarray]) -> float:
    n_focal = int(focal.sum())
    out = 0.0
    for rows in levels:
        ref, foc = rows[~focal[rows]], rows[focal[rows]]
        if ref.size == 0 or foc.size == 0:
            continue
        out += foc.size / n_focal * (float(y[foc].mean()) - float(y[ref].mean()))
    return out


def mantel_haenszel_dif(
    responses: ArrayLike,
    groups: Sequence[str],
    *,
    reference: str | None = None,
    min_group: int = 20,
    purify: bool = True,
    p_adjust: str | None = None,
) -> list[DifResult]:
    """DIF of every item for every focal group against the reference group.

    ``responses`` is ``N x J`` (NaN = missing; only complete rows are used); ``groups``
    gives each row's group label. ``reference`` defaults to the largest group. Groups with
    fewer than ``min_group`` complete rows are left out; raises
    :class:`InsufficientDataError` if fewer than two groups remain. With ``purify`` (the
    default) the matching score is purified step by step (Holland & Thayer 1988): the flagged
    item with the largest effect leaves the matching score of the others and the test is
    repeated, until no item of the matching score is flagged (at least two stay), so one large
    DIF item does not make the rest of a short scale look biased the other way. ``p_adjust``
    ``"bh"`` adjusts each focal group's item p-values (Benjamini-Hochberg, see the module docs)
    before the categories are decided; ``None`` (the default) tests each item at .05.
    """
    if p_adjust not in (None, "bh"):
        raise ValueError(f'p_adjust must be None or "bh", not {p_adjust!r}')
    x = as_matrix(responses, name="responses")
    labels = np.asarray([str(g) for g in groups])
    if labels.shape[0] != x.shape[0]:
        raise ShapeError(f"{labels.shape[0]} group labels for {x.shape[0]} rows")
    if x.shape[1] < 2:
        raise InsufficientDataError(f"need at least 2 items to match on, got {x.shape[1]}")
    complete = ~np.isnan(x).any(axis=1) & (labels != "")
    x, labels = x[complete], labels[complete]
    names, counts = np.unique(labels, return_counts=True)
    sizes = {str(n): int(c) for n, c in zip(names, counts, strict=True)}
    kept = [g for g, c in sizes.items() if c >= min_group]
    if reference is None:
        reference = min(kept, key=lambda g: (-sizes[g], g)) if kept else None
    if reference is None or reference not in kept or len(kept) < 2:
        raise InsufficientDataError(
            f"need two groups with at least {min_group} complete answers each; got {sizes}"
        )
    results: list[DifResult] = []
    for focal_name in sorted(g for g in kept if g != reference):
        mask = (labels == reference) | (labels == focal_name)
        xs, is_focal = x[mask], labels[mask] == focal_name
        anchors = np.ones(x.shape[1], dtype=bool)
        current = _compare(xs, is_focal, anchors, reference, focal_name, p_adjust)
        while purify and anchors.sum() > 2:
            flagged = [j for j in np.flatnonzero(anchors) if current[j].category != "A"]
            if not flagged:
                break
            anchors[max(flagged, key=lambda j: abs(current[j].effect_size))] = False
            current = _compare(xs, is_focal, anchors, reference, focal_name, p_adjust)
        results.extend(current)
    return results


def _compare(
    xs: np.ndarray,
    is_focal: np.ndarray,
    anchors: np.ndarray,
    reference: str,
    focal_name: str,
    p_adjust: str | None = None,
) -> list[DifResult]:
    """One DIF pass: each item matched on the anchor items' total plus the item itself."""
    tested: list[tuple[str, float, float, float, float, float | None, float | None]] = []
    anchor_total = xs[:, anchors].sum(axis=1)
    for j in range(xs.shape[1]):
        total = anchor_total + (0 if anchors[j] else xs[:, j])
        levels = _levels(total)
        y = xs[:, j] - xs[:, j].min()
        sd = float(y.std(ddof=1)) if y.size > 1 else 0.0
        smd = _smd(y, is_focal, levels)
        if np.unique(y).size <= 2:
            chi2, p, delta, se = _dichotomous(y, is_focal, levels)
            tested.append(("mantel-haenszel", chi2, p, delta, smd, delta, se))
        else:
            chi2, p = _mantel(y, is_focal, levels)
            effect = smd / sd if sd > 0 else 0.0
            tested.append(("mantel", chi2, p, effect, smd, None, None))
    raw = [t[2] for t in tested]
    adjusted = benjamini_hochberg(raw) if p_adjust == "bh" else None
    results: list[DifResult] = []
    for j, (method, chi2, p_raw, effect, smd, delta_j, se_j) in enumerate(tested):
        p_test = adjusted[j] if adjusted is not None else p_raw
        results.append(
            DifResult(
                item=j,
                reference=reference,
                focal=focal_name,
                method=method,
                statistic=float(chi2),
                df=1,
                p=float(p_raw),
                effect_size=float(effect),
                smd=float(smd),
                delta=delta_j,
                category=_category(method, p_test, effect, se_j),
                n_reference=int((~is_focal).sum()),
                n_focal=int(is_focal.sum()),
                p_adjusted=adjusted[j] if adjusted is not None else None,
            )
        )
    return results


def _category(method: str, p: float, effect: float, se: float | None) -> str:
    """The ETS category from the (possibly adjusted) p and the effect size (module docs)."""
    if method == "mantel-haenszel":
        if abs(effect) < 1 or p >= ALPHA:
            return "A"
        large = se is not None and abs(effect) >= 1.5 and abs(effect) - 1.96 * se > 1
        return "C" if large else "B"
    if p >= ALPHA or abs(effect) <= 0.17:
        return "A"
    return "C" if abs(effect) > 0.25 else "B"
