"""``servicefit stats`` on files shaped as users make them, not as the golden data is.

Each test is a case where the command printed a wrong or meaningless number without a word:
a header with a name twice, an id column that is not called ``id``, fewer rows than items,
ICC2k past Spearman-Brown's pole, a GRM that did not converge.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from servicefit.cli import main
from servicefit.tabular import read_numeric_csv


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


# The wine ratings of pingouin 0.7.0's bundled dataset "icc" with the targets' column named as
# pingouin names it. pg.intraclass_corr(data=pg.read_dataset("icc"), targets="Wine",
# raters="Judge", ratings="Scores") gives ICC(1,1) = 0.727521 and ICC(A,k) = 0.914450.
WINES = """Wine,A,B,C,D
1,1,2,0,1
2,1,3,3,2
3,3,8,1,4
4,6,4,3,3
5,6,5,5,6
6,7,5,6,2
7,8,7,7,9
8,9,9,9,8
"""


def test_a_duplicated_column_name_is_refused_not_read_as_its_first_copy(capsys, tmp_path):
    path = write(tmp_path, "dup.csv", "id,A,A,C\n1,1,2,3\n2,2,3,4\n3,3,3,5\n4,4,5,5\n")
    code, out, err = run(capsys, "stats", "alpha", str(path), "--items", "A,C")
    assert code == 2 and out == ""
    assert "column 'A' appears 2 times in the header (columns 2, 3)" in err
    code, _, err = run(capsys, "stats", "icc", str(path))
    assert code == 2 and "column 'A' appears 2 times" in err
    # a duplicated column the command does not use is no obstacle
    assert run(capsys, "stats", "alpha", str(path), "--items", "C,id")[0] == 0


def test_icc_names_its_raters_and_takes_the_target_column_from_id_column(capsys, tmp_path):
    path = write(tmp_path, "wine.csv", WINES)
    code, out, _ = run(capsys, "stats", "icc", str(path))
    assert code == 0
    assert "raters (columns): Wine, A, B, C, D" in out  # 'Wine' is no label header: shown
    code, out, _ = run(capsys, "stats", "icc", str(path), "--id-column", "Wine", "--json")
    result = json.loads(out)
    assert result["raters"] == ["A", "B", "C", "D"] and result["n_raters"] == 4
    forms = {f["type"]: f for f in result["forms"]}
    assert forms["ICC1"]["icc"] == pytest.approx(0.727521, abs=1e-6)
    assert forms["ICC2k"]["icc"] == pytest.approx(0.914450, abs=1e-6)


def test_an_id_column_that_is_not_the_first_is_left_out_of_the_ratings(tmp_path):
    path = write(tmp_path, "r.csv", "A,target,B\n1,t1,2\n3,t2,3\n")
    table = read_numeric_csv(path, id_column="target")
    assert table.columns == ("A", "B")
    assert table.labels == ("t1", "t2")
    assert table.data.tolist() == [[1.0, 2.0], [3.0, 3.0]]


def test_a_first_column_of_names_gets_a_hint_to_name_it(capsys, tmp_path):
    path = write(tmp_path, "k.csv", "Interviewer,u1,u2,u3\nAnna,1,2,3\nBo,1,2,2\n")
    code, _, err = run(capsys, "stats", "krippendorff", str(path), "--level", "nominal")
    assert code == 2
    assert "'Anna' is not a number" in err
    assert "pass --id-column Interviewer" in err
    code, out, _ = run(
        capsys,
        "stats",
        "krippendorff",
        str(path),
        "--level",
        "nominal",
        "--id-column",
        "Interviewer",
        "--json",
    )
    assert code == 0
    result = json.loads(out)
    assert result["units"] == ["u1", "u2", "u3"] and result["n_coders"] == 2


def test_alpha_with_fewer_rows_than_items_gives_no_lambda6_and_says_why(capsys, tmp_path):
    header = ",".join(f"Q{i}" for i in range(1, 7))
    lines = ["1,2,3,2,1,2", "2,3,3,3,2,2", "3,3,4,4,4,3", "4,5,4,5,5,4", "5,4,5,5,4,5"]
    path = write(tmp_path, "few.csv", header + "\n" + "\n".join(lines) + "\n")
    items = header
    code, out, err = run(capsys, "stats", "alpha", str(path), "--items", items, "--json")
    assert code == 0
    result = json.loads(out)
    assert result["g6"] is None  # was 1.0: every item "predicted perfectly" by 5 rows
    # pingouin 0.7.0: pg.cronbach_alpha(pd.DataFrame(rows)) -> (0.9678832116788321,
    # [0.887, 0.996]): alpha itself is fine with fewer rows than items.
    assert result["raw_alpha"] == pytest.approx(0.9678832116788321, abs=1e-12)
    assert (round(result["ci_lower"], 3), round(result["ci_upper"], 3)) == (0.887, 0.996)
    code, out, err = run(capsys, "stats", "alpha", str(path), "--items", items)
    assert code == 0
    assert "Guttman lambda 6                  -" in out
    assert "lambda 6 is not given" in err and "5 rows for 6 items" in err


def test_an_item_everyone_answered_alike_is_named(capsys, tmp_path):
    path = write(tmp_path, "z.csv", "id,A,B,C\n1,1,3,3\n2,2,3,4\n3,3,3,5\n4,4,3,5\n")
    for command in ("alpha", "omega", "grm"):
        code, _, err = run(capsys, "stats", command, str(path), "--items", "A,B,C")
        assert code == 2, command
        assert "column 'B': every answer is 3" in err, command


def test_icc2k_past_the_pole_is_not_printed_as_a_number(capsys, tmp_path):
    # pingouin 0.7.0 / psych give ICC(A,k) = 16.0, CI [4.27, 0.72] on these ratings.
    path = write(tmp_path, "pole.csv", "target,A,B\n1,3,3\n2,2,5\n3,2,2\n4,5,1\n")
    code, out, _ = run(capsys, "stats", "icc", str(path), "--json")
    assert code == 0
    icc2k = {f["type"]: f for f in json.loads(out)["forms"]}["ICC2k"]
    assert icc2k["icc"] is None and icc2k["lower"] is None
    assert any("ICC2k is not given" in n for n in json.loads(out)["notes"])
    code, out, _ = run(capsys, "stats", "icc", str(path))
    assert "16.0000" not in out and "-inf" in out
    assert "note: ICC2k is not given: ICC2 is below -1/(k-1) = -1" in out


def test_grm_that_did_not_converge_says_so(capsys, tmp_path):
    # Four rows: every item splits them perfectly, the slopes run off to infinity.
    path = write(tmp_path, "tiny.csv", "id,A,B,C\n1,1,2,3\n2,2,3,4\n3,3,3,5\n4,4,5,5\n")
    code, out, err = run(capsys, "stats", "grm", str(path), "--items", "A,B,C", "--json")
    assert code == 0
    assert json.loads(out)["converged"] is False
    assert "warning: the model did not converge" in err


# 22 people, 5 items on 1-5, item C keyed against the others (simulated: one factor,
# numpy default_rng(11), C = 6 - x). pingouin 0.7.0: pg.cronbach_alpha(df) -> 0.13622672508214667
# as given, 0.7263774459320288 with C reversed (df["C"] = 6 - df["C"]).
REVERSED_C = """A,B,C,D,E
3,2,3,5,2
5,4,2,2,3
5,4,1,3,4
5,2,4,3,2
4,3,4,3,5
4,1,4,2,3
3,5,2,4,4
3,3,2,3,3
5,4,2,3,3
1,1,4,2,1
5,5,1,2,4
3,5,1,4,2
1,4,2,5,3
3,1,3,2,3
3,3,3,3,3
4,3,3,5,3
5,4,3,3,4
3,3,4,2,3
4,1,3,2,3
3,4,1,4,4
3,1,3,2,1
2,1,4,2,1
"""


def test_an_item_keyed_the_other_way_is_named_by_alpha_and_omega(capsys, tmp_path):
    path = write(tmp_path, "rev.csv", REVERSED_C)
    code, out, err = run(capsys, "stats", "alpha", str(path), "--items", "A,B,C,D,E", "--json")
    assert code == 0
    assert json.loads(out)["raw_alpha"] == pytest.approx(0.13622672508214667, abs=1e-12)
    assert "item 'C' correlates negatively with the rest of the scale" in err
    code, _, err = run(capsys, "stats", "omega", str(path), "--items", "A,B,C,D,E")
    assert code == 0 and "item 'C' loads negatively on the common factor" in err
    argv = ["stats", "alpha", str(path), "--items", "A,B,C,D,E", "--reverse", "C"]
    code, out, err = run(capsys, *argv, "--min", "1", "--max", "5", "--json")
    assert json.loads(out)["raw_alpha"] == pytest.approx(0.7263774459320288, abs=1e-12)
    assert "negatively" not in err


def test_a_delimiter_at_the_end_of_every_line_adds_no_rater(capsys, tmp_path):
    # Was: "line 2, column '': missing rating (ICC needs complete ratings)".
    path = write(tmp_path, "t.csv", "target,A,B,,\n1,1,2,,\n2,3,3,,\n3,4,5,,\n4,2,1,,\n")
    code, out, _ = run(capsys, "stats", "icc", str(path), "--json")
    assert code == 0
    assert json.loads(out)["raters"] == ["A", "B"]
    unnamed = write(tmp_path, "u.csv", "target,A,,B\n1,1,3,2\n2,3,3,3\n3,4,2,5\n4,2,1,1\n")
    code, _, err = run(capsys, "stats", "icc", str(unnamed))
    assert code == 2 and "column 3 has values but no name in the header" in err


def test_alpha_names_two_items_nobody_answered_together(capsys, tmp_path):
    # Was: "some pair of items has fewer than 2 rows answered together" (which pair?).
    path = write(tmp_path, "p.csv", "id,A,B,C\n1,1,,3\n2,2,,4\n3,,3,5\n4,,5,5\n5,,2,2\n")
    code, _, err = run(capsys, "stats", "alpha", str(path), "--items", "A,B,C")
    assert code == 2
    assert "columns 'A' and 'B' have fewer than 2 rows answered together" in err


def test_omega_that_did_not_converge_says_so(capsys, tmp_path):
    # 9 rows of 8 items (one factor plus noise, numpy default_rng(25)): the ML fit ends at
    # L-BFGS-B's limit without convergence; omega 0.971 was printed without a word.
    rows = [
        "5,3,3,4,3,4,4,4",
        "3,3,3,3,3,3,4,3",
        "2,1,1,2,3,2,4,3",
        "1,1,1,1,0,2,0,1",
        "3,3,3,3,4,3,3,3",
        "5,5,4,5,5,3,4,5",
        "4,5,4,4,4,3,4,3",
        "3,2,1,3,2,2,2,3",
        "5,5,7,6,7,6,6,5",
    ]
    items = ",".join(f"Q{i}" for i in range(1, 9))
    path = write(tmp_path, "o.csv", items + "\n" + "\n".join(rows) + "\n")
    code, out, err = run(capsys, "stats", "omega", str(path), "--items", items, "--json")
    assert code == 0
    assert json.loads(out)["converged"] is False
    assert "warning: the factor model did not converge" in err


def test_dif_names_the_groups_it_left_out_and_reads_na_as_no_group(capsys, tmp_path):
    rng = np.random.default_rng(5)
    theta = rng.normal(size=130)
    b = np.linspace(-1, 1, 5)
    x = (rng.random((130, 5)) < 1 / (1 + np.exp(-(theta[:, None] - b)))).astype(int)
    labels = ["da"] * 60 + ["pl"] * 60 + ["sv"] * 5 + ["NA"] * 5
    path = tmp_path / "dif.csv"
    lines = ["lang,I0,I1,I2,I3,I4"]
    lines += [",".join([g, *map(str, row)]) for g, row in zip(labels, x, strict=True)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    argv = ["stats", "dif", str(path), "--items", "I0,I1,I2,I3,I4", "--group", "lang"]
    code, out, _ = run(capsys, *argv, "--json")
    assert code == 0
    result = json.loads(out)
    # Was: the 5 Swedish rows vanished without a word, and "NA" was a group of its own.
    assert result["left_out"] == {"sv": 5}
    assert {i["focal"] for i in result["items"]} | {result["reference"]} == {"da", "pl"}
    code, out, _ = run(capsys, *argv)
    assert "note: group 'sv' left out: 5 complete rows, fewer than --min-group 20" in out
    assert "'NA'" not in out


def test_grm_says_which_answers_an_item_lacks_and_lists_its_categories(capsys, tmp_path):
    # Nobody answered A with 3 on a 1-5 scale: mirt (and we) join the categories around it,
    # so A has thresholds b1..b3 for the answers 1, 2, 4, 5. Nothing said so.
    rng = np.random.default_rng(8)
    theta = rng.normal(size=(400, 1))
    x = np.clip(np.round(theta + rng.normal(size=(400, 4)) * 0.8 + 3), 1, 5)
    x[x[:, 0] == 3, 0] = 4
    lines = ["A,B,C,D", *(",".join(str(int(v)) for v in row) for row in x)]
    path = write(tmp_path, "gap.csv", "\n".join(lines) + "\n")
    code, out, err = run(capsys, "stats", "grm", str(path), "--items", "A,B,C,D", "--json")
    assert code == 0
    items = {i["item"]: i for i in json.loads(out)["items"]}
    assert items["A"]["categories"] == [1.0, 2.0, 4.0, 5.0] and len(items["A"]["b"]) == 3
    assert items["B"]["categories"] == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert "item 'A': nobody answered between 2 and 4" in err
    assert "'B'" not in err


@pytest.mark.parametrize("command", ["grm", "cat-simulate"])
def test_a_half_point_answer_is_named_by_line_and_column_for_the_grm(capsys, tmp_path, command):
    # Was: "item 0: answers must be whole numbers (category codes)".
    path = write(tmp_path, "h.csv", "id,A,B,C\n1,1,2,3\n2,2,3,4\n3,3.5,3,5\n4,4,5,5\n")
    extra = ["--se-stop", "0.3"] if command == "cat-simulate" else []
    code, _, err = run(capsys, "stats", command, str(path), "--items", "A,B,C", *extra)
    assert code == 2
    assert "line 4, column 'A': 3.5 is not a whole number" in err


def test_two_items_at_r_minus_one_print_alpha_not_a_traceback(capsys, tmp_path):
    # Was: ZeroDivisionError (standardized alpha divides by sum(R) = 0).
    path = write(tmp_path, "m.csv", "id,C,Q1\n0,5,3\n1,3,2\n2,1,1\n")
    argv = ["stats", "alpha", str(path), "--items", "C,Q1", "--reverse", "C"]
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0
    result = json.loads(out)
    assert result["raw_alpha"] == pytest.approx(-8.0) and result["std_alpha"] is None
    assert "marks a statistic these data leave undefined" in err
