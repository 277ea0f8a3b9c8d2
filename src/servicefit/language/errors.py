"""Exceptions raised by the written-reply analysis."""

from __future__ import annotations


class ReplyAnalysisError(ValueError):
    """Base class: the reply or the request cannot be analysed as given."""


class ReplyTooLongError(ReplyAnalysisError):
    """The reply is longer than :data:`servicefit.language.MAX_REPLY_CHARS`."""

    def __init__(self, length: int, limit: int) -> None:
        super().__init__(
            f"the reply has {length:,} characters; replies longer than {limit:,} characters "
            "are not analysed (shorten it or split it)"
        )
        self.length = length
        self.limit = limit


class UnsupportedLanguageError(ReplyAnalysisError):
    """The expected language is not one the analysis has patterns for."""

    def __init__(self, language: str, supported: tuple[str, ...]) -> None:
        super().__init__(
            f"language {language!r} is not supported; choose one of {', '.join(supported)}"
        )
        self.language = language
        self.supported = supported


class PatternFileError(ReplyAnalysisError):
    """A shipped pattern file is malformed (a packaging bug, not a user error)."""
