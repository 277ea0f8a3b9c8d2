"""The ``servicefit`` command.

Each command group lives in its own module exposing ``register(subparsers)``; a handler
receives the parsed ``argparse.Namespace`` and returns the process exit code. Commands that
need the database set Django up lazily, so the pure toolbox (``stats``, ``score``,
``content``, ``reply``) starts fast and works without a configured project.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from servicefit import __version__

#: Modules under ``servicefit.cli`` that contribute subcommands, in help order.
COMMAND_MODULES = ("content", "stats", "score", "reply", "web", "serve", "api")


class CommandError(Exception):
    """A user-facing failure: printed as one line to stderr, exit status 2 by default."""

    def __init__(self, message: str, *, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _modules_for(argv: Sequence[str] | None) -> tuple[str, ...]:
    """The command modules to import: only the one named on the command line, if any.

    ``servicefit reply analyze`` must start fast, so it does not import the modules of
    other commands (scipy.stats for ``stats``, Django for ``manage``). Help and unknown
    commands import them all, so every command is listed.
    """
    if argv:
        first = next((a for a in argv if not a.startswith("-")), None)
        if first in COMMAND_MODULES and first == argv[0]:
            return (first,)
    return COMMAND_MODULES


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="servicefit",
        description="ServiceFit: assessment and structured hiring for customer-service staff.",
    )
    parser.add_argument("--version", action="version", version=f"servicefit {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _modules_for(argv):
        try:
            module = importlib.import_module(f"servicefit.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"servicefit.cli.{name}":
                continue  # command group not built yet
            raise
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except CommandError as exc:
        print(f"servicefit: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
