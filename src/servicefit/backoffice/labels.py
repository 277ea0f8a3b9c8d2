"""Translated names for the written-reply signals and ratings shown in the back office."""

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
    "assessment.consented": _("Candidate agreed to the notices and started"),
    "assessment.scored": _("Assessment scored"),
    "assessment.submitted": _("Assessment submitted"),
    "assessment.sjt_started": _("Situations section started"),
    "assessment.reply_started": _("Written reply started"),
    "branding.changed": _("Branding changed"),
    "candidate.added": _("Candidate added"),
    "candidate.erased": _("Candidate data erased"),
    "candidate.exported": _("Candidate data exported"),
    "candidate.report_downloaded": _("Report downloaded (PDF)"),
    "candidate.report_viewed": _("Report viewed"),
    "candidate.stage_changed": _("Stage changed"),
    "interview.kit_viewed": _("Interview kit viewed"),
    "interview.scheduled": _("Interview scheduled"),
    "interview.viewed": _("Interview viewed"),
    "invitation.created": _("Invitation link created"),
    "invitation.extended": _("Invitation extended"),
    "invitation.opened": _("Invitation opened by the candidate"),
    "invitation.reminded": _("Reminder e-mail sent"),
    "invitation.reminder_requested": _("Reminder requested"),
    "invitation.revoked": _("Invitation revoked"),
    "invitation.sent": _("Invitation e-mail sent"),
    "job.created": _("Job created"),
    "job.edited": _("Job edited"),
    "reply.rated": _("Written reply rated"),
    "scorecard.submitted": _("Scorecard submitted"),
    "shortlist.exported": _("Shortlist exported"),
    "shortlist.viewed": _("Shortlist viewed"),
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
