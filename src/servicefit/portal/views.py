"""Candidate pages: landing and consent, job preview, the assessment pages, review, submit.

Every view works without JavaScript (plain form posts); with htmx each answer is also saved the
moment it is given. The token in the URL is the candidate's only credential.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from servicefit.assessments import services
from servicefit.assessments.models import AssessmentSession, Invitation
from servicefit.assessments.plan import AssessmentPlan, Page
from servicefit.candidates.models import Candidate
from servicefit.content import Content, default_content
from servicefit.fairness.selfid import has_answered
from servicefit.oversight.services import is_scoring_suspended

from .access import session_of, submitted_session, unavailable, with_invitation
from .pages import page_context


def _url(name: str, token: str, **kwargs: str) -> str:
    return reverse(f"portal:{name}", kwargs={"token": token, **kwargs})


def _language() -> str:
    return (get_language() or "en").split("-")[0]


def _minutes(candidate: Candidate, section: str, content: Content | None = None) -> int:
    """A timed section's minutes for this candidate, extra time included (0 if untimed)."""
    limit = services.candidate_time_limit(candidate, section, content)
    return services.limit_minutes(limit) if limit is not None else 0


def landing(request: HttpRequest, token: str) -> HttpResponse:
    """The link's first page; once the assessment is submitted, the thank-you page.

    The e-mailed link is the only address a candidate keeps, so after submission it leads to
    the feedback and the request for a human review for as long as the thank-you page is
    shown (``SERVICEFIT_FEEDBACK_DAYS``); after that, it gets the neutral page.
    """
    if submitted_session(request, token) is not None:
        return redirect(_url("done", token))
    return _landing(request, token)


@with_invitation
def _landing(request: HttpRequest, token: str, invitation: Invitation) -> HttpResponse:
    services.mark_opened(invitation=invitation)
    session = session_of(invitation)
    if session is not None and request.method == "GET":
        return redirect(_url("preview", token))
    if request.method == "POST":
        if request.POST.get("consent") != "yes":
            messages.error(request, _("Please confirm that you have read the notices to start."))
        else:
            services.start_session(invitation=invitation, language=_language())
            return redirect(_url("preview", token))
    content = default_content()
    context = {
        "token": token,
        "job": invitation.candidate.job,
        "candidate": invitation.candidate,
        "expires_at": invitation.expires_at,
        "sjt_minutes": _minutes(invitation.candidate, "sjt", content),
        "reply_minutes": _minutes(invitation.candidate, "reply", content),
        "extra_time_percent": invitation.candidate.extra_time_percent,
        "total_minutes": services.assessment_minutes(invitation.candidate, content),
        "privacy_version": services.PRIVACY_NOTICE_VERSION,
        "automation_version": services.AUTOMATION_NOTICE_VERSION,
    }
    return render(request, "portal/landing.html", context)


@with_invitation
def preview(request: HttpRequest, token: str, invitation: Invitation) -> HttpResponse:
    session = session_of(invitation)
    if session is None:
        return redirect(_url("landing", token))
    job = invitation.candidate.job
    profile = default_content().job_profile(job.profile_template)
    plan = services.plan_for(session)
    answered = set(services.answers_of(session))
    resume = plan.first_unanswered(answered)
    context = {
        "token": token,
        "job": job,
        "preview_paragraphs": [
            p for p in profile.preview.get(_language()).split("\n\n") if p.strip()
        ]
        if profile.preview
        else [],
        "first_page": plan.pages[0].slug if plan.pages else None,
        "resume_page": resume.slug if resume and answered else None,
    }
    return render(request, "portal/preview.html", context)


@with_invitation
def withdraw(request: HttpRequest, token: str, invitation: Invitation) -> HttpResponse:
    if request.method == "POST":
        services.withdraw(invitation=invitation, reason=request.POST.get("reason", ""))
        return render(request, "portal/withdrawn.html", {"job": invitation.candidate.job})
    return render(
        request, "portal/withdraw.html", {"token": token, "job": invitation.candidate.job}
    )


@with_invitation
def page(request: HttpRequest, token: str, invitation: Invitation, slug: str) -> HttpResponse:
    session = session_of(invitation)
    if session is None:
        return redirect(_url("landing", token))
    plan = services.plan_for(session)
    current = plan.page(slug)
    if current is None:
        return unavailable(request)
    if current.adaptive:
        return redirect(_url("adaptive", token))
    if services.awaits_start(session, current.section):
        if request.method == "POST" and request.POST.get("start") == "yes":
            services.start_section(session=session, section=current.section)
            return redirect(_url("page", token, slug=current.slug))
        if request.method == "GET":
            return _start_screen(request, token, session, plan, current)
    errors: dict[str, str] = {}
    if request.method == "POST":
        errors = _save_page(request, session, current)
        if not errors:
            target = request.POST.get("go")
            following = plan.previous_page(current) if target == "back" else plan.next_page(current)
            return redirect(
                _url("page", token, slug=following.slug) if following else _url("review", token)
            )
    context = page_context(
        request, token=token, session=session, plan=plan, page=current, errors=errors
    )
    status = 400 if errors else 200
    return render(request, "portal/page.html", context, status=status)


