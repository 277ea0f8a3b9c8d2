"""Shared helpers for the written-reply analysis tests."""

from __future__ import annotations

from servicefit.language import ReplyAnalysis, analyze_reply


def analyze(text: str, language: str, name: str | None = None) -> ReplyAnalysis:
    return analyze_reply(text, expected_language=language, customer_name=name)


def labels(text: str, language: str, name: str | None = None) -> set[str]:
    return set(analyze(text, language, name).labels)


def evidence(result: ReplyAnalysis, label: str) -> list[str]:
    return [s.text for s in result.signals_for(label)]
