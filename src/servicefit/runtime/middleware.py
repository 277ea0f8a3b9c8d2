"""``/healthz`` answers probes by address, whatever ``SERVICEFIT_ALLOWED_HOSTS`` says.

A container's ``HEALTHCHECK`` asks ``http://127.0.0.1:8000/healthz`` and a load balancer asks
``http://10.0.0.11:8000/healthz``: neither sends the public host name, so Django's host check
(``CommonMiddleware`` calling ``request.get_host()``) answered 400 and the server was taken
out. This middleware serves exactly that path (GET or HEAD) before the host check. It is safe
to exempt: the response never reads or reflects the Host header, carries no secrets (counts
only, see :mod:`.health`) and sets no cookie. Every other path keeps the host check.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .views import health

HEALTH_PATH = "/healthz"


class HealthProbeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == HEALTH_PATH and request.method in ("GET", "HEAD"):
            return health(request)
        return self.get_response(request)
