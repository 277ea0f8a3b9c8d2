from django.urls import path

from .views import candidates, dashboard, jobs, privacy, reports

app_name = "backoffice"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("jobs/new/", jobs.job_create, name="job_create"),
    path("jobs/<int:job_id>/", jobs.job_detail, name="job_detail"),
    path("jobs/<int:job_id>/edit/", jobs.job_edit, name="job_edit"),
    path("jobs/<int:job_id>/export.<str:fmt>", jobs.job_export, name="job_export"),
    path("jobs/<int:job_id>/candidates/new/", candidates.candidate_add, name="candidate_add"),
    path(
        "jobs/<int:job_id>/candidates/import/", candidates.candidate_import, name="candidate_import"
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
    path("candidates/<int:candidate_id>/stage/", candidates.stage_change, name="stage_change"),
    path(
        "candidates/<int:candidate_id>/export.json",
        privacy.candidate_export,
        name="candidate_export",
    ),
    path("candidates/<int:candidate_id>/erase/", privacy.candidate_erase, name="candidate_erase"),
]
