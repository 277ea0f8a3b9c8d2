from django.http import HttpRequest, HttpResponse
from django.urls import path, re_path

from .problems import problem_response
from .v1 import api


def unknown(request: HttpRequest, rest: str = "") -> HttpResponse:
    return problem_response(
        request, status=404, title="Not found", detail="No such API endpoint.", kind="not-found"
    )


urlpatterns = [
    path("v1/", api.urls),
    re_path(r"^(?P<rest>.*)$", unknown),
]
