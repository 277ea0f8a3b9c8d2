"""Saving the brand (administrators only; logged in the audit trail)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from servicefit.accounts.models import User
from servicefit.audit.recording import record

from .models import Branding


@transaction.atomic
def update_branding(
    *,
    organisation_name: str,
    accent_colour: str,
    privacy_contact: str = "",
    logo: dict[str, Any] | None,
    remove_logo: bool,
    changed_by: User | None,
) -> Branding:
    """Store the brand; a new logo replaces the old one, ``remove_logo`` clears it."""
    branding = Branding.objects.select_for_update().filter(pk=1).first() or Branding(pk=1)
    branding.organisation_name = organisation_name.strip()
    branding.privacy_contact = privacy_contact.strip()
    branding.accent_colour = accent_colour
    if logo is not None:
        branding.logo = logo["data"]
        branding.logo_content_type = logo["content_type"]
    elif remove_logo:
        branding.logo = b""
        branding.logo_content_type = ""
    branding.save()
    record(action="branding.changed", actor=changed_by, logo=branding.has_logo)
    return branding
