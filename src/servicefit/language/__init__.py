"""Written-reply analysis: language, transparent signals with evidence, suggested ratings.

Pure Python (no Django). The entry point is :func:`analyze_reply`::

    from servicefit.language import analyze_reply

    result = analyze_reply(text, expected_language="da", customer_name="Mette Jensen")
    result.ratings["overall"].value, result.to_dict()

Signals are matched with per-language phrase patterns (``patterns/<lang>.yaml``) on words and
their simplemma lemmas, with negation handling; see ``docs/written-reply-analysis.md``.
"""

from servicefit.language.analysis import (
    ANALYSIS_VERSION,
    MAX_REPLY_CHARS,
    ReplyAnalysis,
    analyze_replies,
    analyze_reply,
    courtesy_is_polite,
)
from servicefit.language.detect import SUPPORTED_LANGUAGES, LanguageResult, detect_language
from servicefit.language.errors import (
    PatternFileError,
    ReplyAnalysisError,
    ReplyTooLongError,
    UnsupportedLanguageError,
)
from servicefit.language.ratings import (
    MESSAGES,
    RATING_NAMES,
    ExplanationItem,
    Rating,
    RatingModel,
    load_rating_model,
)
from servicefit.language.readability import TextMetrics
from servicefit.language.signals import SIGNAL_COMPETENCIES, SIGNAL_LABELS, Signal

__all__ = [
    "ANALYSIS_VERSION",
    "MAX_REPLY_CHARS",
    "MESSAGES",
    "RATING_NAMES",
    "SIGNAL_COMPETENCIES",
    "SIGNAL_LABELS",
    "SUPPORTED_LANGUAGES",
    "ExplanationItem",
    "LanguageResult",
    "PatternFileError",
    "Rating",
    "RatingModel",
    "ReplyAnalysis",
    "ReplyAnalysisError",
    "ReplyTooLongError",
    "Signal",
    "TextMetrics",
    "UnsupportedLanguageError",
    "analyze_replies",
    "analyze_reply",
    "courtesy_is_polite",
    "detect_language",
    "load_rating_model",
]
