"""Data-subject requests: export everything about a candidate, or erase it."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from servicefit.accounts.permissions import acting_user, recruiter_required
from servicefit.audit.recording import record
from servicefit.backoffice.privacy_forms import EraseForm
from servicefit.candidates.models import Candidate
from servicefit.privacy.services import erase_candidate, export_candidate


@recruiter_required
def candidate_export(request: HttpRequest, candidate_id: int) -> HttpResponse:
    candidate = get_object_or_404(Candidate.objects.select_related("job"), pk=candidate_id)
    user = acting_user(request)
    record(action="candidate.exported", actor=user, candidate=candidate)
    # The voluntary self-identification is in an administrator's export only (the copy for
    # the candidate, Art. 15): recruiters never see it next to a name.
    data = export_candidate(candidate, include_self_identification=user.is_admin)
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
        erase_candidate(
            candidate=candidate, erased_by=acting_user(request), reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("The candidate's data was erased."))
        return redirect("backoffice:job_detail", job_id=job.pk)
    return render(
        request,
        "backoffice/candidate_erase.html",
        {"candidate": candidate, "job": candidate.job, "form": form},
        status=400 if form.is_bound else 200,
    )
