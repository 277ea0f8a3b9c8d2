"""The README's command list names every `servicefit` command and points to the API docs."""

from __future__ import annotations

import argparse
from pathlib import Path

from servicefit.cli import build_parser

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_command_is_in_the_readme():
    parser = build_parser([])
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    text = README.read_text(encoding="utf-8")
    missing = [name for name in commands.choices if f"servicefit {name}" not in text]
    assert missing == []


def test_the_readme_points_integrators_to_the_api_docs():
    text = README.read_text(encoding="utf-8")
    assert "(docs/api.md)" in text and "(docs/integrations.md)" in text
