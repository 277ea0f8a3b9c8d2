from django.http import HttpRequest, HttpResponse
from django.urls import path, re_path

from . import greenhouse
from .problems import problem_response
from .v1 import api


def unknown(request: HttpRequest, rest: str = "") -> HttpResponse:
    return problem_response(
        request, status=404, title="Not found", detail="No such API endpoint.", kind="not-found"
    )


urlpatterns = [
    path("v1/", api.urls),
    path("partners/greenhouse/list_tests", greenhouse.list_tests, name="greenhouse_list_tests"),
    path("partners/greenhouse/send_test", greenhouse.send_test, name="greenhouse_send_test"),
    path("partners/greenhouse/test_status", greenhouse.test_status, name="greenhouse_test_status"),
    re_path(r"^(?P<rest>.*)$", unknown),
]
