from django.urls import path

from . import views

app_name = "backoffice"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("jobs/<int:job_id>/", views.job_detail, name="job_detail"),
]
