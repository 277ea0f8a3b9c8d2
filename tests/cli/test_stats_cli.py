"""The ``servicefit stats`` and ``servicefit score`` commands, called through ``main``."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest

from servicefit.cli import main
from tests.conftest import GOLDEN_DIR


@pytest.fixture(scope="module")
def reference_dir() -> Path:
    """The committed golden data (``tests/golden``, provenance beside each file)."""
    return GOLDEN_DIR


def run_json(capsys, *argv: str) -> dict:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def run_error(capsys, *argv: str) -> str:
    code = main(list(argv))
    captured = capsys.readouterr()
    assert code != 0
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    return lines[0]


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


# R 4.2.2, psych 2.2.9: psych::alpha on psychTools::bfi, reference psych/bfi_alpha.csv.
@pytest.mark.parametrize("missing", ["pairwise", "listwise"])
def test_it_prints_psych_alpha_as_json(capsys, reference_dir, missing):
    expected = {r["scale"]: r for r in rows(reference_dir / "psych" / "bfi_alpha.csv")}["A"]
    out = run_json(
        capsys,
        "stats",
        "alpha",
        str(reference_dir / "psych" / "bfi.csv"),
        "--items",
        "A1,A2,A3,A4,A5",
        "--reverse",
        "A1",
        "--min",
        "1",
        "--max",
        "6",
        "--missing",
        missing,
    )
    assert out["raw_alpha"] == pytest.approx(float(expected[f"raw_alpha_{missing}"]), abs=1e-6)
    assert out["std_alpha"] == pytest.approx(float(expected[f"std_alpha_{missing}"]), abs=1e-6)
    assert (
        set(out["alpha_if_deleted"]) == set(out["item_total_r"]) == {"A1", "A2", "A3", "A4", "A5"}
    )
    if missing == "listwise":
        assert out["n"] == int(expected["n_listwise"])


def test_it_prints_a_readable_alpha_table(capsys, reference_dir):
    argv = ["stats", "alpha", str(reference_dir / "psych" / "bfi.csv"), "--items", "C1,C2,C3"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "raw alpha" in out and "alpha if deleted" in out and "C3" in out


# Reference README: lavaan 0.6-14 one-factor ML CFA omega total for scale C = 0.7330223.
def test_it_prints_omega_total_and_loadings(capsys, reference_dir):
    out = run_json(
        capsys,
        "stats",
        "omega",
        str(reference_dir / "psych" / "bfi.csv"),
        "--items",
        "C1,C2,C3,C4,C5",
        "--reverse",
        "C4,C5",
        "--min",
        "1",
        "--max",
        "6",
    )
    assert out["omega_total"] == pytest.approx(0.7330223, abs=1e-4)
    assert list(out["loadings"]) == ["C1", "C2", "C3", "C4", "C5"]


# R 4.2.2, psych 2.2.9: psych::ICC(lmer = FALSE), reference agreement/icc_shrout_fleiss_1979.csv.
def test_it_prints_all_six_iccs(capsys, reference_dir):
    out = run_json(
        capsys, "stats", "icc", str(reference_dir / "agreement" / "shrout_fleiss_1979.csv")
    )
    expected = rows(reference_dir / "agreement" / "icc_shrout_fleiss_1979.csv")
    assert [f["type"] for f in out["forms"]] == [r["type"] for r in expected]
    for form, want in zip(out["forms"], expected, strict=True):
        for key in ("icc", "F", "df1", "df2", "p", "lower", "upper"):
            assert form[key] == pytest.approx(float(want[key]), abs=1e-6)


# Krippendorff (2011) example, reference agreement/krippendorff_2011_expected.csv.
@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_it_prints_krippendorff_alpha(capsys, reference_dir, level):
    expected = {
        r["level"]: float(r["alpha"])
        for r in rows(reference_dir / "agreement" / "krippendorff_2011_expected.csv")
    }
    data = reference_dir / "agreement" / "krippendorff_2011_example.csv"
    out = run_json(capsys, "stats", "krippendorff", str(data), "--level", level)
    assert out["alpha"] == pytest.approx(expected[level], abs=1e-9)


# Reference fairness/adverse_impact_cases.csv (R 4.2.2), first case.
def test_it_prints_adverse_impact_per_group(capsys, reference_dir):
    case = rows(reference_dir / "fairness" / "adverse_impact_cases.csv")[0]
    focal = f"focal={case['selected_focal']}/{case['applicants_focal']}"
    ref = f"ref={case['selected_reference']}/{case['applicants_reference']}"
    out = run_json(capsys, "stats", "adverse-impact", "--group", focal, ref)
    group = out["groups"]["focal"]
    assert out["reference_group"] == "ref"
    assert group["impact_ratio"] == pytest.approx(float(case["impact_ratio"]), abs=1e-9)
    assert group["z_d"] == pytest.approx(float(case["Z_D"]), abs=1e-9)
    assert group["z_ir"] == pytest.approx(float(case["Z_IR"]), abs=1e-9)
    assert group["ir_ci_low"] == pytest.approx(float(case["IR_CI95_lo"]), abs=1e-9)
    assert group["ir_ci_high"] == pytest.approx(float(case["IR_CI95_hi"]), abs=1e-9)
    assert group["fisher_p"] == pytest.approx(float(case["fisher_p_2sided"]), abs=1e-9)
    assert group["four_fifths_flag"] is (float(case["impact_ratio"]) < 0.8)
    assert isinstance(group["warnings"], list)


def test_it_warns_about_small_groups_in_the_table(capsys):
    assert main(["stats", "adverse-impact", "--group", "a=3/10", "--group", "b=9/12"]) == 0
    out = capsys.readouterr().out
    assert "warning: a: only 10 applicants" in out


def test_it_rejects_a_malformed_group(capsys):
    line = run_error(capsys, "stats", "adverse-impact", "--group", "a=3of10", "b=1/2")
    assert "NAME=SELECTED/APPLICANTS" in line


def test_it_rejects_more_selected_than_applicants(capsys):
    line = run_error(capsys, "stats", "adverse-impact", "--group", "a=11/10", "b=1/2")
    assert "'a=11/10'" in line and "selected" in line


# ---------------------------------------------------------------- bad input
@pytest.fixture
def items_csv(tmp_path: Path) -> Path:
    path = tmp_path / "items.csv"
    path.write_text("id,Q1,Q2,Q3\n1,1,2,3\n2,2,x,4\n3,4,5,9\n4,3,3,3\n")
    return path


def test_it_names_an_unknown_column(capsys, items_csv):
    line = run_error(capsys, "stats", "alpha", str(items_csv), "--items", "Q1,Q7")
    assert str(items_csv) in line and "unknown column 'Q7'" in line


def test_it_names_the_line_and_column_of_a_non_numeric_cell(capsys, items_csv):
    line = run_error(capsys, "stats", "alpha", str(items_csv), "--items", "Q1,Q2,Q3")
    assert f"{items_csv}, line 3, column 'Q2': 'x' is not a number" in line


def test_it_names_a_value_outside_min_and_max(capsys, items_csv):
    line = run_error(
        capsys, "stats", "alpha", str(items_csv), "--items", "Q1,Q3", "--min", "1", "--max", "5"
    )
    assert f"{items_csv}, line 4, column 'Q3': value 9 outside 1-5" in line


def test_it_refuses_fewer_than_two_items(capsys, items_csv):
    line = run_error(capsys, "stats", "alpha", str(items_csv), "--items", "Q1")
    assert "at least 2 items" in line


def test_it_refuses_an_empty_file(capsys, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    line = run_error(capsys, "stats", "icc", str(empty))
    assert str(empty) in line and "empty" in line


def test_it_refuses_a_header_without_rows(capsys, tmp_path):
    header_only = tmp_path / "header.csv"
    header_only.write_text("Q1,Q2\n")
    line = run_error(capsys, "stats", "alpha", str(header_only), "--items", "Q1,Q2")
    assert "no data rows" in line


def test_it_refuses_a_missing_file(capsys, tmp_path):
    line = run_error(capsys, "stats", "icc", str(tmp_path / "nope.csv"))
    assert "no such file" in line


def test_it_names_a_missing_icc_rating(capsys, tmp_path):
    path = tmp_path / "icc.csv"
    path.write_text("target,r1,r2\na,1,2\nb,,3\nc,4,4\n")
    line = run_error(capsys, "stats", "icc", str(path))
    assert "line 3, column 'r1': missing rating" in line


# ---------------------------------------------------------------- score
SCALES_YAML = """\
id_column: id
min: 1
max: 6
min_answered_share: 0.0
scales:
  agree: {items: [A1, A2, A3, A4, A5], reverse: [A1], reliability: 0.70}
  conscientious: {items: [C1, C2, C3, C4, C5], reverse: [C4, C5]}
