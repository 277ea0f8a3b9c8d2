"""Adding and importing candidates, invitations, stage changes and decisions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from servicefit.accounts.permissions import acting_user, recruiter_required
from servicefit.assessments.bulk import invite_candidates, remind_candidates
from servicefit.assessments.emails import send_invitation
from servicefit.assessments.services import (
    LinkClosedError,
    closed_link_message,
    create_invitation,
    extend_invitation,
    revoke_invitation,
)
from servicefit.candidates.importing import CandidateImportError
from servicefit.candidates.imports import (
    email_summary,
    imported_names,
    problems_of,
    queue_import,
)
from servicefit.candidates.models import Candidate, CandidateImport
from servicefit.candidates.services import (
    CandidateLocked,
    DuplicateEmail,
    add_candidate,
    extra_time_is_fixed,
    language_is_fixed,
    move_to_stage,
    update_candidate,
)
from servicefit.jobs.models import Job
from servicefit.jobs.services import closed_job_message
from servicefit.runtime.uploads import NO_SPACE_IMPORT, refuse_lost_uploads
from servicefit.security.mail import email_is_delivered

from ..concurrency import is_stale, refresh_version
from ..forms import BulkForm, CandidateEditForm, CandidateForm, ExtendForm, ImportForm, StageForm
from .reports import render_report


def _refuse_closed_job_page(request: HttpRequest, job: Job) -> HttpResponse | None:
    """Opening the add or import page of a closed job leads to the job page with the reason.

    Not on POST: a form sent from a page opened before the job was closed is refused by the
    form itself, with what was typed kept beside the reason.
    """
    if request.method == "POST" or job.archived_at is None:
        return None
    messages.error(request, closed_job_message(job))
    return redirect("backoffice:job_detail", job_id=job.pk)


@recruiter_required
def candidate_add(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(Job, pk=job_id)
    if refused := _refuse_closed_job_page(request, job):
        return refused
    form = CandidateForm(request.POST or None, job=job)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                candidate = add_candidate(
                    job=job,
                    name=data["name"],
                    email=data["email"],
                    language=data["language"],
                    added_by=acting_user(request),
                )
                candidate.extra_time_percent = data.get("extra_time_percent") or 0
                candidate.save(update_fields=["extra_time_percent"])
                if data.get("send_invitation"):
                    send_invitation(candidate=candidate, sent_by=acting_user(request))
        except IntegrityError:
            form.add_error("email", _("This e-mail address is already a candidate for this job."))
        else:
            messages.success(request, _("Candidate added."))
            return redirect("backoffice:candidate_report", candidate_id=candidate.pk)
    return render(request, "backoffice/candidate_add.html", {"job": job, "form": form})


@recruiter_required
def candidate_edit(request: HttpRequest, candidate_id: int) -> HttpResponse:
    """Correct a candidate's name, e-mail address, assessment language or extra time; the
    change is audited."""
    if request.method != "POST":
        candidate = get_object_or_404(
            Candidate.objects.select_related("job", "assessment"), pk=candidate_id
        )
        form = _candidate_edit_form(candidate, None)
        return _candidate_edit_page(request, candidate, form)
    with transaction.atomic():
        # Checked and saved under the row lock: two saves at once cannot both pass the
        # "nothing changed since the page was opened" check (backoffice/concurrency.py).
        candidate = get_object_or_404(
            Candidate.objects.select_for_update(of=("self",)).select_related("job", "assessment"),
            pk=candidate_id,
        )
        form = _candidate_edit_form(candidate, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                changed = update_candidate(
                    candidate=candidate,
                    name=data["name"],
                    email=data["email"],
                    language=data["language"],
                    extra_time_percent=data["extra_time_percent"],
                    changed_by=acting_user(request),
                    reason=data.get("reason") or "",
                )
            except DuplicateEmail:
                form.add_error(
                    "email", _("This e-mail address is already a candidate for this job.")
                )
            except CandidateLocked as locked:
                # the candidate started between opening the page and sending it
                form.add_error(
                    locked.field,
                    _(
                        "The candidate has started the assessment in the meantime; this is now "
                        "fixed."
                    ),
                )
            else:
                if changed:
                    messages.success(request, _("The candidate's details were corrected."))
                return redirect("backoffice:candidate_report", candidate_id=candidate.pk)
    if is_stale(form):
        refresh_version(form)
        return _candidate_edit_page(request, candidate, form, status=409)
    return _candidate_edit_page(request, candidate, form, status=400)


def _candidate_edit_form(candidate: Candidate, data: QueryDict | None) -> CandidateEditForm:
    return CandidateEditForm(
        data,
        candidate=candidate,
        language_fixed=language_is_fixed(candidate),
        extra_time_fixed=extra_time_is_fixed(candidate),
    )


def _candidate_edit_page(
    request: HttpRequest, candidate: Candidate, form: CandidateEditForm, status: int = 200
) -> HttpResponse:
    context = {"candidate": candidate, "job": candidate.job, "form": form}
    return render(request, "backoffice/candidate_edit.html", context, status=status)


@recruiter_required
def candidate_import(request: HttpRequest, job_id: int) -> HttpResponse:
    """Upload a file; the task worker checks and adds it while the next page shows progress."""
    job = get_object_or_404(Job, pk=job_id)
    if refused := _refuse_closed_job_page(request, job):
        return refused
    form = ImportForm(request.POST or None, request.FILES or None)
    refuse_lost_uploads(request, form, NO_SPACE_IMPORT)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            candidate_import = queue_import(
                job=job,
                file_name=upload.name,
                data=upload.read(),
                send_invitations=form.cleaned_data["send_invitations"],
                added_by=acting_user(request),
                language=get_language() or "en",
            )
        except CandidateImportError as exc:
            problems = exc.problems
        else:
            return redirect(
                "backoffice:import_status", job_id=job.pk, import_id=candidate_import.pk
            )
    status = 400 if problems else 200
    return render(
        request,
        "backoffice/candidate_import.html",
        {"job": job, "form": form, "problems": problems},
        status=status,
    )


@recruiter_required
def import_status(request: HttpRequest, job_id: int, import_id: int) -> HttpResponse:
    """The import's progress; htmx polls the same URL for the status panel until it is done.

    A finished import shows its first few names, so the recruiter sees at once that letters such
    as "ø" or "ł" came through (the file's encoding was read right).
    """
    candidate_import = get_object_or_404(CandidateImport, pk=import_id, job_id=job_id)
    context = {
        "job": candidate_import.job,
        "import": candidate_import,
        "problems": problems_of(candidate_import),
        "emails": email_summary(candidate_import),
        "sample": imported_names(candidate_import),
    }
    template = (
        "backoffice/_import_progress.html"
        if request.headers.get("HX-Request")
        else "backoffice/import_status.html"
    )
    return render(request, template, context)


def _refuse_closed_link(request: HttpRequest, candidate: Candidate) -> HttpResponse | None:
    """Back to the report with the reason when the candidate's stage closes their link."""
    message = closed_link_message(candidate)
    if message is None:
        return None
    messages.error(request, message)
    return redirect(reverse("backoffice:candidate_report", args=[candidate.pk]) + "#invitation")


def _refuse_closed_job(request: HttpRequest, candidate: Candidate) -> HttpResponse | None:
    """Back to the report with the reason when the candidate's job is closed (no new links)."""
    if candidate.job.archived_at is None:
        return None
    messages.error(request, closed_job_message(candidate.job))
    return redirect(reverse("backoffice:candidate_report", args=[candidate.pk]) + "#invitation")


@require_POST
@recruiter_required
def invitation_send(request: HttpRequest, candidate_id: int) -> HttpResponse:
    candidate = get_object_or_404(Candidate.objects.select_related("job"), pk=candidate_id)
    if refused := _refuse_closed_link(request, candidate) or _refuse_closed_job(request, candidate):
        return refused
    send_invitation(candidate=candidate, sent_by=acting_user(request))
    messages.success(
        request, _("The invitation e-mail to %(email)s is queued.") % {"email": candidate.email}
    )
    return redirect("backoffice:candidate_report", candidate_id=candidate.pk)


@require_POST
@recruiter_required
def invitation_revoke(request: HttpRequest, candidate_id: int) -> HttpResponse:
    candidate = get_object_or_404(Candidate, pk=candidate_id)
    for invitation in candidate.invitations.filter(revoked_at__isnull=True):
        revoke_invitation(invitation=invitation, revoked_by=acting_user(request))
    messages.success(request, _("The invitation link no longer works."))
    return redirect("backoffice:candidate_report", candidate_id=candidate.pk)


@require_POST
@recruiter_required
def invitation_extend(request: HttpRequest, candidate_id: int) -> HttpResponse:
    candidate = get_object_or_404(Candidate, pk=candidate_id)
    if refused := _refuse_closed_link(request, candidate):
        return refused
    form = ExtendForm(request.POST)
    invitation = candidate.invitations.filter(revoked_at__isnull=True).first()
    if invitation is None:
        messages.error(request, _("There is no open invitation to extend."))
    elif not form.is_valid():
        messages.error(request, _("Extend by 1 to 60 days."))
    else:
        try:
            extend_invitation(
                invitation=invitation,
                days=form.cleaned_data["days"],
                extended_by=acting_user(request),
            )
        except LinkClosedError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The invitation was extended."))
    return redirect("backoffice:candidate_report", candidate_id=candidate.pk)


@require_POST
@recruiter_required
def stage_change(request: HttpRequest, candidate_id: int) -> HttpResponse:
    """A person moves the candidate, with a reason; recorded with who and when."""
    with transaction.atomic():
        # Checked and recorded under the candidate's row lock: of two changes sent from pages
        # showing the same stage only the first applies; the second is refused as stale.
        candidate = get_object_or_404(
            Candidate.objects.select_for_update(of=("self",)).select_related("job"),
            pk=candidate_id,
        )
        form = StageForm(request.POST, candidate=candidate)
        if form.is_valid():
            data = form.cleaned_data
            change = move_to_stage(
                candidate=candidate,
                stage=data["stage"],
                changed_by=acting_user(request),
                reason_code=data.get("reason_code") or "",
                note=data.get("note") or "",
                opened_stage=data["opened_stage"],
            )
            stage = {"stage": candidate.get_stage_display()}
            if change.from_stage == change.to_stage:
                messages.success(request, _("Recorded. The stage stays %(stage)s.") % stage)
            else:
                messages.success(request, _("Stage changed to %(stage)s.") % stage)
            return redirect("backoffice:candidate_report", candidate_id=candidate.pk)
    # The report again, with the recruiter's stage, reason and note and the errors beside the
    # fields: nothing they typed is lost.
    stale = form.has_error(NON_FIELD_ERRORS, "stale")
    if stale or form.has_error("opened_stage"):
        # Refused because the stage moved since the page was opened, or the form did not say
        # which stage it showed: the page now shows the current stage, so recording again
        # applies the change on top of it.
        form.data = form.data.copy()
        form.data["opened_stage"] = candidate.stage
        return render_report(request, candidate, stage_form=form, status=409 if stale else 400)
    return render_report(request, candidate, stage_form=form, status=400)


@require_POST
@recruiter_required
def invitation_link(request: HttpRequest, candidate_id: int) -> HttpResponse:
    """A new link without an e-mail, shown on the report to copy (e.g. with no mail set up)."""
    candidate = get_object_or_404(Candidate.objects.select_related("job"), pk=candidate_id)
    if refused := _refuse_closed_link(request, candidate) or _refuse_closed_job(request, candidate):
        return refused
    create_invitation(candidate=candidate, created_by=acting_user(request))
    messages.success(
        request, _("A new link was created. Copy it below and give it to the candidate.")
    )
    return redirect(reverse("backoffice:candidate_report", args=[candidate.pk]) + "#invitation")


@require_POST
@recruiter_required
def invitation_remind(request: HttpRequest, candidate_id: int) -> HttpResponse:
    candidate = get_object_or_404(Candidate, pk=candidate_id)
    if refused := _refuse_closed_link(request, candidate):
        return refused
    queued = remind_candidates(candidates=[candidate], requested_by=acting_user(request))
    if queued and not email_is_delivered():
        messages.warning(
            request,
            _(
                "No reminder reaches %(email)s: no e-mail server is set up. Copy the link below "
                "and give it to the candidate."
            )
            % {"email": candidate.email},
        )
    elif queued:
        messages.success(
            request, _("A reminder is on its way to %(email)s.") % {"email": candidate.email}
        )
    else:
        messages.error(request, _("No reminder can be sent: the invitation is not open."))
    return redirect(reverse("backoffice:candidate_report", args=[candidate.pk]) + "#invitation")


@require_POST
@recruiter_required
def bulk_action(request: HttpRequest, job_id: int) -> HttpResponse:
    """Invite or remind the candidates ticked on the shortlist."""
    job = get_object_or_404(Job, pk=job_id)
    form = BulkForm(request.POST, job=job)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("backoffice:job_detail", job_id=job.pk)
    chosen = list(form.cleaned_data["candidates"])
    if form.cleaned_data["action"] == "invite":
        outcome = invite_candidates(candidates=chosen, sent_by=acting_user(request))
        counts = {"sent": outcome.done, "skipped": outcome.skipped}
        if email_is_delivered():
            messages.success(
                request,
                _(
                    "Invitation e-mails queued: %(sent)d. Skipped (already invited or "
                    "finished): %(skipped)d."
                )
                % counts,
            )
        else:
            # The same check as the rows' "E-mail not delivered": never claim "sent" while the
            # e-mail backend delivers nothing.
            messages.warning(
                request,
                _(
                    "Links created: %(sent)d. No e-mail was delivered (no e-mail server is set "
                    "up): copy each link from the candidate's page and give it to them. "
                    "Skipped (already invited or finished): %(skipped)d."
                )
                % counts,
            )
        if outcome.closed:
            messages.warning(
                request,
                _(
                    "Not invited because they are rejected, withdrawn or hired (their links "
                    "are closed): %(closed)d. Move them back into the pipeline first."
                )
                % {"closed": outcome.closed},
            )
    else:
        queued = remind_candidates(candidates=chosen, requested_by=acting_user(request))
        counts = {"sent": queued, "skipped": len(chosen) - queued}
        if email_is_delivered():
            messages.success(
                request,
                _("Reminders queued: %(sent)d. Skipped (no open invitation): %(skipped)d.")
                % counts,
            )
        else:
            # As for "Invite selected": no reminder is called queued or sent while the e-mail
            # backend delivers nothing.
            messages.warning(
                request,
                _(
                    "Reminders requested: %(sent)d, but no e-mail was delivered (no e-mail "
                    "server is set up): give each candidate their link from the candidate's "
                    "page. Skipped (no open invitation): %(skipped)d."
                )
                % counts,
            )
    return redirect("backoffice:job_detail", job_id=job.pk)
