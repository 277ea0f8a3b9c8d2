from django.urls import path

from . import adaptive, rights, views

app_name = "portal"
urlpatterns = [
    path("<str:token>/", views.landing, name="landing"),
    path("<str:token>/preview/", views.preview, name="preview"),
    path("<str:token>/withdraw/", views.withdraw, name="withdraw"),
    path("<str:token>/p/<slug:slug>/", views.page, name="page"),
    path("<str:token>/adaptive/", adaptive.adaptive_page, name="adaptive"),
    path("<str:token>/answer/", views.answer, name="answer"),
    path("<str:token>/review/", views.review, name="review"),
    path("<str:token>/submit/", views.submit, name="submit"),
    path("<str:token>/done/", views.done, name="done"),
    path("<str:token>/about-you/", rights.self_identify, name="self_identify"),
    path("<str:token>/review-request/", rights.contest, name="contest"),
]
