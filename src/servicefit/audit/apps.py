from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "servicefit.audit"
    label = "audit"
