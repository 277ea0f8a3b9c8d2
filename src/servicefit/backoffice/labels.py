"""Translated names for the codes the back office shows: written-reply signals and ratings,
stage-change reasons, audit actions, measurement flags."""

from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

SIGNAL_LABELS = {
    "greeting": _("Greeting"),
    "closing": _("Closing"),
    "customer_name": _("Uses the customer's name"),
    "thanks": _("Thanks"),
    "apology": _("Apology"),
    "empathy": _("Empathy"),
    "ownership": _("Ownership"),
    "next_step": _("Concrete next step"),
    "alternative_offered": _("Offers an alternative"),
    "blame": _("Blame or arguing"),
    "condescension": _("Condescension"),
    "shouting": _("Shouting"),
}
RATING_LABELS = {
    "courtesy": _("Courtesy"),
    "empathy": _("Empathy"),
    "ownership": _("Ownership"),
    "clarity": _("Clarity"),
    "overall": _("Overall"),
}
SOURCE_LABELS = {
    "questionnaire": _("Questionnaire"),
    "sjt": _("Judgement scenarios"),
    "reply": _("Written reply"),
    "interview": _("Interviews"),
}

#: Reasons recorded by the system (not chosen by a person) for a stage change.
SYSTEM_REASON_LABELS = {
    "started": _("Candidate started the assessment"),
    "submitted": _("Candidate submitted the assessment"),
    "interview_scheduled": _("Interview scheduled"),
}