def _start_screen(
    request: HttpRequest,
    token: str,
    session: AssessmentSession,
    plan: AssessmentPlan,
    current: Page,
) -> HttpResponse:
    """The screen before a timed section: how long it is and that Start starts the clock."""
    previous = plan.previous_page(current)
    context = {
        "token": token,
        "page": current,
        "minutes": _minutes(session.candidate, current.section),
        "extra_time_percent": session.candidate.extra_time_percent,
        "previous_url": _url("page", token, slug=previous.slug) if previous else None,
    }
    return render(request, "portal/start_section.html", context)


def _save_page(request: HttpRequest, session: AssessmentSession, current: Page) -> dict[str, str]:
    """Save every answer posted from a page; answers not posted are left as they were."""
    errors: dict[str, str] = {}
    for key in current.keys:
        if key not in request.POST:
            continue
        value = request.POST[key]
        if current.section == "reply":
            stored = services.answers_of(session).get(key)
            if stored is not None and stored.text == value.replace("\r\n", "\n"):
                continue  # unchanged: do not trip the clock on a plain "next"
        try:
            services.save_answer(session=session, key=key, value=value, language=_language())
        except services.TimeUp as exc:
            messages.warning(request, exc.message)
            return {}
        except services.AnswerError as exc:
            errors[key] = exc.message
    return errors


@require_POST
@with_invitation
def answer(request: HttpRequest, token: str, invitation: Invitation) -> HttpResponse:
    """Save one answer (htmx); the response is a short status announced to screen readers."""
    session = session_of(invitation)
    if session is None:
        return HttpResponse(_("Please start the assessment first."), status=400)
    key = request.POST.get("key", "")
    if key not in request.POST:
        return HttpResponse(_("No answer was sent."), status=400)
    try:
        services.save_answer(
            session=session, key=key, value=request.POST[key], language=_language()
        )
    except services.AnswerError as exc:
        return HttpResponse(exc.message, status=exc.status)
    now = timezone.localtime()
    return HttpResponse(_("Saved at %(time)s") % {"time": now.strftime("%H:%M:%S")})


@with_invitation
def review(request: HttpRequest, token: str, invitation: Invitation) -> HttpResponse:
    session = session_of(invitation)
    if session is None:
        return redirect(_url("landing", token))
    plan = services.plan_for(session)
    answers = services.answers_of(session)
    answered = services.answered_keys(answers)
    sections = []
    for section, label in (
        ("questionnaire", _("Work style")),
        ("sjt", _("Situations at work")),
        ("reply", _("Written reply")),
    ):
        keys = plan.keys(section)
        if not keys:
            continue
        missing_pages = [
            p for p in plan.pages if p.section == section and any(k not in answered for k in p.keys)
        ]
        sections.append(
            {
                "label": label,
                "answered": sum(1 for k in keys if k in answered),
                "total": len(keys),
                "first_missing": missing_pages[0].slug if missing_pages else None,
                "time_up": services.is_time_up(session, section),
            }
        )
    done, total = plan.progress(answered)
    reply_keys = plan.keys("reply")
    context = {
        "token": token,
        "sections": sections,
        "done": done,
        "total": total,
        "complete": done == total,
        # what submitting now means for the score (docs/scoring.md, "Parts left empty"): an
        # opened reply left empty is rated lowest; a situation rated in part is not counted
        "reply_empty": bool(reply_keys)
        and session.reply_started_at is not None
        and not any(k in answered for k in reply_keys),
        "partial_scenarios": sum(
            1
            for p in plan.pages
            if p.section == "sjt" and 0 < sum(k in answered for k in p.keys) < len(p.keys)
        ),
    }
    return render(request, "portal/review.html", context)


@require_POST
def submit(request: HttpRequest, token: str) -> HttpResponse:
    """Submit once, then show the thank-you page (``done``).

    Every other case (an unknown, expired, revoked, withdrawn or already used link) gets the
    very same answer, a redirect to ``done``, which decides what that link may show: a second
    submit (double click, two tabs) sees the thank-you page and a stranger learns nothing.
    """
    invitation = services.open_invitation(token)
    session = session_of(invitation) if invitation is not None else None
    if session is not None:
        services.submit(session=session)
    return redirect(_url("done", token))


def done(request: HttpRequest, token: str) -> HttpResponse:
    """The thank-you page; it shows the feedback once the worker has scored the assessment."""
    session = submitted_session(request, token)
    if session is None:
        return unavailable(request, token)
    job = session.candidate.job
    context = {
        "job": job,
        "token": token,
        "self_identified": has_answered(session.candidate),
        "review_requests": session.candidate.review_requests.all(),
        **_feedback_context(session),
    }
    return render(request, "portal/done.html", context)


def done_feedback(request: HttpRequest, token: str) -> HttpResponse:
    """The feedback part of the thank-you page, polled by htmx until scoring has finished."""
    session = submitted_session(request, token)
    if session is None:
        return unavailable(request, token)
    context = {"job": session.candidate.job, "token": token, **_feedback_context(session)}
    return render(request, "portal/_feedback.html", context)


def _feedback_context(session: AssessmentSession) -> dict[str, object]:
    from .feedback import feedback_for

    job = session.candidate.job
    if not job.feedback_report or is_scoring_suspended(job):
        return {"feedback_enabled": False, "feedback": None}
    return {"feedback_enabled": True, "feedback": feedback_for(session)}
