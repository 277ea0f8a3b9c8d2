"""``servicefit reply analyze``: JSON and text output, stdin, and clear errors."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from servicefit.cli import main

REPLY = (
    "Hej Mette,\n\nJeg er ked af forsinkelsen. Jeg har refunderet fragten i dag.\n\nVenlig hilsen"
)


def run(
    argv: list[str], capsys: pytest.CaptureFixture[str], stdin: bytes | None = None
) -> tuple[int, str, str]:
    if stdin is not None:
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin))
    try:
        code = main(argv)
    finally:
        sys.stdin = sys.__stdin__
    out, err = capsys.readouterr()
    return code, out, err


def test_it_prints_one_json_object(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "reply.txt"
    path.write_text(REPLY, encoding="utf-8")
    code, out, _ = run(
        ["reply", "analyze", str(path), "--language", "da", "--customer-name", "Mette Jensen",
         "--json"],
        capsys,
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["language"]["detected"] == "da"
    assert data["language"]["matches_expected"] is True
    assert {"language", "signals", "ratings", "explanation"} <= set(data)
    assert set(data["ratings"]) == {"courtesy", "empathy", "ownership", "clarity", "overall"}
    apology = [s for s in data["signals"] if s["label"] == "apology"]
    assert apology and REPLY[apology[0]["start"] : apology[0]["end"]] == apology[0]["text"]


def test_it_reads_standard_input_and_prints_a_report(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["reply", "analyze", "-", "--language", "da"], capsys, REPLY.encode())
    assert code == 0
    assert "Language: da" in out
    assert "apology" in out
    assert "overall" in out


def test_it_reports_a_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["reply", "analyze", "/no/such/reply.txt", "--language", "en"], capsys)
    assert code == 2
    assert "no such file" in err


def test_it_reports_text_that_is_not_utf8(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Undskyld, æøå".encode("latin-1"))
    code, _, err = run(["reply", "analyze", str(path), "--language", "da"], capsys)
    assert code == 2
    assert "not UTF-8" in err


def test_it_reports_an_unsupported_language(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["reply", "analyze", "-", "--language", "fr"], capsys, b"Bonjour")
    assert code == 2
    assert "not supported" in err


def test_it_reports_an_overlong_reply(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["reply", "analyze", "-", "--language", "en"], capsys, b"a" * 50_000)
    assert code == 2
    assert "50,000 characters" in err
