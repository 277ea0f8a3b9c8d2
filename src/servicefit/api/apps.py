from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "servicefit.api"
    label = "api"
    verbose_name = _("API and integrations")

    def ready(self) -> None:
        from servicefit.webhooks.events import add_listener

        from .greenhouse import on_scored

        add_listener("assessment.scored", on_scored)
