"""The second, independent pass over the written-reply development set and its agreement script.

Rater/labeller b's files (``evaluation/language/ratings/b`` and ``labels/b``) are edited by
hand, so these tests catch slips: an evidence string that is not in its reply (it would drop
out of the span figures), a reply without ratings or labels (it would drop out of the
agreement), a misspelt label. ``evaluation/language/agreement.py`` is run on the real files
(every figure in range) and on small hand-made files whose kappa and span share are worked
out below.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from servicefit.language.signals import SIGNAL_LABELS

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT / "evaluation" / "language"
SCRIPT = EVAL / "agreement.py"
LANGUAGES = ("en", "da", "sv", "nb", "pl")
RATING_NAMES = ("courtesy", "empathy", "ownership", "clarity", "overall")


def _load(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _agreement_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("servicefit_eval_agreement", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def agreement() -> ModuleType:
    return _agreement_module()


# --- the data -------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_reply_has_b_ratings(language: str) -> None:
    replies = _load(EVAL / "devset" / f"{language}.yaml")["replies"]
    data = _load(EVAL / "ratings" / "b" / f"{language}.yaml")
    assert data["rater"] == "b" and data["language"] == language
    ratings = data["ratings"]
    ids = [r["id"] for r in replies]
    assert sorted(ratings) == sorted(ids), "rater b must rate exactly the devset's replies"
    for rid, values in ratings.items():
        assert set(values) == set(RATING_NAMES), rid
        assert all(isinstance(v, int) and 1 <= v <= 5 for v in values.values()), rid


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_reply_has_b_labels_that_quote_its_text(language: str) -> None:
    replies = {r["id"]: r for r in _load(EVAL / "devset" / f"{language}.yaml")["replies"]}
    data = _load(EVAL / "labels" / "b" / f"{language}.yaml")
    assert data["language"] == language and data["labeller"] == "b"
    labels = data["replies"]
    assert sorted(labels) == sorted(replies), "labeller b must label exactly the devset's replies"
    problems = []
    for rid, signals in labels.items():
        text = replies[rid]["text"]
        for label, pieces in (signals or {}).items():
            if label not in SIGNAL_LABELS:
                problems.append(f"{rid}: unknown label {label!r}")
                continue
            if not pieces:
                problems.append(f"{rid} {label}: an empty list (leave the label out instead)")
            for piece in pieces or []:
                if not isinstance(piece, str) or not piece.strip() or piece not in text:
                    problems.append(f"{rid} {label}: {piece!r} is not in the reply")
    assert not problems, "\n".join(problems)


def test_labeller_b_used_every_signal() -> None:
    """A signal nobody marked anywhere would make its kappa undefined."""
    seen: set[str] = set()
    for language in LANGUAGES:
        for signals in _load(EVAL / "labels" / "b" / f"{language}.yaml")["replies"].values():
            seen.update(signals or {})
    assert seen == set(SIGNAL_LABELS)


# --- the script on the real files -----------------------------------------------------------


def _in(value: float | None, low: float, high: float) -> bool:
    return value is not None and low <= value <= high


def test_script_reports_every_figure_in_range(
    agreement: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    assert agreement.main(["--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["languages"] == list(LANGUAGES)
    assert all(not gaps for gaps in report["missing"].values()), report["missing"]
    devset_size = sum(len(_load(EVAL / "devset" / f"{lang}.yaml")["replies"]) for lang in LANGUAGES)
    pooled = report["groups"]["pooled"]
    for name in RATING_NAMES:
        figures = pooled["ratings"][name]
        assert figures["n"] == devset_size
        assert _in(figures["qwk"], -1.0, 1.0) and _in(figures["alpha"], -1.0, 1.0), name
        assert _in(figures["exact"], 0.0, 1.0), name
    for label in SIGNAL_LABELS:
        figures = pooled["signals"][label]
        assert figures["n"] == devset_size
        assert 0 <= figures["both"] <= min(figures["a"], figures["b"])
        assert _in(figures["agreement"], 0.0, 1.0), label
        assert _in(figures["kappa"], -1.0, 1.0), label
        assert _in(figures["span_overlap"], 0.0, 1.0), label
    for language in LANGUAGES:
        group = report["groups"][language]
        assert all(_in(group["ratings"][n]["qwk"], -1.0, 1.0) for n in RATING_NAMES)


def test_script_runs_from_the_command_line_and_prints_a_table() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert "quadratic weighted kappa" in done.stdout
    for label in SIGNAL_LABELS:
        assert label in done.stdout


# --- the statistics on hand-made files -------------------------------------------------------


def _write(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _tiny_base(tmp_path: Path, labels_b: dict[str, Any]) -> Path:
    texts = {
        "x-1": "Hello Ann, sorry for the wait.",
        "x-2": "Hello Bob, we refunded it.",
        "x-3": "No.",
        "x-4": "Fine.",
    }
    signals_a = {
        "x-1": {"greeting": ["Hello Ann"], "apology": ["sorry for the wait"]},
        "x-2": {"greeting": ["Hello"]},
        "x-3": {},
        "x-4": {},
    }
    _write(
        tmp_path / "devset" / "xx.yaml",
        {
            "language": "xx",
            "replies": [{"id": k, "text": t, "signals": signals_a[k]} for k, t in texts.items()],
        },
    )
    ratings_a = {"x-1": 5, "x-2": 4, "x-3": 1, "x-4": 2}
    ratings_b = {"x-1": 5, "x-2": 3, "x-3": 1, "x-4": 2}
    for rater, overall in (("a", ratings_a), ("b", ratings_b)):
        _write(
            tmp_path / "ratings" / rater / "xx.yaml",
            {
                "rater": rater,
                "language": "xx",
                "ratings": {k: {n: v for n in RATING_NAMES} for k, v in overall.items()},
            },
        )
    _write(
        tmp_path / "labels" / "b" / "xx.yaml",
        {"language": "xx", "labeller": "b", "replies": labels_b},
    )
    return tmp_path


def test_presence_kappa_and_span_share_on_known_labels(
    tmp_path: Path, agreement: ModuleType
) -> None:
    base = _tiny_base(
        tmp_path,
        {
            # greeting: a marks x-1 and x-2, b only x-1 -> agreement 3/4, kappa 0.5
            # (p_o = 0.75, p_e = 0.5 * 0.25 + 0.5 * 0.75 = 0.5); the spans overlap.
            "x-1": {"greeting": ["Hello"], "apology": ["wait"]},
            "x-2": {},
            "x-3": {},
            # apology: b also marks x-4, with a span the other labeller never marked.
            "x-4": {"apology": ["Fine"]},
        },
    )
    report = agreement.build_report(base, ["xx"])
    greeting = report["groups"]["xx"]["signals"]["greeting"]
    assert (greeting["a"], greeting["b"], greeting["both"]) == (2, 1, 1)
    assert greeting["agreement"] == pytest.approx(0.75)
    assert greeting["kappa"] == pytest.approx(0.5)
    assert greeting["span_overlap"] == pytest.approx(1.0)
    apology = report["groups"]["xx"]["signals"]["apology"]
    assert apology["agreement"] == pytest.approx(0.75)
    # a marks x-1 only, b x-1 and x-4: p_o = 0.75, p_e = 0.25 * 0.5 + 0.75 * 0.5 = 0.5
    assert apology["kappa"] == pytest.approx(0.5)
    # the span share is counted on co-marked replies only: "wait" lies inside a's span
    assert apology["span_overlap"] == pytest.approx(1.0)
    # no one marked shouting: kappa is undefined, agreement is complete
    shouting = report["groups"]["xx"]["signals"]["shouting"]
    assert shouting["kappa"] is None and shouting["agreement"] == pytest.approx(1.0)
    assert shouting["span_overlap"] is None
    # ratings: one disagreement (4 vs 3) out of four
    overall = report["groups"]["xx"]["ratings"]["overall"]
    assert overall["n"] == 4 and overall["exact"] == pytest.approx(0.75)
    assert 0.8 < overall["qwk"] < 1.0
    assert report["groups"]["pooled"]["ratings"]["overall"] == overall


def test_disjoint_spans_give_zero_overlap(tmp_path: Path, agreement: ModuleType) -> None:
    base = _tiny_base(
        tmp_path,
        {
            "x-1": {"greeting": ["wait"], "apology": ["sorry for the wait"]},
            "x-2": {"greeting": ["refunded"]},
            "x-3": {},
            "x-4": {},
        },
    )
    signals = agreement.build_report(base, ["xx"])["groups"]["xx"]["signals"]
    assert signals["greeting"]["kappa"] == pytest.approx(1.0)
    assert signals["greeting"]["span_overlap"] == pytest.approx(0.0)
    assert signals["apology"]["span_overlap"] == pytest.approx(1.0)


def test_missing_labels_file_is_a_clear_error(
    tmp_path: Path, agreement: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _tiny_base(tmp_path, {})
    (base / "labels" / "b" / "xx.yaml").unlink()
    assert agreement.main(["--base", str(base), "--languages", "xx"]) == 2
    out, err = capsys.readouterr()
    assert "labels/b/xx.yaml: file not found" in err
    assert out == ""


def test_unlabelled_reply_is_listed_not_counted(tmp_path: Path, agreement: ModuleType) -> None:
    base = _tiny_base(tmp_path, {"x-1": {}, "x-2": {}, "x-3": {}})
    report = agreement.build_report(base, ["xx"])
    assert report["missing"]["xx"] == ["x-4: labels of b missing"]
    assert report["groups"]["xx"]["signals"]["greeting"]["n"] == 3
