from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrandingConfig(AppConfig):
    name = "servicefit.branding"
    verbose_name = _("Branding")
    default_auto_field = "django.db.models.BigAutoField"
