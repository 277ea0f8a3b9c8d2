from django.apps import AppConfig


class CandidatesConfig(AppConfig):
    name = "servicefit.candidates"
    label = "candidates"
