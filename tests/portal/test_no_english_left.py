"""Every candidate page in Danish, Swedish, Norwegian and Polish, compared with English.

The same check as the back office's (``tests/backoffice/test_no_english_left.py``): interface
text that reads the same as in English is English left on the page, unless the catalogue
translates it to the same word. The candidate's language comes from the invitation.
"""

from __future__ import annotations

import pytest

from servicefit.assessments.services import plan_for, submit
from tests.backoffice.test_no_english_left import EVERYWHERE, interface_text, same_in_translation

pytestmark = pytest.mark.django_db


def ok(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def pages(client, candidate, token) -> dict[str, str]:
    """Each candidate page before and after submitting, as the candidate's language renders it."""
    base = f"/a/{token}/"
    plan = plan_for(candidate.assessment)
    paths = ["preview/", "withdraw/", "review/"]
    paths += [f"p/{p.slug}/" for p in plan.pages if p.slug.endswith("-1")]
    return {path: ok(client, base + path) for path in paths}


def after_submitting(client, token) -> dict[str, str]:
    base = f"/a/{token}/"
    paths = ("done/", "about-you/", "review-request/")
    return {path: ok(client, base + path) for path in paths}


@pytest.mark.parametrize("language", ["da", "sv", "nb", "pl"])
def test_no_candidate_page_is_left_in_english(client, candidate, token, language):
    def rendered(lang: str, stage: str) -> dict[str, str]:
        candidate.language = lang
        candidate.save()
        if stage == "landing":
            return {"": ok(client, f"/a/{token}/")}
        return (
            after_submitting(client, token) if stage == "done" else pages(client, candidate, token)
        )

    english, translated = rendered("en", "landing"), rendered(language, "landing")
    assert client.post(f"/a/{token}/", {"consent": "yes"}).status_code == 302
    english |= rendered("en", "pages")
    translated |= rendered(language, "pages")
    submit(session=candidate.assessment)
    english |= rendered("en", "done")
    translated |= rendered(language, "done")

    allowed = same_in_translation(language) | EVERYWHERE
    data = [candidate.name, candidate.job.title]
    left = {}
    for path, html in translated.items():
        same = interface_text(english[path]) & interface_text(html)
        found = {t for t in same if t.rstrip(":") not in allowed and not any(d in t for d in data)}
        if found := {t for t in found if any(c.isalpha() for c in t)}:
            left[path] = found
    assert left == {}
