"""The candidate report as a PDF (WeasyPrint), the same for the back office and the API."""

from __future__ import annotations

import base64
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from servicefit.assessments.invitation_status import status_of
from servicefit.branding.models import Branding
from servicefit.candidates.models import Candidate

from .report import build_report


def report_pdf(request: HttpRequest, candidate: Candidate) -> bytes:
    """Render the report of ``candidate`` (callers check permissions and suspension first)."""
    return bytes(report_document(request, candidate).write_pdf())


def report_document(request: HttpRequest, candidate: Candidate) -> Any:
    """The laid-out report (a WeasyPrint ``Document``: its pages and boxes), as printed."""
    from weasyprint import HTML

    branding = Branding.current()
    logo_uri = (
        f"data:{branding.logo_content_type};base64,{base64.b64encode(bytes(branding.logo)).decode()}"
        if branding.has_logo
        else None
    )
    report = build_report(candidate)
    context = {
        **report,
        "logo_uri": logo_uri,
        "invitation_status": status_of(candidate.invitations.first(), report.get("session")),
    }
    html = render_to_string("backoffice/report_pdf.html", context, request=request)
    return HTML(string=html, base_url=request.build_absolute_uri("/")).render()
