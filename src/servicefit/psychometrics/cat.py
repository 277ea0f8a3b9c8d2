"""Computerised adaptive testing with graded-response items, and post-hoc simulation.

**Estimation.** After each answer the trait is re-estimated by EAP on the fixed quadrature
(:mod:`.theta`); the SE is the posterior SD. EAP is defined from the first answer on, which is
why adaptive tests use it (Bock & Mislevy 1982; van der Linden & Glas 2010, ch. 1).

**Item selection.** Maximum Fisher information at the current estimate: the next item is
``argmax_j I_j(theta_hat)`` among the items not yet given (van der Linden & Glas 2010).

* *Content balancing*: each content area (a competency, a facet) may have a minimum number
  of items. While an area is below its minimum and the test could still end, only items of
  the areas below their minimum are eligible, and the test does not stop before every
  minimum is met (a simple form of the constrained CAT of Kingsbury & Zara 1989).
* *Exposure control*: ``randomesque = n`` picks at random among the ``n`` most informative
  eligible items (Kingsbury & Zara 1989); alternatively Sympson-Hetter parameters ``k_j``
  administer the selected item with probability ``k_j`` and otherwise pass to the next most
  informative one, the rejected item being set aside for that person (Sympson & Hetter 1985).

**Stopping.** The test stops when the SE is at most ``se_stop`` and at least ``min_items``
were given and every content minimum is met, or at ``max_items``, or when no item is left.

**Post-hoc simulation** (Weiss 1982): real answer matrices are replayed through the adaptive
procedure, each person answering exactly what they answered on the full form; the adaptive
estimate is compared with the full-length EAP (mean items, percentage saved, correlation and
RMSD). An item a person skipped on the full form is never selected for that person.

References: Kingsbury, G. G. & Zara, A. R. (1989). Procedures for selecting items for
computerized adaptive tests. Applied Measurement in Education 2, 359-375. Sympson, J. B. &
Hetter, R. D. (1985). Controlling item-exposure rates in computerized adaptive testing.
Proceedings of the 27th Annual Meeting of the Military Testing Association, 973-977.
van der Linden, W. J. & Glas, C. A. W. (Eds.) (2010). Elements of Adaptive Testing. Springer.
Weiss, D. J. (1982). Improving measurement quality and efficiency with adaptive testing.
Applied Psychological Measurement 6, 473-492.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from numpy.typing import ArrayLike, NDArray

from servicefit.psychometrics._arrays import FloatArray, as_matrix
from servicefit.psychometrics.errors import InvalidResponseError, KeyMismatchError, ShapeError
from servicefit.psychometrics.grm import (
    MISSING,
    GrmParameters,
    category_probabilities,
    item_information,
)
from servicefit.psychometrics.quadrature import normal_quadrature
from servicefit.psychometrics.theta import eap_scores

__all__ = [
    "CatPool",
    "CatRules",
    "CatSimulation",
    "CatStep",
    "next_item",
    "next_scale_item",
    "simulate_cat",
    "simulate_responses",
]

IntArray = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class CatRules:
    """Stopping and selection rules of an adaptive test (see the module docs).

    ``se_stop=None`` means no precision rule (the test runs to ``max_items`` or the end of
    the pool). ``content_minimum`` maps a content area to its minimum number of items.
    """

    se_stop: float | None = 0.3
    min_items: int = 1
    max_items: int | None = None
    content_minimum: Mapping[str, int] = field(default_factory=dict)
    randomesque: int = 1
    sympson_hetter: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        if self.se_stop is not None and not self.se_stop > 0:
            raise ShapeError(f"se_stop must be positive, got {self.se_stop}")
        if self.min_items < 0:
            raise ShapeError(f"min_items must be >= 0, got {self.min_items}")
        if self.max_items is not None and self.max_items < max(self.min_items, 1):
            raise ShapeError(
                f"max_items ({self.max_items}) must be at least min_items ({self.min_items})"
            )
        if self.randomesque < 1:
            raise ShapeError(f"randomesque must be >= 1, got {self.randomesque}")
        if any(v < 0 for v in self.content_minimum.values()):
            raise ShapeError("content minimums must be >= 0")
        if self.sympson_hetter is not None and not all(0 < k <= 1 for k in self.sympson_hetter):
            raise ShapeError("Sympson-Hetter parameters must lie in (0, 1]")


@dataclass(frozen=True, eq=False)
class CatPool:
    """The item bank: GRM parameters and each item's content area."""

    parameters: GrmParameters
    content: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.content:
            object.__setattr__(self, "content", ("",) * self.parameters.n_items)
        if len(self.content) != self.parameters.n_items:
            raise KeyMismatchError(
                f"{len(self.content)} content labels for {self.parameters.n_items} items"
            )

    @property
    def n_items(self) -> int:
        return self.parameters.n_items

    @cached_property
    def _log_p(self) -> FloatArray:
        """``log P_jk`` on the quadrature nodes, shape ``(J, K_max, Q)`` (cached per pool)."""
        nodes = normal_quadrature().nodes
        return np.log(np.maximum(category_probabilities(self.parameters, nodes), 1e-300))

    @cached_property
    def _content_array(self) -> NDArray[np.str_]:
        return np.asarray(self.content)

    def estimate(
        self, administered: Sequence[int], answers: Sequence[float]
    ) -> tuple[float, float]:
        """EAP estimate and posterior SD from the answers (raw values) to the given items."""
        categories = [
            _category_index(self.parameters.categories[i], value)
            for i, value in zip(administered, answers, strict=True)
        ]
        quad = normal_quadrature()
        log_post = quad.log_weights + self._log_p[list(administered), categories, :].sum(axis=0)
        post = np.exp(log_post - log_post.max())
        post /= post.sum()
        theta = float(post @ quad.nodes)
        return theta, float(np.sqrt(max(float(post @ quad.nodes**2) - theta * theta, 0.0)))


