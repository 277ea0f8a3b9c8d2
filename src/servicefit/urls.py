from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path

from servicefit.accounts import sso_views
from servicefit.portal.language import set_language
from servicefit.runtime.views import favicon, health
from servicefit.security import views as security_views
from servicefit.security.account import AccountView


def admin_urls() -> list[URLPattern | URLResolver]:
    """The Django admin under ``SERVICEFIT_ADMIN_URL`` (none when empty); it signs in via /login/."""
    prefix = settings.SERVICEFIT_ADMIN_URL.strip("/")
    if not prefix:
        return []
    return [
        path(f"{prefix}/login/", security_views.admin_login),
        path(f"{prefix}/", admin.site.urls),
    ]


handler500 = "servicefit.runtime.views.server_error"

urlpatterns = [
    path("login/", security_views.LoginView.as_view(), name="login"),
    path("login/verify/", security_views.login_verify, name="login_verify"),
    path("account/", AccountView.as_view(), name="account"),
    path("account/two-factor/", security_views.two_factor, name="two_factor"),
    path("sso/start/", sso_views.SignInView.as_view(), name="sso_start"),
    path("sso/callback/", sso_views.CallbackView.as_view(), name="sso_callback"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", health, name="health"),
    path("favicon.ico", favicon),
    *admin_urls(),
    path("a/", include("servicefit.portal.urls")),
    path("api/", include("servicefit.api.urls")),
    path("interviews/", include("servicefit.interviews.urls")),
    path("", include("servicefit.branding.urls")),
    path("", include("servicefit.backoffice.urls")),
]
