"""Shared fixtures: the reference data in ``../shared/reference``, read in place.

The directory is found relative to the project root (``<root>/../shared/reference``) or from
the ``SERVICEFIT_REFERENCE_DIR`` environment variable. When it is missing the golden tests
are skipped locally but fail under CI (``CI=true``), so they can never silently disappear.
"""

from __future__ import annotations

import csv
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_REFERENCE_DIR = PROJECT_ROOT / ".." / "shared" / "reference"

BFI_SCALES = ("A", "C", "E", "N", "O")
#: Reverse-keyed bfi items, from the reference README (reversed as 7 - x).
BFI_REVERSED = frozenset({"A1", "C4", "C5", "E1", "E2", "O2", "O5"})


def reference_path() -> Path:
    override = os.environ.get("SERVICEFIT_REFERENCE_DIR")
    return Path(override) if override else DEFAULT_REFERENCE_DIR.resolve()


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    path = reference_path()
    if not (path / "README.md").is_file():
        message = f"reference data not found at {path} (set SERVICEFIT_REFERENCE_DIR)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


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
