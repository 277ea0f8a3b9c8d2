from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "servicefit.oversight"
    label = "oversight"
