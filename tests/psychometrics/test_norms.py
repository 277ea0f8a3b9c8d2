from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from servicefit.psychometrics import (
    KeyMismatchError,
    NormTable,
    PsychometricsError,
    build_norm,
    build_norm_table,
)

DATE = dt.date(2025, 3, 1)


def test_it_computes_mid_point_percentile_ranks():
    norm = build_norm([1, 2, 2, 3, 4], scale="patience")
    np.testing.assert_allclose(norm.percentile_rank([2, 3, 0, 5, 2.5]), [40, 70, 0, 100, 60])


def test_it_computes_z_and_t_from_the_sample_mean_and_sd():
    sample = np.array([2.0, 3.0, 4.0, 5.0])
    norm = build_norm(sample, scale="empathy")
    z = (4.0 - sample.mean()) / sample.std(ddof=1)
    assert norm.z([4.0])[0] == pytest.approx(z)
    assert norm.t_score([4.0])[0] == pytest.approx(50 + 10 * z)


def test_it_assigns_stanines_by_the_standard_percentages():
    norm = build_norm(np.arange(1000.0), scale="s")
    stanines = norm.stanine(np.arange(1000.0))
    counts = np.bincount(stanines, minlength=10)[1:]
    np.testing.assert_array_equal(counts, [40, 70, 120, 170, 200, 170, 120, 70, 40])


def test_it_builds_norms_per_group_and_overall():
    scores = {"patience": np.array([1, 2, 3, 4, 5, 6.0])}
    table = build_norm_table(
        scores, name="pilot", version="2025.1", created=DATE, groups=["a", "a", "a", "b", "b", "b"]
    )
    assert table.get("patience").n == 6
    assert table.get("patience", "b").mean == 5.0
    with pytest.raises(KeyMismatchError, match="group 'c'"):
        table.get("patience", "c")


def test_it_round_trips_through_json_with_its_version_and_date():
    rng = np.random.default_rng(3)
    table = build_norm_table(
        {"a": rng.integers(1, 6, 50).astype(float), "b": rng.normal(size=50)},
        name="pilot",
        version="2025.1",
        created=DATE,
    )
    restored = NormTable.from_json(table.to_json())
    assert restored == table
    assert restored.created == DATE and restored.version == "2025.1"
    assert restored.to_dict()["format_version"] == 1


def test_it_refuses_an_unknown_format_version():
    data = build_norm_table({"a": [1.0, 2.0]}, name="x", version="1", created=DATE).to_dict()
    data["format_version"] = 99
    with pytest.raises(PsychometricsError, match="format_version 99"):
        NormTable.from_dict(data)
