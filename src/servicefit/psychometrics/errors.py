"""Exceptions raised by :mod:`servicefit.psychometrics`.

Every error is a :class:`PsychometricsError`, itself a :class:`ValueError`, so callers can
catch the whole family or one specific reason. Messages name the offending argument.
"""

from __future__ import annotations

__all__ = [
    "InsufficientDataError",
    "InvalidResponseError",
    "KeyMismatchError",
    "PsychometricsError",
    "ShapeError",
]


class PsychometricsError(ValueError):
    """Base class for every error raised by the psychometrics package."""


class ShapeError(PsychometricsError):
    """An array has the wrong number of dimensions or an inconsistent size."""


class InvalidResponseError(PsychometricsError):
    """A response lies outside the allowed range or is not a finite number."""


class InsufficientDataError(PsychometricsError):
    """Too few people, items, raters or complete cases to compute a statistic."""


class KeyMismatchError(PsychometricsError):
    """A scoring key, weight or profile does not match the data it is applied to."""
