"""The ranked shortlist, exports, the candidate report with its chart and PDF, and reply rating."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse

from servicefit.assessments.models import ReplyRating, Standing
from servicefit.audit.models import AuditEvent
from servicefit.candidates.models import Stage

pytestmark = pytest.mark.django_db


def _top(job):
    return Standing.objects.filter(job=job).order_by("-composite").select_related("candidate")[0]


def test_ranking_orders_by_composite_and_explains_each_contribution(client, recruiter, scored_job):
    client.force_login(recruiter)
    url = reverse("backoffice:job_detail", args=[scored_job.pk])
    rows = client.get(url).context["shortlist"].rows
    assert len(rows) == 32
    composites = [r.composite for r in rows]
    assert composites == sorted(composites, reverse=True)
    assert rows[0].rank == 1
    for row in rows[:5]:
        report = client.get(reverse("backoffice:candidate_report", args=[row.candidate.pk]))
        ranked = report.context["ranked"]
        assert ranked.rank == row.rank
        assert sum(c.contribution for c in ranked.contributions if c.contribution) == (
            pytest.approx(row.composite, abs=1e-3)
        )
        assert 1 <= row.lower < row.composite < row.upper <= 5


def test_shortlist_page_shows_rank_composite_band_and_flags(client, recruiter, scored_job):
    client.force_login(recruiter)
    response = client.get(reverse("backoffice:job_detail", args=[scored_job.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"<title>{scored_job.title} · ServiceFit</title>" in html
    top = _top(scored_job)
    assert top.candidate.name in html
    assert f"{top.composite:.2f}" in html
    assert AuditEvent.objects.filter(action="shortlist.viewed", job=scored_job).exists()


def test_shortlist_filter_and_sort(client, recruiter, scored_job):
    from servicefit.candidates.services import add_candidate

    add_candidate(job=scored_job, name="Aaron Notstarted", email="aaron@example.com")
    client.force_login(recruiter)
    url = reverse("backoffice:job_detail", args=[scored_job.pk])
    not_started = client.get(url, {"filter": "not_started"}).context["shortlist"].rows
    assert [r.candidate.name for r in not_started] == ["Aaron Notstarted"]
    by_name = client.get(url, {"sort": "name"}).context["shortlist"].rows
    assert [r.candidate.name for r in by_name] == sorted(
        (r.candidate.name for r in by_name), key=str.lower
    )


def test_csv_export_matches_the_ranking_and_neutralises_formulas(client, recruiter, scored_job):
    candidate = scored_job.candidates.first()
    candidate.name = "=HYPERLINK(1)"
    candidate.save()
    client.force_login(recruiter)
    response = client.get(reverse("backoffice:job_export", args=[scored_job.pk, "csv"]))
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:5] == ["Rank", "Name", "E-mail", "Stage", "Composite"]
    assert len(rows) == 33
    assert "'=HYPERLINK(1)" in [r[1] for r in rows]
    assert rows[1][0] == "1"


def test_xlsx_export_opens_in_a_spreadsheet(client, recruiter, scored_job):
    from openpyxl import load_workbook

    client.force_login(recruiter)
    response = client.get(reverse("backoffice:job_export", args=[scored_job.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 33
    assert sheet["A1"].value == "Rank"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_exports_are_written_in_the_recruiters_language(client, recruiter, scored_job, fmt):
    """A Danish recruiter's spreadsheet had English codes for headers ("band_low",
    "active_listening"), stages ("completed") and flags ("wrong_language")."""
    from openpyxl import load_workbook

    scored_job.candidates.filter(pk=scored_job.candidates.first().pk).update(stage="shortlisted")
    client.force_login(recruiter)
    url = reverse("backoffice:job_export", args=[scored_job.pk, fmt])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="da")
    body = b"".join(response.streaming_content)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(body)).active
        assert sheet.title == "Kandidater"
        rows = [["" if v is None else str(v) for v in r] for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:5] == ["Placering", "Navn", "E-mail", "Fase", "Samlet score"]
    assert "Aktiv lytning" in rows[0]
    assert {r[3] for r in rows[1:]} == {"Gennemført", "På kortlisten"}
    codes = [cell for row in rows for cell in row if re.fullmatch(r"[a-z]+(_[a-z]+)+", cell)]
    assert codes == []


def test_report_shows_each_competency_with_band_percentile_and_sources(
    client, recruiter, scored_candidate
):
    client.force_login(recruiter)
    response = client.get(reverse("backoffice:candidate_report", args=[scored_candidate.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<svg class="profile" role="img"' in html
    competencies = response.context["competencies"]
    assert len(competencies) == 16
    first = competencies[0]
    assert first["lower"] <= first["score"] <= first["upper"]
    assert 0 <= first["percentile"] <= 100
    assert set(first["sources"]) <= {"questionnaire", "sjt", "reply", "interview"}
    assert "Judgement scenarios against the key" in html
    group = response.context["norm_group"]
    assert group.n >= 32
    assert f"norm group {group.name}: {group.n} scored assessments" in html
    assert "scoring version 2." in html and "record version 3" in html
    assert AuditEvent.objects.filter(
        action="candidate.report_viewed", candidate=scored_candidate
    ).exists()


def test_report_highlights_reply_evidence_and_escapes_candidate_text(
    client, recruiter, scored_candidate
):
    result = scored_candidate.assessment.result
    result.reply["text"] = "<script>alert(1)</script> Sorry for the delay."
    result.reply["analysis"]["signals"] = [
        {"label": "apology", "start": 26, "end": 31, "text": "Sorry"}
    ]
    result.save()
    client.force_login(recruiter)
    html = client.get(
        reverse("backoffice:candidate_report", args=[scored_candidate.pk])
    ).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<mark class="evidence" title="Apology">Sorry' in html


def test_each_highlight_says_why_it_was_found(client, recruiter, scored_candidate):
    """Issue 14: every highlighted span says which phrase list or which sentence model found
    it, and how sure the model was; analyses stored before 1.4.5 keep the plain label."""
    signals = scored_candidate.assessment.result.reply["analysis"]["signals"]
    assert signals and all(s["why"]["source"] in ("pattern", "model") for s in signals)
    result = scored_candidate.assessment.result
    result.reply["text"] = "Sorry for the delay. You should have read our terms first."
    result.reply["analysis"]["signals"] = [
        {"label": "apology", "start": 0, "end": 5, "text": "Sorry",
         "why": {"source": "pattern", "pattern": "sorry", "confidence": None, "text": ""}},
        {"label": "blame", "start": 21, "end": 58, "text": "You should have read our terms first.",
         "why": {"source": "model", "model": "lemma", "confidence": 0.8712, "text": ""}},
    ]  # fmt: skip
    result.save()
    client.force_login(recruiter)
    url = reverse("backoffice:candidate_report", args=[scored_candidate.pk])
    html = client.get(url).content.decode()
    assert '<mark class="evidence" title="Apology: a phrase from its list">Sorry' in html
    assert (
        '<mark class="evidence negative" title="Blame or arguing: the sentence model flagged this '
        'sentence (87% sure)">You should' in html
    )
    assert "[Blame or arguing: the sentence model flagged this sentence (87% sure)]" in html
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "the sentence model flagged" not in html


@pytest.mark.parametrize(
    ("language", "capitals", "name"),
    [
        ("en", "Shouting: words written in capitals", "the customer's name or a form of it"),
        ("da", "ord skrevet med store bogstaver", "kundens navn eller en form af det"),
        ("sv", "ord skrivna med versaler", "kundens namn eller en form av det"),
        ("nb", "ord skrevet med store bokstaver", "kundens navn eller en form av det"),
        ("pl", "słowa pisane wielkimi literami", "albo jego odmiana"),
    ],
)
def test_a_highlight_found_by_a_rule_does_not_claim_a_phrase_list(
    client, recruiter, scored_candidate, language, capitals, name
):
    """Words in capitals, "!!!" and the customer's name are found by rules, not by a phrase
    list; their highlights said "a phrase from its list" all the same."""
    result = scored_candidate.assessment.result
    result.reply["text"] = "Sarah, YOU SHOULD LISTEN!!"
    result.reply["analysis"]["signals"] = [
        {"label": "greeting", "start": 0, "end": 5, "text": "Sarah",
         "why": {"source": "pattern", "pattern": "name_as_greeting", "confidence": None}},
        {"label": "customer_name", "start": 0, "end": 5, "text": "Sarah",
         "why": {"source": "pattern", "pattern": "customer_name", "confidence": None}},
        {"label": "shouting", "start": 7, "end": 24, "text": "YOU SHOULD LISTEN",
         "why": {"source": "pattern", "pattern": "capitals", "confidence": None}},
        {"label": "shouting", "start": 24, "end": 26, "text": "!!",
         "why": {"source": "pattern", "pattern": "repeated_exclamation", "confidence": None}},
    ]  # fmt: skip
    result.save()
    client.force_login(recruiter)
    url = reverse("backoffice:candidate_report", args=[scored_candidate.pk])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    titles = re.findall(r'<mark class="evidence[^"]*" title="([^"]*)">', html)
    assert len(titles) == 3, titles
    assert capitals in titles[1]
    assert name.replace("'", "&#x27;") in titles[0]
    assert all("phrase" not in t and "vending" not in t and "wyrażenie" not in t for t in titles)
    if language == "en":
        assert titles[2] == "Shouting: repeated exclamation marks"
        assert titles[0] == (
            "Uses the customer&#x27;s name: the customer&#x27;s name or a form of it; "
            "Greeting: the customer&#x27;s name opens the reply"
        )


def test_a_reply_in_no_recognisable_language_says_so(client, recruiter, scored_candidate):
    """ "ok" (or a reply in Arabic) has no detected language: the report read
    "Language: ? (expected English, confidence 0.00)", and before analysis 1.4.6 "ok" was
    even shown as Norwegian Bokmål with confidence 0.00."""
    from servicefit.language import analyze_reply

    result = scored_candidate.assessment.result
    expected = result.reply.get("shown_language") or result.reply["language"]
    result.reply["text"] = "ok"
    result.reply["analysis"] = analyze_reply("ok", expected_language=expected).to_dict(explain=True)
    result.save()
    client.force_login(recruiter)
    url = reverse("backoffice:candidate_report", args=[scored_candidate.pk])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r"Language: not recognised \(expected [A-Z]\w+", html), html
    assert "Language: ?" not in html and "confidence 0.00" not in html
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "inte igenkänt (förväntat " in html


def test_pdf_report_downloads(client, recruiter, scored_candidate):
    client.force_login(recruiter)
    response = client.get(reverse("backoffice:candidate_report_pdf", args=[scored_candidate.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 5000


def test_a_long_word_in_the_reply_stays_on_the_pdf_page(rf, recruiter, scored_candidate):
    """A pasted 400-character link ran 3,961 px wide on the 794 px A4 page of the PDF: the
    rest of its line was cut off."""
    from servicefit.backoffice.report_pdf import report_document
    from servicefit.language import analyze_reply

    link = "https://tracking.example.com/parcel?id=" + "A1b2C3d4E5" * 36
    text = f"Hi, I'm so sorry. Follow the parcel here: {link}\nI will call you tomorrow."
    result = scored_candidate.assessment.result
    result.reply["text"] = text
    result.reply["analysis"] = analyze_reply(text, expected_language="en").to_dict(explain=True)
    result.save()
    request = rf.get("/")
    request.user = recruiter
    document = report_document(request, scored_candidate)

    def boxes(box):
        yield box
        for child in getattr(box, "children", None) or []:
            yield from boxes(child)

    for page in document.pages:
        right = max(
            (b.position_x + b.width for b in boxes(page._page_box) if hasattr(b, "text")),
            default=0,
        )
        assert right <= page.width, (right, page.width)


def test_the_pdf_says_in_which_time_zone_it_was_generated(client, recruiter, scored_candidate):
    """A PDF is forwarded and read elsewhere: "04:11" alone is ambiguous."""
    import io
    import re

    from pypdf import PdfReader

    client.force_login(recruiter)
    response = client.get(reverse("backoffice:candidate_report_pdf", args=[scored_candidate.pk]))
    first_page = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert re.search(r"Report generated \S+ \d\d:\d\d (CET|CEST|UTC)", first_page), first_page


def _rating_post(result, **changes):
    suggested = {k: int(v) for k, v in result.reply["analysis"]["ratings"].items()}
    data = {k: str(v) for k, v in suggested.items()}
    data.update(changes)
    return suggested, data


def test_changing_a_suggested_rating_needs_a_reason(client, recruiter, scored_candidate):
    result = scored_candidate.assessment.result
    suggested, data = _rating_post(result)
    data["overall"] = str(1 if suggested["overall"] != 1 else 2)
    client.force_login(recruiter)
    url = reverse("backoffice:reply_rating", args=[scored_candidate.pk])
    client.post(url, data)
    assert not ReplyRating.objects.exists()
    data["overall_reason"] = "Ignores the customer's question."
    client.post(url, data)
    stored = ReplyRating.objects.get(dimension="overall")
    assert (stored.suggested, stored.rating, stored.rated_by) == (
        suggested["overall"],
        int(data["overall"]),
        recruiter,
    )
    assert ReplyRating.objects.count() == 5


def test_confirming_suggestions_needs_no_reason(client, recruiter, scored_candidate):
    _suggested, data = _rating_post(scored_candidate.assessment.result)
    client.force_login(recruiter)
    client.post(reverse("backoffice:reply_rating", args=[scored_candidate.pk]), data)
    from django.db.models import F

    assert ReplyRating.objects.filter(rating=F("suggested")).count() == 5


def test_nothing_moves_a_candidate_automatically(scored_job):
    stages = set(scored_job.candidates.values_list("stage", flat=True))
    assert stages == {Stage.COMPLETED}


def test_job_page_tracks_agreement_between_suggestions_and_raters(client, recruiter, scored_job):
    from servicefit.assessments.reply_agreement import reply_agreement
    from servicefit.psychometrics import weighted_kappa

    client.force_login(recruiter)
    pairs = []
    for i, candidate in enumerate(scored_job.candidates.order_by("name")[:6]):
        result = candidate.assessment.result
        suggested, data = _rating_post(result)
        rating = suggested["overall"] if i % 2 else min(5, suggested["overall"] + 1)
        data["overall"] = str(rating)
        data["overall_reason"] = "Different view"
        client.post(reverse("backoffice:reply_rating", args=[candidate.pk]), data)
        pairs.append((suggested["overall"], rating))
    overall = next(a for a in reply_agreement(scored_job) if a.dimension == "overall")
    assert overall.n == 6
    assert overall.exact == pytest.approx(sum(s == r for s, r in pairs) / 6)
    expected = weighted_kappa([s for s, _ in pairs], [r for _, r in pairs], categories=range(1, 6))
    assert overall.kappa == pytest.approx(expected) or (
        overall.kappa is None and expected != expected
    )
    html = client.get(reverse("backoffice:job_detail", args=[scored_job.pk])).content.decode()
    assert "Written-reply ratings: people and suggestions" in html


def test_report_says_how_many_points_each_piece_of_reply_evidence_added(
    client, recruiter, scored_candidate
):
    result = scored_candidate.assessment.result
    client.force_login(recruiter)
    html = client.get(
        reverse("backoffice:candidate_report", args=[scored_candidate.pk])
    ).content.decode()
    moved = [
        item["params"]["points"]
        for items in result.reply["analysis"]["explanation"].values()
        for item in items
        if "points" in item["params"]
    ]
    assert moved, "the stored analysis names what moved its ratings"
    assert f"({moved[0]:+.2f})" in html
    assert "how many points it added to or took from the suggested rating" in html


@pytest.mark.parametrize(
    ("language", "one_candidate"),
    [("en", "1 candidate in the job"), ("da", "1 kandidat i jobbet"), ("pl", "1 kandydat na")],
)
def test_a_job_with_one_candidate_says_so_in_the_singular(
    client, recruiter, job, language, one_candidate
):
    """A new job's first candidate read "1 candidates in the job" ("1 kandydatów")."""
    from servicefit.candidates.services import add_candidate

    add_candidate(job=job, name="Ola Nordmann", email="ola@example.com", language="nb")
    client.force_login(recruiter)
    url = reverse("backoffice:job_detail", args=[job.pk])
    assert one_candidate in client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_the_band_in_brackets_is_lower_case_mid_sentence_in_polish(
    client, recruiter, scored_candidate
):
    """The Polish report read "wynik łączny 4,58 w skali 1–5 (Przedział 95% 4,44 … 4,71)": the
    column header's capital inside a sentence. The header keeps it."""
    client.force_login(recruiter)
    for url in (
        reverse("backoffice:candidate_report", args=[scored_candidate.pk]),
        reverse("backoffice:candidate_explanation", args=[scored_candidate.pk]),
    ):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="pl").content.decode()
        assert "(przedział 95%" in html and "(Przedział" not in html, url
