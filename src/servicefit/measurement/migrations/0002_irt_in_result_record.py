"""Move each result's IRT scores into its record (``Result.irt``) and drop ``IrtScore``.

The parameter version, the adaptive flag, the items administered and the per-competency
estimates are copied as they are; no score is recomputed.
"""

from django.db import migrations


def copy_into_results(apps, schema_editor):
    IrtScore = apps.get_model("measurement", "IrtScore")
    Result = apps.get_model("assessments", "Result")
    scores = IrtScore.objects.select_related("parameter_set").order_by("pk")
    for score in scores.iterator(chunk_size=500):
        Result.objects.filter(pk=score.result_id).update(
            irt={
                "parameter_version": score.parameter_set.version,
                "adaptive": score.adaptive,
                "administered": list(score.administered),
                "scales": score.scales,
            }
        )


def copy_back(apps, schema_editor):
    IrtScore = apps.get_model("measurement", "IrtScore")
    ParameterSet = apps.get_model("measurement", "ParameterSet")
    Result = apps.get_model("assessments", "Result")
    versions = {p.version: p for p in ParameterSet.objects.all()}
    for result in Result.objects.exclude(irt=None).iterator(chunk_size=500):
        data = result.irt or {}
        parameter_set = versions.get(data.get("parameter_version"))
        if parameter_set is None:
            continue
        IrtScore.objects.update_or_create(
            result=result,
            defaults={
                "parameter_set": parameter_set,
                "adaptive": bool(data.get("adaptive")),
                "administered": list(data.get("administered") or []),
                "scales": data.get("scales") or {},
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("measurement", "0001_initial"),
        ("assessments", "0005_result_irt"),
    ]

    operations = [
        migrations.RunPython(copy_into_results, copy_back),
        migrations.DeleteModel(name="IrtScore"),
    ]
