"""Smaller issue-10 findings: formats, chart labels, the rating form, translated history."""

from __future__ import annotations

import random
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import formats, translation

from servicefit.backoffice.forms import ReplyRatingForm
from servicefit.backoffice.report import chart_geometry
from servicefit.backoffice.templatetags.sf import audit_label, reason_label
from servicefit.candidates.models import StageChange

MORNING = datetime(2026, 12, 20, 4, 25, tzinfo=ZoneInfo("Europe/Copenhagen"))


def test_english_dates_are_en_gb_with_a_24_hour_clock():
    with translation.override("en"):
        assert formats.date_format(MORNING, "SHORT_DATETIME_FORMAT") == "20/12/2026 04:25"
        assert formats.date_format(MORNING, "DATETIME_FORMAT") == "20 December 2026, 04:25"
    with translation.override("sv"):
        assert formats.date_format(MORNING, "SHORT_DATE_FORMAT") == "2026-12-20"


def test_numbers_follow_the_interface_language():
    from django.template.defaultfilters import floatformat

    with translation.override("pl"):
        assert floatformat(0.53, 2) == "0,53"
    with translation.override("en"):
        assert floatformat(0.53, 2) == "0.53"


def test_the_chart_keeps_whole_competency_names():
    name = "Assertiveness and consistent boundaries (saying no)"
    rows = [
        {
            "name": name,
            "score": 3.0,
            "lower": 2.5,
            "upper": 3.5,
            "minimum": 3,
            "below_minimum": False,
        }
    ]
    chart = chart_geometry(rows)
    assert chart["rows"][0]["label"] == name
    assert chart["bar_x"] >= len(name) * 6
    assert chart["has_minimum"] is True


def test_every_chart_label_carries_its_font_size_for_the_pdf_renderer():
    """WeasyPrint ignores the stylesheet's font size for SVG text (16 px default): a label must
    say its own size, the one the label column was measured for."""
    import re

    from django.template.loader import render_to_string

    from servicefit.backoffice.report import CHART_FONT_SIZE

    rows = [
        {
            "name": n,
            "score": 3.0,
            "lower": None,
            "upper": None,
            "minimum": None,
            "below_minimum": False,
        }
        for n in ("Assertiveness and consistent boundaries", "Empathy")
    ]
    svg = render_to_string("backoffice/_profile_chart.html", {"chart": chart_geometry(rows)})
    texts = re.findall(r"<text [^>]*>", svg)
    assert len(texts) == 5 + 2  # five ticks, two labels
    assert all(f'font-size="{CHART_FONT_SIZE}"' in t for t in texts)


@translation.override("en")
def test_the_rating_form_uses_radio_buttons_and_labelled_errors():
    form = ReplyRatingForm(
        {"courtesy": "5"}, suggested=dict.fromkeys(ReplyRatingForm.DIMENSIONS, 3)
    )
    html = str(form["courtesy"])
    assert 'type="radio"' in html and "<select" not in html
    assert not form.is_valid()
    messages = [str(e) for errors in form.errors.values() for e in errors]
    assert "Empathy: choose a rating from 1 to 5." in messages
    assert "Courtesy: say why you changed the suggested rating." in messages
    assert not any(m.startswith(("courtesy:", "empathy:")) for m in messages)


def test_system_reasons_are_codes_translated_when_shown():
    change = StageChange(
        reason_code="interview_scheduled", params={"when": "2026-12-20T13:30:00+00:00"}
    )
    with translation.override("en"):
        assert reason_label(change) == "Interview scheduled for 20/12/2026 14:30"
    with translation.override("nb"):
        assert reason_label(change).startswith("Intervju avtalt til")
    with translation.override("sv"):
        assert reason_label(StageChange(reason_code="strong_fit")) != "strong_fit"
        assert audit_label("candidate.report_viewed") == "Rapport visad"


