"""`servicefit content check` finds every kind of content problem, precisely located."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from servicefit.cli import main
from servicefit.content import DEFAULT_ROOT, check_tree, load_content


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A writable copy of the shipped content."""
    root = tmp_path / "content"
    shutil.copytree(DEFAULT_ROOT, root)
    return root


def edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def reasons(root: Path, seeds: Path | None = None) -> list[str]:
    return [str(p) for p in check_tree(root, seeds_dir=seeds)]


def test_shipped_content_has_no_problems(seeds_dir):
    assert check_tree(DEFAULT_ROOT, seeds_dir=seeds_dir) == []


def test_cli_passes_on_shipped_content(seeds_dir, capsys):
    assert main(["content", "check", "--seeds-dir", str(seeds_dir)]) == 0
    assert "content OK" in capsys.readouterr().out


def test_it_reports_a_missing_translation(tree):
    edit(tree / "competencies" / "empathy.yaml", lambda d: d["definition"].pop("pl"))
    assert reasons(tree) == ["competencies/empathy.yaml: definition.pl: missing translation (pl)"]


def test_it_reports_an_empty_translation(tree):
    edit(tree / "competencies" / "patience.yaml", lambda d: d["name"].update(sv="  "))
    assert reasons(tree) == ["competencies/patience.yaml: name.sv: empty translation (sv)"]


def test_it_reports_an_unknown_competency_id(tree):
    edit(tree / "job_profiles.yaml", lambda d: d["job_profiles"][0]["minimums"].update(telepathy=3))
    assert (
        "job_profiles.yaml: job_profiles[0].minimums.telepathy: unknown competency id 'telepathy'"
        in reasons(tree)
    )


def test_it_reports_a_duplicate_id(tree):
    def duplicate_question(d):
        d["questions"][1]["id"] = d["questions"][0]["id"]

    edit(tree / "competencies" / "teamwork.yaml", duplicate_question)
    assert reasons(tree) == ["competencies/: questions: duplicate question id 'teamwork.b1'"]


def test_it_reports_weights_not_summing_to_one(tree):
    def inflate(d):
        weights = d["job_profiles"][1]["weights"]
        first = next(iter(weights))
        weights[first] = round(weights[first] + 0.05, 6)

    edit(tree / "job_profiles.yaml", inflate)
    [problem] = reasons(tree)
    assert problem.startswith("job_profiles.yaml: job_profiles[1].weights: weights sum to 1.05")


def test_it_reports_a_missing_bars_anchor(tree):
    edit(tree / "competencies" / "courtesy.yaml", lambda d: d["questions"][2]["anchors"].pop(3))
    assert reasons(tree) == [
        "competencies/courtesy.yaml: questions[2].anchors: BARS anchor missing at level 3"
    ]


def test_it_reports_a_seed_file_that_does_not_exist(tree):
    edit(
        tree / "competencies" / "empathy.yaml",
        lambda d: d["seeds"][0].update(file="999_missing.txt"),
    )
    assert reasons(tree) == [
        "competencies/empathy.yaml: seeds[0].file: seed file '999_missing.txt' does not exist (not in manifest.yaml)"
    ]


def test_it_reports_a_listed_seed_missing_on_disk(tree, tmp_path):
    empty_seeds = tmp_path / "seeds"
    empty_seeds.mkdir()
    problems = reasons(tree, empty_seeds)
    assert len(problems) == 5
    assert all("does not exist in" in p for p in problems)


def test_it_reports_invalid_yaml_with_its_line(tree):
    (tree / "observations.yaml").write_text("observations:\n  - id: [unclosed\n", encoding="utf-8")
    [problem] = reasons(tree)
    assert problem.startswith("observations.yaml: line 3, column 1: invalid YAML")


def test_it_reports_every_problem_not_just_the_first(tree, capsys):
    edit(tree / "competencies" / "empathy.yaml", lambda d: d["name"].pop("da"))
    edit(tree / "competencies" / "patience.yaml", lambda d: d["name"].pop("nb"))
    assert main(["content", "check", str(tree)]) == 1
    out = capsys.readouterr().out
    assert "competencies/empathy.yaml: name.da: missing translation (da)" in out
    assert "competencies/patience.yaml: name.nb: missing translation (nb)" in out
    assert "2 problem(s)" in out


def test_it_reports_indicator_lists_of_unequal_length(tree):
    edit(tree / "competencies" / "empathy.yaml", lambda d: d["positive_indicators"]["sv"].pop())
    [problem] = reasons(tree)
    assert problem.startswith("competencies/empathy.yaml: positive_indicators.sv: has ")


def test_it_requires_two_behavioural_questions(tree):
    def keep_one_behavioural(d):
        behavioural = [q for q in d["questions"] if q["kind"] == "behavioural"]
        for question in behavioural[1:]:
            question["kind"] = "situational"

    edit(tree / "competencies" / "learning.yaml", keep_one_behavioural)
    assert reasons(tree) == [
        "competencies/learning.yaml: questions: needs at least two behavioural questions"
    ]


def test_load_content_raises_with_every_problem(tree):
    edit(tree / "competencies" / "empathy.yaml", lambda d: d["definition"].pop("pl"))
    with pytest.raises(Exception, match="missing translation"):
        load_content(tree)
