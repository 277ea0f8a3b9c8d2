"""The adaptive questionnaire end to end through the candidate pages (no JavaScript)."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.core.management import call_command

from servicefit.assessments import services
from servicefit.assessments.models import AssessmentSession, Result
from servicefit.assessments.results import store_result
from servicefit.candidates.services import add_candidate
from servicefit.content import default_content
from servicefit.measurement.adaptive import NEXT_PLACEHOLDER
from servicefit.measurement.calibration import calibrate
from servicefit.measurement.models import AdaptiveRun
from servicefit.measurement.services import AdaptiveNotAvailable, set_adaptive

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

COMPETENCY = {i.id: i.competency for i in default_content().questionnaire.items}
#: A consistent respondent: agrees with the statements and disagrees with reverse-keyed ones.
CONSISTENT = {i.id: "2" if i.reverse else "4" for i in default_content().questionnaire.items}


@pytest.fixture
def calibrated(simulated, job):
    simulated({"da": 320}, seed=1)
    return calibrate(min_per_group=300)


def start(client, job, recruiter, email="ada@example.com"):
    candidate = add_candidate(job=job, name="Ada Berg", email=email, language="da")
    token = services.create_invitation(candidate=candidate, created_by=recruiter).token
    assert client.post(f"/a/{token}/", {"consent": "yes"}).status_code == 302
    return token, AssessmentSession.objects.get(candidate=candidate)


def shown_item(response) -> str:
    return re.search(r'name="key" value="(q\d+)"', response.content.decode()).group(1)


def answer_adaptive(client, token) -> list[str]:
    """Answer every statement the adaptive page shows; return them in order."""
    shown = []
    response = client.get(f"/a/{token}/adaptive/")
    while response.status_code == 200:
        key = shown_item(response)
        assert response.content.decode().count("<fieldset") == 1
        shown.append(key)
        post = client.post(f"/a/{token}/adaptive/", {"key": key, key: CONSISTENT[key]})
        assert post.status_code == 302
        response = client.get(post["Location"])
        if "/adaptive/" not in post["Location"]:
            break
    return shown


def test_the_fixed_form_stays_by_default(client, job, recruiter, calibrated):
    token, session = start(client, job, recruiter)
    assert not AdaptiveRun.objects.filter(session=session).exists()
    plan = services.plan_for(session)
    assert sum(p.section == "questionnaire" for p in plan.pages) == 8
    assert client.get(f"/a/{token}/adaptive/").status_code == 302


def test_it_cannot_be_switched_on_before_calibration(job, recruiter):
    with pytest.raises(AdaptiveNotAvailable):
        set_adaptive(job=job, enabled=True, changed_by=recruiter)


def test_a_candidate_takes_the_adaptive_questionnaire_and_the_result_records_version_and_items(
    client, job, recruiter, calibrated, django_capture_on_commit_callbacks
):
    set_adaptive(job=job, enabled=True, changed_by=recruiter)
    token, session = start(client, job, recruiter)
    run = AdaptiveRun.objects.get(session=session)
    assert run.parameter_set == calibrated and run.pending  # the first item is chosen at once

    first = client.get(f"/a/{token}/preview/")
    assert f"/a/{token}/p/questionnaire-1/" in first.content.decode()
    assert client.get(f"/a/{token}/p/questionnaire-1/")["Location"] == f"/a/{token}/adaptive/"

    shown = answer_adaptive(client, token)
    run.refresh_from_db()
    assert run.finished_at is not None and run.pending == ""
    assert shown == run.administered
    assert len(set(shown)) == len(shown)
    per_scale = Counter(COMPETENCY[k] for k in shown)
    assert set(per_scale) == set(COMPETENCY.values())
    assert min(per_scale.values()) >= 2  # content balancing
    assert len(shown) < 64
    assert client.get(f"/a/{token}/adaptive/")["Location"] == f"/a/{token}/p/sjt-1/"

    plan = services.plan_for(session)
    for key in plan.keys("sjt"):
        services.save_answer(session=session, key=key, value=3)
    services.save_answer(session=session, key=plan.keys("reply")[0], value="Kære kunde, tak.")
    review = client.get(f"/a/{token}/review/")
    assert review.context["complete"] is True
    with django_capture_on_commit_callbacks(execute=True):  # scoring runs (immediate tasks)
        assert client.post(f"/a/{token}/submit/").status_code == 302

    result = Result.objects.get(session=session)
    assert "incomplete" not in result.flags
    assert all(c["score"] is not None for c in result.competencies.values())
    record = result.record
    assert record.record_version == 3
    irt = record.irt
    assert irt is not None
    assert irt.parameter_version == calibrated.version == 1
    assert irt.adaptive is True
    assert list(irt.administered) == shown
    assert set(irt.scales) == set(COMPETENCY.values())
    assert all(s.se <= 0.4 + 1e-9 or s.items == 4 for s in irt.scales.values()), irt.scales
    assert sum(s.items for s in irt.scales.values()) == len(shown)
    client.force_login(recruiter)
    report = client.get(f"/candidates/{session.candidate.pk}/").content.decode()
    assert "IRT scores use item-parameter version 1." in report
    assert f"Adaptive questionnaire: {len(shown)} statements given." in report


def test_a_reload_shows_the_same_statement_and_other_items_are_refused(
    client, job, recruiter, calibrated
):
    set_adaptive(job=job, enabled=True, changed_by=recruiter)
    token, session = start(client, job, recruiter)
    item = shown_item(client.get(f"/a/{token}/adaptive/"))
    assert shown_item(client.get(f"/a/{token}/adaptive/")) == item  # lost connection, reload
    other = next(k for k in COMPETENCY if k != item)
    refused = client.post(f"/a/{token}/adaptive/", {"key": other, other: "3"})
    assert refused.status_code == 400
    assert not session.answers.filter(key=other).exists()
    empty = client.post(f"/a/{token}/adaptive/", {"key": item})
    # the page speaks the candidate's language (the invitation's): "1 til 5" in Danish
    assert empty.status_code == 400 and "1 til 5" in empty.content.decode()
    placeholder = client.post(
        f"/a/{token}/answer/", {"key": NEXT_PLACEHOLDER, NEXT_PLACEHOLDER: "3"}
    )
    assert placeholder.status_code == 400
    assert not session.answers.exists()


def test_results_keep_their_parameter_version_until_rescored_explicitly(
    client, job, recruiter, calibrated, capsys, django_capture_on_commit_callbacks
):
    _token, session = start(client, job, recruiter, email="fixed@example.com")
    plan = services.plan_for(session)
    for key in plan.keys("questionnaire") + plan.keys("sjt"):
        services.save_answer(session=session, key=key, value=4)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(session=session)

    def stored_irt():
        return Result.objects.get(session=session).record.irt

    first = stored_irt()
    assert first is not None and first.parameter_version == 1 and not first.adaptive
    assert first.administered == ()
    newer = calibrate(min_per_group=300)
    store_result(session=session)  # re-running the classical scoring
    assert stored_irt() == first
    before = Result.objects.get(session=session).record
    call_command("rescore_irt", "--parameter-version", str(newer.version))
    assert "with item parameters v2" in capsys.readouterr().out
    moved = stored_irt()
    assert moved is not None and moved.parameter_version == 2
    assert set(moved.scales) == set(first.scales)
    after = Result.objects.get(session=session).record
    assert after.model_copy(update={"irt": None}) == before.model_copy(update={"irt": None})
