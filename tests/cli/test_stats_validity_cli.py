"""``servicefit stats validity``: the CLI contract of issue 13."""

from __future__ import annotations

import json
import math

import pytest

from servicefit.cli import main


def write(tmp_path, text: str):
    path = tmp_path / "hires.csv"
    path.write_text(text, encoding="utf-8")
    return path


DATA = (
    "id,composite,qa_score\n"
    "a,3.1,70\nb,3.4,74\nc,2.9,,\nd,3.8,80\ne,3.3,71\nf,4.0,78\ng,3.6,79\nh,NA,90\n"
    "i,3.0,65\nj,3.9,83\n"
)


def test_it_prints_the_contract_json_and_drops_incomplete_rows(tmp_path, capsys):
    path = write(tmp_path, DATA.replace(",,\n", ",\n"))
    assert (
        main(
            [
                "stats",
                "validity",
                str(path),
                "--predictor",
                "composite",
                "--criterion",
                "qa_score",
                "--applicant-sd",
                "0.8",
                "--json",
            ]
        )
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"n", "r", "ci", "r_corrected", "ci_corrected"}
    # rows c (criterion missing) and h (predictor NA) are dropped
    xs = [3.1, 3.4, 3.8, 3.3, 4.0, 3.6, 3.0, 3.9]
    ys = [70, 74, 80, 71, 78, 79, 65, 83]
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    r = sxy / math.sqrt(sxx * syy)
    half = 1.959963984540054 / math.sqrt(n - 3)
    ci = [math.tanh(math.atanh(r) - half), math.tanh(math.atanh(r) + half)]
    u = 0.8 / math.sqrt(sxx / (n - 1))

    def correct(v: float) -> float:
        return u * v / math.sqrt(1 + (u * u - 1) * v * v)

    assert out["n"] == n
    assert out["r"] == pytest.approx(r, abs=1e-12)
    assert out["ci"] == pytest.approx(ci, abs=1e-9)
    assert out["r_corrected"] == pytest.approx(correct(r), abs=1e-9)
    assert out["ci_corrected"] == pytest.approx([correct(ci[0]), correct(ci[1])], abs=1e-9)


def test_without_applicant_sd_the_correction_is_null_and_confidence_is_used(tmp_path, capsys):
    path = write(tmp_path, DATA.replace(",,\n", ",\n"))
    argv = ["stats", "validity", str(path), "--predictor", "composite", "--criterion", "qa_score"]
    assert main([*argv, "--json"]) == 0
    wide = json.loads(capsys.readouterr().out)
    assert wide["r_corrected"] is None and wide["ci_corrected"] is None
    assert main([*argv, "--confidence", "0.8", "--json"]) == 0
    narrow = json.loads(capsys.readouterr().out)
    assert narrow["ci"][0] > wide["ci"][0] and narrow["ci"][1] < wide["ci"][1]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "observed" in text and "caution" in text


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--predictor", "nope", "--criterion", "qa_score"], "unknown column 'nope'"),
        (["--predictor", "composite", "--criterion", "composite"], "must be different"),
        (
            ["--predictor", "composite", "--criterion", "qa_score", "--applicant-sd", "-1"],
            "--applicant-sd must be positive",
        ),
        (
            ["--predictor", "composite", "--criterion", "qa_score", "--confidence", "1.5"],
            "--confidence must be between 0 and 1",
        ),
    ],
)
def test_it_rejects_bad_input_with_one_line(tmp_path, capsys, extra, message):
    path = write(tmp_path, DATA.replace(",,\n", ",\n"))
    assert main(["stats", "validity", str(path), *extra]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


def test_it_names_a_non_numeric_cell(tmp_path, capsys):
    path = write(tmp_path, "composite,qa\n3.1,70\n3.2,x\n3.3,72\n3.4,73\n3.5,75\n")
    assert (
        main(["stats", "validity", str(path), "--predictor", "composite", "--criterion", "qa"]) != 0
    )
    assert "line 3, column 'qa'" in capsys.readouterr().err
