from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("jobs", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="job",
            name="feedback_email",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Sent in the invitation's language once the assessment is scored, with the "
                    "link to the thank-you page. Only with the feedback report switched on."
                ),
                verbose_name="e-mail candidates when their feedback is ready",
            ),
        ),
    ]
