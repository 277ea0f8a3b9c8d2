from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from .health import readiness


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Readiness for load balancers and monitors: public, counts only, 503 without a database."""
    status, body = readiness()
    return JsonResponse(body, status=status)
