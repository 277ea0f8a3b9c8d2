"""The branding settings page (administrators) and the logo image (public: candidates see it)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import http_date
from django.utils.translation import gettext as _

from servicefit.accounts.permissions import acting_user, admin_required
from servicefit.runtime.uploads import NO_SPACE_SAVED, refuse_lost_uploads

from .forms import BrandingForm
from .models import Branding
from .services import update_branding


@admin_required
def branding_settings(request: HttpRequest) -> HttpResponse:
    current = Branding.current()
    form = BrandingForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={
            "organisation_name": current.organisation_name,
            "privacy_contact": current.privacy_contact,
            "accent_colour": current.accent_colour,
        },
    )
    refuse_lost_uploads(request, form, NO_SPACE_SAVED)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        update_branding(
            organisation_name=data["organisation_name"],
            privacy_contact=data["privacy_contact"],
            accent_colour=data["accent_colour"],
            logo=data["logo"],
            remove_logo=data["remove_logo"],
            changed_by=acting_user(request),
        )
        messages.success(request, _("Branding saved."))
        return redirect("branding:settings")
    status = 400 if form.errors else 200
    return render(
        request, "branding/settings.html", {"form": form, "current": current}, status=status
    )


def logo(request: HttpRequest) -> HttpResponse:
    current = Branding.objects.filter(pk=1).first()
    if current is None or not current.has_logo:
        raise Http404
    response = HttpResponse(bytes(current.logo), content_type=current.logo_content_type)
    response["Cache-Control"] = "public, max-age=300"
    response["Last-Modified"] = http_date(current.updated_at.timestamp())
    response["X-Content-Type-Options"] = "nosniff"
    return response


def theme(request: HttpRequest) -> HttpResponse:
    """The accent colour as CSS custom properties (a stylesheet, so no inline styles are needed)."""
    current = Branding.current()
    css = f":root{{--accent:{current.accent_colour};--accent-text:{current.accent_text_colour}}}\n"
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response
