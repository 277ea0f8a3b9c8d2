"""Decoding an uploaded or given text file (CSV) whose encoding nobody stated.

Spreadsheet programs save "CSV" in whatever the computer's legacy code page is: Excel on
Windows in Denmark, Sweden and Norway writes Windows-1252, in Poland Windows-1250, and its
"Unicode text" is UTF-16 with a byte-order mark and tabs. Reading everything as UTF-8 refuses
those files; reading them as the wrong code page turns "Søren Ærø" into "Sřren Ćrř" without a
word. :func:`decode_text` therefore

1. follows a byte-order mark (UTF-8, UTF-16, UTF-32);
2. otherwise takes strict UTF-8 when the bytes are valid UTF-8 (legacy text with letters
   outside ASCII practically never is), and refuses mostly-UTF-8 with a few broken bytes;
3. otherwise decodes as Windows-1252 and as Windows-1250 and keeps the one whose differing
   characters are letters of the languages ServiceFit serves (æøå äö / ąćęłńśźż ...), and
4. refuses, with a :class:`TextDecodingError` naming the reason, when the bytes are not text
   (full of control bytes; UTF-16 without its mark is recognised by its NULs) or when both code pages read equally well and give
   different letters: then the caller's ``prefer`` hint decides, or nobody guesses.

Pure: no Django; used by the candidate import (web) and by :mod:`servicefit.tabular` (CLI).
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass
from typing import Literal

__all__ = ["DecodedText", "TextDecodingError", "decode_text", "guess_delimiter"]

WESTERN = "cp1252"
CENTRAL = "cp1250"

#: Letters of the languages served (da, sv, nb; pl) and of common names in their countries.
NORDIC_LETTERS = frozenset("æøåäöéüÆØÅÄÖÉÜ")
POLISH_LETTERS = frozenset("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
EXPECTED_LETTERS = NORDIC_LETTERS | POLISH_LETTERS

#: Human names of the encodings reported back to the user.
ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16",
    "utf-16-be": "UTF-16",
    "utf-32": "UTF-32",
    WESTERN: "Windows-1252",
    CENTRAL: "Windows-1250",
}

Reason = Literal["binary", "undecodable", "ambiguous"]


class TextDecodingError(ValueError):
    """The bytes could not be read as text; ``reason`` says why (the caller words it).

    ``binary``: full of NUL and other control bytes, not UTF-16 (an .xls or an image renamed);
    ``undecodable``: a byte-order mark whose encoding fails, bytes neither code page has, or
    UTF-8 with a few invalid bytes (mixed encodings: a code page would garble its letters);
    ``ambiguous``: Windows-1252 and Windows-1250 both read the file equally well.
    """

    def __init__(self, reason: Reason, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason: Reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str
    encoding: str

    @property
    def encoding_name(self) -> str:
        """The encoding as people know it ("Windows-1252", "UTF-16")."""
        return ENCODING_NAMES.get(self.encoding, self.encoding)


SAMPLE_BYTES = 4096
#: More control bytes than this share of the sample: not text (or UTF-16 without a mark).
BINARY_SHARE = 0.1
#: Latin text in UTF-16 has a NUL in (nearly) every other byte.
UTF16_NUL_SHARE = 0.5
_TEXT_CONTROLS = frozenset(b"\t\n\r\x0c")

_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes, *, prefer: str | None = None) -> DecodedText:
    """The text of ``data`` and the encoding it was read in (see the module docstring).

    ``prefer`` (``"cp1252"`` or ``"cp1250"``) settles a tie between the two code pages, e.g.
    from the languages a job is advertised in; without it a tie raises ``ambiguous``.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return DecodedText(data.decode(encoding), encoding)
            except UnicodeDecodeError as exc:
                raise TextDecodingError("undecodable", exc.reason) from None
    sample = data[:SAMPLE_BYTES]
    if _control_share(sample) > BINARY_SHARE:
        utf16 = _utf16_without_mark(sample)
        if utf16 is None:
            raise TextDecodingError("binary")
        try:
            return DecodedText(data.decode(utf16), utf16)
        except UnicodeDecodeError:
            raise TextDecodingError("binary") from None
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(data):
        raise TextDecodingError("undecodable", "UTF-8 with invalid bytes (mixed encodings)")
    return _legacy(data, prefer)


def _mostly_utf8(data: bytes) -> bool:
    """Whether the letters outside ASCII are mostly valid UTF-8 with a few broken bytes.

    Such a file (two files pasted together, one edited in another program) read as a code page
    would turn its UTF-8 letters into "SÃ¸ren" without a word; genuine Windows-1252/1250 text
    practically never holds a valid UTF-8 sequence.
    """
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    valid = sum(1 for char in text if ord(char) > 0x7F and char != "\ufffd")
    return valid >= broken


def _control_share(sample: bytes) -> float:
    """The share of control bytes (NUL and the like, not tab or line breaks) in ``sample``.

    Text has none or a stray one (cleaned later); UTF-16 without its mark and binary files
    (an .xls or a picture renamed .csv) are full of them.
    """
    if not sample:
        return 0.0
    controls = sum(1 for byte in sample if byte < 0x20 and byte not in _TEXT_CONTROLS)
    return controls / len(sample)


def _utf16_without_mark(sample: bytes) -> str | None:
    """``utf-16-le``/``-be`` when the NULs sit in every other byte (mostly-Latin UTF-16)."""
    even, odd = sample[0::2], sample[1::2]
    if not even or not odd:
        return None
    even_nul, odd_nul = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_nul > UTF16_NUL_SHARE and even_nul < BINARY_SHARE:
        return "utf-16-le"
    if even_nul > UTF16_NUL_SHARE and odd_nul < BINARY_SHARE:
        return "utf-16-be"
    return None


def _legacy(data: bytes, prefer: str | None) -> DecodedText:
    readings: dict[str, str] = {}
    for encoding in (WESTERN, CENTRAL):
        try:
            readings[encoding] = data.decode(encoding)
        except UnicodeDecodeError:
            continue
    if not readings:
        raise TextDecodingError("undecodable", "neither Windows-1252 nor Windows-1250")
    if len(readings) == 1:
        ((encoding, text),) = readings.items()
        return DecodedText(text, encoding)
    western, central = readings[WESTERN], readings[CENTRAL]
    score_w = score_c = 0
    for a, b in zip(western, central, strict=True):
        if a != b:
            score_w += _plausibility(a)
            score_c += _plausibility(b)
    if score_w > score_c or (score_w == score_c and western == central):
        return DecodedText(western, WESTERN)
    if score_c > score_w:
        return DecodedText(central, CENTRAL)
    if prefer in readings:
        return DecodedText(readings[prefer], prefer)
    raise TextDecodingError("ambiguous")


def _plausibility(char: str) -> int:
    """+1 for a letter of the languages served, 0 for another letter, -1 for a symbol.

    A Polish "ł" read as Windows-1252 is "³", a Danish "ø" read as Windows-1250 is "ř": the
    wrong code page gives symbols and foreign letters where the right one gives expected ones.
    """
    if char in EXPECTED_LETTERS:
        return 1
    return 0 if unicodedata.category(char).startswith("L") else -1


def guess_delimiter(text: str) -> str:
    """The field separator of a CSV text, read off its header line: ``,`` ``;`` or tab.

    Excel writes ``;`` where the decimal separator is a comma (da, sv, nb, pl) and tabs in
    "Unicode text". The header holds column names only, so the separator that occurs most in
    it is the one; a value such as "Hansen, Søren" further down cannot mislead it.
    """
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","
