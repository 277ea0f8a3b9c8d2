from django.apps import AppConfig


class RuntimeConfig(AppConfig):
    name = "servicefit.runtime"
    label = "runtime"
