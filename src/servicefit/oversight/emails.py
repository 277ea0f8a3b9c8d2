"""The answer to a candidate's review request, e-mailed in the candidate's language.

The e-mail carries the answer itself and no link: the thank-you page that also shows it closes
``SERVICEFIT_FEEDBACK_DAYS`` after submission, and a request may be answered after that.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from servicefit.assessments.emails import mail_candidate
from servicefit.audit.recording import record

from .models import ReviewRequest

logger = logging.getLogger(__name__)


def send_review_answer(*, review_id: int) -> bool:
    """E-mail the answer of a resolved request; at most once. True if sent.

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
    record(action="review.answer_emailed", candidate=review.candidate, request=review.pk)
    return True
