from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "servicefit.accounts"
    label = "accounts"

    def ready(self) -> None:
        from servicefit import checks  # noqa: F401  (registers the system checks)
