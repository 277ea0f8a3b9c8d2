"""ReplyRating.job: the candidate's job, copied from the result, with the index the job page's
agreement table counts from (filled for existing ratings, then required)."""

import django.db.models.deletion
from django.db import migrations, models


def fill_job(apps, schema_editor):
    ReplyRating = apps.get_model("assessments", "ReplyRating")
    Candidate = apps.get_model("candidates", "Candidate")
    ReplyRating.objects.update(
        job_id=models.Subquery(
            Candidate.objects.filter(assessment__result__pk=models.OuterRef("result_id")).values(
                "job_id"
            )[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0006_session_feedback_emailed_at"),
        ("candidates", "0005_candidate_job_lower_name"),
        ("jobs", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="replyrating",
            name="job",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="jobs.job",
            ),
        ),
        migrations.RunPython(fill_job, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="replyrating",
            name="job",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="jobs.job",
            ),
        ),
        migrations.AddIndex(
            model_name="replyrating",
            index=models.Index(
                fields=["job", "dimension", "suggested", "rating"],
                name="replyrating_job_agreement",
            ),
        ),
    ]
