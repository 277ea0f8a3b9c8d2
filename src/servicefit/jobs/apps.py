from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "servicefit.jobs"
    label = "jobs"
