from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "servicefit.privacy"
    label = "privacy"
