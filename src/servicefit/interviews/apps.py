from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "servicefit.interviews"
    label = "interviews"
