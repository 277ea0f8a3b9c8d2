"""Cross-file content rules that a per-file schema cannot express.

Checked here: duplicate ids, references to unknown competencies or observations, job-profile
weights summing to 1, BARS anchors at levels 1, 3 and 5, the mix of interview question kinds,
translated lists of equal length, and seed files that are listed and exist.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from .loader import Content, read_content
from .problems import Problem
from .schema import LANGUAGES, AnchorLevel, Translated, TranslatedList

REQUIRED_ANCHORS: tuple[int, ...] = (1, 3, 5)
WEIGHT_TOLERANCE = 1e-6


def check_tree(
    root: Path | str | None = None, *, seeds_dir: Path | str | None = None
) -> list[Problem]:
    """Every problem in the content tree at ``root`` (schema and cross-file), sorted."""
    content, problems = read_content(root)
    if content is not None:
        problems += check_content(content, seeds_dir=seeds_dir)
    return sorted(set(problems))


def check_content(content: Content, *, seeds_dir: Path | str | None = None) -> list[Problem]:
    """Cross-file problems in parsed content; ``seeds_dir`` also checks seed files exist."""
    problems: list[Problem] = []
    problems += _check_seeds(content, seeds_dir)
    problems += _check_competencies(content)
    problems += _check_job_profiles(content)
    problems += _check_anchors(
        "interview/strengths_weaknesses.yaml",
        (
            (f"questions[{i}]", q.anchors)
            for i, q in enumerate(content.strengths_weaknesses.questions)
            if q.anchors
        ),
    )
    problems += _check_instruments(content)
    return problems


def _duplicates(ids: Iterable[str]) -> set[str]:
    return {key for key, count in Counter(ids).items() if count > 1}


def _check_seeds(content: Content, seeds_dir: Path | str | None) -> list[Problem]:
    problems: list[Problem] = []
    listed = [seed.file for seed in content.manifest.seeds]
    for dup in sorted(_duplicates(listed)):
        problems.append(Problem("manifest.yaml", "seeds", f"seed file '{dup}' is listed twice"))
    if seeds_dir is not None:
        folder = Path(seeds_dir)
        for i, name in enumerate(listed):
            if not (folder / name).is_file():
                problems.append(
                    Problem(
                        "manifest.yaml",
                        f"seeds[{i}].file",
                        f"seed file '{name}' does not exist in {folder}",
                    )
                )
    known = set(listed)
    for competency in content.competencies:
        for i, trace in enumerate(competency.seeds):
            if trace.file not in known:
                problems.append(
                    Problem(
                        f"competencies/{competency.id}.yaml",
                        f"seeds[{i}].file",
                        f"seed file '{trace.file}' does not exist (not in manifest.yaml)",
                    )
                )
    for i, observation in enumerate(content.observations):
        for j, name in enumerate(observation.seeds):
            if name not in known:
                problems.append(
                    Problem(
                        "observations.yaml",
                        f"observations[{i}].seeds[{j}]",
                        f"seed file '{name}' does not exist",
                    )
                )
    return problems


def _list_lengths(file: str, path: str, value: TranslatedList) -> list[Problem]:
    expected = len(value.en)
    return [
        Problem(file, f"{path}.{lang}", f"has {len(value.get(lang))} entries but en has {expected}")
        for lang in LANGUAGES
        if len(value.get(lang)) != expected
    ]


def _check_anchors(
    file: str, scales: Iterable[tuple[str, dict[AnchorLevel, Translated]]]
) -> list[Problem]:
    problems: list[Problem] = []
    for path, anchors in scales:
        for level in REQUIRED_ANCHORS:
            if level not in anchors:
                problems.append(
                    Problem(file, f"{path}.anchors", f"BARS anchor missing at level {level}")
                )
    return problems


def _check_competencies(content: Content) -> list[Problem]:
    problems: list[Problem] = []
    for dup in sorted(_duplicates(c.id for c in content.competencies)):
        problems.append(
            Problem(f"competencies/{dup}.yaml", "id", f"duplicate competency id '{dup}'")
        )
    observation_ids = {o.id for o in content.observations}
    for dup in sorted(_duplicates(o.id for o in content.observations)):
        problems.append(
            Problem("observations.yaml", "observations", f"duplicate observation id '{dup}'")
        )
    question_ids: list[str] = []
    for competency in content.competencies:
        file = f"competencies/{competency.id}.yaml"
        problems += _list_lengths(file, "positive_indicators", competency.positive_indicators)
        problems += _list_lengths(file, "negative_indicators", competency.negative_indicators)
        kinds = Counter(q.kind for q in competency.questions)
        if kinds["behavioural"] < 2:
            problems.append(Problem(file, "questions", "needs at least two behavioural questions"))
        if kinds["situational"] < 1:
            problems.append(Problem(file, "questions", "needs at least one situational question"))
        problems += _check_anchors(
            file, ((f"questions[{i}]", q.anchors) for i, q in enumerate(competency.questions))
        )
        question_ids += [q.id for q in competency.questions]
        for i, observation in enumerate(competency.observations):
            if observation not in observation_ids:
                problems.append(
                    Problem(file, f"observations[{i}]", f"unknown observation id '{observation}'")
                )
    for dup in sorted(_duplicates(question_ids)):
        problems.append(Problem("competencies/", "questions", f"duplicate question id '{dup}'"))
    return problems


def _check_job_profiles(content: Content) -> list[Problem]:
    problems: list[Problem] = []
    known = {c.id for c in content.competencies} | content.unparsed_competencies
    for dup in sorted(_duplicates(p.id for p in content.job_profiles)):
        problems.append(
            Problem("job_profiles.yaml", "job_profiles", f"duplicate job profile id '{dup}'")
        )
    for i, profile in enumerate(content.job_profiles):
        where = f"job_profiles[{i}]"
        for key in profile.weights:
            if key not in known:
                problems.append(
                    Problem(
                        "job_profiles.yaml",
                        f"{where}.weights.{key}",
                        f"unknown competency id '{key}'",
                    )
                )
        for key in profile.minimums:
            if key not in known:
                problems.append(
                    Problem(
                        "job_profiles.yaml",
                        f"{where}.minimums.{key}",
                        f"unknown competency id '{key}'",
                    )
                )
        total = math.fsum(profile.weights.values())
        if abs(total - 1.0) > WEIGHT_TOLERANCE:
            problems.append(
                Problem(
                    "job_profiles.yaml", f"{where}.weights", f"weights sum to {total:.6g}, not 1"
                )
            )
    return problems


def _check_instruments(content: Content) -> list[Problem]:
    problems: list[Problem] = []
    known = {c.id for c in content.competencies} | content.unparsed_competencies
    if content.questionnaire is not None:
        items = content.questionnaire.items
        for dup in sorted(_duplicates(item.id for item in items)):
            problems.append(Problem("questionnaire.yaml", "items", f"duplicate item id '{dup}'"))
        for i, item in enumerate(items):
            if item.competency not in known:
                problems.append(
                    Problem(
                        "questionnaire.yaml",
                        f"items[{i}].competency",
                        f"unknown competency id '{item.competency}'",
                    )
                )
    if content.sjt is not None:
        scenarios = content.sjt.scenarios
        for dup in sorted(_duplicates(s.id for s in scenarios)):
            problems.append(Problem("sjt.yaml", "scenarios", f"duplicate scenario id '{dup}'"))
        for i, scenario in enumerate(scenarios):
            for dup in sorted(_duplicates(o.id for o in scenario.options)):
                problems.append(
                    Problem("sjt.yaml", f"scenarios[{i}].options", f"duplicate option id '{dup}'")
                )
            for j, competency in enumerate(scenario.competencies):
                if competency not in known:
                    problems.append(
                        Problem(
                            "sjt.yaml",
                            f"scenarios[{i}].competencies[{j}]",
                            f"unknown competency id '{competency}'",
                        )
                    )
    if content.written_reply is not None:
        for dup in sorted(_duplicates(m.id for m in content.written_reply.messages)):
            problems.append(
                Problem("written_reply.yaml", "messages", f"duplicate message id '{dup}'")
            )
    return problems
