"""Every back-office screen in Danish, Swedish, Norwegian and Polish, compared with English.

A heading, label, button, column header, option or tooltip that reads the same in English and in
the reader's language is English left on the page, unless the catalogue translates it to the
same word ("Status", "Interview", "Logo"). Names and other data are not interface text and are
left out. One test for the whole class of leak: a new screen or string is checked without a
test of its own.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

pytestmark = pytest.mark.django_db

LOCALE = Path(__file__).resolve().parents[2] / "src" / "servicefit" / "locale"

#: Elements whose text is the interface's own: headings, labels, buttons, column headers,
#: choices, captions and summaries.
INTERFACE = {"h1", "h2", "h3", "h4", "label", "button", "th", "legend", "caption", "summary"}
INTERFACE_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}
#: Written the same in every language: the product, the language names in the switcher.
EVERYWHERE = {"ServiceFit", "English", "dansk", "svenska", "norsk (bokmål)", "polski"}


class InterfaceText(HTMLParser):
    """The text of interface elements and interface attributes, one string per element."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: set[str] = set()
        self.open: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in INTERFACE_ATTRIBUTES and value:
                self.texts.add(" ".join(value.split()))
        if tag == "input" and dict(attrs).get("type") == "submit" and dict(attrs).get("value"):
            self.texts.add(str(dict(attrs)["value"]))
        if tag in INTERFACE | {"option"}:
            self.open.append((tag, []))

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.open[-1][0] == tag:
            _tag, parts = self.open.pop()
            text = " ".join("".join(parts).split())
            if text:
                self.texts.add(text)

    def handle_data(self, data: str) -> None:
        for _tag, parts in self.open:
            parts.append(data)


def interface_text(html: str) -> set[str]:
    parser = InterfaceText()
    parser.feed(html)
    return parser.texts


def same_in_translation(language: str) -> set[str]:
    """Messages the catalogue translates to the English words themselves."""
    with (LOCALE / language / "LC_MESSAGES" / "django.po").open("rb") as fh:
        catalog = read_po(fh, locale=language)
    same = set()
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        same |= {s for s in strings if s in ids}
    return same


def is_data(text: str, data: list[str]) -> bool:
    """Names, addresses, the job's title, currency codes and the like, or no words at all."""
    return (
        any(d in text for d in data)
        or not any(c.isalpha() for c in text)
        or re.fullmatch(r"[A-Z]{3}", text) is not None  # ISO 4217 currency codes
    )


@pytest.fixture
def screens(scored_job, scored_candidate, admin_user):
    job, candidate = scored_job, scored_candidate
    recruiter_paths = [
        "/",
        "/jobs/new/",
        f"/jobs/{job.pk}/",
        f"/jobs/{job.pk}/edit/",
        f"/jobs/{job.pk}/candidates/new/",
        f"/jobs/{job.pk}/candidates/import/",
        f"/jobs/{job.pk}/fairness/",
        f"/jobs/{job.pk}/validation/",
        f"/jobs/{job.pk}/adaptive/",
        f"/candidates/{candidate.pk}/",
        f"/candidates/{candidate.pk}/edit/",
        f"/candidates/{candidate.pk}/explanation/",
        f"/candidates/{candidate.pk}/erase/",
        f"/interviews/candidates/{candidate.pk}/kit/",
        f"/interviews/candidates/{candidate.pk}/schedule/",
        "/interviews/",
        "/measurement/",
        "/review-requests/",
        "/account/",
        "/no-such-page/",
    ]
    admin_paths = ["/self-identification/", "/settings/branding/", "/integrations/"]
    data = [job.title, "@", "Person ", "rita", "alice", *(c.name for c in job.candidates.all())]
    return recruiter_paths, admin_paths, data


@pytest.mark.parametrize("language", ["da", "sv", "nb", "pl"])
def test_no_interface_text_is_left_in_english(client, recruiter, admin_user, screens, language):
    recruiter_paths, admin_paths, data = screens
    allowed = same_in_translation(language) | EVERYWHERE
    left: dict[str, set[str]] = {}
    for user, paths in ((recruiter, recruiter_paths), (admin_user, admin_paths)):
        client.force_login(user)
        for path in paths:
            english = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
            translated = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
            assert translated.status_code == english.status_code, path
            assert translated.status_code == (404 if path == "/no-such-page/" else 200), path
            same = interface_text(english.content.decode()) & interface_text(
                translated.content.decode()
            )
            found = {t for t in same if t.rstrip(":") not in allowed and not is_data(t, data)}
            if found:
                left[path] = found
    assert left == {}
