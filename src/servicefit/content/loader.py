"""Load the content tree from YAML into typed, frozen objects.

Layout of a content root (the shipped one is ``servicefit/content/data``)::

    manifest.yaml                       version and the seed articles
    competencies/<id>.yaml              one competency each
    observations.yaml                   observable interview behaviours
    job_profiles.yaml                   job-profile templates
    interview/strengths_weaknesses.yaml general strengths-and-weaknesses questions
    questionnaire.yaml                  work-style items          (optional)
    sjt.yaml                            judgement scenarios        (optional)
    written_reply.yaml                  customer messages          (optional)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .problems import ContentError, Problem, describe_pydantic_error, format_path
from .schema import (
    Competency,
    JobProfile,
    JobProfileList,
    Manifest,
    Observation,
    ObservationList,
    Questionnaire,
    QuestionSet,
    SituationalJudgementTest,
    WrittenReplyTask,
)

DEFAULT_ROOT = Path(__file__).parent / "data"

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Content:
    """A validated content tree. Look-ups raise ``KeyError`` for unknown ids."""

    version: str
    manifest: Manifest
    competencies: tuple[Competency, ...]
    observations: tuple[Observation, ...]
    job_profiles: tuple[JobProfile, ...]
    strengths_weaknesses: QuestionSet
    questionnaire: Questionnaire | None = None
    sjt: SituationalJudgementTest | None = None
    written_reply: WrittenReplyTask | None = None
    unparsed_competencies: frozenset[str] = frozenset()
    """Ids (file names) of competency files that failed the schema: known, but not loaded."""
    _by_id: dict[str, Competency] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update({c.id: c for c in self.competencies})

    def competency(self, competency_id: str) -> Competency:
        return self._by_id[competency_id]

    def job_profile(self, profile_id: str) -> JobProfile:
        for profile in self.job_profiles:
            if profile.id == profile_id:
                return profile
        raise KeyError(profile_id)

    def observation(self, observation_id: str) -> Observation:
        for observation in self.observations:
            if observation.id == observation_id:
                return observation
        raise KeyError(observation_id)


@dataclass
class _Reader:
    """Reads and parses files under a root, collecting problems instead of stopping."""

    root: Path
    problems: list[Problem] = field(default_factory=list)

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def raw(self, path: Path, *, required: bool) -> Any:
        if not path.exists():
            if required:
                self.problems.append(Problem(self.rel(path), "", "required file is missing"))
            return None
        try:
            with path.open(encoding="utf-8") as fh:
                data = yaml.safe_load(fh)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            reason = getattr(exc, "problem", None) or str(exc)
            self.problems.append(Problem(self.rel(path), where, f"invalid YAML: {reason}"))
            return None
        except UnicodeDecodeError:
            self.problems.append(Problem(self.rel(path), "", "file is not UTF-8 text"))
            return None
        if data is None:
            self.problems.append(Problem(self.rel(path), "", "file is empty"))
        return data

    def parse(self, model: type[M], path: Path, *, required: bool = True) -> M | None:
        data = self.raw(path, required=required)
        if data is None:
            return None
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                loc = tuple(error["loc"])
                reason = describe_pydantic_error(loc, error["type"], error["msg"])
                self.problems.append(Problem(self.rel(path), format_path(loc), reason))
            return None


def read_content(root: Path | str | None = None) -> tuple[Content | None, list[Problem]]:
    """Parse every file under ``root``; return the content (if it parsed) and schema problems."""
    base = Path(root) if root is not None else DEFAULT_ROOT
    reader = _Reader(base)
    if not base.is_dir():
        return None, [Problem(base.as_posix(), "", "content directory does not exist")]
    manifest = reader.parse(Manifest, base / "manifest.yaml")
    competencies: list[Competency] = []
    unparsed: set[str] = set()
    competency_files = sorted((base / "competencies").glob("*.yaml"))
    if not competency_files:
        reader.problems.append(Problem("competencies/", "", "no competency files found"))
    for path in competency_files:
        competency = reader.parse(Competency, path)
        if competency is None:
            unparsed.add(path.stem)
        else:
            if competency.id != path.stem:
                reader.problems.append(
                    Problem(reader.rel(path), "id", f"id '{competency.id}' must match file name")
                )
            competencies.append(competency)
    observations = reader.parse(ObservationList, base / "observations.yaml")
    profiles = reader.parse(JobProfileList, base / "job_profiles.yaml")
    strengths = reader.parse(QuestionSet, base / "interview" / "strengths_weaknesses.yaml")
    questionnaire = reader.parse(Questionnaire, base / "questionnaire.yaml", required=False)
    sjt = reader.parse(SituationalJudgementTest, base / "sjt.yaml", required=False)
    reply = reader.parse(WrittenReplyTask, base / "written_reply.yaml", required=False)
    if manifest is None or observations is None or profiles is None or strengths is None:
        return None, reader.problems
    content = Content(
        version=manifest.version,
        manifest=manifest,
        competencies=tuple(competencies),
        observations=tuple(observations.observations),
        job_profiles=tuple(profiles.job_profiles),
        strengths_weaknesses=strengths,
        questionnaire=questionnaire,
        sjt=sjt,
        written_reply=reply,
        unparsed_competencies=frozenset(unparsed),
    )
    return content, reader.problems


def load_content(root: Path | str | None = None, *, seeds_dir: Path | str | None = None) -> Content:
    """Load and fully validate content; raise :class:`ContentError` listing every problem."""
    from .validate import check_content  # local import: validate builds on this module

    content, problems = read_content(root)
    problems = problems + (check_content(content, seeds_dir=seeds_dir) if content else [])
    if problems or content is None:
        raise ContentError(sorted(problems))
    return content


@functools.cache
def default_content() -> Content:
    """The shipped content, loaded once per process."""
    return load_content()
