"""The answer to a candidate's review request, e-mailed in the candidate's language.

The e-mail carries the answer itself and no link: the thank-you page that also shows it closes
``SERVICEFIT_FEEDBACK_DAYS`` after submission, and a request may be answered after that.

The audit trail says what happened: ``review.answer_email_queued`` when the answer is given
(the worker sends it after the commit), then ``review.answer_emailed`` once the e-mail server
accepted the message, or ``review.answer_not_emailed`` when no e-mail server is set up (the
console or dummy backend accepts the message but delivers it to nobody).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from servicefit.assessments.emails import mail_candidate
from servicefit.audit.recording import record
from servicefit.security.mail import email_is_delivered

from .models import ReviewRequest

logger = logging.getLogger(__name__)


def send_review_answer(*, review_id: int) -> bool:
    """E-mail the answer of a resolved request; at most once. True if handed to the e-mail
    server (False when there was nothing to send or no e-mail server is set up).

    Marked as sent in a short transaction and mailed after it; a failed send clears the mark
    and raises, so the task fails visibly and may run again.
    """
    with transaction.atomic():
        review = (
            ReviewRequest.objects.select_for_update()
            .select_related("candidate__job")
            .filter(pk=review_id, resolved_at__isnull=False, answer_emailed_at__isnull=True)
            .first()
        )
        if review is None:  # not answered, already mailed, or the candidate was erased
            return False
        review.answer_emailed_at = timezone.now()
        review.save(update_fields=["answer_emailed_at"])
    try:
        mail_candidate(review.candidate, "review_answered", {"review": review})
    except Exception:
        ReviewRequest.objects.filter(pk=review_id).update(answer_emailed_at=None)
        raise
    if not email_is_delivered():
        record(
            action="review.answer_not_emailed",
            candidate=review.candidate,
            request=review.pk,
            reason="e-mail is not configured",
        )
        return False
    record(action="review.answer_emailed", candidate=review.candidate, request=review.pk)
    return True
