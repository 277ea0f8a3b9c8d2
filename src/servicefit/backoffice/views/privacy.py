"""Data-subject requests: export everything about a candidate, erase it, and the register of
requests with their deadlines (administrators, who act as the privacy officer)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from servicefit.accounts.permissions import acting_user, admin_required, recruiter_required
from servicefit.audit.recording import record
from servicefit.backoffice.privacy_forms import (
    CloseRequestForm,
    DataSubjectRequestForm,
    EraseForm,
    ExtendRequestForm,
)
from servicefit.candidates.models import Candidate
from servicefit.privacy.models import DataSubjectRequest
from servicefit.privacy.services import (
    RequestStateError,
    close_request,
    erase_candidate,
    export_candidate,
    extend_request,
    note_export,
    ordered_requests,
    register_request,
)


def _register_entry(request: HttpRequest) -> DataSubjectRequest | None:
    """The register entry named by ``?request=`` when an administrator acts from it."""
    raw = request.GET.get("request", "")
    if not raw.isdigit() or not acting_user(request).is_admin:
        return None
    return DataSubjectRequest.objects.filter(pk=int(raw)).first()


@recruiter_required
def candidate_export(request: HttpRequest, candidate_id: int) -> HttpResponse:
    candidate = get_object_or_404(Candidate.objects.select_related("job"), pk=candidate_id)
    user = acting_user(request)
    record(action="candidate.exported", actor=user, candidate=candidate)
    # The voluntary self-identification is in an administrator's export only (the copy for
    # the candidate, Art. 15): recruiters never see it next to a name.
    data = export_candidate(candidate, include_self_identification=user.is_admin)
    entry = _register_entry(request)
    if entry is not None:
        note_export(dsr=entry, candidate=candidate)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="servicefit-candidate-{candidate.pk}.json"'
    )
    return response


@recruiter_required
def candidate_erase(request: HttpRequest, candidate_id: int) -> HttpResponse:
    candidate = get_object_or_404(Candidate.objects.select_related("job"), pk=candidate_id)
    form = EraseForm(request.POST or None, email=candidate.email)
    if request.method == "POST" and form.is_valid():
        job = candidate.job
        entry = _register_entry(request)
        erase_candidate(
            candidate=candidate, erased_by=acting_user(request), reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("The candidate's data was erased."))
        if entry is not None:
            return redirect("backoffice:privacy_request", request_id=entry.pk)
        return redirect("backoffice:job_detail", job_id=job.pk)
    return render(
        request,
        "backoffice/candidate_erase.html",
        {"candidate": candidate, "job": candidate.job, "form": form},
        status=400 if form.is_bound else 200,
    )


@admin_required
def privacy_requests(request: HttpRequest) -> HttpResponse:
    """The register: open requests by due date (overdue, then due soon), then closed ones; and
    the form to register a new one."""
    form = DataSubjectRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entry = register_request(
            kind=data["kind"],
            email=data["email"],
            name=data["name"],
            received_on=data["received_on"],
            notes=data["notes"],
            registered_by=acting_user(request),
        )
        messages.success(request, _("The request is registered."))
        return redirect("backoffice:privacy_request", request_id=entry.pk)
    today = timezone.localdate()
    entries = ordered_requests()
    context = {
        "form": form,
        "entries": entries,
        "today": today,
        "overdue": sum(1 for e in entries if e.is_overdue(today)),
        "due_soon": sum(1 for e in entries if e.is_due_soon(today)),
    }
    return render(
        request,
        "backoffice/privacy_requests.html",
        context,
        status=400 if form.is_bound else 200,
    )


@admin_required
def privacy_request(request: HttpRequest, request_id: int) -> HttpResponse:
    entry = get_object_or_404(DataSubjectRequest, pk=request_id)
    extend_form = ExtendRequestForm(prefix="extend")
    close_form = CloseRequestForm(prefix="close")
    status = 200
    if request.method == "POST":
        user = acting_user(request)
        try:
            if "extend-reason" in request.POST:
                extend_form = ExtendRequestForm(request.POST, prefix="extend")
                if extend_form.is_valid():
                    extend_request(
                        dsr=entry, reason=extend_form.cleaned_data["reason"], extended_by=user
                    )
                    messages.success(request, _("The deadline is extended by two months."))
                    return redirect("backoffice:privacy_request", request_id=entry.pk)
            else:
                close_form = CloseRequestForm(request.POST, prefix="close")
                if close_form.is_valid():
                    close_request(
                        dsr=entry,
                        outcome=close_form.cleaned_data["outcome"],
                        notes=close_form.cleaned_data["notes"],
                        closed_by=user,
                    )
                    messages.success(request, _("The request is closed."))
                    return redirect("backoffice:privacy_request", request_id=entry.pk)
        except RequestStateError:
            messages.error(request, _("The request was closed or extended in the meantime."))
            return redirect("backoffice:privacy_request", request_id=entry.pk)
        status = 400
    context = {
        "entry": entry,
        "candidates": entry.candidates.select_related("job"),
        "extend_form": extend_form,
        "close_form": close_form,
        "today": timezone.localdate(),
    }
    return render(request, "backoffice/privacy_request.html", context, status=status)
