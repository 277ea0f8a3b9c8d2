import sys

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

from .health import readiness
from .storage import note_storage_full, storage_full_cause, storage_full_response


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Readiness for load balancers and monitors: public, counts only, 503 without a database."""
    status, body = readiness()
    return JsonResponse(body, status=status)


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico on pages without a link to an icon (the Django admin, a
    PDF); without this every such page logged a "Not Found" warning."""
    return HttpResponsePermanentRedirect(static("servicefit/favicon.svg"))


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a database (or disk) that cannot store data is a 503 that says so
    (:mod:`.storage`); every other error is Django's 500 page. Django's request log keeps the
    traceback either way."""
    from django.views.defaults import server_error as django_server_error

    exc = sys.exc_info()[1]
    cause = storage_full_cause(exc)
    if exc is not None and cause:
        note_storage_full(cause, exc, request)
        return storage_full_response(request)
    return django_server_error(request)
