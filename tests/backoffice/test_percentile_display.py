"""How the report shows percentiles and what they compare with (analyst audit)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from django.core.cache import cache
from django.urls import reverse

from servicefit.backoffice.templatetags.sf import percentile_rank
from servicefit.psychometrics import build_norm

pytestmark = pytest.mark.django_db


def test_percentile_ranks_read_1_to_99():
    assert percentile_rank(99.83) == "99"  # best of 300: 100 * 299.5 / 300
    assert percentile_rank(0.17) == "1"  # worst of 300
    assert percentile_rank(50.4) == "50"
    assert percentile_rank(None) == ""


def test_the_best_score_of_a_large_group_is_not_the_100th_percentile(
    client, recruiter, scored_candidate
):
    # Found in the analyst audit: the top score of 299 showed "100" in the Percentile column.
    result = scored_candidate.assessment.result
    group = result.norm_group
    competency = "patience"
    own = result.competencies[competency]["score"]
    others = np.linspace(1.0, own - 0.01, 299)
    stats = dict(group.statistics)
    stats[competency] = {
        **stats[competency],
        "n": 300,
        "norm": build_norm(np.append(others, own), scale=competency).to_dict(),
    }
    group.statistics = stats
    group.n = 300
    group.save()
    cache.clear()
    client.force_login(recruiter)
    html = client.get(reverse("backoffice:candidate_report", args=[scored_candidate.pk])).content
    html = html.decode()
    row = re.search(r"<th scope=\"row\">Patience</th>(.*?)</tr>", html, re.S)
    assert row
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    assert cells[2].strip() == "99"  # score, band, percentile
    assert "from every job on this installation, not only this one" in html
    assert "Percentiles (1–99)" in html
