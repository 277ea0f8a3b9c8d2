"""Workflows of the measurement module: the adaptive switch per job and the quality report."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicefit.accounts.models import User
from servicefit.audit.recording import record
from servicefit.content import default_content
from servicefit.fairness.monitoring import min_cell_size
from servicefit.fairness.selfid import categories
from servicefit.jobs.models import Job

from .data import questionnaire_responses, self_identified_groups
from .models import AdaptiveSetting, ParameterSet, QualityReport
from .quality import quality_report


class AdaptiveNotAvailable(Exception):
    """The adaptive questionnaire cannot be switched on yet (nothing calibrated)."""


def adaptive_setting(job: Job) -> AdaptiveSetting:
    """The job's setting (an unsaved default, off, when never changed)."""
    return AdaptiveSetting.objects.filter(job=job).first() or AdaptiveSetting(job=job)


@transaction.atomic
def set_adaptive(*, job: Job, enabled: bool, changed_by: User) -> AdaptiveSetting:
    """Switch the adaptive questionnaire on or off for the job's new candidates.

    Candidates who have started keep the form they started with. Switching on needs a
    parameter set for the current content (raises :class:`AdaptiveNotAvailable`).
    """
    current = ParameterSet.objects.current()
    if enabled and (current is None or current.content_version != default_content().version):
        raise AdaptiveNotAvailable(
            _("The questionnaire has not been calibrated yet, so the fixed form stays.")
        )
    setting, _created = AdaptiveSetting.objects.select_for_update().get_or_create(job=job)
    if setting.enabled != enabled:
        setting.enabled = enabled
        setting.changed_by = changed_by
        setting.changed_at = timezone.now()
        setting.save(update_fields=["enabled", "changed_by", "changed_at"])
        record(
            action="job.adaptive_on" if enabled else "job.adaptive_off",
            actor=changed_by,
            job=job,
            parameter_version=current.version if current else None,
        )
    return setting


def refresh_quality_report() -> QualityReport:
    """Compute and store the measurement-quality report (runs in the task worker)."""
    content = default_content()
    data = questionnaire_responses(content)
    asked = categories()
    selfid = self_identified_groups(data.session_ids, [c.key for c in asked])
    report = quality_report(
        content,
        data,
        ParameterSet.objects.current(),
        selfid=selfid,
        min_cell=min_cell_size(),
        options={c.key: [key for key, _label in c.options] for c in asked},
    )
    return QualityReport.objects.create(
        content_version=content.version,
        n_sessions=len(data.session_ids),
        report=report,
    )


def request_quality_report(*, requested_by: User) -> None:
    """Queue a fresh report after the current transaction commits."""
    from .tasks import compute_quality_report

    record(action="measurement.report_requested", actor=requested_by)
    transaction.on_commit(lambda: compute_quality_report.enqueue())
