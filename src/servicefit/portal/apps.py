from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "servicefit.portal"
    label = "portal"
    verbose_name = _("Candidate pages")

    def ready(self) -> None:
        # The candidate's link is their credential: keep it out of every request log.
        from servicefit.security.logs import install_token_mask

        install_token_mask()
