"""The sentences of a reply, as the sentence model reads them.

A sentence is a run of tokens between sentence breaks (:attr:`Token.sentence_break_before`:
``.!?…`` or a line break), kept as its character span and its token range so that features
and evidence index into the reply exactly. Sentences shorter than :data:`MIN_WORDS` words
(greetings, sign-offs, "Hi,") are never classified; :func:`classifiable_sentences` gives the
texts of the others, for embedding them ahead of the analysis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from servicefit.language.text import Token, tokenize

__all__ = ["MIN_WORDS", "Sentence", "classifiable_sentences", "split_sentences"]

#: Sentences with fewer words than this are never classified (greetings, sign-offs, "Hi,").
MIN_WORDS = 3


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of the reply: character span and its token range."""

    start: int
    end: int
    first: int  # index of the first token
    last: int  # index of the last token (inclusive)

    @property
    def words(self) -> int:
        return self.last - self.first + 1


def split_sentences(tokens: Sequence[Token]) -> list[Sentence]:
    """Sentences as runs of tokens between sentence breaks (``.!?…`` or a line break)."""
    sentences: list[Sentence] = []
    first = 0
    for i in range(1, len(tokens) + 1):
        if i == len(tokens) or tokens[i].sentence_break_before:
            sentences.append(Sentence(tokens[first].start, tokens[i - 1].end, first, i - 1))
            first = i
    return sentences


def classifiable_sentences(text: str) -> list[str]:
    """The sentences of ``text`` the sentence model scores (at least :data:`MIN_WORDS`
    words), as :meth:`.sentence_model.SentenceModel.sentence_probabilities` cuts them."""
    return [text[s.start : s.end] for s in split_sentences(tokenize(text)) if s.words >= MIN_WORDS]
