from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "servicefit.portal"
    label = "portal"
