"""``branding`` in every template (one small query per page, none for the logo bytes)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .models import Branding


def branding(request: HttpRequest) -> dict[str, Any]:
    return {"branding": Branding.objects.defer("logo").filter(pk=1).first() or Branding(pk=1)}
