"""Smaller issue-10 findings: formats, chart labels, the rating form, translated history."""

from __future__ import annotations

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
