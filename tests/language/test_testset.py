"""The unseen test set (``evaluation/language/testset``) is well formed, is unlike everything
the analysis was built on, and is reported by ``evaluate.py`` with the shipped models.

The test set exists to say what holds on data nobody tuned on, so these tests guard what makes
that claim true: its situations are in neither the development set nor the training
supplement, no reply text appears in either, and the report judges the shipped models as they
are (no training on it). They also catch the slips of hand-edited files that would silently
drop a label or a rating (as ``test_devset_format.py`` does for the development set).
"""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from servicefit.language.signals import SIGNAL_LABELS
from servicefit.language.training_data import load_devset, load_supplement
from tests.language.test_devset_format import HARD_CASES as DEVSET_HARD_CASES
from tests.language.test_devset_format import LANGUAGES, RATING_NAMES

ROOT = Path(__file__).resolve().parents[2]
TESTSET = ROOT / "evaluation" / "language" / "testset"
DEVSET_DIR = ROOT / "evaluation" / "language" / "devset"
SITUATIONS = {"pharmacy_prescription", "concert_refund"}
#: The issue's hard cases as the development set tags them, without a reply in the wrong
#: language (the test set has none) and with a deflection to a third party.
HARD_CASES = (DEVSET_HARD_CASES - {"wrong_language"}) | {"deflection"}


def _file(language: str) -> dict:
    return yaml.safe_load((TESTSET / f"{language}.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_reply_is_labelled_with_substrings_of_its_text_and_rated(language: str) -> None:
    data = _file(language)
    assert data["language"] == language and data["set"] == "test"
    replies = data["replies"]
    ratings = yaml.safe_load(
        (TESTSET / "ratings" / "a" / f"{language}.yaml").read_text(encoding="utf-8")
    )["ratings"]
    problems = []
    for reply in replies:
        rid = reply["id"]
        if not rid.startswith(f"{language}-ts-"):
            problems.append(f"{rid}: id")
        if reply["message"] not in SITUATIONS:
            problems.append(f"{rid}: situation {reply['message']!r}")
        for label, spans in (reply.get("signals") or {}).items():
            if label not in SIGNAL_LABELS:
                problems.append(f"{rid}: unknown label {label!r}")
            for span in spans or []:
                if not span or span not in reply["text"]:
                    problems.append(f"{rid}: {label} evidence {span!r} is not in the text")
        if set(ratings.get(rid, {})) != set(RATING_NAMES):
            problems.append(f"{rid}: ratings {ratings.get(rid)}")
        unknown = set(reply.get("hard_cases") or []) - HARD_CASES
        if unknown:
            problems.append(f"{rid}: hard cases {sorted(unknown)}")
    assert not problems, "\n".join(problems)
    assert set(ratings) == {r["id"] for r in replies}
    per_situation = Counter(r["message"] for r in replies)
    assert per_situation == {"pharmacy_prescription": 12, "concert_refund": 12}
    hard = {case for r in replies for case in r.get("hard_cases") or []}
    assert hard == HARD_CASES, f"{language}: missing {sorted(HARD_CASES - hard)}"
    assert len({r["author"] for r in replies}) == 3


def test_the_test_set_shares_no_situation_and_no_text_with_what_the_analysis_learned_from():
    tested = load_devset(TESTSET)
    assert len(tested) == 120
    learned = load_devset(DEVSET_DIR) + load_supplement()
    learned_situations = {r.situation.removeprefix("supplement:") for r in learned}
    assert not {r.situation for r in tested} & learned_situations
    learned_texts = {" ".join(r.text.split()) for r in learned}
    assert not [r.id for r in tested if " ".join(r.text.split()) in learned_texts]


def _evaluate_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "servicefit_eval_language_testset", ROOT / "evaluation" / "language" / "evaluate.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_report_counts_the_shipped_analysis_against_the_labels(tmp_path, capsys) -> None:
    """Two replies in a folder of the test set's layout: the patterns-only system finds the
    apology in the first (a true positive) and misses the blame of the second (a false
    negative); the counts and the rating agreement come out of the same run."""
    (tmp_path / "ratings" / "a").mkdir(parents=True)
    (tmp_path / "en.yaml").write_text(
        yaml.safe_dump(
            {
                "language": "en",
                "replies": [
                    {
                        "id": "en-ts-x-01",
                        "message": "x",
                        "customer_name": "Ann Lee",
                        "text": "Hi Ann, I'm so sorry about the delay. Kind regards, Bo",
                        "signals": {
                            "greeting": ["Hi Ann"],
                            "customer_name": ["Ann"],
                            "apology": ["I'm so sorry"],
                            "closing": ["Kind regards"],
                        },
                    },
                    {
                        "id": "en-ts-x-02",
                        "message": "x",
                        "customer_name": "Ann Lee",
                        "text": "The doctor sent it late, so that is on them.",
                        "signals": {"blame": ["that is on them"]},
                    },
                ],
            }
        ),
        encoding="utf-8",
    )
    (tmp_path / "ratings" / "a" / "en.yaml").write_text(
        "rater: a\nlanguage: en\nratings:\n"
        "  en-ts-x-01: {courtesy: 5, empathy: 3, ownership: 2, clarity: 3, overall: 3}\n"
        "  en-ts-x-02: {courtesy: 2, empathy: 1, ownership: 1, clarity: 2, overall: 1}\n",
        encoding="utf-8",
    )
    evaluate = _evaluate_module()
    scopes = evaluate.testset_report(tmp_path, ["patterns"])
    out = capsys.readouterr().out
    assert "UNSEEN TEST SET: 2 replies (x)" in out
    (scope,) = scopes
    counts = scope.counts["en"]
    assert (counts["apology"].tp, counts["apology"].fp, counts["apology"].fn) == (1, 0, 0)
    assert (counts["blame"].tp, counts["blame"].fn) == (0, 1)
    assert set(scope.suggested) == {"en-ts-x-01", "en-ts-x-02"}
