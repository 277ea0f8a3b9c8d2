"""What an assessment page shows: items in the candidate's language, saved answers, the clock."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from servicefit.assessments import services
from servicefit.assessments.models import AssessmentSession
from servicefit.assessments.plan import AssessmentPlan, Page, sjt_key
from servicefit.content import default_content


def page_context(
    request: HttpRequest,
    *,
    token: str,
    session: AssessmentSession,
    plan: AssessmentPlan,
    page: Page,
    errors: dict[str, str],
) -> dict[str, Any]:
    content = default_content()
    language = (get_language() or "en").split("-")[0]
    saved = services.answers_of(session)
    answered = services.answered_keys(saved)
    done, total = plan.progress(answered)
    context: dict[str, Any] = {
        "token": token,
        "page": page,
        "errors": errors,
        "progress_done": done,
        "progress_total": total,
        "progress_percent": round(100 * done / total) if total else 0,
        "page_number": plan.pages.index(page) + 1,
        "page_count": len(plan.pages),
        "has_previous": plan.previous_page(page) is not None,
        "deadline": None,
        "seconds_left": None,
        "time_up": False,
    }
    if page.section in {"sjt", "reply"}:
        end = services.deadline(session, page.section)
        if end is not None:
            context["deadline"] = end
            context["seconds_left"] = max(0, int((end - timezone.now()).total_seconds()))
            context["time_up"] = services.is_time_up(session, page.section)
            context["next_part_url"] = next_part_url(token, plan, page)
    if page.section == "questionnaire" and content.questionnaire:
        labels = [label.get(language) for label in content.questionnaire.scale_labels]
        by_id = {item.id: item for item in content.questionnaire.items}
        context["scale"] = list(enumerate(labels, start=1))
        context["items"] = [
            {
                "key": key,
                "text": by_id[key].text.get(language),
                "value": saved[key].value if key in saved else None,
                "error": errors.get(key),
            }
            for key in page.keys
        ]
        context["section_title"] = "questionnaire"
    elif page.section == "sjt" and content.sjt:
        scenario = content.sjt.scenarios[page.index]
        context["scale"] = list(
            enumerate((label.get(language) for label in content.sjt.rating_labels), start=1)
        )
        context["scenario"] = {
            "number": page.index + 1,
            "count": len(content.sjt.scenarios),
            "situation": scenario.situation.get(language),
            "options": [
                {
                    "key": sjt_key(scenario.id, option.id),
                    "letter": option.id.upper(),
                    "text": option.text.get(language),
                    "value": saved[sjt_key(scenario.id, option.id)].value
                    if sjt_key(scenario.id, option.id) in saved
                    else None,
                    "error": errors.get(sjt_key(scenario.id, option.id)),
                }
                for option in scenario.options
            ],
        }
    elif page.section == "reply" and content.written_reply:
        message = next(m for m in content.written_reply.messages if m.id == plan.reply_message)
        key = page.keys[0]
        context["message"] = {
            "key": key,
            "channel": message.channel,
            "customer": message.customer_name.get(language),
            "subject": message.subject.get(language),
            "body": message.body.get(language),
            "task": message.task.get(language),
            "text": request.POST.get(key) if errors else (saved[key].text if key in saved else ""),
            "error": errors.get(key),
            "max_characters": content.written_reply.max_characters,
        }
    return context


def next_part_url(token: str, plan: AssessmentPlan, page: Page) -> str:
    """Where a candidate goes when a timed part's time is up: the next part, or the review."""
    later = plan.pages[plan.pages.index(page) + 1 :]
    following = next((p for p in later if p.section != page.section), None)
    if following is None:
        return reverse("portal:review", kwargs={"token": token})
    return reverse("portal:page", kwargs={"token": token, "slug": following.slug})
