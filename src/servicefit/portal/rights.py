"""Candidate pages after submission: voluntary self-identification, and asking for a human
review of the result or contesting it (GDPR Art. 22(3))."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from servicefit.assessments.models import Invitation
from servicefit.fairness.monitoring import min_cell_size
from servicefit.fairness.selfid import categories, has_answered, save_self_identification
from servicefit.oversight.services import OversightError, request_review

from .access import session_of, unavailable, use_candidate_language
from .forms import ReviewRequestForm, SelfIdForm


def _submitted(request: HttpRequest, token: str) -> Invitation | None:
    """The invitation of a submitted, not withdrawn assessment, or None; the page then speaks
    the candidate's language, as every other candidate page does."""
    invitation = Invitation.objects.for_token(token)
    session = session_of(invitation) if invitation is not None else None
    if invitation is None or session is None or not session.is_submitted:
        return None
    if session.withdrawn_at is not None:
        return None
    use_candidate_language(request, invitation)
    return invitation


def self_identify(request: HttpRequest, token: str) -> HttpResponse:
    invitation = _submitted(request, token)
    if invitation is None:
        return unavailable(request, token)
    asked = categories()
    form = SelfIdForm(request.POST or None, categories=asked)
    if request.method == "POST":
        if request.POST.get("skip"):
            return redirect(reverse("portal:done", kwargs={"token": token}))
        if form.is_valid():
            save_self_identification(candidate=invitation.candidate, raw=form.cleaned_data)
            messages.success(
                request, _("Thank you. Your answers are stored apart from your assessment.")
            )
            return redirect(reverse("portal:done", kwargs={"token": token}))
    context = {
        "token": token,
        "job": invitation.candidate.job,
        "form": form,
        "already": has_answered(invitation.candidate),
        "bases": [c for c in asked if c.lawful_basis],
        # the notice names the minimum group the fairness statistics really use
        "min_cell": min_cell_size(),
    }
    return render(request, "portal/self_identify.html", context)


def contest(request: HttpRequest, token: str) -> HttpResponse:
    invitation = _submitted(request, token)
    if invitation is None:
        return unavailable(request, token)
    form = ReviewRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review = request_review(
                candidate=invitation.candidate,
                kind=form.cleaned_data["kind"],
                message=form.cleaned_data["message"],
            )
        except OversightError as exc:
            form.add_error(None, exc.message)
        else:
            return render(
                request,
                "portal/contest_received.html",
                {"token": token, "job": invitation.candidate.job, "review": review},
            )
    status = 400 if form.errors else 200
    return render(
        request,
        "portal/contest.html",
        {"token": token, "job": invitation.candidate.job, "form": form},
        status=status,
    )
