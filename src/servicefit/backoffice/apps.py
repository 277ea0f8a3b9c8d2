from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "servicefit.backoffice"
    label = "backoffice"
