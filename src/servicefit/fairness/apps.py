from django.apps import AppConfig


class FairnessConfig(AppConfig):
    name = "servicefit.fairness"
    label = "fairness"
