"""What an API token may do. A token never does more than its user's role allows."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

JOBS_READ = "jobs:read"
JOBS_WRITE = "jobs:write"
CANDIDATES_READ = "candidates:read"
CANDIDATES_WRITE = "candidates:write"
RESULTS_READ = "results:read"
AUDIT_READ = "audit:read"
PARTNER = "partner:greenhouse"

SCOPES: dict[str, object] = {
    JOBS_READ: _("Read jobs"),
    JOBS_WRITE: _("Create, close and reopen jobs"),
    CANDIDATES_READ: _("Read candidates, invitations, stages and decisions"),
    CANDIDATES_WRITE: _("Add candidates and manage their invitations"),
    RESULTS_READ: _("Read results and report PDFs"),
    AUDIT_READ: _("Read a candidate's audit trail"),
    PARTNER: _("Order assessments as a Greenhouse assessment partner"),
}


def scope_choices() -> list[tuple[str, object]]:
    return list(SCOPES.items())
