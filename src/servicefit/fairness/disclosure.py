"""Small-cell suppression with complementary suppression, checked the way an attacker works.

The counts of a fairness report are not independent: the people of every group plus those who
did not say add up to the stage total (which a recruiter knows from the pipeline), the people
who reached a step are never more than those at the step before, the crossed groups
(woman · under 25, …) add up to at most their single groups. Hiding the small counts alone is
therefore not enough: with one group hidden in a column, it is the total minus the others.

:func:`suppress` hides every *primary* cell (1 to ``min_cell - 1`` people), then, while any of
them can still be worked out exactly from what is left shown, hides one more cell near it
(the column's "did not say" count first, then its smallest shown group, then the smallest
shown count in a relation with it) and checks again. The check bounds every hidden count by
interval propagation over all the relations (:func:`bounds`, fast), and then, when that finds
nothing, by an integer program (:func:`exact_range`); a hidden count whose lowest and highest
possible values meet is disclosed.

No Django here (NumPy and SciPy for the integer program).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

Key = Hashable


INFINITE = 10**12


@dataclass(frozen=True)
class Linear:
    """``low <= sum(coefficient * count) <= high`` with coefficients +1 or -1."""

    terms: tuple[tuple[Key, int], ...]
    low: int
    high: int


@dataclass
class Problem:
    """The counts, which of them the report would show, and how they are related."""

    values: dict[Key, int]
    shown: set[Key]
    """Counts that appear somewhere when not hidden (the rest are never shown, e.g. the number
    of people hired who did not say, or a sum kept only to relate others)."""
    groups: set[Key]
    """Counts of a group of people (the others are "did not say" counts and sums)."""
    column: dict[Key, Hashable]
    """Which table column (dimension and stage) a count is in."""
    rank: dict[Key, int] = field(default_factory=dict)
    """The order in which disclosed counts are protected (the stage's place in the pipeline)."""
    relations: list[Linear] = field(default_factory=list)

    def equal(self, terms: Iterable[Key], total: int) -> None:
        """``sum(terms) == total`` (the total is known to whoever reads the report)."""
        self.relations.append(Linear(tuple((t, 1) for t in terms), total, total))

    def at_most(self, terms: Iterable[Key], bound: Key | int) -> None:
        """``sum(terms) <= bound``: ``bound`` is another count or a known number."""
        pairs = tuple((t, 1) for t in terms)
        if isinstance(bound, int):
            self.relations.append(Linear(pairs, -INFINITE, bound))
        else:
            self.relations.append(Linear((*pairs, (bound, -1)), -INFINITE, 0))

    def not_more_than(self, later: Key, earlier: Key) -> None:
        self.at_most((later,), earlier)

    def total(self, key: Key, terms: Iterable[Key]) -> None:
        """``key == sum(terms)``: a sum that is never shown, to relate the sums of groups."""
        self.relations.append(Linear(((key, -1), *((t, 1) for t in terms)), 0, 0))


def bounds(problem: Problem, hidden: set[Key]) -> dict[Key, tuple[int, int]]:
    """The lowest and highest value of every count consistent with what is shown.

    What a reader knows: the shown counts, the relations, and that no count exceeds the largest
    total (every group is listed at every step, so a hidden count may also be 0). Interval propagation: sound (the true value is always inside), and exact
    enough for the relations here; the tests check it against an integer-programming attacker.
    """
    ceiling = max(problem.values.values(), default=0)
    lo: dict[Key, int] = {}
    hi: dict[Key, int] = {}
    for key, value in problem.values.items():
        if key in hidden:
            lo[key], hi[key] = 0, ceiling
        else:
            lo[key] = hi[key] = value
    relations = [r for r in problem.relations if any(k in hidden for k, _c in r.terms)]
    touching: dict[Key, list[int]] = {}
    for number, relation in enumerate(relations):
        for key, _c in relation.terms:
            if key in hidden:
                touching.setdefault(key, []).append(number)
    queue = list(range(len(relations)))
    waiting = set(queue)
    steps = 0
    while queue and steps < 200 * max(len(relations), 1):
        steps += 1
        number = queue.pop()
        waiting.discard(number)
        relation = relations[number]
        # the smallest and largest value of the sum
        least = sum(c * (lo[k] if c > 0 else hi[k]) for k, c in relation.terms)
        most = sum(c * (hi[k] if c > 0 else lo[k]) for k, c in relation.terms)
        for key, c in relation.terms:
            if key not in hidden:
                continue
            own_least = c * (lo[key] if c > 0 else hi[key])
            own_most = c * (hi[key] if c > 0 else lo[key])
            # c * key lies within [low - (most - own_most), high - (least - own_least)]
            top = relation.high - (least - own_least)
            bottom = relation.low - (most - own_most)
            if c > 0:
                new_lo, new_hi = max(lo[key], bottom), min(hi[key], top)
            else:
                new_lo, new_hi = max(lo[key], -top), min(hi[key], -bottom)
            if (new_lo, new_hi) == (lo[key], hi[key]):
                continue
            lo[key], hi[key] = new_lo, new_hi
            least += c * (new_lo if c > 0 else new_hi) - own_least
            most += c * (new_hi if c > 0 else new_lo) - own_most
            for other in touching[key]:  # this relation too: its other terms may tighten
                if other not in waiting:
                    waiting.add(other)
                    queue.append(other)
    return {key: (lo[key], hi[key]) for key in problem.values}


def disclosed(problem: Problem, hidden: set[Key], protected: set[Key]) -> list[Key]:
    """The protected hidden counts a reader can work out exactly."""
    limits = bounds(problem, hidden)
    return [key for key in protected if limits[key][0] >= limits[key][1]]


def _neighbours(problem: Problem, key: Key) -> set[Key]:
    near: set[Key] = set()
    for relation in problem.relations:
        members = {k for k, _c in relation.terms}
        if key in members:
            near |= members
    near.discard(key)
    return near


def _candidates(problem: Problem, key: Key, hidden: set[Key]) -> list[Key]:
    """Counts that could be hidden so that ``key`` cannot be worked out, best first: the
    column's "did not say", its groups from the smallest, then the smallest counts related to
    ``key``, then any other."""
    open_ = [k for k in problem.values if k in problem.shown and k not in hidden]
    column = problem.column.get(key)
    same_column = [k for k in open_ if problem.column.get(k) == column]
    by_size = sorted(
        (k for k in same_column if k in problem.groups),
        key=lambda k: (problem.values[k], str(k)),
    )
    near = _neighbours(problem, key)
    nearby = sorted(
        (k for k in open_ if k in near and k not in same_column),
        key=lambda k: (problem.values[k], str(k)),
    )
    ordered = [k for k in same_column if k not in problem.groups] + by_size + nearby
    seen = set(ordered)
    rest = sorted(
        (k for k in open_ if k not in seen),
        key=lambda k: (problem.values[k], str(k)),
    )
    return ordered + rest


def _complement(problem: Problem, exposed: list[Key], hidden: set[Key]) -> Key | None:
    """The next count to hide (greedy): of the best few candidates of the first exposed counts,
    the one that leaves the fewest of them exposed (the first that leaves none wins at once);
    on a tie a "did not say" count (it says nothing about any group), then the smaller count
    and the earlier column."""
    pool: list[Key] = []
    for key in exposed[:LOOK_AT]:
        for candidate in _candidates(problem, key, hidden)[:TRIES]:
            if candidate not in pool:
                pool.append(candidate)
    if not pool:
        return None
    protected = exposed[:LOOK_AT]
    best: tuple[Any, ...] | None = None
    choice = None
    for candidate in pool:
        limits = bounds(problem, hidden | {candidate})
        left = sum(1 for k in protected if limits[k][0] >= limits[k][1])
        cost = (
            left,
            0 if candidate not in problem.groups else 1,
            problem.values[candidate],
            problem.rank.get(candidate, 0),
            str(candidate),
        )
        if best is None or cost < best:
            best, choice = cost, candidate
        if left == 0 and candidate not in problem.groups:
            break  # nothing better than a "did not say" count that protects them all
    return choice


LOOK_AT = 3
"""How many exposed counts :func:`_complement` looks for candidates for."""
TRIES = 5
"""How many candidates :func:`_complement` tries before taking the best one."""


def exact_range(problem: Problem, hidden: set[Key], key: Key) -> tuple[int, int]:
    """The smallest and largest value of hidden ``key`` an integer program finds (what a
    determined reader can work out; slower than :func:`bounds`, and exact)."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import lil_matrix

    unknown = sorted((k for k in problem.values if k in hidden), key=str)
    index = {k: i for i, k in enumerate(unknown)}
    rows = [r for r in problem.relations if any(k in index for k, _c in r.terms)]
    matrix = lil_matrix((max(len(rows), 1), len(unknown)))
    low = np.full(max(len(rows), 1), -np.inf)
    high = np.full(max(len(rows), 1), np.inf)
    for i, relation in enumerate(rows):
        known = sum(c * problem.values[k] for k, c in relation.terms if k not in index)
        for k, c in relation.terms:
            if k in index:
                matrix[i, index[k]] += c
        low[i] = -np.inf if relation.low <= -INFINITE else relation.low - known
        high[i] = np.inf if relation.high >= INFINITE else relation.high - known
    ceiling = max(problem.values.values(), default=0)
    lower = np.zeros(len(unknown))
    limits = []
    for sign in (1, -1):
        objective = np.zeros(len(unknown))
        objective[index[key]] = sign
        problem_args = {
            "constraints": LinearConstraint(matrix.tocsr(), low, high),
            "integrality": np.ones(len(unknown)),
            "bounds": Bounds(lower, np.full(len(unknown), ceiling)),
        }
        result = milp(objective, **problem_args)
        if not result.success:  # HiGHS's presolve can call a feasible problem infeasible
            result = milp(objective, **problem_args, options={"presolve": False})
        if not result.success:  # cannot happen with true values; treat as disclosed
            value = problem.values[key]
            return value, value
        limits.append(round(sign * result.fun))
    return limits[0], limits[1]


def suppress(problem: Problem, min_cell: int) -> tuple[set[Key], set[Key]]:
    """``(hidden, primary)``: every count to hide, and those hidden for being small."""
    primary = {k for k in problem.groups if 0 < problem.values[k] < min_cell}
    hidden = {k for k in problem.values if k not in problem.shown} | primary
    if not primary:
        return hidden, primary
    verified: set[Key] = set()  # hiding more never narrows a range: checked once is enough
    order = sorted(primary, key=lambda k: (problem.rank.get(k, 0), str(k)))
    while True:
        exposed = disclosed(problem, hidden, primary)
        if exposed:
            # the earliest column first: a later column is often bounded by an earlier one
            exposed.sort(key=lambda k: (problem.rank.get(k, 0), str(k)))
            extra = _complement(problem, exposed, hidden)
        else:
            # what propagation cannot see, an integer program may: check each small count
            pinned = None
            for key in order:
                if key in verified:
                    continue
                low, high = exact_range(problem, hidden, key)
                if low < high:
                    verified.add(key)
                else:
                    pinned = key
                    break
            if pinned is None:
                return hidden, primary
            candidates = _candidates(problem, pinned, hidden)
            extra = candidates[0] if candidates else None
        if extra is None:  # nothing left to hide: everything that could be is hidden
            return hidden, primary
        hidden.add(extra)
