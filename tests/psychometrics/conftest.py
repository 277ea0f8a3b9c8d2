"""Shared fixtures: the golden reference data committed in ``tests/golden``.

Every file there has its source, licence and R call in a ``PROVENANCE.md`` beside it, so a
plain clone runs every golden test; none is skipped for missing data.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import GOLDEN_DIR

BFI_SCALES = ("A", "C", "E", "N", "O")
#: Reverse-keyed bfi items, from the reference README (reversed as 7 - x).
BFI_REVERSED = frozenset({"A1", "C4", "C5", "E1", "E2", "O2", "O5"})


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """The golden data folder (``tests/golden``); the name is kept for the existing tests."""
    return GOLDEN_DIR


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def to_float(cell: str) -> float:
    return math.nan if cell in ("", "NA") else float(cell)


@dataclass(frozen=True)
class Bfi:
    ids: list[str]
    columns: list[str]
    responses: np.ndarray  # raw 1..6, NaN = missing, 25 item columns

    def scale(self, scale: str, *, keyed: bool = True) -> np.ndarray:
        items = [f"{scale}{i}" for i in range(1, 6)]
        x = self.responses[:, [self.columns.index(c) for c in items]].copy()
        if keyed:
            for j, item in enumerate(items):
                if item in BFI_REVERSED:
                    x[:, j] = 7 - x[:, j]
        return x


@pytest.fixture(scope="session")
def bfi(reference_dir: Path) -> Bfi:
    rows = read_rows(reference_dir / "psych" / "bfi.csv")
    columns = [f"{s}{i}" for s in BFI_SCALES for i in range(1, 6)]
    x = np.array([[to_float(r[c]) for c in columns] for r in rows])
    return Bfi(ids=[r["id"] for r in rows], columns=columns, responses=x)
