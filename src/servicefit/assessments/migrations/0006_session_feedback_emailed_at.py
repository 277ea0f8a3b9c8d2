from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("assessments", "0005_result_irt")]

    operations = [
        migrations.AddField(
            model_name="assessmentsession",
            name="feedback_emailed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
