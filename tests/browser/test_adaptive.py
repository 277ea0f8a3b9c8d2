"""The adaptive questionnaire in a real browser: a recruiter reviews the simulation and switches
it on, then a candidate takes it to the end on a 360 × 740 phone without a mouse or desktop.

The questionnaire is calibrated on assessments simulated from known item parameters
(tests/measurement/conftest.py).
"""

from __future__ import annotations

import re

import pytest

from servicefit.assessments.models import Answer, AssessmentSession, Result
from servicefit.assessments.services import create_invitation
from servicefit.candidates.services import add_candidate
from servicefit.content import default_content
from servicefit.measurement.calibration import calibrate
from servicefit.measurement.models import AdaptiveRun, AdaptiveSetting, QualityReport
from tests.measurement.conftest import create_assessments

from .conftest import PHONE, accessibility_violations, form, start_timed_section

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

COMPETENCY = {i.id: i.competency for i in default_content().questionnaire.items}
#: A consistent respondent: agrees with the statements and disagrees with reverse-keyed ones.
CONSISTENT = {i.id: 2 if i.reverse else 4 for i in default_content().questionnaire.items}
REPLY = (
    "Kære Henrik\n\nTak fordi du skrev. Jeg forstår godt, at regningen er forvirrende. Jeg sender "
    "dig en specificeret regning i dag og ringer i morgen før kl. 12.\n\nVenlig hilsen\nMads"
)


def test_recruiter_switches_adaptive_on_and_a_candidate_finishes_it_on_a_phone(
    live_server,
    browser,
    job,
    recruiter_page,
):
    create_assessments(job, {"da": 310}, seed=3)
    stored = calibrate(min_per_group=300)

    page = recruiter_page
    page.goto(f"{live_server.url}/jobs/{job.pk}/")
    page.get_by_role("link", name="Adaptive questionnaire").click()
    page.wait_for_url(re.compile(r"/adaptive/$"))
    assert f"Item parameters version {stored.version}" in page.content()
    assert f"{stored.simulation['pct_saving']:.0f}%" in page.content()
    page.locator("#adaptive-enabled").check()
    form(page, "adaptive-settings").locator("button[type=submit]").click()
    page.get_by_text("The adaptive questionnaire is on for new candidates.").wait_for()
    assert AdaptiveSetting.objects.get(job=job).enabled

    page.goto(f"{live_server.url}/measurement/")
    form(page, "quality-report").locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/measurement/$"))
    page.reload()
    assert QualityReport.objects.count() == 1
    assert "Report of" in page.content()

    candidate = add_candidate(job=job, name="Mads Holm", email="mads@example.com", language="da")
    token = create_invitation(candidate=candidate, created_by=None).token
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True, locale="da-DK"
    )
    phone = context.new_page()
    phone.set_default_timeout(20000)
    phone.goto(f"{live_server.url}/a/{token}/")
    phone.locator("input[name=consent]").check()
    phone.locator("form button[type=submit]").last.click()
    phone.wait_for_url(re.compile(r"/preview/$"))
    with phone.expect_navigation(wait_until="load"):
        phone.locator("a.button.primary").click()
    assert phone.url.endswith("/adaptive/")
    problems = accessibility_violations(phone)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the adaptive page scrolls sideways on a phone"

    shown: list[str] = []
    while phone.url.endswith("/adaptive/"):
        key = phone.locator("input[name=key]").get_attribute("value")
        assert phone.locator("fieldset").count() == 1
        shown.append(key)
        phone.locator(f'input[name="{key}"][value="{CONSISTENT[key]}"]').check()
        with phone.expect_navigation(wait_until="load"):
            form(phone, "adaptive-answer").locator("button[type=submit]").click()
    assert "/p/sjt-1/" in phone.url

    while "/p/" in phone.url:
        slug = phone.url.rstrip("/").rsplit("/", 1)[1]
        start_timed_section(phone)
        if slug.startswith("reply"):
            phone.locator("textarea").fill(REPLY)
            phone.locator("#saved-reply").filter(has_text=re.compile(r"\d\d:\d\d")).wait_for()
        else:
            groups = phone.locator("fieldset")
            for i in range(groups.count()):
                groups.nth(i).locator('input[type=radio][value="3"]').check()
                groups.nth(i).locator(".saved-indicator").filter(
                    has_text=re.compile(r"\d\d:\d\d")
                ).wait_for()
        with phone.expect_navigation(wait_until="load"):
            phone.locator("button[value=next]").click()
    assert phone.url.endswith("/review/")
    phone.locator("form[action$='/submit/'] button").click()
    phone.wait_for_url(re.compile(r"/done/$"))
    context.close()
    assert problems == [], "\n".join(problems)

    session = AssessmentSession.objects.get(candidate=candidate)
    run = AdaptiveRun.objects.get(session=session)
    assert run.administered == shown and run.finished_at is not None
    assert 32 <= len(shown) < 64
    assert min(sum(COMPETENCY[k] == c for k in shown) for c in set(COMPETENCY.values())) >= 2
    questionnaire_answers = Answer.objects.filter(session=session, key__in=list(COMPETENCY))
    assert {a.key: a.value for a in questionnaire_answers} == {k: CONSISTENT[k] for k in shown}
    result = Result.objects.get(session=session)
    assert result.record.record_version == 3
    irt = result.record.irt
    assert irt is not None
    assert irt.parameter_version == stored.version
    assert irt.adaptive and list(irt.administered) == shown
    assert sum(s.items for s in irt.scales.values()) == len(shown)
    page.goto(f"{live_server.url}/candidates/{candidate.pk}/")
    basis = page.locator("#scoring-basis").inner_text()
    assert f"IRT scores use item-parameter version {stored.version}." in basis
    assert f"Adaptive questionnaire: {len(shown)} statements given." in basis
    assert "incomplete" not in result.flags
