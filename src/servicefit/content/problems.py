"""Content problems: what is wrong, in which file, at which YAML path."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .schema import LANGUAGES


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, located precisely enough to fix it."""

    file: str
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path or '<root>'}: {self.reason}"


class ContentError(Exception):
    """The content does not validate; ``problems`` lists every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  {p}" for p in self.problems[:20])
        more = f"\n  … and {len(self.problems) - 20} more" if len(self.problems) > 20 else ""
        super().__init__(f"{len(self.problems)} content problem(s):\n{lines}{more}")


def format_path(loc: Iterable[object]) -> str:
    """Render a pydantic location such as ``("items", 1, "text")`` as ``items[1].text``."""
    out = ""
    for part in loc:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def describe_pydantic_error(loc: tuple[object, ...], kind: str, message: str) -> str:
    """A reason a content author understands, for one pydantic error."""
    last = loc[-1] if loc else None
    if kind == "missing" and isinstance(last, str) and last in LANGUAGES:
        return f"missing translation ({last})"
    if kind == "missing":
        return f"required field '{last}' is missing"
    if kind == "extra_forbidden":
        return f"unknown field '{last}'"
    if kind == "string_too_short" and isinstance(last, str) and last in LANGUAGES:
        return f"empty translation ({last})"
    return message
