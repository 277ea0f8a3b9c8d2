from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0004_invitation_tracking"),
    ]

    operations = [
        migrations.AddField(
            model_name="result",
            name="irt",
            field=models.JSONField(blank=True, default=None, null=True),
        ),
    ]
