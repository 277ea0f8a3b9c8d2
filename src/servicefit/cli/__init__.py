"""The ``servicefit`` command.

Each command group lives in its own module exposing ``register(subparsers)``; a handler
receives the parsed ``argparse.Namespace`` and returns the process exit code. Commands that
need the database set Django up lazily, so the pure toolbox (``stats``, ``score``,
``content``, ``reply``) starts fast and works without a configured project.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
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


def _replace_unencodable_output() -> None:
    """Print what a terminal's encoding cannot show as "?" instead of ending in a traceback.

    Reports hold typographic quotes, dashes and bars; on a terminal set to Latin-1 or ASCII the
    first of them raised UnicodeEncodeError. Data written as UTF-8 files is not affected.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if reconfigure is not None and encoding not in {"utf8", "utf16", "utf32"}:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="replace")


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    _replace_unencodable_output()
    parser = build_parser(argv)
    args, extra = parser.parse_known_args(argv)
    if extra:  # said by the (sub)command's own parser, with its own usage line
        _innermost(parser, argv).error(f"unrecognized arguments: {' '.join(extra)}")
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
    except BrokenPipeError:
        # The reader went away (`servicefit … | head`): stop quietly, as other Unix tools do.
        # stdout is pointed at /dev/null so the interpreter's final flush does not fail too.
        with contextlib.suppress(OSError, ValueError):  # a stdout without a file descriptor
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what the shell reports for a tool killed by it
    except Exception as exc:
        message = _setup_error(exc)
        if message is None:
            raise
        print(f"servicefit: error: {message}", file=sys.stderr)
        return 2


def _innermost(parser: argparse.ArgumentParser, argv: Sequence[str]) -> argparse.ArgumentParser:
    """The parser of the deepest subcommand named in ``argv`` (``api-token create``…)."""
    for token in argv:
        actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not actions:
            break
        choices = actions[0].choices
        if token in choices:
            parser = choices[token]
    return parser


def _setup_error(exc: Exception) -> str | None:
    """One line for a settings or database set-up problem, ``None`` for anything else.

    Django is only consulted when a command has loaded it (the toolbox commands never do).
    """
    if "django" not in sys.modules:
        return None
    from django.core.exceptions import ImproperlyConfigured
    from django.db import OperationalError, ProgrammingError

    if isinstance(exc, ImproperlyConfigured):
        return f"bad setting: {exc}"
    if isinstance(exc, OperationalError | ProgrammingError):
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if "no such table" in text or ("relation" in text and "does not exist" in text):
            return f"the database is not set up ({text}): run 'servicefit manage migrate' first"
        if isinstance(exc, OperationalError):
            return f"cannot use the database: {text}"
    return None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
