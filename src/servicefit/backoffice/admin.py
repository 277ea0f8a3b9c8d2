"""The audit log in the Django admin: administrators read, filter and download it.

Read-only: nobody adds, changes or deletes an event here (the decision-log retention purge,
``servicefit manage purge_expired``, is the only thing that removes events).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from servicefit.accounts.permissions import acting_user
from servicefit.audit.models import AuditEvent
from servicefit.audit.recording import record
from servicefit.security.text import printable

from .labels import AUDIT_LABELS

CSV_HEADER = ["time", "actor", "action", "action_label", "candidate_id", "job_id", "detail"]


class _Echo:
    """A file-like object whose ``write`` hands back the line (for a streamed CSV)."""

    def write(self, value: str) -> str:
        return value


def _safe(value: Any) -> Any:
    """No control characters, and no text a spreadsheet would run as a formula."""
    if isinstance(value, str):
        value = printable(value)
        if value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
            return "'" + value
    return value


def audit_csv_rows(events: QuerySet[AuditEvent]) -> Iterator[list[Any]]:
    yield CSV_HEADER
    for event in events.order_by("at", "pk").iterator(chunk_size=2000):
        yield [
            timezone.localtime(event.at).isoformat(),
            event.actor_label,
            event.action,
            str(AUDIT_LABELS.get(event.action, event.action)),
            event.candidate_id or "",
            event.job_id or "",
            json.dumps(event.detail, ensure_ascii=False, sort_keys=True) if event.detail else "",
        ]


class ActionFilter(admin.SimpleListFilter):
    title = _("action")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        seen = AuditEvent.objects.values_list("action", flat=True).distinct().order_by("action")
        return [(a, str(AUDIT_LABELS.get(a, a))) for a in seen]

    def queryset(self, request: HttpRequest, queryset: QuerySet[AuditEvent]) -> Any:
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("time", "by", "action_label", "candidate_id", "job_id", "detail_text")
    list_filter = (ActionFilter, "at")
    search_fields = ("actor_label", "action", "=candidate__id", "=job__id")
    date_hierarchy = "at"
    list_per_page = 100
    show_full_result_count = False
    actions = ["download_csv"]

    @admin.display(description=_("time"), ordering="at")
    def time(self, event: AuditEvent) -> str:
        return formats.localize(timezone.localtime(event.at))

    @admin.display(description=_("by"), ordering="actor_label")
    def by(self, event: AuditEvent) -> str:
        return event.actor_label

    @admin.display(description=_("action"), ordering="action")
    def action_label(self, event: AuditEvent) -> str:
        return str(AUDIT_LABELS.get(event.action, event.action))

    @admin.display(description=_("details"))
    def detail_text(self, event: AuditEvent) -> str:
        return json.dumps(event.detail, ensure_ascii=False, sort_keys=True) if event.detail else ""

    @admin.action(description=_("Download the selected events as CSV"))
    def download_csv(
        self, request: HttpRequest, queryset: QuerySet[AuditEvent]
    ) -> StreamingHttpResponse:
        record(action="audit.exported", actor=acting_user(request), events=queryset.count())
        writer = csv.writer(_Echo())
        rows = (writer.writerow([_safe(c) for c in row]) for row in audit_csv_rows(queryset))
        response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="servicefit-audit-{stamp}.csv"'
        return response

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
