"""The candidate's privacy notice says what is true in every language.

Scored assessments are used across jobs (the norm group behind percentiles spans every job on
the installation; the measurement-quality report and the calibration use every complete
assessment of the content), so the notice may not say "for this job only". Nothing lets a
candidate agree to a longer retention, so it may not say "unless you agree to something else".
"""

from __future__ import annotations

import html
import re

import pytest
from django.utils import translation

from servicefit.assessments.services import PRIVACY_NOTICE_VERSION, create_invitation
from servicefit.candidates.services import add_candidate

pytestmark = pytest.mark.django_db

STATISTICS = (
    "Your answers and scores are also used, without your name, in statistics across this "
    "organisation's jobs: your percentiles compare you with everyone here who took the same "
    "assessment, and the statistics check the quality of the assessment. They hold no names "
    "and are kept after your data is deleted."
)

#: Per language: a word for percentiles, for statistics and for "no names" that the
#: translated sentence must carry (so a translation that drops a part fails too), and the
#: old promises: "for this job only" and a choice the candidate never gets.
WORDS = {
    "en": (("percentile", "statistics", "no names"), ("unless you agree", "this job only")),
    "da": (("percentil", "statistik", "ingen navne"), ("medmindre du accepterer", "udelukkende")),
    "sv": (("percentil", "statistik", "inga namn"), ("om du inte går med på", "enbart för")),
    "nb": (("persentil", "statistikk", "ingen navn"), ("med mindre du samtykker", "kun for å")),
    "pl": (("centyl", "statystyk", "imion i nazwisk"), ("chyba że zgodzisz się", "wyłącznie")),
}


def landing_page(client, job, recruiter, language: str) -> str:
    candidate = add_candidate(
        job=job,
        name="Mette Holm",
        email=f"mette.{language}@example.com",
        language=language,
        added_by=recruiter,
    )
    token = create_invitation(candidate=candidate, created_by=recruiter).token
    response = client.get(f"/a/{token}/")
    assert response.status_code == 200
    return response.content.decode()


def paragraph(page: str, marker: str) -> str:
    found = re.search(rf'<p data-notice="{marker}">(.*?)</p>', page, re.S)
    assert found, f"no {marker} paragraph in the notice"
    return html.unescape(found.group(1))


@pytest.mark.parametrize("language", sorted(WORDS))
def test_the_notice_names_the_statistics_across_jobs(client, job, recruiter, language):
    page = landing_page(client, job, recruiter, language)
    with translation.override(language):
        expected = translation.gettext(STATISTICS)
    if language != "en":
        assert expected != STATISTICS, f"not translated into {language}"
    text = paragraph(page, "statistics")
    assert text == expected
    words, _promise = WORDS[language]
    for word in words:
        assert word in text.lower(), (language, word)
    assert PRIVACY_NOTICE_VERSION in page


@pytest.mark.parametrize("language", sorted(WORDS))
def test_the_notice_promises_neither_one_job_only_nor_a_choice_it_does_not_offer(
    client, job, recruiter, language
):
    job.retention_days = 30
    job.save()
    page = html.unescape(landing_page(client, job, recruiter, language))
    _words, promises = WORDS[language]
    for promise in promises:
        assert promise not in page, (language, promise)
    with translation.override(language):
        retention = translation.ngettext(
            "Your data is deleted %(days)s day after the hiring process ends.",
            "Your data is deleted %(days)s days after the hiring process ends.",
            30,
        ) % {"days": 30}
    assert retention in page
