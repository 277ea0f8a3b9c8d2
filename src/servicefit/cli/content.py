"""``servicefit content check [PATH]``: validate a content tree and list every problem."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from servicefit.content import DEFAULT_ROOT, check_tree


def default_seeds_dir() -> Path | None:
    """Where the seed articles are, if known: ``SERVICEFIT_SEEDS_DIR`` or ``../shared/seeds``."""
    configured = os.environ.get("SERVICEFIT_SEEDS_DIR")
    if configured:
        return Path(configured)
    candidate = Path.cwd().parent / "shared" / "seeds"
    return candidate if candidate.is_dir() else None


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    content = subparsers.add_parser("content", help="work with assessment content")
    actions = content.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="validate content; exit 1 if there are problems")
    check.add_argument("path", nargs="?", type=Path, default=DEFAULT_ROOT, help="content root")
    check.add_argument(
        "--seeds-dir",
        type=Path,
        default=None,
        help="folder with the seed articles (default: $SERVICEFIT_SEEDS_DIR or ../shared/seeds)",
    )
    check.set_defaults(func=run_check)


def run_check(args: argparse.Namespace) -> int:
    seeds_dir = args.seeds_dir or default_seeds_dir()
    problems = check_tree(args.path, seeds_dir=seeds_dir)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) in {args.path}")
        return 1
    print(f"content OK: {args.path}")
    return 0