@pytest.mark.django_db
def test_the_swedish_report_shows_no_raw_codes(client, recruiter, scored_candidate):
    from servicefit.candidates.services import move_to_stage

    move_to_stage(
        candidate=scored_candidate,
        stage="shortlisted",
        changed_by=recruiter,
        reason_code="strong_fit",
    )
    client.force_login(recruiter)
    client.get(f"/candidates/{scored_candidate.pk}/")  # one "report viewed" in the audit trail
    html = client.get(
        f"/candidates/{scored_candidate.pk}/", HTTP_ACCEPT_LANGUAGE="sv"
    ).content.decode()
    assert '<html lang="sv">' in html
    for raw in (
        "candidate.report_viewed",
        "(strong_fit)",
        "candidate.stage_changed",
        "(submitted)",
    ):
        assert raw not in html
    # the chart's coordinates are not localized ("291,5" would break the SVG in Swedish)
    svg = html[html.index('<svg class="profile"') : html.index("</svg>")]
    assert not re.search(r'(?:x|x1|x2|width)="\d+,\d', svg)
    assert re.search(r'<rect x="\d+(?:\.\d+)?" y="\d+" width="\d+(?:\.\d+)?"', svg)


def test_every_audit_action_the_product_records_has_a_label():
    """A new ``record(action=...)`` without a label would show its raw code in the history."""
    from pathlib import Path

    from servicefit.backoffice.labels import AUDIT_LABELS

    source = Path(__file__).resolve().parents[2] / "src" / "servicefit"
    recorded: set[str] = set()
    for path in source.rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if "action=" in line:
                tail = line.split("action=", 1)[1]
                recorded |= set(re.findall(r'"([a-z_]+\.[a-z_]+)"', tail))
    assert {"candidate.report_viewed", "feedback.emailed", "invitation.email_queued"} <= recorded
    assert sorted(recorded - set(AUDIT_LABELS)) == []
    with translation.override("en"):
        english = {a: str(AUDIT_LABELS[a]) for a in recorded}
    with translation.override("sv"):
        untranslated = [a for a in recorded if str(AUDIT_LABELS[a]) == english[a]]
    assert untranslated == []


def test_the_explanation_of_a_rating_names_languages_and_bands_in_the_readers_language():
    from servicefit.backoffice.explain import explain

    items = [
        {"code": "wrong_language", "params": {"detected": "nb", "expected": "sv"}},
        {"code": "readability", "params": {"lix": 31.2, "band": "easy", "language": "sv"}},
        {"code": "length", "params": {"words": 12, "length": "very_short"}},
        {"code": "capped_by_negative", "params": {"cap": 2, "labels": "shouting, wrong language"}},
    ]
    with translation.override("en"):
        assert explain(items[0]) == "Written in Norwegian Bokmål, not the expected Swedish."
        assert explain(items[1]) == "Readability LIX 31.2 (easy) for Swedish."
        assert explain(items[2]) == "12 words (very short)."
        assert explain(items[3]) == "Capped at 2 because of Shouting, reply in another language."
    with translation.override("sv"):
        shown = " ".join(explain(i) for i in items)
    assert "på norskt bokmål i stället för förväntat svenska" in shown, shown
    assert "LIX 31,2" in shown
    for code in ("sv", "nb", "very_short", "easy", "wrong language", "Shouting"):
        assert not re.search(rf"\b{code}\b", shown), shown


def test_a_one_word_reply_is_one_word_not_one_words():
    """ "Sorry!" was explained as "1 words (very short) (-0.69)." """
    from servicefit.backoffice.explain import explain

    one = {"code": "length", "params": {"words": 1, "length": "very_short", "points": -0.69}}
    two = {"code": "length", "params": {"words": 2, "length": "very_short"}}
    with translation.override("en"):
        assert explain(one) == "1 word (very short) (-0.69)."
        assert explain(two) == "2 words (very short)."
    with translation.override("da"):
        assert explain(one) == "1 ord (meget kort) (-0,69)."
    with translation.override("pl"):
        assert explain(one).startswith("Liczba słów: 1 (")


def test_an_unknown_language_code_is_shown_as_it_is():
    from servicefit.backoffice.explain import language_label

    assert language_label("xx") == "xx"
    assert language_label(None) == "?"


