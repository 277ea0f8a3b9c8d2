from django.urls import path

from . import views

app_name = "branding"
urlpatterns = [
    path("settings/branding/", views.branding_settings, name="settings"),
    path("brand/logo", views.logo, name="logo"),
    path("brand/theme.css", views.theme, name="theme"),
]
