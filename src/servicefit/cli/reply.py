"""``servicefit reply analyze``: signals, evidence and suggested ratings for a written reply.

Reads the reply from FILE (UTF-8) or standard input (``-``, the default), and prints a
readable report, or one JSON object with ``--json``::

    servicefit reply analyze reply.txt --language da --customer-name "Mette Jensen" --json

``--jsonl FILE|-`` analyses many replies in one process (the detectors load once): each input
line is a JSON object with ``text``, ``language`` and optionally ``customer_name`` and ``id``;
each output line is the ``--json`` object plus ``id``, ``line`` and ``why`` for every signal,
or ``{"id", "line", "error"}`` for a line that cannot be analysed (not JSON, not UTF-8, no
text, an unsupported language ...; exit status 1 then).
With the embeddings model the sentences of ``--batch`` lines (64) are embedded together
before those lines are analysed and written (same results, faster); ``--workers 2``
analyses in two forked processes (both cores; same output, in input order).

Bad input (a missing or undecodable file, an unsupported language, an overlong reply) ends
with one ``servicefit: error: ...`` line and exit status 2.
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import sys
from collections.abc import Iterator
from typing import IO, Any, NamedTuple

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
        default=None,
        help="the language the reply should be in: en, da, sv, nb or pl "
        "(with --jsonl: the default for lines without one)",
    )
    analyze.add_argument("--customer-name", default=None, help="the customer's name")
    analyze.add_argument("--json", action="store_true", help="print one JSON object")
    analyze.add_argument(
        "--jsonl",
        metavar="FILE|-",
        default=None,
        help="analyse one JSON object per line (text, language, customer_name, id); "
        "write one result per line",
    )
    analyze.add_argument(
        "--batch",
        type=_positive,
        default=64,
        metavar="N",
        help="with --jsonl and --sentence-model e5: embed the sentences of N lines together "
        "before writing their results (default 64; 1 = line by line)",
    )
    analyze.add_argument(
        "--workers",
        type=_positive,
        default=1,
        metavar="N",
        help="with --jsonl: analyse in N processes (e.g. 2 on two cores; default 1); "
        "the output is in input order either way",
    )
    analyze.add_argument(
        "--explain",
        action="store_true",
        help="with --json: add why each signal was found (pattern or sentence model)",
    )
    analyze.add_argument(
        "--sentence-model",
        choices=("auto", "lemma", "e5", "off"),
        default="auto",
        help="the sentence classifier for empathy, ownership, blame and condescension: "
        "auto (= lemma), lemma, e5 (needs the embeddings extra), or off (patterns only)",
    )
    analyze.set_defaults(func=run_analyze)

    def no_subcommand(args: argparse.Namespace) -> int:
        reply.print_help()
        return 2

    reply.set_defaults(func=no_subcommand)


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, not {value!r}")
    return number


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


def _model(choice: str) -> Any:
    from servicefit.language.analysis import resolve_sentence_model

    model = resolve_sentence_model(choice)
    if model is None and choice in ("lemma", "e5"):
        hint = " (install servicefit[embeddings])" if choice == "e5" else ""
        raise CommandError(f"the {choice} sentence model is not available{hint}")
    return model


def run_analyze(args: argparse.Namespace) -> int:
    if args.jsonl is not None:
        if args.file != "-":
            raise CommandError("give either FILE or --jsonl FILE, not both")
        return run_batch(args)
    if not args.language:
        raise CommandError("--language is required (en, da, sv, nb or pl)")
    from servicefit.language import ReplyAnalysisError, analyze_reply

    text = _read(args.file)
    if not text.strip():
        where = "standard input" if args.file == "-" else args.file
        raise CommandError(f"{where}: no text to analyse (the reply is empty)")
    model = _model(args.sentence_model)
    try:
        result = analyze_reply(
            text,
            expected_language=args.language,
            customer_name=args.customer_name,
            sentence_model=model,
        )
    except ReplyAnalysisError as exc:
        raise CommandError(str(exc)) from None
    if args.json:
        print(json.dumps(result.to_dict(explain=args.explain), indent=2, ensure_ascii=False))
    else:
        print(render_report(result.to_dict(explain=True)))
    return 0


class _NotUTF8(NamedTuple):
    """An input line that is not UTF-8: reported on its own output line, as a line that is
    not JSON is, instead of ending the run (the lines after it are still analysed)."""

    byte: int


def _lines(source: str) -> Iterator[tuple[int, str | _NotUTF8]]:
    if source == "-":
        handle: IO[bytes] = sys.stdin.buffer
    else:
        try:
            handle = open(source, "rb")  # noqa: SIM115 - closed below
        except FileNotFoundError:
            raise CommandError(f"{source}: no such file") from None
        except IsADirectoryError:
            raise CommandError(f"{source}: is a directory, not a file") from None
        except OSError as exc:
            raise CommandError(f"{source}: cannot read ({exc.strerror})") from None
    try:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                yield number, _NotUTF8(exc.start)
                continue
            yield number, line
    finally:
        if handle is not sys.stdin.buffer:
            handle.close()


def _analyse_line(
    number: int, line: str | _NotUTF8, *, default_language: str | None, model: Any
) -> dict[str, Any]:
    from servicefit.language import ReplyAnalysisError, analyze_reply

    if isinstance(line, _NotUTF8):
        return {"id": None, "line": number, "error": f"not UTF-8 text (byte {line.byte})"}
    try:
        # without its line break: an unterminated string is reported as one, not as a
        # "control character" (the line break it ran into)
        item = json.loads(line.rstrip("\r\n"))
    except json.JSONDecodeError as exc:
        where = exc.msg if exc.msg.endswith(" at") else exc.msg + " at"
        return {"id": None, "line": number, "error": f"not JSON: {where} column {exc.colno}"}
    if not isinstance(item, dict):
        return {"id": None, "line": number, "error": "expected a JSON object"}
    rid = item.get("id")
    text, language, name = item.get("text"), item.get("language"), item.get("customer_name")
    language = language if language is not None else default_language
    if not isinstance(text, str):
        return {"id": rid, "line": number, "error": "'text' must be a string"}
    if not text.strip():
        return {"id": rid, "line": number, "error": "'text' is empty"}
    if not isinstance(language, str) or not language:
        return {
            "id": rid,
            "line": number,
            "error": "'language' must be a language code (en, da, sv, nb or pl)",
        }
    if name is not None and not isinstance(name, str):
        return {"id": rid, "line": number, "error": "'customer_name' must be a string"}
    try:
        result = analyze_reply(
            text, expected_language=language, customer_name=name, sentence_model=model
        )
    except ReplyAnalysisError as exc:
        return {"id": rid, "line": number, "error": str(exc)}
    return {"id": rid, "line": number, **result.to_dict(explain=True)}


def _texts(lines: list[tuple[int, str | _NotUTF8]]) -> Iterator[str]:
    """The ``text`` of each line that holds one (the others fail later, line by line)."""
    for _, line in lines:
        if isinstance(line, _NotUTF8):
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(item, dict) and isinstance(item.get("text"), str):
            yield item["text"]


#: What the worker processes of ``--workers`` analyse with (set before they are forked).
_WORKER_STATE: tuple[str | None, Any] = (None, None)


def _analyse_chunk(chunk: list[tuple[int, str | _NotUTF8]]) -> list[dict[str, Any]]:
    """The results of some lines, their sentences embedded together first (embeddings model)."""
    from servicefit.language.analysis import MAX_REPLY_CHARS
    from servicefit.language.sentence_embeddings import embed_ahead

    default_language, model = _WORKER_STATE
    if len(chunk) > 1:
        embed_ahead(model, (t for t in _texts(chunk) if len(t) <= MAX_REPLY_CHARS))
    return [
        _analyse_line(number, line, default_language=default_language, model=model)
        for number, line in chunk
    ]


def _fork_available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def run_batch(args: argparse.Namespace) -> int:
    """One result per input line; the detectors and the sentence model load once, and with
    the embeddings model the sentences of ``--batch`` lines are embedded together first.

    ``--workers N`` (N > 1) analyses the chunks in N forked processes, in order: the first
    chunk is analysed here, so the models are loaded once and shared with the workers."""
    global _WORKER_STATE
    model = _model(args.sentence_model)
    _WORKER_STATE = (args.language, model)
    failed = 0
    out = sys.stdout
    lines = (
        (number, line)
        for number, line in _lines(args.jsonl)
        if isinstance(line, _NotUTF8) or line.strip()
    )
    # without embeddings there is nothing to batch: each line is written as soon as it is read
    embeds = model is not None and model.config.embeddings
    size = args.batch if embeds else 1
    chunks = iter(lambda: list(itertools.islice(lines, size)), [])

    def write(results: list[dict[str, Any]]) -> None:
        nonlocal failed
        for result in results:
            failed += "error" in result
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()

    first = next(chunks, None)
    if first is not None:
        write(_analyse_chunk(first))
    second = None
    if args.workers > 1 and _fork_available():
        if not embeds:  # line by line is too fine a grain to hand to another process
            chunks = iter(lambda: list(itertools.islice(lines, 64)), [])
        second = next(chunks, None)  # no pool for what the first chunk already held
    if second is not None:
        chunks = itertools.chain([second], chunks)
        with multiprocessing.get_context("fork").Pool(args.workers) as pool:
            for results in pool.imap(_analyse_chunk, chunks):
                write(results)
    else:
        for chunk in chunks:
            write(_analyse_chunk(chunk))
    if failed:
        print(f"servicefit: {failed} line(s) could not be analysed", file=sys.stderr)
        return 1
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
    band = str(m["readability"] or "").replace("_", " ")
    lix = f"LIX {m['lix']} ({band})" if band else "no readability"
    words = f"{m['words']} word{'' if m['words'] == 1 else 's'}"
    sentences = f"{m['sentences']} sentence{'' if m['sentences'] == 1 else 's'}"
    length = str(m["length"]).replace("_", " ")
    lines.append(f"Length: {words}, {sentences} ({length}); {lix}")
    lines.append("")
    lines.append("Signals:")
    if not data["signals"]:
        lines.append("  (none)")
    for s in data["signals"]:
        mark = "-" if s["polarity"] == "negative" else "+"
        lines.append(
            f"  {mark} {s['label']:<20} {s['start']:>5}-{s['end']:<5} “{_safe(s['text'])}”"
        )
        if "why" in s:
            lines.append(f"      found by {_safe(s['why']['text'])}")
    lines.append("")
    lines.append("Suggested ratings (a person confirms or changes each):")
    for name, value in data["ratings"].items():
        lines.append(f"  {name:<10} {value}  {'■' * value}{'□' * (5 - value)}")
        for item in data["explanation"][name]:
            lines.append(f"      {_safe(item['text'])}")
    lines.append("")
    model = data.get("sentence_model")
    lines.append(
        f"analysis version {data['version']}; sentence model: {model or 'off (patterns only)'}"
    )
    return "\n".join(lines)
