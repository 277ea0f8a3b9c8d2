"""docs/competency-model.md, the YAML and DESIGN.md §1 agree on competencies and their seeds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from servicefit.content import default_content
from tests.conftest import PROJECT_ROOT, shared_dir

DOC = PROJECT_ROOT / "docs" / "competency-model.md"
ROW = re.compile(r"^\| `(?P<id>[a-z_]+)` \| (?P<name>[^|]+) \| (?P<seeds>[0-9, ]+) \|$")


def doc_table() -> dict[str, set[str]]:
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            rows[match["id"]] = {s.strip() for s in match["seeds"].split(",")}
    return rows


def yaml_table() -> dict[str, set[str]]:
    return {c.id: {s.file[:3] for s in c.seeds} for c in default_content().competencies}


def test_doc_table_lists_exactly_the_seeds_the_yaml_cites():
    assert doc_table() == yaml_table()


def test_every_seed_file_is_cited_at_least_once():
    cited = {s.file for c in default_content().competencies for s in c.seeds}
    assert cited == {s.file for s in default_content().manifest.seeds}


def design_table(design: Path) -> list[tuple[str, set[str]]]:
    text = design.read_text(encoding="utf-8")
    section = text.split("| competency | seeds that name it (file prefix) |", 1)[1].split(
        "\n\n", 1
    )[0]
    rows = []
    for line in section.splitlines()[2:]:
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        rows.append((cells[0], {s.strip() for s in cells[1].split(",")}))
    return rows


def test_every_design_competency_is_in_the_model_with_its_seeds():
    shared = shared_dir(".")
    design = shared / "DESIGN.md" if shared else None
    if design is None or not design.exists():
        pytest.skip("../shared/DESIGN.md is not available")
    rows = design_table(design)
    assert len(rows) == 16
    by_seeds: dict[frozenset[str], list[str]] = {}
    for competency, seeds in yaml_table().items():
        by_seeds.setdefault(frozenset(seeds), []).append(competency)
    content = default_content()
    for name, seeds in rows:
        candidates = by_seeds.get(frozenset(seeds), [])
        names = {c: content.competency(c).name.en.lower() for c in candidates}
        first_word = re.split(r"[ ,:(]", name.lower())[0]
        assert any(first_word in n for n in names.values()), (
            f"{name!r} ({sorted(seeds)}) not in the model"
        )