"""


# R 4.2.2, psych 2.2.9: psych::scoreItems means, reference psych/bfi_scoreitems_mean.csv.
def test_it_scores_a_file_like_psych_score_items(capsys, reference_dir, tmp_path):
    scales = tmp_path / "scales.yaml"
    scales.write_text(SCALES_YAML)
    out = tmp_path / "scores.csv"
    data = reference_dir / "psych" / "bfi.csv"
    assert main(["score", str(data), "--scales", str(scales), "--out", str(out)]) == 0
    assert "agree" in capsys.readouterr().out
    got = rows(out)
    expected = rows(reference_dir / "psych" / "bfi_scoreitems_mean.csv")
    assert [r["id"] for r in got] == [r["id"] for r in expected]
    for g, e in zip(got, expected, strict=True):
        assert float(g["agree"]) == pytest.approx(float(e["agree"]), abs=1e-5)
        assert float(g["conscientious"]) == pytest.approx(float(e["conscientious"]), abs=1e-5)
    assert float(got[0]["agree_upper"]) > float(got[0]["agree"]) > float(got[0]["agree_lower"])


def test_it_writes_scores_to_stdout_and_shows_progress_on_request(capsys, tmp_path):
    scales = tmp_path / "scales.yaml"
    scales.write_text("max: 5\nmin_answered_share: 0.5\nscales:\n  s: {items: [Q1, Q2]}\n")
    data = tmp_path / "data.csv"
    data.write_text("Q1,Q2\n1,3\n,4\n,\n")
    assert main(["score", str(data), "--scales", str(scales), "--progress"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines() == ["line,s,s_n", "2,2,2", "3,4,1", "4,,0"]
    assert "100%" in captured.err


def test_it_names_the_scale_with_too_few_items(capsys, tmp_path):
    scales = tmp_path / "scales.yaml"
    scales.write_text("scales:\n  lonely: {items: [Q1]}\n")
    data = tmp_path / "data.csv"
    data.write_text("Q1\n1\n")
    line = run_error(capsys, "score", str(data), "--scales", str(scales))
    assert "scale 'lonely': needs at least two items" in line


def test_it_names_an_out_of_range_response_when_scoring(capsys, tmp_path):
    scales = tmp_path / "scales.yaml"
    scales.write_text("max: 5\nscales:\n  s: {items: [Q1, Q2]}\n")
    data = tmp_path / "data.csv"
    data.write_text("Q1,Q2\n1,3\n7,4\n")
    line = run_error(capsys, "score", str(data), "--scales", str(scales))
    assert f"{data}, line 3, column 'Q1': value 7 outside 1-5" in line


def test_it_keeps_nan_out_of_json(capsys):
    out = run_json(capsys, "stats", "adverse-impact", "--group", "a=0/40", "b=20/40")
    assert out["groups"]["a"]["z_ir"] is None
    assert not any(isinstance(v, float) and math.isnan(v) for v in out["groups"]["a"].values())
