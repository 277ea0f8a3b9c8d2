"""The documentation stays small enough to clone quickly (issue 10: all of docs/ under 3 MB)."""

from __future__ import annotations

from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"
LIMIT = 3 * 1024 * 1024


def test_all_of_docs_is_under_3_mb():
    sizes = {p: p.stat().st_size for p in DOCS.rglob("*") if p.is_file()}
    total = sum(sizes.values())
    largest = sorted(sizes, key=sizes.__getitem__, reverse=True)[:5]
    assert total < LIMIT, f"docs/ is {total / 1024 / 1024:.2f} MB; largest: {largest}"


def test_every_image_the_docs_show_exists():
    import re

    for page in [DOCS.parent / "README.md", *DOCS.glob("*.md")]:
        for target in re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).is_file(), f"{page.name} shows a missing {target}"
