from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from servicefit.accounts.views import health

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", health, name="health"),
    path("admin/", admin.site.urls),
    path("a/", include("servicefit.portal.urls")),
    path("interviews/", include("servicefit.interviews.urls")),
    path("", include("servicefit.branding.urls")),
    path("", include("servicefit.backoffice.urls")),
]
