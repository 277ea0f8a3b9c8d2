"""Idempotency records name the candidate they are about and never keep a candidate's link.

Records stored before this kept the body as sent: a created candidate's name and e-mail
address (left behind when the candidate was erased) and an invitation's link in clear text.
The data step ties each record to its candidate (or empties it, as an erasure now does, when
the candidate is gone) and replaces a stored link by the invitation it opens.
"""

import hashlib

from django.db import migrations, models

import servicefit.api.models

ERASED_STATUS = 410


def _token_hash(url):
    token = url.rstrip("/").rsplit("/", 1)[-1]
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def tie_records_to_candidates(apps, schema_editor):
    Record = apps.get_model("api", "IdempotencyRecord")
    Candidate = apps.get_model("candidates", "Candidate")
    Invitation = apps.get_model("assessments", "Invitation")
    for record in Record.objects.filter(candidate__isnull=True).iterator():
        body = record.body if isinstance(record.body, dict) else {}
        if "url" in body and "email_queued" in body:  # POST …/invitation
            if body.get("url"):
                invitation = Invitation.objects.filter(token_hash=_token_hash(body["url"])).first()
                body = {**body, "url": None, "invitation_id": invitation.pk if invitation else None}
                if invitation is not None:
                    record.candidate_id = invitation.candidate_id
            record.body = body
            record.save(update_fields=["body", "candidate"])
        elif "email" in body and "job_id" in body and "id" in body:  # POST …/candidates
            if Candidate.objects.filter(pk=body["id"]).exists():
                record.candidate_id = body["id"]
                record.save(update_fields=["candidate"])
            else:  # erased before records named their candidate
                record.body = {}
                record.status = ERASED_STATUS
                record.save(update_fields=["body", "status"])


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_greenhouse_order"),
        ("assessments", "0001_initial"),
        ("candidates", "0005_candidate_job_lower_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="idempotencyrecord",
            name="candidate",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=servicefit.api.models.erase_stored_response,
                related_name="+",
                to="candidates.candidate",
            ),
        ),
        migrations.RunPython(tie_records_to_candidates, migrations.RunPython.noop),
    ]
