"""Offline lemmatisation and dictionary look-ups with simplemma, cached per word.

simplemma ships its dictionaries compressed; decoding one into memory takes seconds of CPU
(about 4 s for Polish), which would dominate a single ``servicefit reply analyze`` call. So
the first use of a language writes its decoded dictionary to an SQLite file in a local cache
folder (``$SERVICEFIT_LEMMA_CACHE``, else ``$XDG_CACHE_HOME/servicefit`` or
``~/.cache/servicefit``), and every later process looks words up there directly: opening it
takes milliseconds. The file is derived from the installed simplemma data only (nothing is
downloaded). When the folder cannot be written, simplemma's in-memory dictionaries are used.
``python -m servicefit.language.lemmas`` builds the files for all five languages ahead of time.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
from collections.abc import Iterator, Mapping, Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from servicefit.language.text import Token

#: simplemma language codes for the supported languages.
LEMMA_LANGUAGES = {"en": "en", "da": "da", "sv": "sv", "nb": "nb", "pl": "pl"}


def cache_dir() -> Path:
    """Where the decoded dictionaries are kept (one folder per simplemma version)."""
    import simplemma

    override = os.environ.get("SERVICEFIT_LEMMA_CACHE")
    if override:
        base = Path(override)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = (Path(xdg) if xdg else Path.home() / ".cache") / "servicefit"
    return base / f"simplemma-{getattr(simplemma, '__version__', 'unknown')}"


def _build(path: Path, language: str) -> None:
    """Decode simplemma's dictionary for ``language`` into an SQLite file (atomically)."""
    from simplemma.strategies.dictionaries.dictionary_factory import _load_dictionary_from_disk

    data = _load_dictionary_from_disk(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with contextlib.closing(sqlite3.connect(tmp)) as db:
        db.execute("CREATE TABLE d (k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID")
        db.executemany("INSERT OR REPLACE INTO d VALUES (?, ?)", data.items())
        db.commit()
    os.replace(tmp, path)


def _factory() -> Any:
    """A simplemma dictionary factory reading the SQLite files (built on first use)."""
    from simplemma.strategies.dictionaries.dictionary_factory import (
        CachingDictionaryFactory,
        DecodedStrMapping,
        DefaultDictionaryFactory,
    )

    class SqliteMapping(DecodedStrMapping):
        def __init__(self, path: Path) -> None:
            self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)

        def _lookup(self, key: str) -> str | None:
            row = self._db.execute("SELECT v FROM d WHERE k = ?", (key.encode(),)).fetchone()
            return row[0].decode() if row else None

        def __iter__(self) -> Iterator[str]:
            for (key,) in self._db.execute("SELECT k FROM d"):
                yield key.decode()

        def __len__(self) -> int:
            return int(self._db.execute("SELECT count(*) FROM d").fetchone()[0])

    fallback = DefaultDictionaryFactory()

    class SqliteDictionaryFactory(CachingDictionaryFactory):
        def _get_dictionary_uncached(self, lang: str) -> Mapping[str, str]:
            path = cache_dir() / f"{lang}.sqlite"
            try:
                if not path.is_file():
                    _build(path, lang)
                return SqliteMapping(path)
            except (OSError, sqlite3.Error):
                return fallback.get_dictionary(lang)

    return SqliteDictionaryFactory()


@cache
def _tools() -> tuple[Any, Any]:
    """(lemmatizer, dictionary look-up) sharing one dictionary factory."""
    from simplemma import Lemmatizer
    from simplemma.strategies import DefaultStrategy, DictionaryLookupStrategy

    factory = _factory()
    return (
        Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=factory)),
        DictionaryLookupStrategy(factory),
    )


@lru_cache(maxsize=200_000)
def lemma(word: str, language: str) -> str:
    """simplemma's lemma of ``word`` (lower case), cached."""
    try:
        return str(_tools()[0].lemmatize(word, LEMMA_LANGUAGES[language])).lower()
    except (ValueError, KeyError):  # pragma: no cover - unknown language code
        return word


def lemmas_of(tokens: Sequence[Token], language: str) -> list[str]:
    return [lemma(t.lower, language) for t in tokens]


@lru_cache(maxsize=50_000)
def is_word(word: str, language: str) -> bool:
    """Is ``word`` (lower case) in simplemma's dictionary for ``language``?

    Used to tell a shouted word ("NOT", "ALREADY") from an acronym ("BTW", "GDPR").
    """
    from simplemma.utils import normalize_token

    try:
        token = normalize_token(word)
        return _tools()[1].get_lemma(token, LEMMA_LANGUAGES[language]) is not None
    except (ValueError, KeyError):  # pragma: no cover - unknown language code
        return False


def main(argv: Sequence[str] | None = None) -> int:
    """Build the decoded dictionaries for every supported language."""
    for language in LEMMA_LANGUAGES.values():
        path = cache_dir() / f"{language}.sqlite"
        if not path.is_file():
            _build(path, language)
        print(f"{language}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
