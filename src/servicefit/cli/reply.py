"""``servicefit reply analyze``: signals, evidence and suggested ratings for a written reply.

Reads the reply from FILE (UTF-8) or standard input (``-``, the default), and prints a
readable report, or one JSON object with ``--json``::

    servicefit reply analyze reply.txt --language da --customer-name "Mette Jensen" --json

Bad input (a missing or undecodable file, an unsupported language, an overlong reply) ends
with one ``servicefit: error: ...`` line and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from servicefit.cli import CommandError

__all__ = ["register"]

_CONTROL = {c: " " for c in range(32) if c not in (9, 10)}


def register(subparsers: Any) -> None:
    reply = subparsers.add_parser(
        "reply",
        help="analyse written replies to customers",
        description="Analyse a candidate's written reply to an upset customer.",
    )
    commands = reply.add_subparsers(dest="reply_command", metavar="SUBCOMMAND")
    analyze = commands.add_parser(
        "analyze",
        help="language, signals with evidence, suggested ratings",
        description="Language, signals with evidence spans and suggested 1-5 ratings.",
    )
    analyze.add_argument(
        "file", nargs="?", default="-", metavar="FILE|-", help="reply text (UTF-8); - = stdin"
    )
    analyze.add_argument(
        "--language",
        "-l",
        required=True,
        help="the language the reply should be in: en, da, sv, nb or pl",
    )
    analyze.add_argument("--customer-name", default=None, help="the customer's name")
    analyze.add_argument("--json", action="store_true", help="print one JSON object")
    analyze.set_defaults(func=run_analyze)

    def no_subcommand(args: argparse.Namespace) -> int:
        reply.print_help()
        return 2

    reply.set_defaults(func=no_subcommand)


def _read(source: str) -> str:
    if source == "-":
        data = sys.stdin.buffer.read()
        name = "standard input"
    else:
        try:
            with open(source, "rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            raise CommandError(f"{source}: no such file") from None
        except IsADirectoryError:
            raise CommandError(f"{source}: is a directory, not a file") from None
        except OSError as exc:
            raise CommandError(f"{source}: cannot read ({exc.strerror})") from None
        name = source
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CommandError(f"{name}: not UTF-8 text (byte {exc.start})") from None


def run_analyze(args: argparse.Namespace) -> int:
    from servicefit.language import ReplyAnalysisError, analyze_reply

    text = _read(args.file)
    try:
        result = analyze_reply(
            text, expected_language=args.language, customer_name=args.customer_name
        )
    except ReplyAnalysisError as exc:
        raise CommandError(str(exc)) from None
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(render_report(result.to_dict()))
    return 0


def _safe(text: str) -> str:
    """Evidence as one terminal-safe line."""
    return text.translate(_CONTROL).replace("\n", " ⏎ ")


def render_report(data: dict[str, Any]) -> str:
    lang = data["language"]
    lines = []
    if lang["detected"] is None:
        lines.append(f"Language: none detected (expected {lang['expected']})")
    else:
        verdict = (
            "uncertain"
            if lang["uncertain"]
            else "as expected"
            if lang["matches_expected"]
            else f"NOT the expected {lang['expected']}"
        )
        lines.append(
            f"Language: {lang['detected']} (confidence {lang['confidence']:.2f}, {verdict})"
        )
    m = data["metrics"]
    lix = f"LIX {m['lix']} ({m['readability']})" if m["readability"] else "no readability"
    lines.append(f"Length: {m['words']} words, {m['sentences']} sentences ({m['length']}); {lix}")
    lines.append("")
    lines.append("Signals:")
    if not data["signals"]:
        lines.append("  (none)")
    for s in data["signals"]:
        mark = "-" if s["polarity"] == "negative" else "+"
        lines.append(
            f"  {mark} {s['label']:<20} {s['start']:>5}-{s['end']:<5} “{_safe(s['text'])}”"
        )
    lines.append("")
    lines.append("Suggested ratings (a person confirms or changes each):")
    for name, value in data["ratings"].items():
        lines.append(f"  {name:<10} {value}  {'■' * value}{'□' * (5 - value)}")
        for item in data["explanation"][name]:
            lines.append(f"      {_safe(item['text'])}")
    lines.append("")
    lines.append(f"analysis version {data['version']}")
    return "\n".join(lines)
