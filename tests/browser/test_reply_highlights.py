"""The written reply on the candidate report, in chromium: a reply typed with decomposed
accents, zero-width characters, emoji and markup is shown exactly as written, escaped, and
every highlight covers whole letters and says truly why it was found."""

from __future__ import annotations

import random
import unicodedata

import pytest
from django.urls import reverse

from servicefit.assessments.models import Answer
from servicefit.assessments.plan import reply_key
from servicefit.assessments.results import store_result
from servicefit.candidates.services import add_candidate
from servicefit.content import default_content
from servicefit.demo_assessments import simulate_assessment
from servicefit.jobs.services import create_job_from_template

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def polish_reply(recruiter):
    """A Polish candidate whose reply was typed in NFD, with a zero-width space, emoji,
    script-like text and capitals."""
    job = create_job_from_template(
        title="Obsługa klienta", template_id="phone_support", created_by=recruiter
    )
    candidate = add_candidate(job=job, name="Kandydat NFD", email="nfd@example.com", language="pl")
    session = simulate_assessment(candidate=candidate, rng=random.Random(5))
    message = next(
        m for m in default_content().written_reply.messages if m.id == session.reply_message
    )
    name = message.customer_name.get("pl")
    text = unicodedata.normalize(
        "NFD",
        f"<script>alert('x')</script> Dzień dobry {name},\n"
        "bardzo przepraszam 🙏 za opóźnienie &amp; kłopot. Rozu\u200bmiem, że to frustrujące.\n"
        "PROSZĘ PRZECZYTAĆ INSTRUKCJĘ. Zwrócę pieniądze jutro!!! 👍.\nPozdrawiam, Łukasz",
    )
    Answer.objects.filter(session=session, key=reply_key(session.reply_message)).update(
        text=text, language="pl"
    )
    store_result(session=session)
    return candidate, text


def test_the_report_shows_the_reply_as_written_with_whole_letters_highlighted(
    recruiter_page, live_server, polish_reply
):
    candidate, text = polish_reply
    page = recruiter_page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(live_server.url + reverse("backoffice:candidate_report", args=[candidate.pk]))
    reply = page.locator(".reply-text")
    reply.wait_for()
    # the text as written: markup shown, not run; hidden "[reason]" helpers aside
    shown = reply.evaluate(
        """el => { const c = el.cloneNode(true);
                   c.querySelectorAll('.visually-hidden').forEach(n => n.remove());
                   return c.textContent; }"""
    )
    assert shown == text
    assert reply.locator("script, b").count() == 0
    assert dialogs == []
    marks = reply.locator("mark.evidence").evaluate_all(
        """ms => ms.map(m => ({text: m.firstChild.textContent, title: m.title,
                               next: m.nextSibling ? m.nextSibling.textContent : ''}))"""
    )
    texts = [unicodedata.normalize("NFC", m["text"]) for m in marks]
    # before the fix the decomposed "ń" split "Dzień" (no greeting) and the zero-width space
    # split "Rozumiem" (no empathy)
    assert "Dzień dobry" in texts
    assert "Rozu\u200bmiem" in texts
    for m in marks:
        # no highlight stops in front of the accent of its last letter
        assert not unicodedata.category(m["next"][:1] or "a").startswith("M"), m
        assert m["text"] in text
    titles = {unicodedata.normalize("NFC", m["text"]): m["title"] for m in marks}
    assert titles["Dzień dobry"] == "Greeting: a phrase from its list"
    # a rule is not "a phrase from its list" (capitals, "!!!", the customer's name)
    reasons = " ".join(titles.values())
    assert "Shouting: words written in capitals" in reasons
    assert "Shouting: repeated exclamation marks" in reasons
    assert "Uses the customer's name: the customer's name or a form of it" in reasons
    assert "Shouting: a phrase from its list" not in reasons


@pytest.fixture
def long_word_reply(recruiter):
    """An English reply with a pasted 400-character tracking link."""
    job = create_job_from_template(
        title="Customer service", template_id="phone_support", created_by=recruiter
    )
    candidate = add_candidate(job=job, name="Long Link", email="long@example.com", language="en")
    session = simulate_assessment(candidate=candidate, rng=random.Random(6))
    link = "https://tracking.example.com/parcel?id=" + "A1b2C3d4E5" * 36
    text = (
        "Hi, I'm so sorry about the delay. You can follow the parcel here: "
        f"{link}\nI will call you tomorrow. Kind regards"
    )
    Answer.objects.filter(session=session, key=reply_key(session.reply_message)).update(
        text=text, language="en"
    )
    store_result(session=session)
    return candidate


def test_a_long_word_in_the_reply_stays_inside_the_page(
    recruiter_page, live_server, long_word_reply
):
    page = recruiter_page
    page.goto(live_server.url + reverse("backoffice:candidate_report", args=[long_word_reply.pk]))
    reply = page.locator(".reply-text")
    reply.wait_for()
    widths = reply.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert widths[0] <= widths[1], widths
    page_widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert page_widths[0] <= page_widths[1], page_widths
    page.goto(
        live_server.url + reverse("backoffice:candidate_explanation", args=[long_word_reply.pk])
    )
    page.wait_for_load_state()
    page_widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert page_widths[0] <= page_widths[1], page_widths
