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


def pages(client, candidate, token) -> dict[str, str]:
    """Each candidate page before and after submitting, as the candidate's language renders it."""
    base = f"/a/{token}/"
    plan = plan_for(candidate.assessment)
    paths = ["", "preview/", "withdraw/", "review/"]
    paths += [f"p/{p.slug}/" for p in plan.pages if p.slug.endswith("-1")]
    seen = {path: client.get(base + path).content.decode() for path in paths}
    return seen


def after_submitting(client, token) -> dict[str, str]:
    base = f"/a/{token}/"
    return {path: client.get(base + path).content.decode() for path in ("done/", "about-you/")}


@pytest.mark.parametrize("language", ["da", "sv", "nb", "pl"])
def test_no_candidate_page_is_left_in_english(client, candidate, started, language):
    def rendered(lang: str, submitted: bool) -> dict[str, str]:
        candidate.language = lang
        candidate.save()
        return after_submitting(client, started) if submitted else pages(client, candidate, started)

    english, translated = rendered("en", False), rendered(language, False)
    submit(session=candidate.assessment)
    english |= rendered("en", True)
    translated |= rendered(language, True)

    allowed = same_in_translation(language) | EVERYWHERE
    data = [candidate.name, candidate.job.title]
    left = {}
    for path, html in translated.items():
        same = interface_text(english[path]) & interface_text(html)
        found = {t for t in same if t.rstrip(":") not in allowed and not any(d in t for d in data)}
        if found := {t for t in found if any(c.isalpha() for c in t)}:
            left[path] = found
    assert left == {}
