from django.http import HttpRequest, HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

from .health import readiness


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Readiness for load balancers and monitors: public, counts only, 503 without a database."""
    status, body = readiness()
    return JsonResponse(body, status=status)


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico on pages without a link to an icon (the Django admin, a
    PDF); without this every such page logged a "Not Found" warning."""
    return HttpResponsePermanentRedirect(static("servicefit/favicon.svg"))