@pytest.mark.django_db
def test_the_funnel_does_not_count_never_invited_or_lapsed_candidates_as_invited(
    client, recruiter, job
):
    from django.utils import timezone as tz

    from servicefit.assessments.models import Invitation
    from servicefit.assessments.services import create_invitation, start_session
    from servicefit.candidates.models import Candidate
    from servicefit.candidates.services import add_candidate
    from servicefit.demo_assessments import simulate_assessment

    def person(name):
        return add_candidate(job=job, name=name, email=f"{name}@example.com")

    for i in range(3):
        person(f"imported{i}")  # never invited
    create_invitation(candidate=person("invited"), created_by=recruiter)
    expired = create_invitation(candidate=person("expired"), created_by=recruiter).invitation
    Invitation.objects.filter(pk=expired.pk).update(expires_at=tz.now())
    revoked = create_invitation(candidate=person("revoked"), created_by=recruiter).invitation
    Invitation.objects.filter(pk=revoked.pk).update(revoked_at=tz.now())
    started = create_invitation(candidate=person("started"), created_by=recruiter).invitation
    start_session(invitation=started, language="en")
    # a session whose candidate was put back at "invited" by hand counts where it stands
    half = simulate_assessment(candidate=person("half"), rng=random.Random(1), complete=False)
    Candidate.objects.filter(pk=half.candidate_id).update(stage="invited")

    client.force_login(recruiter)
    html = client.get("/").content.decode()
    counts = dict(re.findall(r'data-step="(\w+)"><strong>(\d+)</strong>', html))
    assert counts["not_invited"] == "3"
    assert counts["invited"] == "1"
    assert counts["lapsed"] == "2"
    assert counts["in_progress"] == "2"
    assert sum(int(n) for n in counts.values()) == 8
    headings = re.findall(r'<th scope="col" class="num">([^<]+)</th>', html)
    assert headings[:4] == ["Not invited", "Invited", "Link expired or revoked", "In progress"]


@pytest.mark.django_db
def test_the_schedule_page_shows_the_stage_translated(client, recruiter, job):
    from servicefit.candidates.services import add_candidate

    fresh = add_candidate(job=job, name="Ingrid", email="ingrid@example.com")
    client.force_login(recruiter)
    html = client.get(
        f"/interviews/candidates/{fresh.pk}/schedule/", HTTP_ACCEPT_LANGUAGE="sv"
    ).content.decode()
    badge = re.search(r'<span class="badge" data-stage="invited">([^<]+)</span>', html)
    assert badge and badge.group(1) == "Inte inbjuden"


RAW_CODE = re.compile(
    r"\b[a-z]+_[a-z_]+\b"
    r"|\b(?:account|api|assessment|candidate|feedback|interview|invitation|job|reply|review|"
    r"scorecard|scoring|shortlist|webhook)\.[a-z_]+\b"
)


def _visible_text(html: str) -> str:
    """The text a reader sees in <main>: no tags, attributes, scripts or e-mail addresses."""
    main = html[html.index("<main") : html.index("</main>")]
    main = re.sub(r"<(script|style)\b.*?</\1>", " ", main, flags=re.S)
    main = re.sub(r"<[^>]+>", " ", main)
    return re.sub(r"\S+@\S+", " ", main)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "da", "sv", "nb", "pl"])
def test_no_back_office_page_shows_a_raw_code_in_any_language(
    client, recruiter, interviewer, job, language
):
    from datetime import timedelta

    from django.utils import timezone as tz

    from servicefit.candidates.services import add_candidate, move_to_stage
    from servicefit.demo_assessments import simulate_assessment
    from servicefit.interviews.services import schedule_interview

    rng = random.Random(9)
    people = [
        add_candidate(job=job, name=f"Person {i}", email=f"p{i}@example.com", language="sv")
        for i in range(3)
    ]
    for person in people[:2]:
        simulate_assessment(candidate=person, rng=rng)
    move_to_stage(
        candidate=people[0], stage="shortlisted", changed_by=recruiter, reason_code="strong_fit"
    )
    schedule_interview(
        candidate=people[0],
        scheduled_at=tz.now() + timedelta(days=2),
        interviewers=[interviewer],
        scheduled_by=recruiter,
    )
    client.force_login(recruiter)
    pages = [
        "/",
        f"/jobs/{job.pk}/",
        f"/candidates/{people[0].pk}/",
        f"/candidates/{people[0].pk}/explanation/",
        f"/candidates/{people[2].pk}/",
        f"/interviews/candidates/{people[2].pk}/schedule/",
        f"/interviews/candidates/{people[1].pk}/kit/",
        f"/jobs/{job.pk}/edit/",
    ]
    for path in pages:
        client.get(path)  # a first view, so the audit trail has something to show
        response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
        html = response.content.decode()
        assert response.status_code == 200, path
        assert f'<html lang="{language}"' in html
        assert RAW_CODE.findall(_visible_text(html)) == [], path


