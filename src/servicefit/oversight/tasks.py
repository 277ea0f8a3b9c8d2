"""Background work of oversight: the e-mail that carries a recruiter's answer to a review request."""

from __future__ import annotations

from django_tasks import task

from servicefit.assessments.tasks import EMAIL_PRIORITY


@task(priority=EMAIL_PRIORITY)
def send_review_answer_email(review_id: int) -> bool:
    """E-mail the candidate the answer to their review request, once (see ``emails``)."""
    from .emails import send_review_answer

    return send_review_answer(review_id=review_id)
