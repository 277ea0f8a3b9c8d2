from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "servicefit.assessments"
    label = "assessments"
