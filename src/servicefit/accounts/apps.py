from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "servicefit.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from servicefit import checks  # noqa: F401  (registers the system checks)
