"""Answering: saved the moment it is given, validated, timed on the server, idempotent submit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from servicefit.assessments.models import Answer, AssessmentSession, Invitation, Result
from servicefit.assessments.services import (
    AUTOMATION_NOTICE_VERSION,
    PRIVACY_NOTICE_VERSION,
    plan_for,
)
from servicefit.candidates.models import Stage
from servicefit.content import default_content

pytestmark = pytest.mark.django_db


def session_of(token):
    return AssessmentSession.objects.get()


def answer(client, token, key, value):
    return client.post(f"/a/{token}/answer/", {"key": key, key: value})


def test_consent_records_both_notice_versions_and_the_invitation_language(client, candidate, token):
    candidate.language = "da"
    candidate.save()
    # an English browser: the pages and the session follow the invitation's language
    response = client.post(f"/a/{token}/", {"consent": "yes"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    session = AssessmentSession.objects.get()
    assert session.privacy_notice_version == PRIVACY_NOTICE_VERSION
    assert session.automation_notice_version == AUTOMATION_NOTICE_VERSION
    assert session.content_version == default_content().version
    assert session.language == "da"
    assert session.candidate.stage == Stage.IN_PROGRESS


def test_it_will_not_start_without_consent(client, token):
    response = client.post(f"/a/{token}/", {})
    assert response.status_code == 200
    assert not AssessmentSession.objects.exists()


def test_landing_page_shows_the_notices_and_the_time_needed(client, token):
    html = client.get(f"/a/{token}/").content.decode()
    assert "Privacy notice" in html
    assert "How automated scoring is used" in html
    assert "A person makes every decision." in html
    assert PRIVACY_NOTICE_VERSION in html


def test_job_preview_shows_pay_and_a_way_to_withdraw(client, started, job):
    job.pay_min, job.pay_max, job.pay_currency = 25000, 30000, "DKK"
    job.save()
    html = client.get(f"/a/{started}/preview/").content.decode()
    assert "DKK" in html
    assert f"/a/{started}/withdraw/" in html


def test_withdrawing_ends_the_link_politely(client, started):
    response = client.post(f"/a/{started}/withdraw/", {"reason": "Found another job"})
    assert response.status_code == 200
    session = AssessmentSession.objects.get()
    assert session.withdrawn_at is not None
    assert session.candidate.stage == Stage.WITHDRAWN
    assert client.get(f"/a/{started}/").status_code == 404


def test_an_answer_is_saved_the_moment_it_is_given(client, started):
    response = answer(client, started, "q01", "4")
    assert response.status_code == 200
    assert "Saved" in response.content.decode()
    assert Answer.objects.get(key="q01").value == 4


def test_changing_an_answer_replaces_it(client, started):
    answer(client, started, "q01", "4")
    answer(client, started, "q01", "2")
    assert list(Answer.objects.values_list("key", "value")) == [("q01", 2)]


@pytest.mark.parametrize("value", ["0", "6", "-1", "three", ""])
def test_an_answer_outside_the_scale_gets_400_with_a_message(client, started, value):
    response = answer(client, started, "q01", value)
    assert response.status_code == 400
    assert "Please choose one of the options from 1 to 5." in response.content.decode()
    assert not Answer.objects.exists()


def test_an_unknown_item_gets_400(client, started):
    response = answer(client, started, "q999", "3")
    assert response.status_code == 400
    assert "not part of your assessment" in response.content.decode()


def test_a_reply_over_5000_characters_is_refused_and_the_saved_one_kept(client, started):
    session = session_of(started)
    key = f"reply.{session.reply_message}"
    assert answer(client, started, key, "Dear customer, I am sorry.").status_code == 200
    response = answer(client, started, key, "x" * 5001)
    assert response.status_code == 413
    assert "the limit is 5000" in response.content.decode()
    assert Answer.objects.get(key=key).text == "Dear customer, I am sorry."


def test_answers_after_the_time_limit_are_refused_and_earlier_ones_stay(client, started):
    first_key = plan_for(session_of(started)).keys("sjt")[0]
    second_key = plan_for(session_of(started)).keys("sjt")[1]
    assert answer(client, started, first_key, "5").status_code == 200
    AssessmentSession.objects.update(sjt_started_at=timezone.now() - timedelta(minutes=16))
    response = answer(client, started, second_key, "3")
    assert response.status_code == 409
    assert "Time is up" in response.content.decode()
    assert Answer.objects.get(key=first_key).value == 5
    assert not Answer.objects.filter(key=second_key).exists()


def test_extra_time_extends_the_limit(client, started, candidate):
    candidate.extra_time_percent = 50
    candidate.save()
    key = plan_for(session_of(started)).keys("sjt")[0]
    AssessmentSession.objects.update(sjt_started_at=timezone.now() - timedelta(minutes=20))
    assert answer(client, started, key, "4").status_code == 200  # 15 min + 50% = 22.5 min
    AssessmentSession.objects.update(sjt_started_at=timezone.now() - timedelta(minutes=23))
    assert answer(client, started, key, "3").status_code == 409


def test_a_timed_section_waits_for_start_and_opening_it_costs_no_time(client, started):
    slug = plan_for(session_of(started)).pages[-2].slug  # last judgement scenario
    html = client.get(f"/a/{started}/p/{slug}/").content.decode()
    assert 'data-form="start-section"' in html
    assert "you have 15 minutes" in html
    assert 'class="countdown' not in html and "<fieldset" not in html
    assert session_of(started).sjt_started_at is None


def test_start_starts_the_clock_once_and_shows_a_countdown_with_warnings(client, started):
    slug = plan_for(session_of(started)).pages[-2].slug
    response = client.post(f"/a/{started}/p/{slug}/", {"start": "yes"})
    assert response.status_code == 302 and response["Location"].endswith(f"/p/{slug}/")
    began = session_of(started).sjt_started_at
    assert began is not None
    html = client.get(f"/a/{started}/p/{slug}/").content.decode()
    assert 'class="countdown' in html and "data-warn-1" in html
    client.post(f"/a/{started}/p/{slug}/", {"start": "yes"})  # a second Start (two tabs)
    assert session_of(started).sjt_started_at == began


def test_the_landing_page_and_start_screen_count_the_extra_time(client, token, candidate):
    candidate.extra_time_percent = 50
    candidate.save()
    landing = client.get(f"/a/{token}/").content.decode()
    assert "(23 minutes)" in landing and "(15 minutes)" in landing  # 15 and 10 min + 50%
    assert "include your extra time (50% more)" in landing
    # 10 untimed + 23 + 15 = 48, told as "about 50"; no invitation to ask for what is granted
    assert "In total about 50 minutes." in landing
    assert "If you need extra time" not in landing
    client.post(f"/a/{token}/", {"consent": "yes"})
    reply = plan_for(session_of(token)).pages[-1].slug
    html = client.get(f"/a/{token}/p/{reply}/").content.decode()
    assert "you have 15 minutes" in html and "(50% more)" in html
    assert session_of(token).reply_started_at is None
    client.post(f"/a/{token}/p/{reply}/", {"start": "yes"})
    task = client.get(f"/a/{token}/p/{reply}/").content.decode()
    assert "Write the reply as you would send it." in task
    assert "10 minutes" not in task  # the task states no limit of its own beside the clock


def test_without_extra_time_the_landing_page_shows_the_plain_limits(client, token):
    landing = client.get(f"/a/{token}/").content.decode()
    assert "(15 minutes)" in landing and "(10 minutes)" in landing
    assert "extra time (" not in landing
    assert "In total about 35 minutes." in landing and "If you need extra time" in landing


def test_the_invitation_e_mail_counts_the_extra_time(candidate, recruiter):
    from django.core import mail
    from django.test import TestCase

    from servicefit.assessments.emails import send_invitation

    candidate.extra_time_percent = 50
    candidate.save()
    with TestCase.captureOnCommitCallbacks(execute=True):
        send_invitation(candidate=candidate, sent_by=recruiter)
    assert "(about 50 minutes)" in mail.outbox[-1].body


def test_a_first_answer_saved_without_the_start_screen_starts_the_clock(client, started):
    key = plan_for(session_of(started)).keys("sjt")[0]
    assert answer(client, started, key, "4").status_code == 200
    assert session_of(started).sjt_started_at is not None


def test_without_javascript_a_page_post_saves_every_answer_and_moves_on(client, started):
    plan = plan_for(session_of(started))
    first, second = plan.pages[0], plan.pages[1]
    data = {key: "3" for key in first.keys} | {"go": "next"}
    response = client.post(f"/a/{started}/p/{first.slug}/", data)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/p/{second.slug}/")
    assert Answer.objects.filter(key__in=first.keys, value=3).count() == len(first.keys)


def test_a_page_post_with_a_bad_value_keeps_the_good_ones_and_explains(client, started):
    first = plan_for(session_of(started)).pages[0]
    data = {key: "4" for key in first.keys}
    data[first.keys[0]] = "9"
    response = client.post(f"/a/{started}/p/{first.slug}/", data)
    assert response.status_code == 400
    assert "Please choose one of the options from 1 to 5." in response.content.decode()
    assert Answer.objects.filter(value=4).count() == len(first.keys) - 1


def test_reloading_resumes_with_every_answer_intact(client, started):
    first = plan_for(session_of(started)).pages[0]
    for i, key in enumerate(first.keys):
        answer(client, started, key, str(i % 5 + 1))
    html = client.get(f"/a/{started}/p/{first.slug}/").content.decode()
    for i, key in enumerate(first.keys):
        assert f'name="{key}" value="{i % 5 + 1}" checked' in html
    preview = client.get(f"/a/{started}/preview/").content.decode()
    assert "Continue where you left off" in preview


def test_two_tabs_answering_the_same_session_lose_no_answer(client, started, django_user_model):
    from django.test import Client

    other_tab = Client()
    first = plan_for(session_of(started)).pages[0]
    keys = list(first.keys)
    # Tab 1 answers the odd items, tab 2 the even ones, interleaved, then tab 2 posts its page
    # (without JavaScript) with only the items it knows about.
    for i, key in enumerate(keys):
        tab = client if i % 2 else other_tab
        assert answer(tab, started, key, "5" if i % 2 else "1").status_code == 200
    even = {key: "1" for key in keys[::2]}
    assert other_tab.post(f"/a/{started}/p/{first.slug}/", even | {"go": "next"}).status_code == 302
    saved = dict(Answer.objects.values_list("key", "value"))
    assert saved == {key: (5 if i % 2 else 1) for i, key in enumerate(keys)}


def test_switching_language_keeps_answers(client, started):
    first = plan_for(session_of(started)).pages[0]
    answer(client, started, first.keys[0], "2")
    page_url = f"/a/{started}/p/{first.slug}/"
    response = client.post("/i18n/setlang/", {"language": "pl", "next": page_url}, follow=True)
    html = response.content.decode()
    assert '<html lang="pl">' in html
    assert f'name="{first.keys[0]}" value="2" checked' in html
    assert default_content().questionnaire.items[0].text.pl in html


def test_submitting_twice_produces_one_result_with_versions(
    client, started, django_capture_on_commit_callbacks
):
    plan = plan_for(session_of(started))
    for key in plan.keys("questionnaire"):
        answer(client, started, key, "4")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = client.post(f"/a/{started}/submit/")
        second = client.post(f"/a/{started}/submit/")
    assert len(callbacks) == 1  # one scoring task queued
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/a/{started}/done/"
    assert Result.objects.count() == 1
    result = Result.objects.get()
    assert result.content_version == default_content().version
    assert result.scoring_version
    assert "incomplete" in result.flags
    assert session_of(started).candidate.stage == Stage.COMPLETED
    done = client.get(f"/a/{started}/done/")
    assert done.status_code == 200
    assert "A person reviews every application" in done.content.decode()


def test_answers_after_submitting_are_refused(client, started):
    client.post(f"/a/{started}/submit/")
    response = answer(client, started, "q01", "3")
    # refused: not saved, and the link leads to the thank-you page (htmx: see below)
    assert (response.status_code, response["Location"]) == (302, f"/a/{started}/done/")
    assert not Answer.objects.filter(key="q01").exists()


def test_when_the_situations_time_is_up_a_page_offers_the_next_part(client, started):
    plan = plan_for(session_of(started))
    sjt_pages = [p for p in plan.pages if p.section == "sjt"]
    reply = next(p for p in plan.pages if p.section == "reply")
    client.post(f"/a/{started}/p/{sjt_pages[0].slug}/", {"start": "yes"})
    running = client.get(f"/a/{started}/p/{sjt_pages[1].slug}/").content.decode()
    assert '<p class="actions" hidden id="next-part">' in running
    AssessmentSession.objects.update(sjt_started_at=timezone.now() - timedelta(minutes=16))
    html = client.get(f"/a/{started}/p/{sjt_pages[1].slug}/").content.decode()
    assert '<p class="actions" id="next-part">' in html
    assert f'href="/a/{started}/p/{reply.slug}/"' in html


def test_page_titles_say_which_page_it_is(client, started):
    plan = plan_for(session_of(started))
    second = plan.pages[1]
    html = client.get(f"/a/{started}/p/{second.slug}/").content.decode()
    assert f"<title>Work style – Page 2 of {len(plan.pages)} ·" in html


def test_the_review_page_says_what_an_empty_reply_and_a_half_rated_situation_mean(client, started):
    plan = plan_for(session_of(started))
    review = client.get(f"/a/{started}/review/").content.decode()
    assert 'data-review-note="reply-empty"' not in review  # not opened: nothing to warn of
    assert 'data-review-note="partial"' not in review
    first_sjt = next(p for p in plan.pages if p.section == "sjt")
    answer(client, started, first_sjt.keys[0], "4")  # one of four options
    reply = next(p for p in plan.pages if p.section == "reply")
    client.post(f"/a/{started}/p/{reply.slug}/", {"start": "yes"})  # opens the reply
    review = client.get(f"/a/{started}/review/").content.decode()
    assert "Your written reply is empty. If you submit now, it is rated lowest." in review
    assert "1 situation has only some of its options rated: it will not be counted." in review
    answer(client, started, reply.keys[0], "Dear Mette, I am sorry. I will refund the fee.")
    for key in first_sjt.keys[1:]:
        answer(client, started, key, "3")
    review = client.get(f"/a/{started}/review/").content.decode()
    assert "data-review-note" not in review


def test_pages_opened_before_the_submit_lead_to_the_thank_you_page(client, started):
    """Back, Next or Save on a page opened before submitting (another device, another tab)."""
    token = started
    plan = plan_for(session_of(token))
    first = plan.pages[0]
    assert client.post(f"/a/{token}/submit/").status_code == 302
    done = f"/a/{token}/done/"
    for response in (
        client.get(f"/a/{token}/p/{first.slug}/"),
        client.post(f"/a/{token}/p/{first.slug}/", {first.keys[0]: "3", "go": "next"}),
        client.get(f"/a/{token}/review/"),
        client.get(f"/a/{token}/preview/"),
    ):
        assert (response.status_code, response["Location"]) == (302, done)
    # an answer sent by htmx: a short reason for beside the answer, not a whole page
    saved = client.post(
        f"/a/{token}/answer/", {"key": first.keys[0], first.keys[0]: "3"}, HTTP_HX_REQUEST="true"
    )
    assert saved.status_code == 409
    assert saved.content.decode() == (
        "Your assessment is already submitted; this answer was not saved."
    )
    assert not Answer.objects.exists()


def test_an_answer_through_a_revoked_link_gets_a_short_neutral_reason(client, started):
    token = started
    key = plan_for(session_of(token)).pages[0].keys[0]
    Invitation.objects.update(revoked_at=timezone.now())
    saved = client.post(f"/a/{token}/answer/", {"key": key, key: "3"}, HTTP_HX_REQUEST="true")
    assert (saved.status_code, saved.content.decode()) == (404, "This link cannot be used")
    page = client.get(f"/a/{token}/review/")  # not an htmx request: the neutral page
    assert page.status_code == 404
    assert "<h1>This link cannot be used</h1>" in page.content.decode()