@dataclass(frozen=True, slots=True)
class CatStep:
    """The outcome of one selection: the next item (or ``None`` when the test stops)."""

    item: int | None
    theta: float
    se: float
    n_administered: int
    stop_reason: str | None  # "precision", "max_items", "pool_exhausted" or None


@dataclass(frozen=True, slots=True, eq=False)
class CatSimulation:
    """Post-hoc simulation results, one entry per person, and their summary."""

    theta: FloatArray
    se: FloatArray
    theta_full: FloatArray
    se_full: FloatArray
    n_items: IntArray
    n_available: IntArray
    administered: tuple[tuple[int, ...], ...]

    @property
    def n(self) -> int:
        return int(self.theta.shape[0])

    @property
    def mean_items(self) -> float:
        return float(self.n_items.mean())

    @property
    def pct_saving(self) -> float:
        """Share of the full-length answers not needed, in percent."""
        return float(100.0 * (1.0 - self.n_items.sum() / self.n_available.sum()))

    @property
    def r_with_full(self) -> float:
        if np.std(self.theta) == 0 or np.std(self.theta_full) == 0:
            return float("nan")
        return float(np.corrcoef(self.theta, self.theta_full)[0, 1])

    @property
    def rmsd(self) -> float:
        return float(np.sqrt(np.mean((self.theta - self.theta_full) ** 2)))

    def summary(self) -> dict[str, float | int]:
        return {
            "n": self.n,
            "mean_items": self.mean_items,
            "pct_saving": self.pct_saving,
            "r_with_full": self.r_with_full,
            "rmsd": self.rmsd,
        }


def simulate_responses(
    params: GrmParameters, theta: ArrayLike, *, rng: np.random.Generator
) -> FloatArray:
    """Draw answers (raw category values, ``N x J``) from the model at the given traits."""
    t = np.atleast_1d(np.asarray(theta, dtype=np.float64))
    cum = np.cumsum(category_probabilities(params, t), axis=1)  # (J, K, N)
    u = rng.random((params.n_items, t.shape[0]))
    index = (u[:, None, :] > cum).sum(axis=1)  # (J, N)
    index = np.minimum(index, params.n_categories[:, None] - 1)
    values = np.full((t.shape[0], params.n_items), np.nan)
    for j, cats in enumerate(params.categories):
        values[:, j] = np.asarray(cats)[index[j]]
    return values


# ------------------------------------------------------------------ the selection rule
def _open_areas(
    pool: CatPool, rules: CatRules, remaining: NDArray[np.bool_], counts: Mapping[str, int]
) -> list[str]:
    """Content areas below their minimum that still have an item left for this person."""
    if not rules.content_minimum:
        return []
    left = set(pool._content_array[remaining].tolist())
    return [
        area
        for area, minimum in rules.content_minimum.items()
        if counts.get(area, 0) < minimum and area in left
    ]


def _eligible(
    pool: CatPool,
    rules: CatRules,
    available: NDArray[np.bool_],
    counts: Mapping[str, int],
) -> NDArray[np.bool_]:
    """Items that may be chosen next for one person, with content balancing applied."""
    below = _open_areas(pool, rules, available, counts)
    if not below:
        return available
    return available & np.isin(pool._content_array, below)


