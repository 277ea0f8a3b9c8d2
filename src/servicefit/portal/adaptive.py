"""The adaptive questionnaire page: one statement at a time, chosen as the candidate answers.

A plain form post per answer (no JavaScript needed); each answer is saved before the next
item is chosen, and the item on screen is remembered, so a reload or a lost connection shows
the same statement again. There is no "back": an adaptive test chooses each item from the
answers before it.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from servicefit.assessments import services
from servicefit.assessments.models import Invitation
from servicefit.content import default_content
from servicefit.measurement.adaptive import NEXT_PLACEHOLDER, next_question

from .access import session_of, with_invitation


def _language() -> str:
    return (get_language() or "en").split("-")[0]


@with_invitation
def adaptive_page(request: HttpRequest, token: str, invitation: Invitation) -> HttpResponse:
    session = session_of(invitation)
    if session is None:
        return redirect(reverse("portal:landing", kwargs={"token": token}))
    plan = services.plan_for(session)
    first = plan.pages[0] if plan.pages else None
    if first is None or not first.adaptive:
        return redirect(reverse("portal:preview", kwargs={"token": token}))
    error = ""
    if request.method == "POST":
        key = request.POST.get("key", "")
        if key not in first.keys or key == NEXT_PLACEHOLDER:
            error = _("This question is not part of your assessment.")
        elif key not in request.POST:
            error = _("Please choose one of the options from 1 to 5.")
        else:
            try:
                services.save_answer(
                    session=session, key=key, value=request.POST[key], language=_language()
                )
            except services.AnswerError as exc:
                error = exc.message
        if not error:  # choose the next item now, so a lost connection cannot skip it
            answered = {
                k: a.value for k, a in services.answers_of(session).items() if a.value is not None
            }
            next_question(session=session, answers=answered)
            return redirect(reverse("portal:adaptive", kwargs={"token": token}))
    answers = {
        key: a.value for key, a in services.answers_of(session).items() if a.value is not None
    }
    item_id = next_question(session=session, answers=answers)
    if item_id is None:
        following = plan.next_page(first)
        if following is None:
            return redirect(reverse("portal:review", kwargs={"token": token}))
        return redirect(reverse("portal:page", kwargs={"token": token, "slug": following.slug}))
    content = default_content()
    questionnaire = content.questionnaire
    assert questionnaire is not None  # noqa: S101  (an adaptive run needs a questionnaire)
    item = next(i for i in questionnaire.items if i.id == item_id)
    language = _language()
    context = {
        "token": token,
        "item": {
            "key": item.id,
            "text": item.text.get(language),
            "value": answers.get(item.id),
            "error": error,
        },
        "scale": list(enumerate((label.get(language) for label in questionnaire.scale_labels), 1)),
        "number": len(answers.keys() & set(first.keys)) + (0 if item_id in answers else 1),
        "page_count": len(plan.pages),
    }
    return render(request, "portal/adaptive.html", context, status=400 if error else 200)
