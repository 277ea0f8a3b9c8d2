"""``servicefit stats grm | cat-simulate | dif`` through ``main``, on the golden data."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from servicefit.cli import main
from servicefit.psychometrics import GrmParameters
from servicefit.psychometrics.cat import simulate_responses
from tests.conftest import GOLDEN_DIR

EAP_FILE = GOLDEN_DIR / "mirt" / "bfi_grm_C_eap.csv"
ITEMS = "C1,C2,C3,C4,C5"


def run_json(capsys, *argv: str) -> dict:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def run_error(capsys, *argv: str) -> str:
    assert main(list(argv)) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    return lines[0]


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


# R 4.2.2, mirt 1.40: tests/golden/mirt/PROVENANCE.md (scale C already reverse-keyed in this file)
def test_grm_prints_mirt_parameters_loglik_and_eap_scores_in_row_order(capsys):
    out = run_json(capsys, "stats", "grm", str(EAP_FILE), "--items", ITEMS, "--scores")
    expected = [r for r in rows(GOLDEN_DIR / "mirt" / "bfi_grm_params.csv") if r["scale"] == "C"]
    assert out["n"] == 2707
    assert out["loglik"] == pytest.approx(float(expected[0]["logLik"]), abs=0.1)
    assert [i["item"] for i in out["items"]] == ITEMS.split(",")
    for item, row in zip(out["items"], expected, strict=True):
        assert item["a"] == pytest.approx(float(row["a"]), abs=0.02)
        assert item["b"] == pytest.approx([float(row[f"b{k}"]) for k in range(1, 6)], abs=0.02)
    eap = rows(EAP_FILE)
    assert len(out["scores"]) == len(eap)
    for score, row in zip(out["scores"][:300], eap[:300], strict=True):
        assert score["eap"] == pytest.approx(float(row["F1"]), abs=0.01)
        assert score["se"] == pytest.approx(float(row["SE_F1"]), abs=0.01)


def test_grm_without_scores_prints_no_scores_and_keeps_empty_rows_in_place(capsys, tmp_path):
    data = tmp_path / "with_blank.csv"
    lines = EAP_FILE.read_text().splitlines()
    data.write_text("\n".join([lines[0], ",,,,,,", *lines[1:400]]) + "\n")
    out = run_json(capsys, "stats", "grm", str(data), "--items", ITEMS)
    assert "scores" not in out
    scored = run_json(capsys, "stats", "grm", str(data), "--items", ITEMS, "--scores")
    assert len(scored["scores"]) == 400
    assert scored["scores"][0] == {
        "eap": pytest.approx(0.0, abs=1e-9),
        "se": pytest.approx(1.0, abs=1e-3),
    }


def test_cat_simulate_on_a_long_simulated_scale_saves_items_with_high_agreement(capsys, tmp_path):
    rng = np.random.default_rng(11)
    params = GrmParameters(
        a=rng.uniform(1.5, 2.8, 14),
        b=np.sort(rng.normal(0, 0.4, (14, 5)) + np.linspace(-2, 1.5, 5), axis=1),
        categories=[tuple(range(1, 7))] * 14,
    )
    x = simulate_responses(params, rng.normal(size=1500), rng=rng)
    path = tmp_path / "scale.csv"
    names = [f"Q{j + 1}" for j in range(14)]
    np.savetxt(path, x, delimiter=",", header=",".join(names), comments="", fmt="%d")
    out = run_json(
        capsys,
        "stats",
        "cat-simulate",
        str(path),
        "--items",
        ",".join(names),
        "--se-stop",
        "0.3",
        "--min-items",
        "2",
    )
    assert set(out) == {"n", "mean_items", "pct_saving", "r_with_full", "rmsd"}
    assert out["n"] == 1500
    assert out["pct_saving"] >= 40
    assert out["r_with_full"] >= 0.97
    capped = run_json(
        capsys,
        "stats",
        "cat-simulate",
        str(path),
        "--items",
        ",".join(names),
        "--se-stop",
        "0.01",
        "--max-items",
        "4",
    )
    assert capped["mean_items"] == pytest.approx(4.0)


def test_cat_simulate_follows_the_contract_on_bfi_c_with_two_items_at_least_by_default(capsys):
    """The contract's call, ``--se-stop S [--min-items 2] [--max-items N] --json``, on bfi C.

    At SE 0.9 one answer would do, so the floor decides the length: 2 items by default, as
    with ``--min-items 2``; 1 with ``--min-items 1``; a lone ``--max-items 1`` lowers it.
    """
    base = ["stats", "cat-simulate", str(EAP_FILE), "--items", ITEMS, "--se-stop"]
    default = run_json(capsys, *base, "0.9")
    assert list(default) == ["n", "mean_items", "pct_saving", "r_with_full", "rmsd"]
    assert default["n"] == 2707
    assert default["mean_items"] == pytest.approx(2.0)
    assert default == run_json(capsys, *base, "0.9", "--min-items", "2")
    assert run_json(capsys, *base, "0.9", "--min-items", "1")["mean_items"] == pytest.approx(1.0)
    capped = run_json(capsys, *base, "0.9", "--max-items", "1")
    assert capped["mean_items"] == pytest.approx(1.0)
    # bfi C (5 items, test information at most 3.7) never reaches SE 0.30: nothing is saved
    strict = run_json(capsys, *base, "0.3", "--min-items", "2")
    assert strict["pct_saving"] == pytest.approx(0.0, abs=0.5)
    assert strict["r_with_full"] == pytest.approx(1.0, abs=1e-6)
    assert strict["rmsd"] == pytest.approx(0.0, abs=1e-6)


def test_dif_flags_an_item_that_is_harder_in_one_language(capsys, tmp_path):
    rng = np.random.default_rng(12)
    b = np.tile(np.linspace(-1.5, 1.5, 4), (6, 1))
    same = GrmParameters(a=np.full(6, 1.7), b=b, categories=[(1, 2, 3, 4, 5)] * 6)
    shifted = b.copy()
    shifted[3] += 0.7
    other = GrmParameters(a=np.full(6, 1.7), b=shifted, categories=[(1, 2, 3, 4, 5)] * 6)
    x = np.vstack(
        [
            simulate_responses(same, rng.normal(size=1200), rng=rng),
            simulate_responses(other, rng.normal(size=1000), rng=rng),
        ]
    )
    path = tmp_path / "dif.csv"
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["language", *[f"I{j}" for j in range(6)]])
        for r, row in enumerate(x):
            writer.writerow(["da" if r < 1200 else "pl", *[int(v) for v in row]])
    out = run_json(
        capsys, "stats", "dif", str(path), "--items", "I0,I1,I2,I3,I4,I5", "--group", "language"
    )
    assert out["reference"] == "da"
    by_item = {i["item"]: i for i in out["items"]}
    assert by_item["I3"]["category"] == "C"
    assert by_item["I3"]["p"] < 0.001
    assert by_item["I3"]["favours"] == "reference"
    assert by_item["I3"]["method"] == "mantel"
    assert sum(i["category"] == "A" for i in out["items"]) >= 4
    assert all(i["p_adjusted"] is None for i in out["items"])
    adjusted = run_json(
        capsys,
        "stats",
        "dif",
        str(path),
        "--items",
        "I0,I1,I2,I3,I4,I5",
        "--group",
        "language",
        "--p-adjust",
        "bh",
    )
    by_item = {i["item"]: i for i in adjusted["items"]}
    assert by_item["I3"]["category"] == "C"
    assert all(i["p"] <= i["p_adjusted"] <= 1 for i in adjusted["items"])


def test_dif_on_bfi_gender_reports_every_item_with_an_ets_category(capsys):
    out = run_json(
        capsys,
        "stats",
        "dif",
        str(GOLDEN_DIR / "psych" / "bfi.csv"),
        "--items",
        ITEMS,
        "--group",
        "gender",
        "--reference",
        "1",
    )
    assert out["reference"] == "1"
    assert [i["item"] for i in out["items"]] == ITEMS.split(",")
    assert all(i["category"] in {"A", "B", "C"} and 0 <= i["p"] <= 1 for i in out["items"])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["stats", "grm", "missing.csv", "--items", "A,B"], "missing.csv: no such file"),
        (["stats", "grm", str(EAP_FILE), "--items", "C1,ZZ"], "unknown column 'ZZ'"),
        (["stats", "grm", str(EAP_FILE), "--items", "C1"], "at least 2 items"),
        (
            ["stats", "cat-simulate", str(EAP_FILE), "--items", ITEMS, "--se-stop", "0"],
            "--se-stop must be positive",
        ),
        (
            [
                "stats",
                "cat-simulate",
                str(EAP_FILE),
                "--items",
                ITEMS,
                "--se-stop",
                "0.3",
                "--min-items",
                "4",
                "--max-items",
                "2",
            ],
            "max_items (2) must be at least min_items (4)",
        ),
        (
            [
                "stats",
                "cat-simulate",
                str(EAP_FILE),
                "--items",
                ITEMS,
                "--se-stop",
                "0.3",
                "--max-items",
                "0",
            ],
            "--max-items must be at least 1, got 0",
        ),
        (
            ["stats", "dif", str(EAP_FILE), "--items", ITEMS, "--group", "nope"],
            "no column 'nope' (columns: ",
        ),
        (
            [
                "stats",
                "dif",
                str(GOLDEN_DIR / "psych" / "bfi.csv"),
                "--items",
                ITEMS,
                "--group",
                "gender",
                "--reference",
                "9",
            ],
            "--reference '9' is not a value",
        ),
    ],
)
def test_bad_input_gets_one_clear_line(capsys, argv, message):
    assert message in run_error(capsys, *argv)