def _stop_reason(
    pool: CatPool,
    rules: CatRules,
    n_given: int,
    se: float,
    remaining: NDArray[np.bool_],
    counts: Mapping[str, int],
) -> str | None:
    if not remaining.any():
        return "pool_exhausted"
    if rules.max_items is not None and n_given >= rules.max_items:
        return "max_items"
    if (
        rules.se_stop is not None
        and n_given >= rules.min_items
        and se <= rules.se_stop
        and not _open_areas(pool, rules, remaining, counts)
    ):
        return "precision"
    return None


def _choose(
    info: FloatArray,
    eligible: NDArray[np.bool_],
    rules: CatRules,
    rng: np.random.Generator,
) -> int:
    """Pick an item by maximum information with the configured exposure control."""
    scores = np.where(eligible, info, -np.inf)
    order = np.argsort(-scores, kind="stable")
    order = order[np.isfinite(scores[order])]
    if rules.sympson_hetter is not None:
        k = np.asarray(rules.sympson_hetter)
        for item in order:
            if rng.random() < k[item]:
                return int(item)
        return int(order[-1])  # every candidate rejected: take the last one offered
    top = order[: rules.randomesque]
    return int(top[0] if top.size == 1 else rng.choice(top))


def next_item(
    pool: CatPool,
    rules: CatRules,
    administered: Sequence[int],
    answers: Sequence[float],
    *,
    rng: np.random.Generator,
    unavailable: Sequence[int] = (),
) -> CatStep:
    """Choose the next item for one person from the items and raw answers given so far.

    ``answers[i]`` is the raw answer to item ``administered[i]``; ``unavailable`` lists items
    that may not be given (e.g. set aside by Sympson-Hetter or withdrawn). Returns the
    current EAP estimate and SE and the next item, or ``item=None`` with the stop reason.
    """
    if len(administered) != len(answers):
        raise ShapeError(f"{len(administered)} items but {len(answers)} answers")
    if len(set(administered)) != len(administered):
        raise ShapeError("an item was administered twice")
    if any(not 0 <= i < pool.n_items for i in administered):
        raise KeyMismatchError(f"administered items must lie in 0..{pool.n_items - 1}")
    given = np.asarray(administered, dtype=np.int64)
    theta, se = pool.estimate(administered, answers)
    remaining = np.ones(pool.n_items, dtype=bool)
    remaining[given] = False
    remaining[list(unavailable)] = False
    content = pool._content_array
    counts = {
        str(area): int(n)
        for area, n in zip(*np.unique(content[given], return_counts=True), strict=True)
    }
    reason = _stop_reason(pool, rules, len(administered), se, remaining, counts)
    if reason is not None:
        return CatStep(None, theta, se, len(administered), reason)
    info = item_information(pool.parameters, [theta])[:, 0]
    item = _choose(info, _eligible(pool, rules, remaining, counts), rules, rng)
    return CatStep(item, theta, se, len(administered), None)


def next_scale_item(
    pools: Sequence[CatPool],
    rules: Sequence[CatRules],
    administered: Sequence[Sequence[int]],
    answers: Sequence[Sequence[float]],
    *,
    rng: np.random.Generator,
) -> tuple[int, CatStep] | None:
    """The next (scale, item) of a test made of several unidimensional scales, or ``None``.

    Each scale runs its own adaptive test with its own rules; the scales are interleaved by
    giving the next item to the unfinished scale with the fewest items so far (ties: the
    first), which keeps the scales balanced and no scale twice in a row while others are open.
    """
    open_scales: list[int] = []
    for s, (pool, rule, given, values) in enumerate(
        zip(pools, rules, administered, answers, strict=True)
    ):
        n = len(given)
        if n >= pool.n_items or (rule.max_items is not None and n >= rule.max_items):
            continue
        if rule.se_stop is not None and n >= rule.min_items and not rule.content_minimum:
            _, se = pool.estimate(given, values)
            if se <= rule.se_stop:
                continue
        open_scales.append(s)
    for s in sorted(open_scales, key=lambda s: (len(administered[s]), s)):
        step = next_item(pools[s], rules[s], administered[s], answers[s], rng=rng)
        if step.item is not None:
            return s, step
    return None


def _category_index(categories: tuple[float, ...], value: float) -> int:
    try:
        return categories.index(float(value))
    except ValueError:
        raise InvalidResponseError(
            f"answer {value:g} is not one of the item's categories {list(categories)}"
        ) from None


