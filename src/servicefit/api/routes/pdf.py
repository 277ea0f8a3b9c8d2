"""The candidate report PDF, rendered the same way as in the back office."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from servicefit.backoffice.report import build_report
from servicefit.candidates.models import Candidate


def report_pdf(request: HttpRequest, candidate: Candidate) -> bytes:
    from weasyprint import HTML

    html = render_to_string("backoffice/report_pdf.html", build_report(candidate), request=request)
    return bytes(HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf())
