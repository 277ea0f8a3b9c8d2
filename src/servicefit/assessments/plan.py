"""The assessment as an ordered list of pages, derived from the content (no Django)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from servicefit.content import Content

QUESTIONNAIRE_PAGE_SIZE = 8
SCALE_MIN, SCALE_MAX = 1, 5

#: Which customer message a job's candidates answer, by job channel.
REPLY_MESSAGE_BY_CHANNEL = {
    "phone": "bill_confusion",
    "technical": "bill_confusion",
    "email_chat": "late_delivery",
    "in_store": "late_delivery",
}


@dataclass(frozen=True)
class Page:
    """One page of the assessment. ``keys`` are the answer keys it collects."""

    section: str
    index: int
    keys: tuple[str, ...]
    adaptive: bool = False
    """An adaptive questionnaire page: one item at a time, chosen as the candidate answers."""

    @property
    def slug(self) -> str:
        return f"{self.section}-{self.index + 1}"


def sjt_key(scenario_id: str, option_id: str) -> str:
    return f"sjt.{scenario_id}.{option_id}"


def reply_key(message_id: str) -> str:
    return f"reply.{message_id}"


@dataclass(frozen=True)
class AssessmentPlan:
    """The pages of one candidate's assessment, in order."""

    pages: tuple[Page, ...]
    reply_message: str

    @classmethod
    def build(
        cls,
        content: Content,
        *,
        reply_message: str,
        adaptive_keys: tuple[str, ...] | None = None,
    ) -> AssessmentPlan:
        """The pages in order; ``adaptive_keys`` (the items given so far) replaces the fixed
        questionnaire pages by one adaptive page."""
        pages: list[Page] = []
        if adaptive_keys is not None:
            pages.append(Page("questionnaire", 0, adaptive_keys, adaptive=True))
        elif content.questionnaire is not None:
            items = content.questionnaire.items
            for start in range(0, len(items), QUESTIONNAIRE_PAGE_SIZE):
                chunk = items[start : start + QUESTIONNAIRE_PAGE_SIZE]
                pages.append(
                    Page(
                        "questionnaire",
                        start // QUESTIONNAIRE_PAGE_SIZE,
                        tuple(i.id for i in chunk),
                    )
                )
        if content.sjt is not None:
            for index, scenario in enumerate(content.sjt.scenarios):
                keys = tuple(sjt_key(scenario.id, option.id) for option in scenario.options)
                pages.append(Page("sjt", index, keys))
        if content.written_reply is not None:
            pages.append(Page("reply", 0, (reply_key(reply_message),)))
        return cls(pages=tuple(pages), reply_message=reply_message)

    def page(self, slug: str) -> Page | None:
        return next((page for page in self.pages if page.slug == slug), None)

    def next_page(self, page: Page) -> Page | None:
        index = self.pages.index(page)
        return self.pages[index + 1] if index + 1 < len(self.pages) else None

    def previous_page(self, page: Page) -> Page | None:
        index = self.pages.index(page)
        return self.pages[index - 1] if index > 0 else None

    @cached_property
    def _section_by_key(self) -> dict[str, str]:
        return {key: page.section for page in self.pages for key in page.keys}

    def section_of(self, key: str) -> str | None:
        return self._section_by_key.get(key)

    def keys(self, section: str | None = None) -> tuple[str, ...]:
        return tuple(
            key for page in self.pages if section in (None, page.section) for key in page.keys
        )

    def first_unanswered(self, answered: set[str]) -> Page | None:
        for page in self.pages:
            if any(key not in answered for key in page.keys):
                return page
        return None

    def progress(self, answered: set[str]) -> tuple[int, int]:
        keys = self.keys()
        return sum(1 for key in keys if key in answered), len(keys)