#: The audit trail's action codes, as a recruiter reads them.
AUDIT_LABELS = {
    "account.password_changed": _("Password changed"),
    "account.locked_out": _("Locked out: wrong current password too often"),
    "account.totp_enrolled": _("Two-step sign-in set up"),
    "account.totp_removed": _("Two-step sign-in removed"),
    "account.created": _("User added by an administrator"),
    "account.deleted": _("User deleted by an administrator"),
    "account.role_changed": _("Role changed by an administrator"),
    "account.deactivated": _("User deactivated by an administrator"),
    "account.reactivated": _("User reactivated by an administrator"),
    "account.password_reset": _("Password set by an administrator"),
    "account.unlocked": _("Failed sign-ins cleared (unlocked) by an administrator"),
    "account.totp_reset": _("Two-step sign-in reset by an administrator"),
    "account.totp_added": _("Authenticator app added by an administrator"),
    "account.totp_changed": _("Authenticator app changed by an administrator"),
    "api.call": _("API call"),
    "api.token_created": _("API token created"),
    "api.token_revoked": _("API token revoked"),
    "assessment.adaptive_finished": _("Adaptive questionnaire finished"),
    "assessment.adaptive_started": _("Adaptive questionnaire started"),
    "assessment.consented": _("Candidate agreed to the notices and started"),
    "assessment.scored": _("Assessment scored"),
    "assessment.submitted": _("Assessment submitted"),
    "assessment.sjt_started": _("Situations section started"),
    "assessment.reply_started": _("Written reply started"),
    "audit.exported": _("Audit log downloaded"),
    "auth.break_glass_login": _("Emergency sign-in with a password"),
    "branding.changed": _("Branding changed"),
    "candidate.added": _("Candidate added"),
    "candidate.erased": _("Candidate data erased"),
    "candidate.explanation_exported": _("Explanation downloaded"),
    "candidate.exported": _("Candidate data exported"),
    "candidate.report_downloaded": _("Report downloaded (PDF)"),
    "candidate.report_viewed": _("Report viewed"),
    "candidate.result_read": _("Result read through the API"),
    "candidate.stage_changed": _("Stage changed"),
    "candidate.stage_noted": _("Note added (stage unchanged)"),
    "candidate.updated": _("Candidate details corrected"),
    "privacy_request.closed": _("Data-subject request closed"),
    "privacy_request.extended": _("Data-subject request: deadline extended"),
    "privacy_request.registered": _("Data-subject request registered"),
    "fairness.summary_downloaded": _("Fairness summary downloaded"),
    "fairness.viewed": _("Fairness page viewed"),
    "feedback.emailed": _("Feedback e-mail sent to the candidate"),
    "greenhouse.status_read": _("Status read by Greenhouse"),
    "greenhouse.test_sent": _("Assessment ordered from Greenhouse"),
    "interview.kit_viewed": _("Interview kit viewed"),
    "interview.scheduled": _("Interview scheduled"),
    "interview.viewed": _("Interview viewed"),
    "invitation.created": _("Invitation link created"),
    "invitation.email_failed": _("Invitation e-mail failed"),
    "invitation.email_queued": _("Invitation e-mail queued"),
    "invitation.extended": _("Invitation extended"),
    "invitation.opened": _("Invitation opened by the candidate"),
    "invitation.reminded": _("Reminder e-mail sent"),
    "invitation.reminder_requested": _("Reminder requested"),
    "invitation.revoked": _("Invitation revoked"),
    "invitation.sent": _("Invitation e-mail sent"),
    "job.adaptive_off": _("Adaptive questionnaire switched off"),
    "job.adaptive_on": _("Adaptive questionnaire switched on"),
    "job.closed": _("Job closed"),
    "job.created": _("Job created"),
    "job.edited": _("Job edited"),
    "job.reopened": _("Job reopened"),
    "job.viewed_suspended": _("Job viewed while scoring was suspended"),
    "measurement.calibrated": _("Item parameters calibrated"),
    "measurement.report_requested": _("Measurement-quality report requested"),
    "measurement.rescored": _("Results re-scored with new item parameters"),
    "outcomes.imported": _("Hiring outcomes imported"),
    "reply.rated": _("Written reply rated"),
    "review.queue_viewed": _("Review requests viewed"),
    "review.requested": _("Candidate asked for a review"),
    "review.resolved": _("Review request answered"),
    "review.answer_email_queued": _("Answer to the review request queued for e-mail"),
    "review.answer_emailed": _("Answer to the review request e-mailed to the candidate"),
    "review.answer_not_emailed": _(
        "Answer to the review request not e-mailed: no e-mail server is set up"
    ),
    "scorecard.saved": _("Scorecard saved"),
    "scorecard.submitted": _("Scorecard submitted"),
    "scoring.resumed": _("Scoring resumed"),
    "scoring.suspended": _("Scoring suspended"),
    "selfid.given": _("Voluntary self-identification given"),
    "selfid.question_added": _("Self-identification question added"),
    "shortlist.exported": _("Shortlist exported"),
    "shortlist.viewed": _("Shortlist viewed"),
    "sso.login": _("Signed in with single sign-on"),
    "sso.refused": _("Single sign-on refused"),
    "validation.viewed": _("Validation page viewed"),
    "webhook.created": _("Webhook created"),
    "webhook.paused": _("Webhook paused"),
    "webhook.resumed": _("Webhook resumed"),
}

MEASUREMENT_FLAG_LABELS = {
    "weak_item_total": _("Weak link to its competency"),
    "raises_alpha_if_deleted": _("Scale better without it"),
    "negative_slope": _("Keyed the wrong way?"),
    "dif_b": _("Language difference (B)"),
    "dif_c": _("Language difference (C)"),
    "selfid_dif_b": _("Group difference (B)"),
    "selfid_dif_c": _("Group difference (C)"),
}


def reason_text(code: str, params: dict[str, Any] | None = None) -> str:
    """A stage change's reason in the reader's language, with its values filled in."""
    from servicefit.candidates.models import ReasonCode

    params = params or {}
    if code == "interview_scheduled" and params.get("when"):
        when = parse_datetime(params["when"])
        if when is not None:
            return gettext("Interview scheduled for %(when)s") % {
                "when": date_format(localtime(when), "SHORT_DATETIME_FORMAT")
            }
    if code in SYSTEM_REASON_LABELS:
        return str(SYSTEM_REASON_LABELS[code])
    return str(dict(ReasonCode.choices).get(code, code))
