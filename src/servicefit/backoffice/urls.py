from django.urls import path

from .views import (
    candidates,
    dashboard,
    fairness,
    integrations,
    jobs,
    measurement,
    oversight,
    privacy,
    reports,
)

app_name = "backoffice"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("jobs/new/", jobs.job_create, name="job_create"),
    path("jobs/<int:job_id>/", jobs.job_detail, name="job_detail"),
    path("jobs/<int:job_id>/edit/", jobs.job_edit, name="job_edit"),
    path("jobs/<int:job_id>/close/", jobs.job_close, name="job_close"),
    path("jobs/<int:job_id>/reopen/", jobs.job_reopen, name="job_reopen"),
    path("jobs/<int:job_id>/export.<str:fmt>", jobs.job_export, name="job_export"),
    path("jobs/<int:job_id>/adaptive/", measurement.job_adaptive, name="job_adaptive"),
    path("measurement/", measurement.measurement_quality, name="measurement_quality"),
    path("jobs/<int:job_id>/candidates/new/", candidates.candidate_add, name="candidate_add"),
    path(
        "jobs/<int:job_id>/candidates/import/", candidates.candidate_import, name="candidate_import"
    ),
    path(
        "jobs/<int:job_id>/imports/<int:import_id>/",
        candidates.import_status,
        name="import_status",
    ),
    path("candidates/<int:candidate_id>/", reports.candidate_report, name="candidate_report"),
    path(
        "candidates/<int:candidate_id>/report.pdf",
        reports.candidate_report_pdf,
        name="candidate_report_pdf",
    ),
    path("candidates/<int:candidate_id>/reply-rating/", reports.reply_rating, name="reply_rating"),
    path(
        "candidates/<int:candidate_id>/invite/", candidates.invitation_send, name="invitation_send"
    ),
    path("candidates/<int:candidate_id>/link/", candidates.invitation_link, name="invitation_link"),
    path(
        "candidates/<int:candidate_id>/remind/",
        candidates.invitation_remind,
        name="invitation_remind",
    ),
    path("jobs/<int:job_id>/bulk/", candidates.bulk_action, name="bulk_action"),
    path(
        "candidates/<int:candidate_id>/revoke/",
        candidates.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "candidates/<int:candidate_id>/extend/",
        candidates.invitation_extend,
        name="invitation_extend",
    ),
    path("candidates/<int:candidate_id>/edit/", candidates.candidate_edit, name="candidate_edit"),
    path("candidates/<int:candidate_id>/stage/", candidates.stage_change, name="stage_change"),
    path(
        "candidates/<int:candidate_id>/export.json",
        privacy.candidate_export,
        name="candidate_export",
    ),
    path("candidates/<int:candidate_id>/erase/", privacy.candidate_erase, name="candidate_erase"),
    path("privacy/requests/", privacy.privacy_requests, name="privacy_requests"),
    path("privacy/requests/<int:request_id>/", privacy.privacy_request, name="privacy_request"),
    # fairness, validation and oversight (issue 13)
    path("jobs/<int:job_id>/fairness/", fairness.job_fairness, name="job_fairness"),
    path(
        "jobs/<int:job_id>/audit-summary.<str:fmt>",
        fairness.job_audit_summary,
        name="job_audit_summary",
    ),
    path("jobs/<int:job_id>/validation/", fairness.job_validation, name="job_validation"),
    path("jobs/<int:job_id>/scoring/suspend/", oversight.scoring_suspend, name="scoring_suspend"),
    path("jobs/<int:job_id>/scoring/resume/", oversight.scoring_resume, name="scoring_resume"),
    path("self-identification/", fairness.selfid_questions, name="selfid_questions"),
    path("review-requests/", oversight.review_queue, name="review_queue"),
    path(
        "review-requests/<int:request_id>/answer/",
        oversight.review_resolve,
        name="review_resolve",
    ),
    path(
        "candidates/<int:candidate_id>/explanation/",
        oversight.candidate_explanation,
        name="candidate_explanation",
    ),
    path(
        "candidates/<int:candidate_id>/explanation.json",
        oversight.candidate_explanation,
        {"fmt": "json"},
        name="candidate_explanation_json",
    ),
    path("instructions-for-use/", oversight.instructions_for_use, name="instructions"),
    path("integrations/", integrations.integrations, name="integrations"),
    path("integrations/tokens/new/", integrations.token_create, name="token_create"),
    path(
        "integrations/tokens/<int:token_id>/revoke/",
        integrations.token_revoke,
        name="token_revoke",
    ),
    path("integrations/webhooks/new/", integrations.webhook_create, name="webhook_create"),
    path(
        "integrations/webhooks/<int:webhook_id>/",
        integrations.webhook_detail,
        name="webhook_detail",
    ),
    path(
        "integrations/webhooks/<int:webhook_id>/test/",
        integrations.webhook_test,
        name="webhook_test",
    ),
    path(
        "integrations/webhooks/<int:webhook_id>/toggle/",
        integrations.webhook_toggle,
        name="webhook_toggle",
    ),
]
