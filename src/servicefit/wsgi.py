import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicefit.settings")
application = get_wsgi_application()


def _warm_up() -> None:
    """Import every view and parse the content now, not in the first candidate's request.

    With ``servicefit serve`` (gunicorn ``--preload``) this runs once in the master and the
    workers inherit it; a worker that replaces a dead one is ready at once. No database access.
    """
    from django.urls import get_resolver

    from servicefit.content import default_content

    get_resolver().url_patterns  # noqa: B018  (imports every view module)
    default_content()


_warm_up()
