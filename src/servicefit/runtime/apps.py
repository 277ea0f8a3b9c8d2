from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RuntimeConfig(AppConfig):
    name = "servicefit.runtime"
    label = "runtime"
    verbose_name = _("Runtime")

    def ready(self) -> None:
        from django.db.models.signals import pre_save
        from django_tasks_db.models import DBTaskResult

        from servicefit.security.scrub import scrub_stored_failure

        # A failed task's stored traceback keeps no e-mail address (see security.scrub).
        pre_save.connect(scrub_stored_failure, sender=DBTaskResult, dispatch_uid="scrub-failure")
