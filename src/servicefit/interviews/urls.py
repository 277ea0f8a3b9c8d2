from django.urls import path

from . import views

app_name = "interviews"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("candidates/<int:candidate_id>/kit/", views.kit, name="kit"),
    path("candidates/<int:candidate_id>/schedule/", views.schedule, name="schedule"),
    path("<int:interview_id>/", views.detail, name="detail"),
    path("<int:interview_id>/scorecard/", views.scorecard, name="scorecard"),
]
