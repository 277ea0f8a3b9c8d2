"""Standings for results stored before issue 11 (record version 1).

Old results keep their JSON (it is upgraded when read, see ``assessments.record``); this gives
each one a standing — composite from the job's current weights, no band (version 1 has no
SEM) — so the shortlist, which is now a query over standings, shows them. Interview ratings
join the next time a scorecard for the candidate is submitted.
"""

from django.db import migrations


def backfill(apps, schema_editor):
    from servicefit.assessments.record import ResultRecord
    from servicefit.assessments.standings import profile_key, profile_of, standing_values

    Result = apps.get_model("assessments", "Result")
    Standing = apps.get_model("assessments", "Standing")
    CompetencyStanding = apps.get_model("assessments", "CompetencyStanding")
    results = Result.objects.filter(standing__isnull=True).select_related("session__candidate__job")
    for result in results.iterator(chunk_size=500):
        candidate = result.session.candidate
        job = candidate.job
        record = ResultRecord.from_stored(
            record_version=result.record_version,
            content_version=result.content_version,
            scoring_version=result.scoring_version,
            competencies=result.competencies,
            questionnaire=result.questionnaire,
            sjt=result.sjt,
            reply=result.reply,
            flags=result.flags,
        )
        values = standing_values(
            scores=record.scores(),
            sems={c: s.sem for c, s in record.competencies.items()},
            result_flags=record.flags,
            profile=profile_of(job),
        )
        c = values.composite
        standing = Standing.objects.create(
            candidate=candidate,
            job=job,
            result=result,
            composite=None if c is None or c.composite is None else round(c.composite, 4),
            flags=list(values.flags),
            flagged=bool(values.flags),
            profile_key=profile_key(job),
        )
        CompetencyStanding.objects.bulk_create(
            CompetencyStanding(standing=standing, job=job, competency=k, score=s.score, sem=s.sem)
            for k, s in record.competencies.items()
        )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0002_result_record_standings")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
