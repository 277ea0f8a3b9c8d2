"""Scrub the tracebacks of task failures stored before they were scrubbed on save: an e-mail
address in an exception's message (an SMTP refusal names the recipient) is replaced."""

from django.db import migrations


def scrub_stored(apps, schema_editor):
    from servicefit.security.scrub import scrub

    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    failed = DBTaskResult.objects.exclude(traceback="").only("id", "traceback")
    for row in failed.iterator(chunk_size=500):
        clean = scrub(row.traceback)
        if clean != row.traceback:
            DBTaskResult.objects.filter(pk=row.pk).update(traceback=clean)


class Migration(migrations.Migration):
    dependencies = [
        ("runtime", "0001_initial"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(scrub_stored, migrations.RunPython.noop)]
