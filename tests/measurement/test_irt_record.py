"""The IRT part of the typed result record: its parameter version, old records, the migration."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.utils import timezone
from pydantic import ValidationError

from servicefit.assessments import services
from servicefit.assessments.models import Answer, AssessmentSession, Result
from servicefit.assessments.record import RECORD_VERSION, IrtRecord, ResultRecord
from servicefit.assessments.results import store_results
from servicefit.candidates.services import add_candidate
from servicefit.measurement.calibration import calibrate
from servicefit.privacy.services import export_candidate

pytestmark = [pytest.mark.django_db]

V2_COLUMNS = {
    "content_version": "1.0.0",
    "scoring_version": "2.0.0",
    "competencies": {"empathy": {"score": 3.5, "sources": {"questionnaire": 3.5}}},
    "questionnaire": {},
    "sjt": {},
    "reply": {},
    "flags": [],
}
IRT = {
    "parameter_version": 4,
    "adaptive": True,
    "administered": ["q03", "q01"],
    "scales": {"empathy": {"theta": 0.41, "se": 0.38, "items": 2}},
}


def test_a_version_2_record_reads_without_an_irt_part():
    record = ResultRecord.from_stored(record_version=2, irt=None, **V2_COLUMNS)
    assert record.record_version == RECORD_VERSION == 3
    assert record.irt is None
    assert record.competencies["empathy"].score == 3.5


def test_a_version_2_record_with_a_migrated_irt_part_reads_it():
    record = ResultRecord.from_stored(record_version=2, irt=IRT, **V2_COLUMNS)
    assert record.irt == IrtRecord(
        parameter_version=4,
        adaptive=True,
        administered=("q03", "q01"),
        scales={"empathy": {"theta": 0.41, "se": 0.38, "items": 2}},
    )


def test_a_version_1_record_is_upgraded_and_keeps_its_irt_part():
    v1 = {**V2_COLUMNS, "competencies": {"empathy": {"score": 3.5}}, "sjt": None}
    record = ResultRecord.from_stored(record_version=1, irt=IRT, **v1)
    assert record.irt is not None and record.irt.parameter_version == 4
    assert record.competencies["empathy"].sem is None


def test_an_irt_part_without_its_parameter_version_is_refused():
    with pytest.raises(ValidationError, match="parameter_version"):
        ResultRecord.from_stored(
            record_version=3, irt={"adaptive": False, "scales": {}}, **V2_COLUMNS
        )


def test_the_record_round_trips_through_json_with_its_parameter_version():
    record = ResultRecord.from_stored(record_version=3, irt=IRT, **V2_COLUMNS)
    again = ResultRecord.model_validate_json(record.model_dump_json())
    assert again.irt == record.irt
    assert again.model_dump(mode="json")["irt"]["parameter_version"] == 4


def _session(job, name: str, content_version: str, **fields) -> AssessmentSession:
    candidate = add_candidate(
        job=job, name=name, email=f"{name.split()[0].lower()}@example.com", language="da"
    )
    return AssessmentSession.objects.create(
        candidate=candidate,
        content_version=content_version,
        privacy_notice_version="test",
        automation_notice_version="test",
        consented_at=timezone.now(),
        language="da",
        reply_message="late_delivery",
        **fields,
    )


def test_the_migration_copies_each_irt_score_into_its_result(job):
    session = _session(job, "Ada Berg", "1.0.0")
    result = Result.objects.create(session=session, record_version=2, **V2_COLUMNS)
    old_score = SimpleNamespace(
        result_id=result.pk,
        parameter_set=SimpleNamespace(version=4),
        adaptive=True,
        administered=["q03", "q01"],
        scales=IRT["scales"],
    )

    class OldScores:
        def select_related(self, *_args):
            return self

        def order_by(self, *_args):
            return self

        def iterator(self, chunk_size):
            return iter([old_score])

    historical = {
        ("measurement", "IrtScore"): SimpleNamespace(objects=OldScores()),
        ("assessments", "Result"): Result,
    }
    apps = SimpleNamespace(get_model=lambda app, name: historical[(app, name)])
    migration = importlib.import_module(
        "servicefit.measurement.migrations.0002_irt_in_result_record"
    )
    migration.copy_into_results(apps, None)

    stored = Result.objects.get(pk=result.pk)
    assert stored.record_version == 2  # the rest of the record is left as it was
    assert stored.record.irt == IrtRecord.model_validate(IRT)


def test_results_scored_in_bulk_record_the_newest_parameter_version(simulated, job):
    simulated({"da": 300}, seed=5)
    stored = calibrate(min_per_group=300)
    session = _session(job, "Bo Dahl", stored.content_version, submitted_at=timezone.now())
    Answer.objects.bulk_create(
        Answer(session=session, key=key, value=4, language="da")
        for key in services.plan_for(session).keys("questionnaire")
    )
    (result,) = store_results(sessions=[session])
    irt = Result.objects.get(pk=result.pk).record.irt
    assert irt is not None and irt.parameter_version == stored.version and not irt.adaptive
    assert set(irt.scales) == set(stored.scales)
    assert all(s.items == 4 for s in irt.scales.values())
    exported = export_candidate(session.candidate)["assessment"]["result"]
    assert exported["record_version"] == 3
    assert exported["irt"]["parameter_version"] == stored.version
    assert exported["irt"]["scales"].keys() == stored.scales.keys()