def test_the_stage_says_invited_only_while_a_link_works():
    from servicefit.assessments.invitation_status import InvitationStatus as S
    from servicefit.backoffice.templatetags.sf import stage_label
    from servicefit.candidates.models import Candidate

    waiting = Candidate(stage="invited")
    with translation.override("en"):
        shown = {status: stage_label(waiting, status) for status in S}
    assert shown[S.NOT_INVITED] == "Not invited"
    assert shown[S.EXPIRED] == "Invitation expired"
    assert shown[S.REVOKED] == "Invitation revoked"
    for live in (S.LINK_CREATED, S.SENT, S.DELIVERED, S.FAILED, S.OPENED):
        assert shown[live] == "Invited"
    assert stage_label(Candidate(stage="offer"), S.SUBMITTED) == "Offer"


@pytest.mark.django_db
def test_the_history_says_a_candidate_was_added_not_invited(client, recruiter, job):
    from servicefit.candidates.services import add_candidate

    fresh = add_candidate(job=job, name="Ingrid", email="ingrid@example.com", added_by=recruiter)
    client.force_login(recruiter)
    html = client.get(f"/candidates/{fresh.pk}/").content.decode()
    history = html[html.index('id="history-heading"') :]
    assert "Candidate added" in history and "→ Invited" not in history
    explanation = client.get(f"/candidates/{fresh.pk}/explanation/").content.decode()
    assert "Candidate added" in explanation and "→ Invited" not in explanation


def test_a_reply_explanation_shows_how_much_each_piece_of_evidence_moved_the_rating():
    from servicefit.backoffice.explain import explain

    item = {
        "code": "negative_signal",
        "params": {
            "label": "blame",
            "label_text": "Blame",
            "evidence": "your fault",
            "points": -0.8,
        },
        "text": "",
    }
    with translation.override("en"):
        assert explain(item).endswith("“your fault” (-0.80).")
    with translation.override("da"):
        text = explain(item)
        assert text.endswith("your fault« (-0,80).")  # Danish quotes and decimal comma
        assert not text.startswith("Blam")  # the label is translated too
    missing = {"code": "signal_missing", "params": {"label": "apology", "label_text": "x"}}
    with translation.override("en"):
        assert "(" not in explain(missing)  # nothing was added, so no number


def test_a_reply_in_another_language_names_the_pages_language_as_expected():
    from types import SimpleNamespace

    from servicefit.backoffice.report import _reply
    from servicefit.language import analyze_reply

    text = "Hej Sarah, jeg er meget ked af, at din pakke ikke er kommet. Jeg ringer til dig i dag."
    # scoring analysed the Danish reply again in Danish, so the analysis "expects" Danish
    analysis = analyze_reply(text, expected_language="da").to_dict()
    reply = SimpleNamespace(
        text=text,
        analysis=analysis,
        shown_language="en",
        language="da",
        message="late_delivery",
        error=None,
        status="answered",
        submitted_empty=False,
        not_reached=False,
    )
    shown = _reply(SimpleNamespace(reply=reply), "en")
    assert shown is not None
    assert analysis["language"]["expected"] == "da"
    assert shown["expected_language"] == "en"
    assert shown["other_language"] is True
    reply.shown_language = "da"
    assert _reply(SimpleNamespace(reply=reply), "en")["other_language"] is False
