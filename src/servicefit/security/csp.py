"""Content-Security-Policy for every HTML response (Django 5.2 has none built in).

The policy comes from ``settings.SERVICEFIT_CSP``. The default allows scripts and style sheets
only from ServiceFit's own origin (no inline script, no eval): htmx and the portal script are
static files, htmx's inline indicator style is switched off in ``base.html`` and its CSS lives
in ``servicefit.css``. ``style`` attributes stay allowed (``style-src-attr``) for computed
widths such as progress bars; they cannot run code.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "SERVICEFIT_CSP", "")
        if policy and HEADER not in response:
            content_type = response.get("Content-Type", "")
            if content_type.startswith("text/html"):
                response[HEADER] = policy
        return response
