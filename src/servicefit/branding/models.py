"""The organisation's brand: one row, edited by administrators in the back office."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .contrast import readable_text_colour

DEFAULT_ACCENT = "#0b5cad"


class Branding(models.Model):
    """Name, logo and accent colour shown to candidates (pages, e-mails, PDF report), and the
    address candidates write to about their data (the privacy notice on their pages).

    The logo is kept in the database (a few hundred kilobytes at most) so that several web
    servers serve it without a shared disk.
    """

    organisation_name = models.CharField(_("organisation name"), max_length=120, blank=True)
    privacy_contact = models.EmailField(_("privacy contact"), max_length=254, blank=True)
    accent_colour = models.CharField(_("accent colour"), max_length=7, default=DEFAULT_ACCENT)
    logo = models.BinaryField(blank=True, default=b"")
    logo_content_type = models.CharField(max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("branding")
        verbose_name_plural = _("branding")

    def __str__(self) -> str:
        return self.organisation_name or "ServiceFit"

    @classmethod
    def current(cls) -> Branding:
        """The one branding row (an unsaved default when none was set)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    @property
    def has_logo(self) -> bool:
        return bool(self.logo)

    @property
    def accent_text_colour(self) -> str:
        return readable_text_colour(self.accent_colour)