# ------------------------------------------------------------------ post-hoc simulation
def simulate_cat(
    pool: CatPool,
    rules: CatRules,
    responses: ArrayLike,
    *,
    rng: np.random.Generator,
) -> CatSimulation:
    """Replay each row of ``responses`` (raw answers, NaN = not answered) adaptively.

    Rows are processed together, one adaptive step at a time, so a simulation of thousands
    of people costs a few dozen array operations per step.
    """
    x = as_matrix(responses, name="responses")
    params = pool.parameters
    coded = params.code(x)
    n, j = coded.shape
    quad = normal_quadrature()
    nodes = quad.nodes
    log_p = pool._log_p  # (J, K, Q)
    log_post = np.tile(quad.log_weights, (n, 1))
    available = coded != MISSING
    given = np.zeros((n, j), dtype=bool)
    order: list[list[int]] = [[] for _ in range(n)]
    n_given = np.zeros(n, dtype=np.int64)
    areas = sorted(set(pool.content))
    area_of = np.array([areas.index(c) for c in pool.content])
    area_counts = np.zeros((n, len(areas)), dtype=np.int64)
    minimum = np.array([rules.content_minimum.get(a, 0) for a in areas])
    sympson = None if rules.sympson_hetter is None else np.asarray(rules.sympson_hetter)
    if sympson is not None and sympson.shape[0] != j:
        raise KeyMismatchError(f"{sympson.shape[0]} Sympson-Hetter parameters for {j} items")
    done = np.zeros(n, dtype=bool)
    rows = np.arange(n)
    theta = np.zeros(n)
    se = np.ones(n)
    for _ in range(j + 1):
        active = rows[~done]
        if active.size == 0:
            break
        lp = log_post[active]
        post = np.exp(lp - lp.max(axis=1, keepdims=True))
        post /= post.sum(axis=1, keepdims=True)
        theta[active] = post @ nodes
        se[active] = np.sqrt(np.maximum(post @ nodes**2 - theta[active] ** 2, 0.0))
        remaining = available[active] & ~given[active]
        # areas still below their minimum that this person can still take items from
        open_area = np.zeros((active.size, len(areas)), dtype=bool)
        for a_index in range(len(areas)):
            open_area[:, a_index] = remaining[:, area_of == a_index].any(axis=1)
        short = (area_counts[active] < minimum) & open_area
        stop = ~remaining.any(axis=1)
        if rules.max_items is not None:
            stop |= n_given[active] >= rules.max_items
        if rules.se_stop is not None:
            stop |= (
                (se[active] <= rules.se_stop)
                & (n_given[active] >= rules.min_items)
                & ~short.any(axis=1)
            )
        done[active[stop]] = True
        keep = ~stop
        active, remaining, short = active[keep], remaining[keep], short[keep]
        if active.size == 0:
            break
        eligible = remaining & np.where(short.any(axis=1)[:, None], short[:, area_of], True)
        info = item_information(params, theta[active]).T  # (n_active, J)
        scores = np.where(eligible, info, -np.inf)
        chosen = _choose_many(scores, rules, sympson, rng)
        k = coded[active, chosen]
        log_post[active] += log_p[chosen, k, :]
        given[active, chosen] = True
        n_given[active] += 1
        area_counts[active, area_of[chosen]] += 1
        for person, item in zip(active.tolist(), chosen.tolist(), strict=True):
            order[person].append(item)
    full = eap_scores(params, coded, coded=True)
    return CatSimulation(
        theta=theta,
        se=se,
        theta_full=full.theta,
        se_full=full.se,
        n_items=n_given,
        n_available=available.sum(axis=1),
        administered=tuple(tuple(o) for o in order),
    )


def _choose_many(
    scores: FloatArray,
    rules: CatRules,
    sympson: FloatArray | None,
    rng: np.random.Generator,
) -> IntArray:
    """Row-wise :func:`_choose` for a block of people (``scores`` = -inf where ineligible)."""
    if sympson is not None:
        scores = scores.copy()
        chosen = np.full(scores.shape[0], -1, dtype=np.int64)
        pending = np.arange(scores.shape[0])
        while pending.size:
            best = np.argmax(scores[pending], axis=1)
            accept = rng.random(pending.size) < sympson[best]
            last = (
                ~np.isfinite(np.sort(scores[pending], axis=1)[:, -2])
                if scores.shape[1] > 1
                else np.ones(pending.size, dtype=bool)
            )
            accept |= last
            chosen[pending[accept]] = best[accept]
            scores[pending[~accept], best[~accept]] = -np.inf
            pending = pending[~accept]
        return chosen
    if rules.randomesque == 1:
        return np.argmax(scores, axis=1).astype(np.int64)
    n_top = min(rules.randomesque, scores.shape[1])
    top = np.argsort(-scores, axis=1, kind="stable")[:, :n_top]
    finite = np.isfinite(np.take_along_axis(scores, top, axis=1))
    pick = np.floor(rng.random(scores.shape[0]) * finite.sum(axis=1)).astype(np.int64)
    return top[np.arange(scores.shape[0]), pick]
