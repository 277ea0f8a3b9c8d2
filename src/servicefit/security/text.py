"""One normalisation for every piece of text that reaches the database or a spreadsheet.

PostgreSQL refuses NUL bytes, spreadsheets refuse most control characters, and text copied from
word processors carries invisible junk. Every text field (forms, the candidate's answers and
withdraw reason, imported cells) passes through :func:`clean_text` at the edge, so what is
stored is always printable, NFC-normalised and no longer than its column.
"""

from __future__ import annotations

import re
import unicodedata

#: C0 and C1 control characters, DEL, lone surrogates and the non-characters U+FFFE/U+FFFF.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
#: Line breaks and tabs: kept in multi-line text, turned into spaces in single-line text.
_LINE_SPACE = re.compile("[\t\n\r\x0b\x0c\x85\u2028\u2029]")

#: RFC 5321 limits a forward path to 256 octets, so an address has at most 254 characters.
EMAIL_MAX_LENGTH = 254


class TextTooLong(ValueError):
    """The cleaned text is longer than its column; ``length`` and ``limit`` for the message."""

    def __init__(self, length: int, limit: int) -> None:
        super().__init__(f"{length} characters, at most {limit} allowed")
        self.length = length
        self.limit = limit


def clean_text(value: object, *, multiline: bool = False, max_length: int | None = None) -> str:
    """``value`` as storable text: NFC, no control characters, stripped, at most ``max_length``.

    Multi-line text keeps its line breaks (``\\r\\n`` and ``\\r`` become ``\\n``) and tabs;
    single-line text has them turned into spaces and runs of spaces collapsed. Raises
    :class:`TextTooLong` when the cleaned text is still too long (nothing is cut silently).
    """
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if multiline:
        text = text.replace("\x0b", "\n").replace("\x0c", "\n")
        text = _CONTROL.sub("", text)
    else:
        text = _LINE_SPACE.sub(" ", text)
        text = _CONTROL.sub("", text)
        text = re.sub(" {2,}", " ", text)
    text = unicodedata.normalize("NFC", text).strip()
    if max_length is not None and len(text) > max_length:
        raise TextTooLong(len(text), max_length)
    return text


def printable(value: str) -> str:
    """Text for an export cell: control characters (already stored ones too) removed."""
    return _CONTROL.sub("", _LINE_SPACE.sub(" ", value)) if _needs_cleaning(value) else value


def _needs_cleaning(value: str) -> bool:
    return bool(_CONTROL.search(value) or _LINE_SPACE.search(value))
